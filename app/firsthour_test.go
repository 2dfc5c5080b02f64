package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
	"github.com/tikcraft/tikcraft/web"
)

// takePort holds a loopback port for the test, as a `tikcraft run` in
// another window holds 8765.
func takePort(t *testing.T) (addr, port string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return ln.Addr().String(), port
}

// The README's first command works while the dashboard's port is taken: a
// plain demo moves to a free port and its first line says so, with the
// link to where it went, and how to stop it.
func TestDemoMovesToAFreePortWhenItsOwnIsTaken(t *testing.T) {
	addr, port := takePort(t)
	t.Setenv("TIKCRAFT_WEB_LISTEN", addr)
	out := newLines()
	err := Demo(context.Background(), DemoOptions{Options: Options{Stdout: out, Stderr: io.Discard}, Direct: true, Duration: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	m := regexp.MustCompile(`^tikcraft demo: .*; it stops after 100ms; Ctrl-C stops it sooner \(port (\d+) is not free: .*; this demo's dashboard is on port (\d+) instead\) · Dashboard: http://127\.0\.0\.1:(\d+)/\?token=\S+$`).FindStringSubmatch(first)
	if m == nil || m[1] != port || m[2] != m[3] || m[2] == port {
		t.Fatalf("first line %q", first)
	}
}

// A plain demo's first line says how to stop it.
func TestPlainDemoSaysHowToStop(t *testing.T) {
	t.Setenv("TIKCRAFT_WEB_LISTEN", "127.0.0.1:0")
	opts := DemoOptions{Direct: true}
	if got := opts.stopHint(); got != "press Ctrl-C to stop" {
		t.Fatalf("plain demo: %q", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := newLines()
	done := make(chan error, 1)
	go func() {
		done <- Demo(ctx, DemoOptions{Options: Options{Stdout: out, Stderr: io.Discard}, Direct: true})
	}()
	first := <-out.ch
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first, "; press Ctrl-C to stop · Dashboard: http://") {
		t.Fatalf("first line %q", first)
	}
}

// `run` does not move: OBS's browser sources point at its port. It says
// what holds the port and what to do, and prints no link.
func TestRunRefusesATakenPort(t *testing.T) {
	addr, _ := takePort(t)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("data_dir: %q\nweb:\n  listen: %s\n", filepath.Join(dir, "data"), addr))
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say hi\n")
	out := newLines()
	err := Run(context.Background(), RunOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard}, Source: "demo"})
	if err == nil || !strings.Contains(err.Error(), "cannot start the dashboard on "+addr) || !strings.Contains(err.Error(), "keeps its port") {
		t.Fatalf("run: %v", err)
	}
	if strings.Contains(out.String(), "Dashboard:") {
		t.Fatalf("printed a link:\n%s", out)
	}
}

// A second `run` on the same data_dir is refused by the lock before it
// opens its dashboard: no link is printed that leads nowhere (the store is
// opened before the web server).
func TestSecondRunRefusedByTheLockPrintsNoLink(t *testing.T) {
	srv := rcontest.Start(t, testPassword)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("data_dir: %q\nrcon:\n  address: %s\n  password: %s\nweb:\n  listen: 127.0.0.1:0\n", filepath.Join(dir, "data"), srv.Addr(), testPassword))
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say hi\n")
	opts := func(out io.Writer) RunOptions {
		return RunOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard}, Source: "demo"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := newLines()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts(first)) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case l := <-first.ch:
		m := regexp.MustCompile(`^Dashboard: http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("first run's first line %q", l)
		}
		// The second run asks for the same port: had it opened the web
		// server first, it would fail on the port, not on the lock.
		t.Setenv("TIKCRAFT_WEB_LISTEN", m[1])
	case err := <-done:
		t.Fatalf("the first run ended: %v", err)
	}

	second := newLines()
	err := Run(context.Background(), opts(second))
	if !errors.Is(err, store.ErrInUse) {
		t.Fatalf("second run: %v", err)
	}
	if s := second.String(); s != "" {
		t.Fatalf("the refused run printed:\n%s", s)
	}
}

// A dry-run demo's closing line adds up: the actions the overlays fire
// themselves (here likegoal_reached) are counted among the actions, not
// only among the deliveries ("2589 actions, 2640 delivered" before).
func TestDemoSummaryAddsUp(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), "actions: actions.mca\nweb:\n  listen: 127.0.0.1:0\noverlays:\n  likegoal: {initial_goal: 10, multiplier: 1}\n")
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say hi {user}\nlikegoal_reached:/say goal; >>Goal!|thanks|2\n")
	write(t, filepath.Join(dir, "events.jsonl"), strings.Join([]string{
		`{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`,
		`{"type":"like","msg_id":"2","user":{"id":"1","unique_id":"anna"},"count":15,"total":15}`,
		`{"type":"like","msg_id":"3","user":{"id":"2","unique_id":"bob"},"count":10,"total":25}`,
	}, "\n")+"\n")
	out := newLines()
	err := Demo(context.Background(), DemoOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard},
		Direct: true, Events: filepath.Join(dir, "events.jsonl"), Speed: source.Max})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^demo finished: 3 events, (\d+) actions \((\d+) fired by the overlays' timer and goals\), (\d+) delivered$`).FindStringSubmatch(out.String())
	if m == nil || m[1] != m[3] || m[2] == "0" {
		t.Fatalf("the summary does not add up:\n%s", out)
	}
	if n := strings.Count(out.String(), "[dry-run]"); fmt.Sprint(n) != m[3] {
		t.Fatalf("%d actions printed, the summary says %s delivered:\n%s", n, m[3], out)
	}
}

