package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriteReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "actions.mca")
	if err := Write(path, []byte("new file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new file\n" {
		t.Fatalf("got %q", b)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(path, []byte("second\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "second\n" {
		t.Fatalf("got %q", b)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real.mca")
	link := filepath.Join(dir, "link.mca")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Fatalf("target holds %q", b)
	}
}

func TestWriteInMissingFolderFails(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "file"), []byte("x"), 0o644)
	if err == nil {
		t.Fatal("wrote into a folder that does not exist")
	}
}
func TestWriteReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.properties")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new content" {
		t.Fatalf("content %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}
func TestWriteFailsNamingThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-folder", "f")
	err := Write(path, []byte("x"), 0o644)
	if err == nil || !filepath.IsAbs(path) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err %v", err)
	}
}

// Windows refuses to replace a file that another program holds open for a
// moment (a virus scanner or a sync client looking at the file just
// written): the rename is tried again, with growing sleeps, for up to
// maxHeld, and not at all for any other error.
func TestRenameHeldTriesAgainWhileHeld(t *testing.T) {
	errHeld, errOther := errors.New("held"), errors.New("other")
	held := func(err error) bool { return errors.Is(err, errHeld) }
	for _, tt := range []struct {
		name  string
		fails []error // what the renames return, in order, before one works
		want  error
		tries int
	}{
		{"free", nil, nil, 1},
		{"held a moment", []error{errHeld, errHeld, errHeld}, nil, 4},
		{"another error", []error{errOther}, errOther, 1},
		{"held for good", slices.Repeat([]error{errHeld}, 1000), errHeld, 0},
	} {
		tries := 0
		var slept time.Duration
		rename := func(old, new string) error {
			tries++
			if tries <= len(tt.fails) {
				return &os.LinkError{Op: "rename", Old: old, New: new, Err: tt.fails[tries-1]}
			}
			return nil
		}
		err := renameHeld(rename, ".a.tmp", "a", held, func(d time.Duration) { slept += d })
		if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
		if tt.tries > 0 && tries != tt.tries {
			t.Errorf("%s: %d tries, want %d", tt.name, tries, tt.tries)
		}
		if tt.tries == 0 && (slept < maxHeld || slept > maxHeld+time.Second || tries > 20) {
			t.Errorf("%s: gave up after %d tries and %v of sleep; want about %v", tt.name, tries, slept, maxHeld)
		}
	}
}

// A rename that fails names the file, not the temporary file it came from.
func TestWriteErrorNamesTheFileOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "actions.mca")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil { // a folder in its place: the rename fails
		t.Fatal(err)
	}
	err := Write(path, []byte("rose:/say hi\n"), 0o644)
	if err == nil || !strings.HasPrefix(err.Error(), "cannot replace "+path+": ") || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("got %v", err)
	}
}
