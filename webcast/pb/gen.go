// Package pb holds the Go code generated from webcast.proto, the subset of
// TikTok's Webcast push schema that tikcraft uses. Edit the .proto, never the
// generated file, and run `go generate ./webcast/...`.
package pb

// protoc comes from the system (Debian: protobuf-compiler); protoc-gen-go is
// pinned by the tool directive in go.mod so every machine generates the
// same code.
//go:generate sh -c "protoc --plugin=protoc-gen-go=\"$(go tool -n protoc-gen-go)\" --go_out=. --go_opt=paths=source_relative webcast.proto"
