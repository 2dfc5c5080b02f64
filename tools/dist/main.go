// Command dist builds the download archives of tikcraft for people without
// Go: one per platform, each with the program, the README, the docs (and
// every file they link) and the examples, zipped for Windows and as .tar.gz elsewhere, plus a
// SHA256SUMS file. It needs only Go (no make, no shell tools):
//
//	go run ./tools/dist                     # every platform, into dist/
//	go run ./tools/dist -targets windows/amd64,linux/amd64 -out /tmp/d
//
// Programs are built with CGO_ENABLED=0 (tikcraft is pure Go, SQLite
// included), -trimpath and the version from -version (default: what git
// describes, else "dev").
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// defaultTargets are the platforms streamers use.
var defaultTargets = []string{
	"windows/amd64", "windows/arm64",
	"darwin/amd64", "darwin/arm64",
	"linux/amd64", "linux/arm64",
}

// examples are the example files every archive carries.
var examples = []string{"examples/tikcraft.yaml", "examples/actions.mca", "examples/events.jsonl"}

// included lists the files every archive carries besides the program,
// relative to the module root with forward slashes: the README, every
// page in docs/, every file those link to (screenshots, other pages),
// and the examples. A link to a file that does not exist is an error, so
// an archive never ships a dangling link.
func included(root string) ([]string, error) {
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	queue := []string{"README.md"}
	for _, p := range pages {
		queue = append(queue, "docs/"+filepath.Base(p))
	}
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		if seen[page] {
			continue
		}
		add(page)
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(page)))
		if err != nil {
			return nil, fmt.Errorf("%s is missing: %w", page, err)
		}
		for _, target := range localLinks(page, string(b)) {
			src := filepath.Join(root, filepath.FromSlash(target))
			st, err := os.Stat(src)
			if err != nil {
				return nil, fmt.Errorf("%s links %s, which does not exist", page, target)
			}
			if st.IsDir() {
				err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					rel, err := filepath.Rel(root, p)
					add(filepath.ToSlash(rel))
					return err
				})
				if err != nil {
					return nil, err
				}
				continue
			}
			if strings.HasSuffix(target, ".md") {
				queue = append(queue, target)
			} else {
				add(target)
			}
		}
	}
	for _, f := range examples {
		add(f)
	}
	sort.Strings(out)
	return out, nil
}

// markdownLink finds the targets of [text](target "title"), ![alt](target),
// reference definitions "[name]: target" and HTML src="" / href="".
var markdownLink = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|(?m)^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)|(?:src|href)="([^"]+)"`)

// localLinks returns the files page links to, relative to the module root:
// web addresses, mailto: and links within the page are left out, anchors
// and queries dropped.
func localLinks(page, text string) []string {
	var out []string
	for _, m := range markdownLink.FindAllStringSubmatch(text, -1) {
		target := m[1] + m[2] + m[3]
		if i := strings.IndexAny(target, "#?"); i >= 0 {
			target = target[:i]
		}
		if target == "" || strings.Contains(target, ":") {
			continue // within the page, or a scheme (https:, mailto:)
		}
		if t, err := url.PathUnescape(target); err == nil {
			target = t
		}
		out = append(out, path.Clean(path.Join(path.Dir(page), target)))
	}
	return out
}

func main() {
	out := flag.String("out", "dist", "folder for the archives")
	targets := flag.String("targets", strings.Join(defaultTargets, ","), "comma-separated GOOS/GOARCH list")
	version := flag.String("version", "", "version in the archive names (default: git describe, else dev)")
	flag.Parse()
	if err := run(*out, strings.Split(*targets, ","), *version); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out string, targets []string, version string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if version == "" {
		version = gitVersion(root)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "tikcraft-dist")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var archives []string
	for _, t := range targets {
		t = strings.TrimSpace(t)
		goos, goarch, ok := strings.Cut(t, "/")
		if !ok || goos == "" || goarch == "" {
			return fmt.Errorf("target %q: write it as GOOS/GOARCH, e.g. windows/amd64", t)
		}
		bin := filepath.Join(tmp, goos+"_"+goarch, exeName(goos))
		fmt.Fprintf(os.Stderr, "building %s/%s\n", goos, goarch)
		cmd := buildCommand(root, bin, goos, goarch)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building for %s/%s: %w", goos, goarch, err)
		}
		name, err := pack(root, out, bin, goos, goarch, version)
		if err != nil {
			return err
		}
		archives = append(archives, name)
	}
	return writeSums(out, archives)
}

func exeName(goos string) string {
	if goos == "windows" {
		return "tikcraft.exe"
	}
	return "tikcraft"
}

// buildCommand is the go build for one platform. `tikcraft version` reads
// the version and commit from the build information Go stamps in.
func buildCommand(root, bin, goos, goarch string) *exec.Cmd {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/tikcraft")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	return cmd
}

// pack writes the archive for one platform and returns its file name.
func pack(root, out, bin, goos, goarch, version string) (string, error) {
	base := fmt.Sprintf("tikcraft_%s_%s_%s", version, goos, goarch)
	files := map[string]string{path.Join(base, exeName(goos)): bin}
	docs, err := included(root)
	if err != nil {
		return "", err
	}
	for _, f := range docs {
		if strings.HasPrefix(f, "../") {
			return "", fmt.Errorf("a doc links %s, outside the repository", f)
		}
		files[path.Join(base, f)] = filepath.Join(root, filepath.FromSlash(f))
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	name := base + ".tar.gz"
	if goos == "windows" {
		name = base + ".zip"
	}
	f, err := os.Create(filepath.Join(out, name))
	if err != nil {
		return "", err
	}
	defer f.Close()
	if goos == "windows" {
		err = writeZip(f, names, files, exeName(goos))
	} else {
		err = writeTarGz(f, names, files, exeName(goos))
	}
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", name, err)
	}
	return name, f.Close()
}

// stamp is the file time in archives: fixed, so that builds of the same
// commit give the same archive.
var stamp = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func writeZip(w io.Writer, names []string, files map[string]string, exe string) error {
	zw := zip.NewWriter(w)
	for _, n := range names {
		b, err := os.ReadFile(files[n])
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: stamp}
		mode := fs.FileMode(0o644)
		if path.Base(n) == exe {
			mode = 0o755
		}
		h.SetMode(mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(b); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeTarGz(w io.Writer, names []string, files map[string]string, exe string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		b, err := os.ReadFile(files[n])
		if err != nil {
			return err
		}
		mode := int64(0o644)
		if path.Base(n) == exe {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: mode, Size: int64(len(b)), ModTime: stamp, Format: tar.FormatPAX}); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeSums(out string, archives []string) error {
	var b strings.Builder
	for _, a := range archives {
		f, err := os.Open(filepath.Join(out, a))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), a)
	}
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(b.String()), 0o644)
}

// moduleRoot finds the folder with tikcraft's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run this inside the tikcraft repository (go run ./tools/dist)")
	}
	return filepath.Dir(mod), nil
}

// gitVersion is `git describe --tags --always --dirty`, or "dev" without
// git (a downloaded source archive).
func gitVersion(root string) string {
	cmd := exec.Command("git", "describe", "--tags", "--always", "--dirty")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "dev"
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "dev"
	}
	return strings.NewReplacer("/", "-", "\\", "-", " ", "-").Replace(v)
}
