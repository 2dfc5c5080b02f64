//go:build unix

package serverprops

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `tikcraft init --server DIR` with DIR/server.properties a link to
// /dev/zero ran out of memory, and a FIFO hung it: both are refused at
// once, and so are a folder and a file far bigger than any
// server.properties.
func TestEnableRCONRefusesWhatIsNotAPropertiesFile(t *testing.T) {
	for want, mk := range map[string]func(path string) error{
		"is a pipe (FIFO), not a file":                               func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"is a device (a link to /dev/zero or the like?), not a file": func(path string) error { return os.Symlink("/dev/zero", path) },
		"is a folder, not a file":                                    func(path string) error { return os.Mkdir(path, 0o755) },
		"is 305 MB, more than the 256 KB allowed for the server.properties file": func(path string) error {
			if err := os.WriteFile(path, []byte("motd=hi\n"), 0o600); err != nil {
				return err
			}
			return os.Truncate(path, 305<<20) // sparse: costs no disk
		},
	} {
		t.Run(want, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "server.properties")
			if err := mk(path); err != nil {
				t.Fatal(err)
			}
			if r, err := EnableRCON(dir, time.Now()); err == nil || !strings.Contains(err.Error(), path+" "+want) {
				t.Fatalf("got %+v, %v; want an error saying %q", r, err, want)
			}
		})
	}
}
