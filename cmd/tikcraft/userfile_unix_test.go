//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Hardening (issue 25): check (and so run) reads the config and the
// actions file only as ordinary files: a link to /dev/zero ran out of
// memory, a FIFO (also as the default ./tikcraft.yaml) hung for ever.
func TestCheckRefusesPipesAndDevices(t *testing.T) {
	t.Parallel()
	fifo := func(path string) error { return syscall.Mkfifo(path, 0o600) }
	zero := func(path string) error { return os.Symlink("/dev/zero", path) }
	// A link to nothing was taken for no file: the default ./tikcraft.yaml
	// silently gave way to the defaults, an actions.mca was "not found:
	// create it" though the streamer sees it in the folder.
	broken := func(path string) error { return os.Symlink(filepath.Join("old", "gone.txt"), path) }
	tests := []struct {
		name  string
		file  string // made by make; the other is an ordinary file
		make  func(string) error
		args  []string
		wants string
	}{
		{"config -c, /dev/zero", "cfg.yaml", zero, []string{"check", "-c", "cfg.yaml"}, "cfg.yaml is a device (a link to /dev/zero or the like?), not a file: tikcraft reads the config file only from an ordinary file"},
		{"config -c, FIFO", "cfg.yaml", fifo, []string{"check", "-c", "cfg.yaml"}, "cfg.yaml is a pipe (FIFO), not a file"},
		{"default ./tikcraft.yaml, FIFO", "tikcraft.yaml", fifo, []string{"check"}, "tikcraft.yaml is a pipe (FIFO), not a file"},
		{"actions, /dev/zero", "actions.mca", zero, []string{"check", "-c", "tikcraft.yaml"}, "error: actions.mca is a device (a link to /dev/zero or the like?), not a file: tikcraft reads the actions file only from an ordinary file"},
		{"actions, FIFO", "actions.mca", fifo, []string{"check", "-c", "tikcraft.yaml"}, "error: actions.mca is a pipe (FIFO), not a file"},
		{"default ./tikcraft.yaml, a link to nothing", "tikcraft.yaml", broken, []string{"check"}, "cannot read the config file tikcraft.yaml: it is a link to old/gone.txt, which does not exist; put the real file there"},
		{"actions, a link to nothing", "actions.mca", broken, []string{"check", "-c", "tikcraft.yaml"}, "error: cannot read the actions file actions.mca: it is a link to old/gone.txt, which does not exist"},
		{"actions, a link to nothing, run", "actions.mca", broken, []string{"run", "-c", "tikcraft.yaml"}, "error: cannot read the actions file actions.mca: it is a link to old/gone.txt, which does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, content := range map[string]string{"tikcraft.yaml": "actions: actions.mca\n", "actions.mca": "follow:/say hi\n"} {
				if name == tt.file {
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.make(filepath.Join(dir, tt.file)); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := tikcraft(t, dir, nil, tt.args...)
			if code == 0 || !strings.Contains(out+errOut, tt.wants) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want a failure saying %q", code, out, errOut, tt.wants)
			}
		})
	}
}

// An event file that is a pipe (FIFO) is refused before anything starts,
// by every command that takes one: opening it would wait for a writer
// for ever, before "tikcraft is running" and out of Ctrl-C's reach.
func TestEventFileCommandsRefuseAPipe(t *testing.T) {
	t.Parallel()
	const want = "events.jsonl is a pipe (FIFO), not a file: tikcraft reads the event file only from an ordinary file"
	for _, args := range [][]string{
		{"run", "--source", "replay:events.jsonl"},
		{"replay", "--dry-run", "events.jsonl"},
		{"demo", "--events", "events.jsonl"},
		{"replay", "--frames", "events.jsonl"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("tiktok: {user: \"@creeper_queen\"}\nactions: actions.mca\n"), 0o600)
			os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say hi\n"), 0o600)
			if err := syscall.Mkfifo(filepath.Join(dir, "events.jsonl"), 0o600); err != nil {
				t.Fatal(err)
			}
			wants := want
			if args[1] == "--frames" {
				wants = strings.Replace(want, "event file", "capture file", 1)
			}
			out, errOut, code := tikcraft(t, dir, nil, args...)
			if code != 1 || !strings.Contains(errOut, wants) || strings.Contains(out+errOut, "running") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want a failure saying %q before running", code, out, errOut, wants)
			}
		})
	}
}
