package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/examples"
)

// bin is the tikcraft binary built once for these tests: they run the real
// program as a streamer would.
var bin string

func TestMain(m *testing.M) {
	// Every tikcraft these tests start gets its own dashboard port.
	os.Setenv("TIKCRAFT_WEB_LISTEN", "127.0.0.1:0")
	dir, err := os.MkdirTemp("", "tikcraft-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "tikcraft")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tikcraft(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running tikcraft: %v", err)
	}
	return o.String(), e.String(), code
}

func TestCheckPrintsCompilerStyleDiagnostics(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("gifts:\n  mode: final\n  colour: red\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("rose:/say hi\nbroken line\nlion:$dance\n"), 0o600)
	out, _, code := tikcraft(t, dir, nil, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^tikcraft\.yaml:3:3: error: unknown key "colour"`),
		regexp.MustCompile(`(?m)^actions\.mca:2:\d+: error: `),
		regexp.MustCompile(`(?m)^actions\.mca:3:\d+: error: .*\$dance`),
		regexp.MustCompile(`(?m)^\d+ triggers?, \d+ commands?, \d+ warnings?$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// The example files are clean but for the one thing every streamer must
// set: tiktok.user.
func TestCheckExampleIsClean(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs("../..")
	env := []string{"TIKCRAFT_RCON_PASSWORD=a-long-random-password"}
	out, _, code := tikcraft(t, root, env, "check", "-c", "examples/tikcraft.yaml")
	if code != 1 || strings.Count(out, "error") != 1 || !strings.Contains(out, "examples/tikcraft.yaml:11:9: error: tiktok.user is still the example") || !strings.Contains(out, "0 warnings") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	dir := t.TempDir()
	cfg, _ := os.ReadFile(filepath.Join(root, "examples", "tikcraft.yaml"))
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(strings.Replace(string(cfg), "@your_tiktok_name", "@creeper_queen", 1)), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte(examples.Actions), 0o600)
	out, _, code = tikcraft(t, dir, env, "check")
	if code != 0 || !strings.Contains(out, "0 warnings") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// A placeholder typo is an error naming the placeholder meant, in check
// and in check --connect (which then asks no one).
func TestCheckFlagsUnknownPlaceholders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("tiktok: {user: \"@creeper_queen\"}\nrcon: {password: a-long-random-password}\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {usr}!\nrose:/say {user} sent {gift}\n"), 0o600)
	for _, args := range [][]string{{"check"}, {"check", "--connect"}} {
		out, _, code := tikcraft(t, dir, nil, args...)
		if code != 1 || !strings.Contains(out, "actions.mca:1:20: error: unknown placeholder {usr}: did you mean {user}? the placeholders are {user}, {nickname}, {gift}, {count}, {coins}, {message} and {comment}") ||
			strings.Contains(out, "minecraft:") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}

// A rule named like no gift never runs (without $random nothing else
// picks it): check says so from the built-in gift list, offline, with the
// close names.
func TestCheckWarnsAboutAGiftNameNoGiftHas(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("tiktok: {user: \"@creeper_queen\", web_base: \"http://127.0.0.1:1\"}\nrcon: {password: a-long-random-password}\n"), 0o600)
	rules := "galaxi:/say hi\nheart_me:/say h\nRose:/say r\n11999999:/say a new gift\nlikes:/say l\nfollow:/say f\n"
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte(rules), 0o600)
	out, _, code := tikcraft(t, dir, nil, "check")
	if code != 0 || !strings.Contains(out, `actions.mca:1:1: warning: "galaxi" runs only for a gift called so, and no gift in tikcraft's gift list is (did you mean "Galaxy"?)`) ||
		!strings.Contains(out, "1 warning\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// With $random, rules named like no gift are its picks.
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte(rules+"subscribe:$random\n"), 0o600)
	if out, _, code := tikcraft(t, dir, nil, "check"); code != 0 || !strings.Contains(out, " 0 warnings") {
		t.Fatalf("with $random: exit %d\n%s", code, out)
	}
}

func TestCheckWithActionsArgument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.mca"), []byte("follow:/say thanks {user}\nrose:/give {user} diamond x60\n"), 0o600)
	out, _, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD=a-long-random-password"}, "check", "mine.mca")
	if code != 0 || !strings.Contains(out, "2 triggers, 2 commands, 1 warning") || !strings.Contains(out, "mine.mca:2:") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestDemoRunsWithoutFilesOrNetwork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // empty: the demo must need no files
	out, errOut, code := tikcraft(t, dir, nil, "demo", "--duration", "4s")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"[dry-run]", "[event]", `trigger="rose"`, `user="anna_123"`, "demo finished"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("demo wrote files: %v", entries)
	}
}

func TestSecretsNeverInHelp(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-very-secret"
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"replay", "--help"}, {"demo", "--help"}} {
		out, errOut, _ := tikcraft(t, t.TempDir(), []string{"TIKCRAFT_RCON_PASSWORD=" + secret, "TIKCRAFT_SIGN_API_KEY=" + secret}, args...)
		if strings.Contains(out+errOut, secret) {
			t.Errorf("%v printed a secret", args)
		}
	}
}

