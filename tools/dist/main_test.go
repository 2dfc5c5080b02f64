package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The archives hold the program and the files a streamer needs, under one
// folder, with the program executable.
func TestPackBothFormats(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range included {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Fatalf("%s is listed but missing", f)
		}
	}
	out := t.TempDir()
	bin := filepath.Join(t.TempDir(), "prog")
	os.WriteFile(bin, []byte("not really a program"), 0o755)
	want := []string{"tikcraft_v1_windows_amd64/tikcraft.exe"}
	for _, f := range included {
		want = append(want, "tikcraft_v1_windows_amd64/"+f)
	}
	slices.Sort(want)

	name, err := pack(root, out, bin, "windows", "amd64", "v1")
	if err != nil || name != "tikcraft_v1_windows_amd64.zip" {
		t.Fatalf("%s %v", name, err)
	}
	zr, err := zip.OpenReader(filepath.Join(out, name))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		if strings.HasSuffix(f.Name, ".exe") && f.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s is not executable", f.Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("zip holds %v\nwant %v", got, want)
	}

	name, err = pack(root, out, bin, "darwin", "arm64", "v1")
	if err != nil || name != "tikcraft_v1_darwin_arm64.tar.gz" {
		t.Fatalf("%s %v", name, err)
	}
	f, _ := os.Open(filepath.Join(out, name))
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got = nil
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name)
		if h.Name == "tikcraft_v1_darwin_arm64/tikcraft" && h.Mode&0o111 == 0 {
			t.Error("the program is not executable")
		}
		if h.Name == "tikcraft_v1_darwin_arm64/examples/actions.mca" {
			b, _ := io.ReadAll(tr)
			if !strings.Contains(string(b), "11046:") {
				t.Error("examples/actions.mca is not the example")
			}
		}
	}
	if !slices.Contains(got, "tikcraft_v1_darwin_arm64/tikcraft") || !slices.Contains(got, "tikcraft_v1_darwin_arm64/examples/tikcraft.yaml") {
		t.Fatalf("tar holds %v", got)
	}
	if err := writeSums(out, []string{"tikcraft_v1_windows_amd64.zip", "tikcraft_v1_darwin_arm64.tar.gz"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS")); strings.Count(string(b), "\n") != 2 {
		t.Fatalf("SHA256SUMS: %s", b)
	}
}

func TestBuildCommandCrossCompilesPureGo(t *testing.T) {
	cmd := buildCommand("/src", "/tmp/x/tikcraft.exe", "windows", "arm64")
	env := strings.Join(cmd.Env, "\n")
	if !strings.Contains(env, "GOOS=windows") || !strings.Contains(env, "GOARCH=arm64") || !strings.Contains(env, "CGO_ENABLED=0") ||
		!slices.Contains(cmd.Args, "-trimpath") || cmd.Args[len(cmd.Args)-1] != "./cmd/tikcraft" || cmd.Dir != "/src" {
		t.Fatalf("%v %v", cmd.Args, cmd.Env)
	}
}
