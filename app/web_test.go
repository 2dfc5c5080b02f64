package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/web"
)

// lines is an io.Writer that keeps what was written and hands out complete
// lines as they come, so tests wait for output instead of sleeping.
type lines struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	partial string
	ch      chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 10000)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.partial += string(p)
	for {
		i := strings.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		select {
		case l.ch <- l.partial[:i]:
		default:
		}
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// dashDemo is a demo running with its dashboard on a free port.
type dashDemo struct {
	dir, base, token string
	rcon             *rcontest.Server
	out, logs        *lines
	cancel           context.CancelFunc
	done             chan error
	firstLine        string
}

// quietEvents keeps a demo running without traffic of its own for as long
// as any test takes: a demo waits at most 30 s between two events (however
// far apart they are) and ends after the last, so a test slower than that
// (a loaded CI machine, -race) met a dashboard that had gone away. A chat
// an hour after each other, 40 times, gives it 20 minutes.
var quietEvents = func() string {
	var b strings.Builder
	b.WriteString(`{"type":"connect","room_id":"1","time":"2026-01-01T10:00:00Z"}` + "\n")
	for h := range 40 {
		fmt.Fprintf(&b, `{"type":"chat","user":{"unique_id":"late"},"text":"hi","time":"2026-01-%02dT%02d:00:00Z"}`+"\n", 2+h/24, h%24)
	}
	return b.String()
}()

// startDashDemo runs `tikcraft demo` with yamlExtra and actions against a
// real RCON server, with the dashboard on 127.0.0.1:0. events, if given,
// are played before the quiet hour.
func startDashDemo(t *testing.T, yamlExtra, actions string, events ...string) *dashDemo {
	t.Helper()
	return startDashDemoOn(t, rcontest.Start(t, testPassword), yamlExtra, actions, events...)
}

// startDashDemoOn is startDashDemo against the RCON server srv.
func startDashDemoOn(t *testing.T, srv *rcontest.Server, yamlExtra, actions string, events ...string) *dashDemo {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf("rcon:\n  address: %s\n  password: %s\n  max_commands_per_second: 0\nactions: actions.mca\nweb:\n  listen: 127.0.0.1:0\n%s", srv.Addr(), testPassword, yamlExtra)
	write(t, filepath.Join(dir, "tikcraft.yaml"), cfg)
	write(t, filepath.Join(dir, "actions.mca"), actions)
	write(t, filepath.Join(dir, "events.jsonl"), strings.Join(append(events, quietEvents), "\n"))
	d := &dashDemo{dir: dir, rcon: srv, out: newLines(), logs: newLines(), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	sp := 1.0
	go func() {
		d.done <- Demo(ctx, DemoOptions{
			Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: d.out, Stderr: d.logs,
				Log: slog.New(slog.NewTextHandler(d.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
			Direct: true, Events: filepath.Join(dir, "events.jsonl"), Speed: source.Speed(sp), Seed: 3,
		})
	}()
	t.Cleanup(d.stop)
	select {
	case d.firstLine = <-d.out.ch:
	case err := <-d.done:
		t.Fatalf("demo ended at once: %v\n%s", err, d.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the demo printed nothing")
	}
	m := regexp.MustCompile(`^tikcraft demo: .* · Dashboard: (http://127\.0\.0\.1:\d+)/\?token=([A-Za-z0-9_-]{40,})$`).FindStringSubmatch(d.firstLine)
	if m == nil {
		t.Fatalf("first line %q is not the dashboard link", d.firstLine)
	}
	d.base, d.token = m[1], m[2]
	return d
}

func (d *dashDemo) stop() {
	if d.cancel == nil {
		return
	}
	d.cancel()
	d.cancel = nil
	<-d.done
}

// call does an API request with the token.
func (d *dashDemo) call(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.base+path, r)
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (d *dashDemo) state(t *testing.T) web.Snapshot {
	t.Helper()
	res, err := http.Get(d.base + "/api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s web.Snapshot
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor reads the live stream and checks cond against the state after
// every message, until it holds.
func (d *dashDemo) waitFor(t *testing.T, what string, cond func(web.Snapshot) bool) web.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", d.base+"/api/stream", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "data:") {
			continue
		}
		if s := d.state(t); cond(s) {
			return s
		}
	}
	s := d.state(t)
	if cond(s) {
		return s
	}
	t.Fatalf("gave up waiting for %s; state: %+v\nlog:\n%s", what, s.Status, d.logs.String())
	return s
}

func (d *dashDemo) waitCommand(t *testing.T, want string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for n := 1; ; n++ {
		cmds, err := d.rcon.WaitCommands(ctx, n)
		if err != nil {
			t.Fatalf("Minecraft never got %q; it got %q\n%s", want, cmds, d.logs.String())
		}
		if slices.Contains(cmds, want) {
			return cmds
		}
	}
}

const dashActions = "rose:/say rose {user}\nfollow:/say thanks {user}\nlikes:/say likes {user}\n"

// TestDashboardFiresTestTriggersIntoMinecraft: the first line is the link;
// a test trigger from the API reaches a real RCON server, marked as a test
// in the feed and the report; the token never reaches the log.
func TestDashboardFiresTestTriggersIntoMinecraft(t *testing.T) {
	d := startDashDemo(t, "", dashActions)
	code, res := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "tester", "count": 2})
	if code != 200 || fmt.Sprint(res["actions"]) != "[say rose tester say rose tester]" {
		t.Fatalf("HTTP %d %v", code, res)
	}
	d.waitCommand(t, "say rose tester")
	code, res = d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "likes_standard", "user": "x"})
	if code != 200 || fmt.Sprint(res["actions"]) != "[say likes Community]" {
		t.Fatalf("like rule: HTTP %d %v", code, res)
	}
	d.waitCommand(t, "say likes Community")
	if code, res = d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "lion"}); code != 404 {
		t.Fatalf("unknown trigger: HTTP %d %v", code, res)
	}
	s := d.waitFor(t, "the test deliveries", func(s web.Snapshot) bool { return len(s.Actions) >= 3 })
	for _, a := range s.Actions {
		if !a.Test || a.Result != web.ResultSent {
			t.Errorf("action %+v not a sent test", a)
		}
	}
	if g := s.Feed[len(s.Feed)-1]; !g.Test || g.Type != "like" {
		t.Errorf("last feed item %+v", g)
	}
	res2, _ := http.Get(d.base + "/api/report")
	var rep web.Report
	json.NewDecoder(res2.Body).Decode(&rep)
	res2.Body.Close()
	if rep.Tests.Events != 2 || rep.Gifts != 0 || rep.Tests.Executed != 3 {
		t.Errorf("report %+v", rep)
	}

	// tikcraft trigger against the running demo.
	port := strings.TrimPrefix(d.base, "http://127.0.0.1:")
	t.Setenv("TIKCRAFT_WEB_LISTEN", "127.0.0.1:"+port)
	t.Setenv(web.EnvToken, d.token)
	out := &bytes.Buffer{}
	err := Trigger(context.Background(), TriggerOptions{Options: Options{ConfigPath: filepath.Join(d.dir, "tikcraft.yaml"), Stdout: out, Stderr: out}, Trigger: "follow", User: "cli_user"})
	if err != nil || !strings.Contains(out.String(), "fired follow x1 as cli_user (a test): 1 action queued") {
		t.Fatalf("%v\n%s", err, out)
	}
	d.waitCommand(t, "say thanks cli_user")
	t.Setenv(web.EnvToken, "wrong-token-wrong-token")
	if err := Trigger(context.Background(), TriggerOptions{Options: Options{ConfigPath: filepath.Join(d.dir, "tikcraft.yaml"), Stdout: out, Stderr: out}, Trigger: "follow"}); err == nil || !strings.Contains(err.Error(), "wrong dashboard token") {
		t.Fatalf("wrong token: %v", err)
	}
	d.stop()
	if strings.Contains(d.logs.String(), d.token) {
		t.Fatalf("the token reached the log:\n%s", d.logs.String())
	}
}

