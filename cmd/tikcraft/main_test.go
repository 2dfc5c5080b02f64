package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bin is the tikcraft binary built once for these tests: they run the real
// program as a streamer would.
var bin string

func TestMain(m *testing.M) {
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

func TestCheckExampleIsClean(t *testing.T) {
	root, _ := filepath.Abs("../..")
	out, _, code := tikcraft(t, root, []string{"TIKCRAFT_RCON_PASSWORD=a-long-random-password"}, "check", "-c", "examples/tikcraft.yaml")
	if code != 0 || !strings.Contains(out, "0 warnings") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestCheckWithActionsArgument(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.mca"), []byte("follow:/say thanks {user}\nrose:/give {user} diamond x60\n"), 0o600)
	out, _, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD=a-long-random-password"}, "check", "mine.mca")
	if code != 0 || !strings.Contains(out, "2 triggers, 2 commands, 1 warning") || !strings.Contains(out, "mine.mca:2:") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestDemoRunsWithoutFilesOrNetwork(t *testing.T) {
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
	const secret = "hunter2-very-secret"
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"replay", "--help"}, {"demo", "--help"}} {
		out, errOut, _ := tikcraft(t, t.TempDir(), []string{"TIKCRAFT_RCON_PASSWORD=" + secret, "TIKCRAFT_SIGN_API_KEY=" + secret}, args...)
		if strings.Contains(out+errOut, secret) {
			t.Errorf("%v printed a secret", args)
		}
	}
}

func TestUnknownFlagIsAPlainError(t *testing.T) {
	_, errOut, code := tikcraft(t, t.TempDir(), nil, "replay", "--sped", "max", "x.jsonl")
	if code == 0 || !strings.Contains(errOut, "unknown flag") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
