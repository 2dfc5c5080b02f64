package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/examples"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/web"
)

const listReply = "There are 0 of a max of 20 players online: "

// minecraftLike answers list the way Minecraft does, and everything else
// with nothing.
func minecraftLike(t *testing.T) *rcontest.Server {
	return rcontest.Start(t, testPassword, rcontest.Reply(func(cmd string) string {
		if cmd == "list" {
			return listReply
		}
		return ""
	}))
}

// raw does a request with a text body and returns the status and body.
func (d *dashDemo) raw(t *testing.T, method, path, contentType, body string, withToken bool) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, d.base+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if withToken {
		req.Header.Set("Authorization", "Bearer "+d.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (d *dashDemo) rules(t *testing.T) web.Rules {
	t.Helper()
	_, body := d.raw(t, "GET", "/api/rules", "", "", false)
	var r web.Rules
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("GET /api/rules: %v\n%s", err, body)
	}
	return r
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEditActionsFromTheDashboard goes through `tikcraft demo -c` with a
// data_dir, as a streamer's own setup: the file is served as it is; a
// save needs the token; a text with a typo is 422 with its diagnostics and
// changes nothing; a valid one is written, the old file kept as .bak, and
// its rules run at once, a test firing of a new rule reaching Minecraft.
func TestEditActionsFromTheDashboard(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	d := startDashDemoOn(t, minecraftLike(t), "data_dir: "+data+"\nminecraft:\n  version: 1.21.4\n", dashActions)
	path := filepath.Join(d.dir, "actions.mca")

	if code, body := d.raw(t, "GET", "/api/actions", "", "", false); code != 200 || body != dashActions {
		t.Fatalf("GET /api/actions: HTTP %d %q", code, body)
	}
	newText := dashActions + "lion:/execute at @a run summon breeze ~ ~ ~; /give @a mace[enchantments={density:5}]\n"
	if code, _ := d.raw(t, "POST", "/api/actions", "text/plain", newText, false); code != 401 {
		t.Errorf("save without the token: HTTP %d", code)
	}
	typo := dashActions + "lion:/execute at @a run summon breze ~ ~ ~\n"
	code, body := d.raw(t, "POST", "/api/actions", "text/plain", typo, true)
	var refused struct {
		Saved       bool
		Diagnostics []web.Diagnostic
	}
	json.Unmarshal([]byte(body), &refused)
	if code != 422 || refused.Saved || len(refused.Diagnostics) != 1 || refused.Diagnostics[0].Line != 4 ||
		refused.Diagnostics[0].Severity != "error" || !strings.Contains(refused.Diagnostics[0].Message, "breeze") {
		t.Fatalf("a typo: HTTP %d %s", code, body)
	}
	if readFile(t, path) != dashActions {
		t.Fatal("the refused text was written")
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Fatalf("a backup was made for a refused text: %v", err)
	}
	if slices.ContainsFunc(d.rules(t).Triggers, func(ti web.TriggerInfo) bool { return ti.Name == "lion" }) {
		t.Fatal("the refused rules run")
	}

	code, body = d.raw(t, "POST", "/api/actions", "text/plain", newText, true)
	if code != 200 {
		t.Fatalf("a valid text: HTTP %d %s", code, body)
	}
	if readFile(t, path) != newText || readFile(t, path+".bak") != dashActions {
		t.Fatalf("file %q, backup %q", readFile(t, path), readFile(t, path+".bak"))
	}
	r := d.rules(t)
	if i := slices.IndexFunc(r.Triggers, func(ti web.TriggerInfo) bool { return ti.Name == "lion" }); i < 0 || r.Triggers[i].Commands[0] != "/execute at @a run summon breeze ~ ~ ~" {
		t.Fatalf("GET /api/rules right after the save: %+v", r.Triggers)
	}
	if code, res := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "lion", "user": "editor"}); code != 200 {
		t.Fatalf("firing the new rule: HTTP %d %v", code, res)
	}
	d.waitCommand(t, "give @a mace[enchantments={density:5}]")

	// The watcher does not load the saved file again: an edit made outside
	// tikcraft afterwards is the second load, never the third.
	write(t, path, newText+"share:/say shared by {user}\n")
	s := d.waitFor(t, "the outside edit", func(s web.Snapshot) bool {
		return slices.ContainsFunc(s.Rules.Triggers, func(ti web.TriggerInfo) bool { return ti.Name == "share" })
	})
	n := 0
	for _, f := range s.Feed {
		if f.Type == "reload" || f.Type == "reload-error" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d reload lines in the feed, want 2 (the save's and the outside edit's)", n)
	}
}

