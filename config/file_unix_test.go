//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// `tikcraft check -c cfg.yaml` with the config a link to /dev/zero ran out
// of memory; a FIFO (also as the default ./tikcraft.yaml) hung forever.
func TestFileRefusesDevicesAndPipes(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "tikcraft.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		zero: zero + " is a device (a link to /dev/zero or the like?), not a file",
		fifo: fifo + " is a pipe (FIFO), not a file",
	} {
		if _, err := File(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v; want %q", err, want)
		}
	}
}
