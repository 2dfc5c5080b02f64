//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Not parallel: the umask is the whole process's.
func TestWriteAppliesPermLessUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "f")
	if err := Write(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if got := fi.Mode().Perm(); got != 0o640 {
		t.Fatalf("mode %o, want 640 (0644 less umask 027)", got)
	}
}

func TestReplaceKeepsTheFilesOwnBits(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	for _, mode := range []os.FileMode{0o644, 0o600, 0o640, 0o440} {
		path := filepath.Join(t.TempDir(), "server.properties")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, mode)
		if err := Write(path, []byte("new"), 0o644); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("mode %o became %o", mode, got)
		}
	}
}
