package rules

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
)

func testConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, _, err := config.Load(config.Layer{Name: "tikcraft.yaml", Data: []byte(yaml)})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// editable makes a reloader for an actions file holding src.
func editable(t *testing.T, src string) (*Reloader, string, *[]Status) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "actions.mca")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "minecraft:\n  version: 1.21.4\n")
	f, diags := Parse(cfg, path, []byte(src))
	if n := errorCount(diags); n > 0 {
		t.Fatalf("test file has errors: %v", diags)
	}
	var seen []Status
	r := NewReloader(New(f, 1), path, []byte(src), nil, cfg, slog.New(slog.DiscardHandler), func(st Status) { seen = append(seen, st) })
	return r, path, &seen
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSaveWritesBacksUpAndRunsAtOnce(t *testing.T) {
	r, path, seen := editable(t, "rose:/say old\n")
	saved, err := r.Save([]byte("rose:/say new\nfollow:/summon creeper ~ ~ ~ x60\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Backup != path+".bak" || read(t, saved.Backup) != "rose:/say old\n" {
		t.Errorf("backup %q holds %q", saved.Backup, read(t, saved.Backup))
	}
	if got := read(t, path); got != "rose:/say new\nfollow:/summon creeper ~ ~ ~ x60\n" {
		t.Errorf("file holds %q", got)
	}
	if len(saved.Diagnostics) != 1 || saved.Diagnostics[0].Severity != actions.Warning {
		t.Errorf("want the x60 warning, got %v", saved.Diagnostics)
	}
	st := r.Status()
	if st.Rules.Lookup("follow") == nil || st.Error != "" || len(st.Diagnostics) != 1 {
		t.Errorf("status after save: %+v", st)
	}
	if r.set.File().Lookup("follow") == nil {
		t.Error("the new rules do not run")
	}
	if len(*seen) != 1 {
		t.Errorf("notified %d times, want once", len(*seen))
	}
	// A second save keeps the version before it.
	if _, err := r.Save([]byte("rose:/say third\n"), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path+".bak"); !strings.HasPrefix(got, "rose:/say new") {
		t.Errorf("second backup holds %q", got)
	}
}

func TestSaveRefusesErrorsAndWritesNothing(t *testing.T) {
	r, path, seen := editable(t, "rose:/say old\n")
	cases := map[string]string{
		"typo":        "rose:/summon creper ~ ~ ~\n",
		"syntax":      "rose say hi\n",
		"empty":       "  \n",
		"unknown cmd": "rose:/say ok\nlion:/summn creeper\n",
	}
	for name, src := range cases {
		saved, err := r.Save([]byte(src), "")
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
		if errorCount(saved.Diagnostics) == 0 {
			t.Errorf("%s: no error diagnostic: %v", name, saved.Diagnostics)
		}
		for _, d := range saved.Diagnostics {
			if d.Line < 1 || d.Col < 1 || d.Message == "" {
				t.Errorf("%s: diagnostic without a place: %+v", name, d)
			}
		}
	}
	if got := read(t, path); got != "rose:/say old\n" {
		t.Errorf("file changed to %q", got)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Errorf("a backup was made for a refused save: %v", err)
	}
	if r.set.File().Lookup("rose").Commands[0].Text != "say old" || len(*seen) != 0 {
		t.Error("a refused save changed the running rules")
	}
}

func TestSaveTypoDiagnosticPlace(t *testing.T) {
	r, _, _ := editable(t, "rose:/say old\n")
	saved, err := r.Save([]byte("rose:/say ok\ngalaxy:/execute at @a run summon creper ~ ~ ~\n"), "")
	if err == nil {
		t.Fatal("saved a typo")
	}
	d := saved.Diagnostics[0]
	if d.Line != 2 || d.Col != 34 || !strings.Contains(d.Message, "creeper") {
		t.Errorf("got %+v, want line 2 col 34 suggesting creeper", d)
	}
}

func TestSaveKeepsWindowsLineEnds(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\r\nfollow:/say hi\r\n")
	if _, err := r.Save([]byte("rose:/say new\nfollow:/say hi\n"), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "rose:/say new\r\nfollow:/say hi\r\n" {
		t.Errorf("file holds %q", got)
	}
}

// TestSaveIsNotReloadedAgain: the watcher sees the saved file as the one
// running and does not load it a second time. A later edit made outside
// tikcraft is loaded once: two loads in all, never three.
func TestSaveIsNotReloadedAgain(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	loads := make(chan Status, 10)
	r.notify = func(st Status) { loads <- st }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Watch(ctx, time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	if _, err := r.Save([]byte("rose:/say new\n"), ""); err != nil {
		t.Fatal(err)
	}
	<-loads
	if err := os.WriteFile(path, []byte("rose:/say outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := <-loads
	if got := st.Rules.Lookup("rose").Commands[0].Text; got != "say outside" {
		t.Fatalf("second load ran %q, want the outside edit (the saved file was loaded again)", got)
	}
	cancel()
	<-done
	if len(loads) != 0 {
		t.Errorf("%d more loads", len(loads))
	}
}

func TestEmbeddedRulesAreNotEditable(t *testing.T) {
	cfg := testConfig(t, "")
	src := "rose:/say hi\n"
	f, _ := Parse(cfg, "(embedded)", []byte(src))
	r := NewReloader(New(f, 1), "", []byte(src), nil, cfg, slog.New(slog.DiscardHandler), nil)
	s, err := r.Source()
	if err != nil || s.Editable || string(s.Text) != src || s.Reason == "" {
		t.Errorf("source %+v, %v", s, err)
	}
	if _, err := r.Save([]byte("rose:/say new\n"), ""); !errors.Is(err, ErrNotReloadable) {
		t.Errorf("save: %v, want ErrNotReloadable", err)
	}
	if _, diags := r.Check([]byte("rose:/summon creper\n")); errorCount(diags) != 1 {
		t.Errorf("check still works: %v", diags)
	}
}

// A save from a version of the file that changed on disk since (Notepad
// and the dashboard's editor at once) writes nothing; without a version,
// or from the version on disk, it writes.
func TestSaveRefusesAFileChangedSince(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	s, err := r.Source()
	if err != nil || s.Version == "" {
		t.Fatalf("source %+v, %v", s, err)
	}
	if err := os.WriteFile(path, []byte("rose:/say from notepad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = r.Save([]byte("rose:/say from the editor\n"), s.Version)
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), path+" was changed on disk since the editor loaded it, so nothing was saved") {
		t.Fatalf("got %v", err)
	}
	if read(t, path) != "rose:/say from notepad\n" {
		t.Fatal("the change on disk was overwritten")
	}
	now, _ := r.Source()
	saved, err := r.Save([]byte("rose:/say from the editor\n"), now.Version)
	if err != nil || read(t, path) != "rose:/say from the editor\n" {
		t.Fatalf("from the version on disk: %v", err)
	}
	if again, _ := r.Source(); saved.Version == "" || again.Version != saved.Version {
		t.Errorf("the version saved %q is not the file's %q", saved.Version, again.Version)
	}
	if _, err := r.Save([]byte("rose:/say over\n"), ""); err != nil || read(t, path) != "rose:/say over\n" {
		t.Errorf("without a version: %v", err)
	}
}

func TestSourceReadsTheFile(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	if err := os.WriteFile(path, []byte("rose:/say edited elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := r.Source()
	if err != nil || string(s.Text) != "rose:/say edited elsewhere\n" || !s.Editable || s.File != path {
		t.Errorf("source %+v, %v", s, err)
	}
	// Re-saved by Notepad as "Unicode": the editor gets it readable, so
	// saving from there writes UTF-8 (the reload refuses the file).
	unicode := []byte{0xff, 0xfe}
	for _, c := range "rose:/say ünï\r\n" {
		unicode = append(unicode, byte(c), byte(c>>8))
	}
	if err := os.WriteFile(path, unicode, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = r.Source()
	if err != nil || string(s.Text) != "rose:/say ünï\r\n" || !s.Editable {
		t.Errorf("a UTF-16 file gives %+v, %v", s, err)
	}
	os.Remove(path)
	s, err = r.Source()
	if err != nil || string(s.Text) != "rose:/say old\n" || s.Version != VersionDeleted {
		t.Errorf("a deleted file gives %+v, %v; want the text last loaded, version %q", s, err, VersionDeleted)
	}
	if _, err := r.Save([]byte("rose:/say back\n"), ""); err != nil {
		t.Fatal(err)
	}
	if read(t, path) != "rose:/say back\n" {
		t.Error("save did not write the file again")
	}
}
