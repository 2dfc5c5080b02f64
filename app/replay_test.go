package app

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

const testPassword = "correct-horse-battery"

// project writes a config, actions file and event file into a fresh
// directory and returns the options to replay them against srv.
type project struct {
	dir    string
	events string
	opts   ReplayOptions
	stdout *bytes.Buffer
	stderr *bytes.Buffer
}

func newProject(t *testing.T, addr, yamlExtra, actions string, events ...string) *project {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf("rcon:\n  address: %s\n  password: %s\n  max_commands_per_second: 0\n%s", addr, testPassword, yamlExtra)
	write(t, filepath.Join(dir, "tikcraft.yaml"), cfg)
	write(t, filepath.Join(dir, "actions.mca"), actions)
	write(t, filepath.Join(dir, "events.jsonl"), strings.Join(events, "\n")+"\n")
	p := &project{dir: dir, events: filepath.Join(dir, "events.jsonl"), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	p.opts = ReplayOptions{
		Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: p.stdout, Stderr: p.stderr, Log: testLog(t)},
		File:    p.events, GiveUp: 30 * time.Second, Seed: 7,
	}
	return p
}

func write(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func testLog(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func user(name string) string {
	return fmt.Sprintf(`{"id":"%d","unique_id":%q,"nickname":%q}`, crc32.ChecksumIEEE([]byte(name)), name, strings.ToUpper(name))
}

func giftLine(msg, u, name string, id int, combo bool, count int, end bool, group string) string {
	return fmt.Sprintf(`{"type":"gift","msg_id":%q,"user":%s,"gift":{"id":%d,"name":%q,"combo":%t,"diamonds":1},"repeat_count":%d,"repeat_end":%t,"group_id":%q}`, msg, u, id, name, combo, count, end, group)
}

func TestReplayDeliversExactCommands(t *testing.T) {
	t.Parallel()
	const actions = `# test rules
rose:/say rose from {user}
5655:/say never: rose matches by name first
heart_me:/give {user} cookie 2; !eco give {user} 5
5760:/summon tikcraft:lion_by_id
galaxy:/weather thunder x3
follow:/say follow {user}
likes:/say likes {user}
share:$random
pick_a:/say picked a
pick_b:/say picked b
`
	like := func(msg string, count, total int) string {
		return fmt.Sprintf(`{"type":"like","msg_id":%q,"user":%s,"count":%d,"total":%d}`, msg, user("liker"), count, total)
	}
	tests := []struct {
		name   string
		events []string
		want   []string
	}{
		{"combo streak fires once per gift at the end", []string{
			giftLine("1", user("anna"), "Rose", 5655, true, 1, false, "g1"),
			giftLine("2", user("anna"), "Rose", 5655, true, 2, false, "g1"),
			giftLine("3", user("anna"), "Rose", 5655, true, 3, true, "g1"),
		}, []string{"say rose from anna", "say rose from anna", "say rose from anna"}},
		{"duplicates add nothing", []string{
			giftLine("1", user("anna"), "Rose", 5655, true, 2, true, "g1"),
			giftLine("1", user("anna"), "Rose", 5655, true, 2, true, "g1"),
			giftLine("9", user("anna"), "Rose", 5655, true, 2, true, "g1"),
		}, []string{"say rose from anna", "say rose from anna"}},
		{"lost streak end is flushed at the end of the file", []string{
			giftLine("1", user("bob"), "Rose", 5655, true, 1, false, "g2"),
			giftLine("2", user("bob"), "Rose", 5655, true, 2, false, "g2"),
		}, []string{"say rose from bob", "say rose from bob"}},
		{"name first, then id; chains and plugin commands", []string{
			giftLine("1", user("cy"), "Heart Me", 7934, true, 1, true, "g3"),
			giftLine("2", user("cy"), "Lion", 5760, false, 1, false, ""),
		}, []string{"give cy cookie 2", "eco give cy 5", "summon tikcraft:lion_by_id"}},
		{"xN repeats", []string{giftLine("1", user("dee"), "Galaxy", 11046, false, 1, false, "")},
			[]string{"weather thunder", "weather thunder", "weather thunder"}},
		{"follow dedupe", []string{
			`{"type":"follow","user":` + user("eve") + `}`, `{"type":"follow","user":` + user("eve") + `}`, `{"type":"follow","user":` + user("fay") + `}`,
		}, []string{"say follow eve", "say follow fay"}},
		{"like thresholds", []string{like("1", 15, 1015), like("2", 100, 1115), like("3", 150, 1265), like("4", 10, 1200)},
			[]string{"say likes Community", "say likes Community"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rcontest.Start(t, testPassword)
			p := newProject(t, srv.Addr(), "likes:\n  triggers:\n    - {id: std, every: 100, function: likes, payload: Community}\n", actions, tt.events...)
			if err := Replay(context.Background(), p.opts); err != nil {
				t.Fatalf("replay: %v\n%s", err, p.stderr)
			}
			if got := srv.Commands(); !slices.Equal(got, tt.want) {
				t.Fatalf("server received\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestReplayRandomNeverPicksEventRules(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword)
	actions := "share:$random x20\nfollow:/say follow\njoin:/say join\nlikes:/say likes\npick_a:/say picked a\npick_b:/say picked b\n"
	p := newProject(t, srv.Addr(), "likes:\n  triggers:\n    - {every: 100, function: likes}\n", actions, `{"type":"share","user":`+user("gus")+`}`)
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	if len(got) != 20 {
		t.Fatalf("want 20 random picks, got %q", got)
	}
	seen := map[string]bool{}
	for _, c := range got {
		if c != "say picked a" && c != "say picked b" {
			t.Fatalf("$random ran %q", c)
		}
		seen[c] = true
	}
	if len(seen) != 2 {
		t.Errorf("20 picks of 2 rules always chose the same one: %v", seen)
	}
}

func TestReplayHostileNames(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword)
	actions := `rose:/tellraw @a {"text":"{nickname} ({user}) sent {gift}","clickEvent":{"action":"suggest_command","value":"hi {user}"}}` + "\n"
	evil := `{"id":"1","unique_id":"a\"b'c\\\\d{e}f[g]h§i\nj\u202ek\u200bl","nickname":"\"},{\"text\":\"\",\"clickEvent\":{\"action\":\"run_command\",\"value\":\"/op evil\"}}§k"}`
	p := newProject(t, srv.Addr(), "", actions,
		fmt.Sprintf(`{"type":"gift","msg_id":"1","user":%s,"gift":{"id":1,"name":"Rose\"]}","combo":false}}`, evil))
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	if len(got) != 1 {
		t.Fatalf("the hostile viewer's gift must still fire once: %q", got)
	}
	const template = `tellraw @a {"text":" () sent ","clickEvent":{"action":"suggest_command","value":"hi "}}`
	cmd := got[0]
	// Strip the expanded values: what remains must be exactly the template.
	var skeleton strings.Builder
	for _, r := range cmd {
		if strings.ContainsRune(`{}[]"'\`, r) {
			skeleton.WriteRune(r)
		}
	}
	var want strings.Builder
	for _, r := range template {
		if strings.ContainsRune(`{}[]"'\`, r) {
			want.WriteRune(r)
		}
	}
	if skeleton.String() != want.String() {
		t.Fatalf("a viewer changed the command's structure:\n got %s\nfrom %s", cmd, template)
	}
	for _, bad := range []string{"§", "\n", "\u202e", "\u200b", `\`, "op evil\"}"} {
		if strings.Contains(cmd, bad) {
			t.Errorf("command contains %q: %s", bad, cmd)
		}
	}
}

func TestReplayWaitsForALateServer(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword, rcontest.Late())
	p := newProject(t, srv.Addr(), "", "follow:/say hi {user}\n", `{"type":"follow","user":`+user("a")+`}`, `{"type":"follow","user":`+user("b")+`}`)
	refused := newLogSignal("is not reachable", p.opts.Log.Handler())
	p.opts.Log = slog.New(refused)
	done := make(chan error, 1)
	go func() { done <- Replay(context.Background(), p.opts) }()
	// Start the server only once the client has been refused (its log says
	// so): the replay must have waited for it.
	<-refused.ch
	if err := srv.Listen(); err != nil {
		t.Error(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(); !slices.Equal(got, []string{"say hi a", "say hi b"}) {
		t.Fatalf("got %q", got)
	}
}

func TestReplaySurvivesDroppedConnection(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword, rcontest.DropAfter(3, 7))
	var events []string
	var want []string
	for i := range 10 {
		events = append(events, fmt.Sprintf(`{"type":"follow","user":%s}`, user(fmt.Sprint("v", i))))
		want = append(want, fmt.Sprint("say hi v", i))
	}
	p := newProject(t, srv.Addr(), "", "follow:/say hi {user}\n", events...)
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	// The commands the server dropped without answering were resent: each
	// appears twice in a row, and nothing is missing or out of order.
	var dedup []string
	for i, c := range got {
		if i > 0 && c == got[i-1] {
			continue
		}
		dedup = append(dedup, c)
	}
	if !slices.Equal(dedup, want) || len(got) != len(want)+2 {
		t.Fatalf("got %q", got)
	}
}

func TestReplayFailsClearlyOnWrongPassword(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "another-password")
	p := newProject(t, srv.Addr(), "", "follow:/say hi\n", `{"type":"follow","user":`+user("a")+`}`)
	err := Replay(context.Background(), p.opts)
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("want a password error, got %v", err)
	}
	if strings.Contains(err.Error(), testPassword) || strings.Contains(p.stderr.String(), testPassword) {
		t.Fatal("the password leaked into the output")
	}
}

func TestReplaySpeedDoesNotChangeTheResult(t *testing.T) {
	t.Parallel()
	var evs []string
	base := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	line := func(ms int, msg, u string, count int, end bool, group string) string {
		ts := base.Add(time.Duration(ms) * time.Millisecond).Format(time.RFC3339Nano)
		return strings.Replace(giftLine(msg, user(u), "Rose", 5655, true, count, end, group), `"type":"gift",`, fmt.Sprintf(`"type":"gift","time":%q,`, ts), 1)
	}
	// anna's end is lost; 11s later (event time) bob sends: anna's streak is
	// flushed by the timeout before bob's rose, whatever the replay speed.
	evs = append(evs, line(0, "1", "anna", 1, false, "a"), line(100, "2", "anna", 2, false, "a"), line(11100, "3", "bob", 1, true, "b"))
	var results [][]string
	for _, speed := range []float64{0, 1000} {
		srv := rcontest.Start(t, testPassword)
		p := newProject(t, srv.Addr(), "", "rose:/say {user}\n", evs...)
		p.opts.Speed = 0
		if speed > 0 {
			p.opts.Speed = 1000
		}
		if err := Replay(context.Background(), p.opts); err != nil {
			t.Fatal(err)
		}
		results = append(results, srv.Commands())
	}
	want := []string{"say anna", "say anna", "say bob"}
	for _, r := range results {
		if !slices.Equal(r, want) {
			t.Fatalf("got %q, want %q", r, want)
		}
	}
}

func TestReportAfterReplay(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword)
	p := newProject(t, srv.Addr(), "", "rose:/say {user}\nlion:/say lion\n",
		giftLine("1", user("anna"), "Rose", 5655, true, 1, false, "g"),
		giftLine("2", user("anna"), "Rose", 5655, true, 4, true, "g"),
		giftLine("3", user("bob"), "Lion", 5760, false, 1, false, ""),
		`{"type":"follow","user":`+user("cy")+`}`)
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ro := ReportOptions{Options: p.opts.Options}
	ro.Stdout = &out
	if err := Report(context.Background(), ro); err != nil {
		t.Fatal(err)
	}
	rep := out.String()
	for _, want := range []string{"Rose", "Lion", "anna", "bob"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, testPassword) {
		t.Error("report shows the password")
	}
	// Nothing is pending after a successful replay: drain has nothing to do.
	if err := Drain(context.Background(), DrainOptions{Options: p.opts.Options}); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Commands()); got != 5 {
		t.Fatalf("server got %d commands, want 5 (4 roses, 1 lion)", got)
	}
}