// At stop with Minecraft down, run says how many actions wait in data_dir
// for the next start, and why — with --quiet too.
func TestRunSaysWhatIsKeptAtStop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close() // Minecraft is not running
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	write(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("data_dir: %q\nrcon:\n  address: %s\n  password: %s\nweb:\n  listen: off\n", data, down, testPassword))
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say hi {user}; /say welcome {user}\n")
	write(t, filepath.Join(dir, "events.jsonl"), `{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`+"\n")
	out, logs := newLines(), newLines()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: logs, Quiet: true,
			Log: slog.New(slog.NewTextHandler(logs, nil))},
			Source: "replay:" + filepath.Join(dir, "events.jsonl")})
	}()
	// The follow's actions are queued and the first is being tried.
	for l := range logs.ch {
		if strings.Contains(l, "is not reachable") {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("2 actions are kept in %s: the next `tikcraft run` sends them first", data)
	if s := out.String(); !strings.Contains(s, "Minecraft did not answer: Minecraft RCON at "+down) || !strings.Contains(s, want) {
		t.Fatalf("output:\n%s\nwant %q", s, want)
	}
}

// `run` logs in to Minecraft as it starts, without a command: a wrong
// password shows on the console and the dashboard before the first gift.
func TestRunShowsAWrongPasswordBeforeTheFirstGift(t *testing.T) {
	mc := rcontest.Start(t, testPassword)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("data_dir: %q\nrcon:\n  address: %s\n  password: not-the-password\nweb:\n  listen: 127.0.0.1:0\n", filepath.Join(dir, "data"), mc.Addr()))
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say hi {user}\n")
	// The only event with an action comes an hour later.
	write(t, filepath.Join(dir, "events.jsonl"), quietEvents)
	out := newLines()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard},
			Source: "replay:" + filepath.Join(dir, "events.jsonl")})
	}()
	t.Cleanup(func() { cancel(); <-done })
	first := <-out.ch
	base := regexp.MustCompile(`^Dashboard: (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(first)
	if base == nil {
		t.Fatalf("first line %q", first)
	}
	for l := range out.ch {
		if strings.HasPrefix(l, "[minecraft]") {
			if !strings.Contains(l, "refused the RCON password") || !strings.Contains(l, "restart tikcraft") {
				t.Fatalf("console: %q", l)
			}
			break
		}
	}
	d := &dashDemo{base: base[1]}
	d.waitFor(t, "the refused password", func(s web.Snapshot) bool { return s.Minecraft.State == web.MinecraftRefused })
	if err := mc.WaitFailedLogins(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if len(mc.Commands()) != 0 {
		t.Fatalf("%d failed logins, commands %q", mc.FailedLogins(), mc.Commands())
	}
}

// `tikcraft demo -c FILE` with an actions file that has no likes rule: the
// demo's own like rule does nothing, and the warning says so of the demo's
// built-in settings and points at the actions file, not at a line of a
// file the streamer does not have. A like rule of the streamer's own
// config is still pointed at by FILE:LINE:COL.
func TestDemoLikeRuleWarningNamesWhereItComesFrom(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ config, want string }{
		{"tiktok: {user: \"@creeper_queen\"}\n",
			`actions.mca:1:1: warning: like rule "likes_standard" of the demo's built-in settings runs "likes", which is not a trigger in ` +
				`ACTIONS; it will do nothing: add a likes: rule to ACTIONS, or set likes: in your config to like rules of your own`},
		{"likes:\n  triggers:\n    - {every: 50, function: hearts}\n",
			`tikcraft.yaml:3:7: warning: like rule "likes_1" runs "hearts", which is not a trigger in ACTIONS; it will do nothing`},
	} {
		dir := t.TempDir()
		cfg, acts := filepath.Join(dir, "tikcraft.yaml"), filepath.Join(dir, "actions.mca")
		os.WriteFile(cfg, []byte(tt.config), 0o600)
		os.WriteFile(acts, []byte("follow:/say hi {user}\n"), 0o600)
		s, err := Load(Options{ConfigPath: cfg}, true)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(tt.want, "ACTIONS", acts)
		if !slices.ContainsFunc(s.Diagnostics, func(d string) bool { return strings.HasSuffix(d, want) }) || strings.Contains(fmt.Sprint(s.Diagnostics), "embedded") {
			t.Errorf("%q: diagnostics %q\nwant one ending %q", tt.config, s.Diagnostics, want)
		}
	}
}