// TestWebhookPausesUntilRespawn: with pause_on_death a death posted to
// /webhook holds delivery (the action stays queued) until the respawn;
// the plain-text form works too; deaths are counted.
func TestWebhookPausesUntilRespawn(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "minecraft:\n  pause_on_death: true\n  pause_timeout: 1h\n", dashActions)
	post := func(body string) {
		t.Helper()
		res, err := http.Post(d.base+"/webhook?token="+url.QueryEscape(d.token), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("webhook %s: HTTP %d", body, res.StatusCode)
		}
	}
	post(`{"load_type":"INGAME_GAMEPLAY","event":"player_death","message":"Steve fell from a high place"}`)
	d.waitFor(t, "the death pause", func(s web.Snapshot) bool { return s.Pause.Death && s.Counters.Deaths == 1 })
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "held"})
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow", "user": "held2"})
	d.waitFor(t, "two actions held", func(s web.Snapshot) bool { return s.Queue.Pending == 2 })
	if cmds := d.rcon.Commands(); slices.Contains(cmds, "say rose held") {
		t.Fatalf("delivered while the player was dead: %q", cmds)
	}
	post(`"Steve respawned"`) // the plugin's onlyMessage form
	cmds := d.waitCommand(t, "say thanks held2")
	if i, j := slices.Index(cmds, "say rose held"), slices.Index(cmds, "say thanks held2"); i < 0 || i > j {
		t.Fatalf("order lost: %q", cmds)
	}
	d.waitFor(t, "delivering again", func(s web.Snapshot) bool { return !s.Pause.Paused && s.Queue.Pending == 0 })

	// The pause button holds delivery the same way.
	if code, _ := d.call(t, "POST", "/api/pause", nil); code != 200 {
		t.Fatal("pause refused")
	}
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "manual"})
	d.waitFor(t, "held by the button", func(s web.Snapshot) bool { return s.Pause.Manual && s.Queue.Pending == 1 })
	d.call(t, "POST", "/api/resume", nil)
	d.waitCommand(t, "say rose manual")
}

