package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	docs, err := included(root)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	bin := filepath.Join(t.TempDir(), "prog")
	os.WriteFile(bin, []byte("not really a program"), 0o755)
	want := []string{"tikcraft_v1_windows_amd64/tikcraft.exe"}
	for _, f := range docs {
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

// archiveNames packs a fake program for goos and lists the archive.
func archiveNames(t *testing.T, root, goos string) (base string, names []string) {
	t.Helper()
	out := t.TempDir()
	bin := filepath.Join(t.TempDir(), "prog")
	os.WriteFile(bin, []byte("not really a program"), 0o755)
	name, err := pack(root, out, bin, goos, "amd64", "v1")
	if err != nil {
		t.Fatal(err)
	}
	base = "tikcraft_v1_" + goos + "_amd64/"
	if goos == "windows" {
		zr, err := zip.OpenReader(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		return base, names
	}
	f, err := os.Open(filepath.Join(out, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return base, names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

// Every file the README and the docs link to is in every archive, so a
// link in an unpacked download never leads nowhere. The links are read
// here on their own, not with the function dist uses.
func TestArchiveHoldsEveryLinkedFile(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	pages = append(pages, filepath.Join(root, "README.md"))
	link := regexp.MustCompile(`\]\(([^)\s#]+)[^)]*\)`)
	want := map[string]string{} // file in the archive -> the page that links it
	for _, p := range pages {
		rel, _ := filepath.Rel(root, p)
		want[filepath.ToSlash(rel)] = "(a doc itself)"
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "mailto:") {
				continue
			}
			target := filepath.ToSlash(filepath.Join(filepath.Dir(rel), m[1]))
			want[target] = filepath.ToSlash(rel)
		}
	}
	for _, must := range []string{"docs/OVERLAYS.md", "docs/WEB.md", "docs/CAPTURE.md", "docs/PERFORMANCE.md", "docs/ARCHITECTURE.md", "docs/dashboard.png", "docs/overlay-alerts.png"} {
		if _, ok := want[must]; !ok {
			t.Errorf("no doc links %s any more: is this test still reading the links?", must)
		}
	}
	for _, goos := range []string{"windows", "linux"} {
		base, names := archiveNames(t, root, goos)
		for f, from := range want {
			if !slices.Contains(names, base+f) {
				t.Errorf("%s archive lacks %s (linked from %s)", goos, f, from)
			}
		}
	}
}

// A link to a file that does not exist stops dist with the page and the
// link, and links within a page or to the web are no files.
func TestIncludedRefusesADanglingLink(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "docs"), 0o755)
	os.MkdirAll(filepath.Join(root, "examples"), 0o755)
	for _, f := range examples {
		os.WriteFile(filepath.Join(root, filepath.FromSlash(f)), []byte("x"), 0o644)
	}
	os.WriteFile(filepath.Join(root, "README.md"), []byte("[a](docs/A.md) [web](https://go.dev) [here](#top) ![shot](docs/a.png \"A shot\")\n"), 0o644)
	os.WriteFile(filepath.Join(root, "docs", "A.md"), []byte("[b](B.md#part) [readme](../README.md) <img src=\"a.png\">\n"), 0o644)
	os.WriteFile(filepath.Join(root, "docs", "B.md"), []byte("[gone](missing.png)\n"), 0o644)
	os.WriteFile(filepath.Join(root, "docs", "a.png"), []byte("png"), 0o644)
	if _, err := included(root); err == nil || err.Error() != "docs/B.md links docs/missing.png, which does not exist" {
		t.Fatalf("error %v", err)
	}
	os.WriteFile(filepath.Join(root, "docs", "B.md"), []byte("plain\n"), 0o644)
	got, err := included(root)
	want := []string{"README.md", "docs/A.md", "docs/B.md", "docs/a.png", "examples/actions.mca", "examples/events.jsonl", "examples/tikcraft.yaml"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("included = %q, %v\nwant %q", got, err, want)
	}
}

// A build after `go run ./tools/dist` must not call itself "+dirty": the
// archives' folder is ignored by git.
func TestDistFolderIsIgnoredByGit(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skip("not a git checkout, so nothing can make it dirty")
	}
	cmd := exec.Command("git", "check-ignore", "dist/tikcraft_v1_linux_amd64.tar.gz")
	cmd.Dir = root
	if err := cmd.Run(); err != nil {
		t.Fatalf("git does not ignore dist/ (%v): add it to .gitignore", err)
	}
}
