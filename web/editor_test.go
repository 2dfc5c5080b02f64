package web

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/rules"
)

// startEditor runs a server whose editor is a real rules.Reloader on an
// actions file holding src, showing the rules on the dashboard as the app
// does. It returns the file's path.
func startEditor(t *testing.T, src string) (*testServer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "actions.mca")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load(config.Layer{Name: "tikcraft.yaml", Data: []byte("minecraft:\n  version: 1.21.4\n")})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := rules.Parse(cfg, path, []byte(src))
	ts := start(t, func(o *Options) {
		dash := o.Dashboard
		r := rules.NewReloader(rules.New(f, 1), path, []byte(src), nil, cfg, slog.New(slog.DiscardHandler),
			func(st rules.Status) { dash.SetRules(RulesOf(st, nil)) })
		dash.SetRules(RulesOf(r.Status(), nil))
		o.Editor = r
	})
	return ts, path
}

func fileText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return m
}

var plainToken = map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "text/plain; charset=utf-8"}

func TestGetActions(t *testing.T) {
	const src = "rose:/say hi {user}\nfollow:/give @a golden_apple\n"
	ts, path := startEditor(t, src)
	code, body := ts.do(t, req{method: "GET", path: "/api/actions"})
	if code != 200 || body != src {
		t.Fatalf("HTTP %d %q, want the file", code, body)
	}
	code, body = ts.do(t, req{method: "GET", path: "/api/actions", header: map[string]string{"Accept": "application/json"}})
	m := decode(t, body)
	if code != 200 || m["text"] != src || m["file"] != path || m["editable"] != true {
		t.Fatalf("HTTP %d %v", code, m)
	}
}

// TestSaveActions: the token is required; a text with errors is 422 with
// its diagnostics and leaves the file alone; a valid one is written, the
// old file kept as .bak, and GET /api/rules shows the new rules at once.
func TestSaveActions(t *testing.T) {
	const old = "rose:/say old\n"
	ts, path := startEditor(t, old)

	if code, _ := ts.do(t, req{method: "POST", path: "/api/actions", body: "rose:/say new\n", header: map[string]string{"Content-Type": "text/plain"}}); code != 401 {
		t.Errorf("without the token: HTTP %d", code)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/check", body: "rose:/say new\n"}); code != 401 {
		t.Errorf("check without the token: HTTP %d", code)
	}

	typo := "rose:/say ok\nlion:/summon creper ~ ~ ~\n"
	code, body := ts.do(t, req{method: "POST", path: "/api/actions", body: typo, header: plainToken})
	m := decode(t, body)
	if code != 422 || m["saved"] != false {
		t.Fatalf("a typo: HTTP %d %v", code, m)
	}
	diags := m["diagnostics"].([]any)
	d := diags[0].(map[string]any)
	if len(diags) != 1 || d["line"] != 2.0 || d["col"] != 14.0 || d["severity"] != "error" || !strings.Contains(d["message"].(string), "did you mean creeper") {
		t.Errorf("diagnostics %v", diags)
	}
	if fileText(t, path) != old {
		t.Error("a refused text was written")
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a refused text made a backup")
	}

	code, body = ts.do(t, req{method: "POST", path: "/api/actions", body: "rose:/say new\nfollow:/summon breeze ~ ~ ~\n", header: plainToken})
	m = decode(t, body)
	if code != 200 || m["saved"] != true || m["backup"] != path+".bak" {
		t.Fatalf("a valid text: HTTP %d %v", code, m)
	}
	if fileText(t, path) != "rose:/say new\nfollow:/summon breeze ~ ~ ~\n" || fileText(t, path+".bak") != old {
		t.Errorf("file %q, backup %q", fileText(t, path), fileText(t, path+".bak"))
	}
	_, body = ts.do(t, req{method: "GET", path: "/api/rules"})
	var shown Rules
	if err := json.Unmarshal([]byte(body), &shown); err != nil {
		t.Fatal(err)
	}
	if len(shown.Triggers) != 2 || shown.Triggers[1].Name != "follow" || shown.Triggers[0].Commands[0] != "/say new" {
		t.Errorf("GET /api/rules right after the save: %+v", shown.Triggers)
	}

	// JSON {"text": ...} works too.
	code, body = ts.do(t, req{method: "POST", path: "/api/actions", body: `{"text":"rose:/say json\n"}`, header: bearer})
	if code != 200 || fileText(t, path) != "rose:/say json\n" {
		t.Errorf("JSON body: HTTP %d %s", code, body)
	}
	code, body = ts.do(t, req{method: "POST", path: "/api/actions", body: `{"txt":"rose:/say json\n"}`, header: bearer})
	if code != 400 {
		t.Errorf("an unknown field: HTTP %d %s", code, body)
	}
	big := strings.Repeat("# a long comment line of the actions file\n", maxActionsBody/40)
	if code, _ := ts.do(t, req{method: "POST", path: "/api/actions", body: big, header: plainToken}); code != 413 {
		t.Errorf("a body over 1 MiB: HTTP %d", code)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/check", body: big[:maxAPIBody*4], header: plainToken}); code != 200 {
		t.Errorf("a 64 KiB file to check: HTTP %d (the editor takes more than the other endpoints)", code)
	}
}

