//go:build unix

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
)

// Hardening (issue 25): `tikcraft run` keeps its rules while the actions
// file is emptied (an editor mid-save), says so, and takes the file when it
// has content again; a pipe or a link to /dev/zero in the file's place
// neither hangs it nor fills the memory, the dashboard's reload answers,
// and Ctrl-C still quits.
func TestRunKeepsItsRulesWhileTheActionsFileIsNotThere(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{})
	p := s.start()
	path := filepath.Join(s.dir, "actions.mca")
	share := func(name string) {
		t.Helper()
		s.push(&tc.ShareEvent{User: s.viewer(name)})
	}

	// Emptied, as Notepad leaves it: a byte-order mark and a line end.
	s.write("actions.mca", "\ufeff\r\n")
	p.waitLine("the actions file is empty; keeping the running rules until it has content again (a comment line alone means: no rules)")
	share("while_empty")
	s.waitCommand("say marker while_empty")
	if r := dashboardRules(t, p); len(r.Triggers) != 1 || r.Triggers[0].Name != "share" || !strings.Contains(r.Error, "# no rules") {
		t.Fatalf("the dashboard shows %+v; want the running share rule and how to mean no rules", r)
	}

	// Content again: taken.
	s.write("actions.mca", "share:/say taken {user}\n")
	p.waitLine("reloaded the actions file")
	share("after_empty")
	s.waitCommand("say taken after_empty")

	// A pipe in the file's place: said once, the rules run on, and the
	// dashboard's reload answers at once.
	for _, swap := range []struct {
		what string
		make func() error
	}{
		{"is a pipe (FIFO), not a file", func() error { return syscall.Mkfifo(path, 0o600) }},
		{"is a device (a link to /dev/zero or the like?), not a file", func() error { return os.Symlink("/dev/zero", path) }},
	} {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := swap.make(); err != nil {
			t.Fatal(err)
		}
		p.waitLine(swap.what)
		if code, body := dashboardReload(t, p); code != http.StatusUnprocessableEntity || !strings.Contains(body, swap.what) {
			t.Fatalf("reload answered %d %s", code, body)
		}
		name := "while_" + strings.Fields(swap.what)[2]
		share(name)
		s.waitCommand("say taken " + name)
	}

	// Gone: said too; back: taken.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	p.waitLine("actions.mca is gone; the rules loaded at")
	s.write("actions.mca", "share:/say back {user}\n")
	p.waitLine("reloaded the actions file")
	share("back")
	s.waitCommand("say back back")

	// And a pipe again, left there: Ctrl-C quits.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	p.waitLine("is a pipe (FIFO), not a file")
	p.interrupt()
	if n := strings.Count(p.logText(), "is a pipe (FIFO), not a file: tikcraft reads the actions file only from an ordinary file; put the real file there; the rules loaded at"); n != 2 {
		t.Errorf("the pipe was said %d times, want once each time:\n%s", n, p.logText())
	}
}

type rulesView struct {
	Triggers []struct{ Name string }
	Error    string
}

// dashboardRules reads GET /api/rules from the dashboard of p.
func dashboardRules(t *testing.T, p *proc) (r rulesView) {
	t.Helper()
	link := dashboardLink.FindString(p.logText())
	if link == "" {
		t.Fatalf("no dashboard link:\n%s", p.logText())
	}
	resp, err := http.Get(link + "api/rules")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// dashboardReload presses the dashboard's reload button.
func dashboardReload(t *testing.T, p *proc) (int, string) {
	t.Helper()
	m := tokenLink.FindStringSubmatch(p.logText())
	if m == nil {
		t.Fatalf("no dashboard link with its token:\n%s", p.logText())
	}
	req, err := http.NewRequestWithContext(p.ctx, "POST", m[1]+"api/reload", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m[2])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

var tokenLink = regexp.MustCompile(`(http://127\.0\.0\.1:\d+/)\?token=([A-Za-z0-9_-]+)`)

// Started with an empty actions file, run says it runs with no rules and
// how to mean it, and takes the file once it has rules.
func TestRunWithAnEmptyActionsFileSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"tikcraft.yaml": "tiktok: {user: \"@someone\"}\nrcon: {password: pw}\nactions: actions.mca\n",
		"actions.mca":   "",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	p := startRun(t, ctx, dir, "run", "--source", "demo")
	p.waitLine("the actions file is empty: tikcraft runs with no rules, and takes the file as soon as it has some (docs/ACTIONS.md); to run with no rules, leave a comment line in it (# no rules)")
	if err := os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {user}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.waitLine("reloaded the actions file")
	p.interrupt()
}
