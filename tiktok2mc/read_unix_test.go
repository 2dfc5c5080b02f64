//go:build unix

package tiktok2mc

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Hardening (issue 25): migrate reads regular files only, with a size cap,
// and says what is wrong instead of eating the memory or hanging.
func TestConvertRefusesWhatIsNotAFile(t *testing.T) {
	const cfg = "RCON:\n  Port: 25575\n  Password: x\nTikTok:\n  User: anna\n"
	tests := []struct {
		name string
		make func(t *testing.T, dir string)
		want string
	}{
		{"config.yaml links to /dev/zero", func(t *testing.T, dir string) {
			symlink(t, "/dev/zero", filepath.Join(dir, "config", "config.yaml"))
		}, "is a device"},
		{"config.yaml is a FIFO", func(t *testing.T, dir string) {
			fifo(t, filepath.Join(dir, "config", "config.yaml"))
		}, "is a pipe (FIFO)"},
		{"actions.mca is a FIFO", func(t *testing.T, dir string) {
			writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			fifo(t, filepath.Join(dir, "data", "actions.mca"))
		}, "actions.mca is a pipe (FIFO)"},
		{"actions.mca is 305 MB", func(t *testing.T, dir string) {
			writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			f, err := os.Create(filepath.Join(dir, "data", "actions.mca"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(305 << 20); err != nil { // sparse: costs no disk
				t.Fatal(err)
			}
		}, "actions.mca is 305 MB, more than the 1 MB allowed for the Tiktok2Mc actions file: it is not a Tiktok2Mc file"},
		{"config.yaml is over 64 KB", func(t *testing.T, dir string) {
			writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg+strings.Repeat("# a comment line\n", 4<<10))
		}, "config.yaml is 68.1 KB, more than the 64 KB allowed for the Tiktok2Mc YAML file"},
		// A broken link was taken for no file: the new actions.mca was
		// empty and the streamer's rules stayed behind without a word.
		{"actions.mca is a link to nothing", func(t *testing.T, dir string) {
			writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			symlink(t, filepath.Join(dir, "gone", "actions.mca"), filepath.Join(dir, "data", "actions.mca"))
		}, filepath.Join("gone", "actions.mca") + ", which does not exist; put the real file there"},
		{"config.yaml is a link to nothing", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(dir, "gone.yaml"), filepath.Join(dir, "config", "config.yaml"))
		}, "gone.yaml, which does not exist"},
		{"http_actions.txt links to /dev/zero", func(t *testing.T, dir string) {
			writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			writeT(t, filepath.Join(dir, "data", "actions.mca"), "rose:/say hi\n")
			symlink(t, "/dev/zero", filepath.Join(dir, "data", "http_actions.txt"))
		}, "http_actions.txt is a device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range []string{"config", "data"} {
				if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			tt.make(t, dir)
			res, err := Convert(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, %v; want an error saying %q", res, err, tt.want)
			}
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func fifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}
