package rules

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/actions"
)

// A file holding only a UTF-8 byte-order mark, maybe with Windows line
// ends (what Notepad and PowerShell 5 write for an emptied file), is empty
// too: it keeps the running rules instead of dropping every one.
func TestAByteOrderMarkAloneIsEmpty(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	for _, empty := range []string{"\ufeff", "\ufeff\r\n\r\n", "\ufeff  \n"} {
		if err := os.WriteFile(path, []byte(empty), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := r.Reload(context.Background()); !errors.Is(err, ErrKept) || !strings.Contains(err.Error(), "is empty") {
			t.Fatalf("reload of %q: %v; want ErrKept saying the file is empty", empty, err)
		}
		if r.set.File().Lookup("rose") == nil {
			t.Fatalf("reload of %q dropped the running rules", empty)
		}
		if _, diags := r.Check([]byte(empty)); errorCount(diags) != 1 || !strings.Contains(diags[0].Message, "empty") {
			t.Errorf("the editor's check of %q: %v; want the error that the text is empty", empty, diags)
		}
	}
	// A byte-order mark before rules is no part of the first trigger.
	if err := os.WriteFile(path, []byte("\ufeffrose:/say new\r\nfollow:/say hi\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.set.File().Lookup("rose") == nil || r.set.File().Lookup("follow") == nil {
		t.Fatalf("rules after a byte-order mark: %v", r.set.File().Rules())
	}
}

// An empty file is run with no rules, but not in silence: check, a start
// and a reload say so.
func TestAnEmptyFileIsAWarning(t *testing.T) {
	cfg := testConfig(t, "")
	for _, src := range []string{"", "\ufeff\r\n", " \n"} {
		_, diags := Parse(cfg, "actions.mca", []byte(src))
		if len(diags) != 1 || diags[0].Severity != actions.Warning || !strings.Contains(diags[0].Message, "# no rules") {
			t.Errorf("%q: %v; want one warning saying how to mean no rules", src, diags)
		}
	}
	if _, diags := Parse(cfg, "actions.mca", []byte("# no rules\n")); len(diags) != 0 {
		t.Errorf("a comment line alone means no rules, on purpose: %v", diags)
	}
}

// A file over MaxFileSize is refused with its size, the cap and what to
// do; the running rules stay.
func TestReloadRefusesAHugeFile(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	if err := os.Truncate(path, 305<<20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	err := r.Reload(context.Background())
	want := path + " is 305 MB, more than the 1 MB allowed for the actions file"
	if !errors.Is(err, ErrKept) || !strings.Contains(err.Error(), want) || r.set.File().Lookup("rose") == nil {
		t.Fatalf("got %v; want ErrKept saying %q", err, want)
	}
	if st := r.Status(); !strings.Contains(st.Error, want) {
		t.Errorf("the dashboard shows %q", st.Error)
	}
}

// The watcher takes no folder for the file, says so once, keeps the
// rules, and takes the file when it is back.
func TestWatchSkipsAFolder(t *testing.T) {
	r, path, stop := watchSwapped(t, func(p string) error { return os.Mkdir(p, 0o755) })
	defer stop()
	waitFor(t, r, func(st Status) bool { return strings.Contains(st.Error, "is a folder, not a file") })
	if r.set.File().Lookup("rose") == nil {
		t.Fatal("the running rules were dropped")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeUntil(t, r, path, "lion:/say new\n", func(st Status) bool { return st.Error == "" && st.Rules.Lookup("lion") != nil })
}

// watchSwapped watches an actions file with a rose rule, and puts what
// swap makes in its place. stop ends the watcher and returns its log.
func watchSwapped(t *testing.T, swap func(path string) error) (r *Reloader, path string, stop func() string) {
	t.Helper()
	r, path, _ = editable(t, "rose:/say old\n")
	var logs strings.Builder
	r.log = testLogger(&logs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Watch(ctx, time.Millisecond) }()
	stop = func() string { cancel(); <-done; return logs.String() }
	t.Cleanup(func() { stop() })
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := swap(path); err != nil {
		t.Fatal(err)
	}
	return r, path, stop
}

func testLogger(w *strings.Builder) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, nil))
}

// lockedWriter lets the test read what the watcher's goroutine logs.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// waitFor waits until the reloader's status is ok.
func waitFor(t *testing.T, r *Reloader, ok func(Status) bool) {
	t.Helper()
	for range 2000 {
		if ok(r.Status()) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("status never changed as expected: %+v", r.Status())
}

// A problem the reload button met (the file gone for a moment) is cleared
// by the watcher once the file is back, even with the text that ran: the
// dashboard must not keep showing it.
func TestWatchClearsAProblemTheButtonMet(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(context.Background()); !errors.Is(err, ErrKept) || r.Status().Error == "" {
		t.Fatalf("reload of a file that is gone: %v, status %+v", err, r.Status())
	}
	if err := os.WriteFile(path, []byte("rose:/say old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Watch(ctx, time.Millisecond) }()
	defer func() { cancel(); <-done }()
	waitFor(t, r, func(st Status) bool { return st.Error == "" })
}