func TestCheckActions(t *testing.T) {
	ts, path := startEditor(t, "rose:/say old\n")
	text := "# valid 1.21 commands and typos\n" +
		"rose:/give @a diamond_sword[enchantments={sharpness:5}]\n" +
		"lion:/execute at @a run summon creper ~ ~ ~ {powered:1b}\n" +
		"galaxy:/summn breeze\n" +
		"follow:/kill @e[type=#minecraft:skeletons]; /effect give @a mining_fatigue 10\n"
	code, body := ts.do(t, req{method: "POST", path: "/api/check", body: text, header: plainToken})
	m := decode(t, body)
	if code != 200 || m["ok"] != false || m["errors"] != 2.0 {
		t.Fatalf("HTTP %d %v", code, m)
	}
	var lines []float64
	for _, d := range m["diagnostics"].([]any) {
		d := d.(map[string]any)
		if d["file"] != path {
			t.Errorf("diagnostic of file %v", d["file"])
		}
		lines = append(lines, d["line"].(float64))
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 4 {
		t.Errorf("errors on lines %v, want 3 and 4 only", lines)
	}
	rules := m["rules"].([]any)
	if len(rules) != 4 || rules[3].(map[string]any)["trigger"] != "follow" || rules[3].(map[string]any)["line"] != 5.0 {
		t.Errorf("rules %v", rules)
	}
	if fileText(t, path) != "rose:/say old\n" {
		t.Error("check wrote the file")
	}
}

// TestEditorWithoutFile: the demo's built-in rules are shown but not
// saved.
func TestEditorWithoutFile(t *testing.T) {
	cfg, _, _ := config.Load()
	const src = "rose:/say built in\n"
	f, _ := rules.Parse(cfg, "(embedded)", []byte(src))
	ts := start(t, func(o *Options) {
		o.Editor = rules.NewReloader(rules.New(f, 1), "", []byte(src), nil, cfg, slog.New(slog.DiscardHandler), nil)
	})
	_, body := ts.do(t, req{method: "GET", path: "/api/actions?format=json"})
	if m := decode(t, body); m["text"] != src || m["editable"] != false || !strings.Contains(m["reason"].(string), "built-in example") {
		t.Errorf("GET: %v", m)
	}
	code, body := ts.do(t, req{method: "POST", path: "/api/actions", body: "rose:/say new\n", header: plainToken})
	if code != 409 || !strings.Contains(body, "cannot be edited") {
		t.Errorf("save: HTTP %d %s", code, body)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/check", body: "rose:/say new\n", header: plainToken}); code != 200 {
		t.Errorf("check: HTTP %d", code)
	}
	if code, _ := start(t).do(t, req{method: "GET", path: "/api/actions"}); code != 409 {
		t.Errorf("no editor at all: HTTP %d", code)
	}
}
