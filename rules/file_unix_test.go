//go:build unix

package rules

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

// A pipe or a link to /dev/zero in place of the actions file neither
// hangs a reload (the dashboard's button held the reloader's lock for
// ever) nor fills the memory; the rules stay.
func TestReloadRefusesPipesAndDevices(t *testing.T) {
	for name, swap := range map[string]func(path string) error{
		"is a pipe (FIFO)": func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"is a device":      func(path string) error { return os.Symlink("/dev/zero", path) },
	} {
		t.Run(name, func(t *testing.T) {
			r, path, _ := editable(t, "rose:/say old\n")
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := swap(path); err != nil {
				t.Fatal(err)
			}
			if err := r.Reload(context.Background()); !errors.Is(err, ErrKept) || !strings.Contains(err.Error(), name) {
				t.Fatalf("got %v; want ErrKept saying it %s", err, name)
			}
			if r.set.File().Lookup("rose") == nil {
				t.Fatal("the running rules were dropped")
			}
			if _, err := r.Source(); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("the editor's read: %v", err)
			}
			if _, err := r.Save([]byte("rose:/say new\n"), ""); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("save: %v", err)
			}
		})
	}
}

// The watcher never blocks on a pipe put in the file's place: it warns
// once, keeps the rules, stops when asked, and takes the file once it is
// an ordinary file again.
func TestWatchSkipsAPipe(t *testing.T) {
	r, path, stop := watchSwapped(t, func(p string) error { return syscall.Mkfifo(p, 0o600) })
	waitFor(t, r, func(st Status) bool { return strings.Contains(st.Error, "is a pipe (FIFO)") })
	// A reload asked meanwhile returns too.
	if err := r.Reload(context.Background()); !errors.Is(err, ErrKept) {
		t.Fatalf("reload: %v", err)
	}
	if r.set.File().Lookup("rose") == nil {
		t.Fatal("the running rules were dropped")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeUntil(t, r, path, "lion:/say new\n", func(st Status) bool { return st.Error == "" && st.Rules.Lookup("lion") != nil })
	logs := stop()
	if n := strings.Count(logs, "is a pipe (FIFO), not a file: tikcraft reads the actions file only from an ordinary file; put the real file there; the rules loaded at"); n != 1 {
		t.Errorf("the watcher warned %d times about the pipe, want once:\n%s", n, logs)
	}
}
