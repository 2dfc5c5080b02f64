//go:build unix

package web

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A pipe where a sound or the dashboard token belongs is refused at once:
// opening it would wait for a writer, holding the alert's request or the
// start of run for good.
func TestPipesAreNotOpened(t *testing.T) {
	ts, _, dir := startOverlays(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "sounds", "pipe.mp3"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _ := ts.do(t, req{method: "GET", path: "/overlay/sounds/pipe.mp3"}); code != 404 {
		t.Errorf("a pipe as a sound: %d", code)
	}

	data := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(data, TokenFile), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadToken(data); err == nil || !strings.Contains(err.Error(), "not an ordinary file") && !strings.Contains(err.Error(), "pipe") {
		t.Errorf("LoadToken with a pipe: %v", err)
	}
	if _, err := ReadToken(data); err == nil {
		t.Error("ReadToken read a pipe")
	}
	if _, err := os.Stat(filepath.Join(data, TokenFile)); err != nil {
		t.Fatal(err)
	}
}

// A dashboard token that is a link to nothing is an error naming it; it
// was taken for no token, and creating one then failed ("exists"), so
// LoadToken called itself for ever.
func TestTokenLinkToNothing(t *testing.T) {
	data := t.TempDir()
	if err := os.Symlink(filepath.Join(data, "gone"), filepath.Join(data, TokenFile)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadToken(data); err == nil || !strings.Contains(err.Error(), "is a link to "+filepath.Join(data, "gone")+", which does not exist") {
		t.Errorf("LoadToken: %v", err)
	}
	if _, err := ReadToken(data); err == nil || !strings.Contains(err.Error(), "which does not exist") {
		t.Errorf("ReadToken: %v", err)
	}
}
