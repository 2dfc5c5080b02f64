//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A link to /dev/zero never ends and a FIFO blocks its reader until a
// writer comes: both are refused at once, with what they are.
func TestReadRefusesDevicesAndPipes(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		zero: zero + " is a device (a link to /dev/zero or the like?), not a file",
		fifo: fifo + " is a pipe (FIFO), not a file: tikcraft reads the test file only from an ordinary file; put the real file there",
	} {
		if _, err := Read(path, testKind); !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v; want %q", err, want)
		}
	}
}

// A pipe put in place of the file after Read looked at it is opened
// without waiting for a writer (a blocking open would hang this test), and
// refused by the second look.
func TestReadDoesNotWaitOnAPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "actions.mca")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readOpen(p, testKind); !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), "is a pipe (FIFO)") {
		t.Fatalf("an opened pipe: %v", err)
	}
}