// TestReloadKeepsRunningRulesOnErrors: a broken actions file is refused
// with its diagnostic and the old rules keep working; a fixed file, saved
// on disk, is picked up on its own.
func TestReloadKeepsRunningRulesOnErrors(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "", dashActions)
	path := filepath.Join(d.dir, "actions.mca")
	write(t, path, "rose:/say rose {user}\nbroken line without colon\n")
	code, res := d.call(t, "POST", "/api/reload", nil)
	if code != 422 || !strings.Contains(fmt.Sprint(res["error"]), "actions.mca:2:") {
		t.Fatalf("HTTP %d %v", code, res)
	}
	s := d.state(t)
	if s.Rules.Error == "" || len(s.Rules.Triggers) != 3 || !slices.ContainsFunc(s.Rules.Diagnostics, func(x string) bool { return strings.Contains(x, "actions.mca:2:") }) {
		t.Fatalf("rules after a bad reload %+v", s.Rules)
	}
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow", "user": "old_rules"})
	d.waitCommand(t, "say thanks old_rules")

	write(t, path, "rose:/say new rose {user}\nshare:/say shared {user}\n")
	d.waitFor(t, "the watcher's reload", func(s web.Snapshot) bool { return s.Rules.Error == "" && len(s.Rules.Triggers) == 2 })
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "share", "user": "new_rules"})
	d.waitCommand(t, "say shared new_rules")
	if code, _ := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow"}); code != 404 {
		t.Fatalf("the old follow rule still fires after the reload (HTTP %d)", code)
	}
}

func TestWebOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), "web:\n  listen: off\n")
	out := newLines()
	err := Demo(context.Background(), DemoOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard}, Direct: true, Duration: time.Millisecond})
	if err != nil || strings.Contains(out.String(), "Dashboard:") || !strings.HasPrefix(out.String(), "tikcraft demo:") {
		t.Fatalf("%v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files written: %v", entries)
	}
}
