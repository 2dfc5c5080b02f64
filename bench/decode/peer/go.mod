// This folder is the Node peer of bench/decode. This file only keeps it, and
// the node_modules that `npm ci` puts here, out of the tikcraft module, so
// that go vet ./... and go test ./... never look inside.
module tikcraft-bench-decode-peer

go 1.26