// A save refused because the actions file was deleted answers the
// deleted state's own version, not "": the next Save writes the file
// while it is still gone, but a file that came back meanwhile (Notepad's
// undo, a restore) is refused again with its version, as the editor's
// Save then Save again would otherwise overwrite it unseen.
func TestEditorRefusesAFileThatCameBackAfterItWasDeleted(t *testing.T) {
	t.Parallel()
	d := startDashDemoOn(t, minecraftLike(t), "data_dir: "+t.TempDir()+"\n", dashActions)
	path := filepath.Join(d.dir, "actions.mca")
	type answer struct {
		Saved, Changed bool
		Version, Error string
	}
	save := func(text, base string) (int, answer) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"text": text, "base": base})
		code, res := d.raw(t, "POST", "/api/actions", "application/json", string(body), true)
		var a answer
		json.Unmarshal([]byte(res), &a)
		return code, a
	}
	_, body := d.raw(t, "GET", "/api/actions?format=json", "", "", false)
	var loaded answer
	json.Unmarshal([]byte(body), &loaded)
	mine := dashActions + "share:/say mine\n"

	os.Remove(path)
	code, a := save(mine, loaded.Version)
	if code != 409 || !a.Changed || a.Version != "deleted" || !strings.Contains(a.Error, "was deleted since the editor loaded it") {
		t.Fatalf("save after the delete: HTTP %d %+v", code, a)
	}
	back := dashActions + "share:/say restored\n"
	write(t, path, back)
	code, a = save(mine, a.Version)
	if code != 409 || !a.Changed || a.Version == "" || a.Version == "deleted" || !strings.Contains(a.Error, "is on disk again since the editor found it deleted") {
		t.Fatalf("save from the deleted version after the file came back: HTTP %d %+v", code, a)
	}
	if readFile(t, path) != back {
		t.Fatal("the file that came back was overwritten")
	}
	if code, a = save(mine, a.Version); code != 200 || !a.Saved || readFile(t, path) != mine {
		t.Fatalf("save from the version there now: HTTP %d %+v", code, a)
	}
	// Deleted and still gone: a save from the deleted version writes it.
	os.Remove(path)
	_, body = d.raw(t, "GET", "/api/actions?format=json", "", "", false)
	json.Unmarshal([]byte(body), &loaded)
	if code, a = save(dashActions, loaded.Version); loaded.Version != "deleted" || code != 200 || readFile(t, path) != dashActions {
		t.Fatalf("GET version %q; save while deleted: HTTP %d %+v", loaded.Version, code, a)
	}
}

// TestConsoleThroughTheDashboard: POST /api/rcon reaches the real RCON
// server and answers its reply; the command is in the event log as a
// console command and in no count of actions or gifts.
func TestConsoleThroughTheDashboard(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mc := minecraftLike(t)
	d := startDashDemoOn(t, mc, "data_dir: "+data+"\n", dashActions)
	if code, _ := d.raw(t, "POST", "/api/rcon", "application/json", `{"command":"list"}`, false); code != 401 {
		t.Errorf("without the token: HTTP %d", code)
	}
	code, res := d.call(t, "POST", "/api/rcon", map[string]any{"command": "list"})
	if code != 200 || res["reply"] != listReply || len(res) != 1 {
		t.Fatalf("HTTP %d %v", code, res)
	}
	if code, res := d.call(t, "POST", "/api/rcon", map[string]any{"command": "/say from the console"}); code != 200 || res["reply"] != "" {
		t.Fatalf("HTTP %d %v", code, res)
	}
	if got := mc.Commands(); !slices.Equal(got, []string{"list", "say from the console"}) {
		t.Fatalf("Minecraft got %q", got)
	}
	_, body := d.raw(t, "GET", "/api/report", "", "", false)
	var rep web.Report
	json.Unmarshal([]byte(body), &rep)
	if rep.Actions.Queued != 0 || rep.Actions.Executed != 0 || rep.Gifts != 0 || rep.Tests.Events != 0 {
		t.Errorf("the dashboard's report counts console commands: %+v", rep)
	}
	if s := d.state(t); len(s.Actions) != 0 || s.Queue.Pending != 0 {
		t.Errorf("console commands shown as actions: %+v", s.Actions)
	}
	d.stop()

	out := &bytes.Buffer{}
	if err := Report(context.Background(), ReportOptions{Options: Options{ConfigPath: filepath.Join(d.dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard}}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "(and 2 console commands typed in the dashboard's console, not counted here)") ||
		!regexp.MustCompile(`executed\s+0\b`).MatchString(text) || !strings.Contains(text, "0 gifts") {
		t.Errorf("tikcraft report:\n%s", text)
	}
}

// TestBuiltinDemoEditorAndConsole: the demo without a config shows its
// built-in actions but cannot save them, and its console says there is no
// Minecraft.
func TestBuiltinDemoEditorAndConsole(t *testing.T) {
	t.Setenv("TIKCRAFT_WEB_LISTEN", "127.0.0.1:0")
	out := newLines()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Demo(ctx, DemoOptions{Options: Options{Stdout: out, Stderr: io.Discard}, Seed: 1})
	}()
	t.Cleanup(func() { cancel(); <-done })
	var first string
	select {
	case first = <-out.ch:
	case err := <-done:
		t.Fatalf("the demo ended: %v", err)
	}
	m := regexp.MustCompile(`Dashboard: (http://127\.0\.0\.1:\d+)/\?token=(\S+)$`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first line %q", first)
	}
	d := &dashDemo{base: m[1], token: m[2]}
	if code, body := d.raw(t, "GET", "/api/actions", "", "", false); code != 200 || body != examples.Actions {
		t.Errorf("GET /api/actions: HTTP %d, %d bytes", code, len(body))
	}
	code, body := d.raw(t, "POST", "/api/actions", "text/plain", "rose:/say hi\n", true)
	if code != 409 || !strings.Contains(body, "built-in example actions, which cannot be edited") {
		t.Errorf("save: HTTP %d %s", code, body)
	}
	code, body = d.raw(t, "POST", "/api/check", "text/plain", "rose:/summon creper\n", true)
	if code != 200 || !strings.Contains(body, "did you mean creeper") {
		t.Errorf("check: HTTP %d %s", code, body)
	}
	code, body = d.raw(t, "POST", "/api/rcon", "application/json", `{"command":"list"}`, true)
	if code != 409 || !strings.Contains(body, "no Minecraft server in this run") {
		t.Errorf("console: HTTP %d %s", code, body)
	}
}