func TestUnknownFlagIsAPlainError(t *testing.T) {
	t.Parallel()
	_, errOut, code := tikcraft(t, t.TempDir(), nil, "replay", "--sped", "max", "x.jsonl")
	if code == 0 || !strings.Contains(errOut, "unknown flag") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestDemoPlaysAnEventFile plays a JSONL scenario through the wire
// simulator and the real client: word ids are carried as numbers, a
// duplicate stays a duplicate, a stream_end mid-file starts the next LIVE,
// the demo ends by itself when the file runs out, and the result is what
// --direct (no simulator) gives.
func TestDemoPlaysAnEventFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("actions: actions.mca\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say f {user}\nrose:/say r {user}\njoin:/say j {user}\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "scenario.jsonl"), []byte(`{"type":"follow","msg_id":"f1","user":{"id":"1","unique_id":"anna"}}
{"type":"follow","msg_id":"f1","user":{"id":"1","unique_id":"anna"}}
{"type":"gift","msg_id":"r1","user":{"id":"1","unique_id":"anna"},"gift":{"id":5655,"name":"Rose","combo":true},"repeat_count":1,"group_id":"g1"}
{"type":"gift","msg_id":"r2","user":{"id":"1","unique_id":"anna"},"gift":{"id":5655,"name":"Rose","combo":true},"repeat_count":2,"repeat_end":true,"group_id":"g1"}
{"type":"stream_end"}
{"type":"join","msg_id":"j1","user":{"id":"2","unique_id":"bob"}}
`), 0o600)
	commands := func(out string) []string {
		var cmds []string
		for _, m := range regexp.MustCompile(`(?m)^\[dry-run\] command /(.*?)\s+trigger=`).FindAllStringSubmatch(out, -1) {
			cmds = append(cmds, m[1])
		}
		return cmds
	}
	want := "[say f anna say r anna say r anna say j bob]"
	for _, args := range [][]string{
		{"demo", "-c", "tikcraft.yaml", "--events", "scenario.jsonl", "--speed", "max"},
		{"demo", "-c", "tikcraft.yaml", "--events", "scenario.jsonl", "--speed", "max", "--direct"},
	} {
		out, errOut, code := tikcraft(t, dir, nil, args...)
		if code != 0 || !strings.Contains(out, "demo finished") {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		if got := fmt.Sprint(commands(out)); got != want {
			t.Errorf("%v: commands %s, want %s\n%s\n%s", args, got, want, out, errOut)
		}
	}
}

// A value of the wrong type stops `tikcraft run` with the file, line,
// column and the whole key, as check reports it.
func TestRunNamesAWrongTypeWithItsKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("tiktok: {user: \"@creeper_queen\"}\nrcon:\n  max_commands_per_second: \"abc\"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte(examples.Actions), 0o600)
	for _, args := range [][]string{{"run"}, {"check"}} {
		out, errOut, code := tikcraft(t, dir, nil, args...)
		want := "tikcraft.yaml:3:28: error: wrong type for rcon.max_commands_per_second: want a number"
		if code == 0 || !strings.Contains(out+errOut, want) {
			t.Errorf("%v: exit %d, want %q\n%s%s", args, code, want, out, errOut)
		}
	}
}

// A message TikTok sent twice (the same msg_id) gets no line of its own
// that reads as a second gift: its line says it was ignored, and its rule
// runs once.
func TestDuplicateMessageIsMarkedOnTheConsole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("actions: actions.mca\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say f {user}\nrose:/say r {user}\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "scenario.jsonl"), []byte(`{"type":"follow","msg_id":"f1","user":{"id":"1","unique_id":"anna"}}
{"type":"gift","msg_id":"r1","user":{"id":"1","unique_id":"anna"},"gift":{"id":5655,"name":"Rose"},"repeat_count":1,"repeat_end":true}
{"type":"follow","msg_id":"f1","user":{"id":"1","unique_id":"anna"}}
{"type":"gift","msg_id":"r1","user":{"id":"1","unique_id":"anna"},"gift":{"id":5655,"name":"Rose"},"repeat_count":1,"repeat_end":true}
`), 0o600)
	out, errOut, code := tikcraft(t, dir, nil, "demo", "-c", "tikcraft.yaml", "--events", "scenario.jsonl", "--speed", "max", "--direct")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	events := regexp.MustCompile(`(?m)^\[event\] +(.*)$`).FindAllStringSubmatch(out, -1)
	var got []string
	for _, e := range events {
		got = append(got, e[1])
	}
	want := []string{
		`follow from "anna"`,
		`gift "Rose" x1 from "anna" (single gift)`,
		`follow from "anna": duplicate of a message already handled, ignored`,
		`gift "Rose" x1 from "anna": duplicate of a message already handled, ignored`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || strings.Count(out, "[dry-run] command /say") != 2 || !strings.Contains(out, "demo finished: 2 events, 2 actions") {
		t.Fatalf("event lines %q\nwant %q\n%s", got, want, out)
	}
}

// A replay file that is not there (or a folder, or none named) stops
// `tikcraft run --source replay:FILE` before it says it is running, with
// the file and what to give instead.
func TestRunRefusesAMissingReplayFileBeforeRunning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte("tiktok: {user: \"@creeper_queen\"}\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte(examples.Actions), 0o600)
	os.Mkdir(filepath.Join(dir, "events"), 0o700)
	for _, tt := range []struct{ source, want string }{
		{"replay:missing.jsonl", "tikcraft: --source replay:missing.jsonl: missing.jsonl does not exist: give the path of an event file (see docs/EVENTS.md)"},
		{"replay:events", "tikcraft: --source replay:events: events is a folder, not a file: tikcraft reads the event file only from an ordinary file"},
		{"replay:", "tikcraft: --source replay: names no file: write --source replay:FILE"},
	} {
		out, errOut, code := tikcraft(t, dir, nil, "run", "--source", tt.source)
		if code != 1 || !strings.Contains(errOut, tt.want) || strings.Contains(out+errOut, "running") || strings.Contains(out+errOut, "Dashboard") {
			t.Errorf("--source %s: exit %d, want %q and nothing said of running\n%s%s", tt.source, code, tt.want, out, errOut)
		}
	}
}
