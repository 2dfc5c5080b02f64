package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readDoc reads a file of the repository.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docs/FIRST-RUN.md lists, under "carries over", every Tiktok2Mc section
// that migrate really carries over (it once said LikeGoal was not).
func TestFirstRunListsWhatMigrateCarries(t *testing.T) {
	t.Parallel()
	from, _ := filepath.Abs("../../tiktok2mc/testdata/t2m")
	out, errOut, code := tikcraft(t, t.TempDir(), nil, "migrate", from, "--out", "new")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	_, carried, _ := strings.Cut(out, "carried over:\n")
	carried, _, _ = strings.Cut(carried, "not carried over:")
	// "(TikTok.User)", or a section and its keys: "(LikeGoal DisplayText, InitialGoal)".
	sections := regexp.MustCompile(`(?m)\(([A-Za-z][A-Za-z0-9_.]*)(?: [A-Z][A-Za-z0-9]*(?:, [A-Z][A-Za-z0-9]*)*)?\)$`).FindAllStringSubmatch(carried, -1)
	if len(sections) < 3 {
		t.Fatalf("migrate names few sections it carried:\n%s", out)
	}
	doc := readDoc(t, "docs/FIRST-RUN.md")
	_, bullet, ok := strings.Cut(doc, "\n- carries over ")
	if !ok {
		t.Fatal(`docs/FIRST-RUN.md has no "- carries over" list`)
	}
	bullet, _, _ = strings.Cut(bullet, "\n- ")
	for _, m := range sections {
		if !strings.Contains(bullet, "`"+m[1]+"`") {
			t.Errorf("migrate carries %s over, but docs/FIRST-RUN.md does not say so:\n%s", m[1], bullet)
		}
	}
	if strings.Contains(doc, "reports it as not carried over") {
		t.Error("docs/FIRST-RUN.md still says a section migrate carries is not carried over")
	}
}

// docs/WINDOWS.md names the oldest Windows the Go of go.mod still runs on:
// Windows 10 since Go 1.21.
func TestWindowsDocNamesTheMinimumVersion(t *testing.T) {
	t.Parallel()
	m := regexp.MustCompile(`(?m)^go 1\.(\d+)`).FindStringSubmatch(readDoc(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	if minor, _ := strconv.Atoi(m[1]); minor < 21 {
		t.Skipf("Go 1.%d still runs on Windows 7", minor)
	}
	if doc := readDoc(t, "docs/WINDOWS.md"); !strings.Contains(doc, "Windows 10 or newer") {
		t.Error("docs/WINDOWS.md does not say that tikcraft needs Windows 10 or newer")
	}
}

// The README tells someone with a clone how to get the tikcraft command,
// and that command works.
func TestReadmeInstallFromAClone(t *testing.T) {
	t.Parallel()
	const install = "go install ./cmd/tikcraft"
	if !strings.Contains(readDoc(t, "README.md"), install) {
		t.Fatalf("README.md does not say %q", install)
	}
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "./cmd/tikcraft")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", install, err, out)
	}
	exe := filepath.Join(gobin, "tikcraft")
	if _, err := os.Stat(exe + ".exe"); err == nil {
		exe += ".exe"
	}
	out, err := exec.Command(exe, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "tikcraft ") {
		t.Fatalf("the installed tikcraft version: %q %v", out, err)
	}
}
