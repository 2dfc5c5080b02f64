package rules

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
)

// An actions file emptied while tikcraft runs (an editor that truncates
// before writing) keeps the running rules, says so, and the file is taken
// again once it has content. A comment line alone is how a streamer says
// "no rules" on purpose.
func TestReloadKeepsRulesWhenTheFileIsEmptied(t *testing.T) {
	r, path, seen := editable(t, "rose:/say old\nfollow:/say hi\n")
	for _, empty := range []string{"", "  \n\n", "\r\n"} {
		if err := os.WriteFile(path, []byte(empty), 0o644); err != nil {
			t.Fatal(err)
		}
		err := r.Reload(context.Background())
		if !errors.Is(err, ErrKept) || !strings.Contains(err.Error(), "is empty") {
			t.Fatalf("reload of %q: %v; want ErrKept saying the file is empty", empty, err)
		}
		if r.set.File().Lookup("rose") == nil || r.set.File().Lookup("follow") == nil {
			t.Fatalf("reload of %q dropped the running rules", empty)
		}
		st := r.Status()
		if !strings.Contains(st.Error, "keep running") || !strings.Contains(st.Error, "# no rules") || st.Rules.Lookup("rose") == nil {
			t.Errorf("status after %q: %+v", empty, st)
		}
	}
	if n := len(*seen); n != 3 {
		t.Errorf("notified %d times, want 3 (the dashboard shows each)", n)
	}

	// Content again: taken.
	if err := os.WriteFile(path, []byte("lion:/say new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.set.File().Lookup("lion") == nil || r.set.File().Lookup("rose") != nil || r.Status().Error != "" {
		t.Fatalf("the file with content again was not taken: %+v", r.Status())
	}

	// A comment line alone: no rules, as meant.
	if err := os.WriteFile(path, []byte("# no rules\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(r.set.File().Rules()); n != 0 {
		t.Fatalf("%d rules after a comment-only file, want none", n)
	}
	// With no rules running, an empty file changes nothing and is taken.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(context.Background()); err != nil {
		t.Fatalf("empty file with no rules running: %v", err)
	}
}

// The watcher sees an emptied file too and keeps the rules, then takes the
// file once it has content again.
func TestWatchKeepsRulesWhileTheFileIsEmpty(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); r.Watch(ctx, 5*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	writeUntil(t, r, path, "", func(st Status) bool { return strings.Contains(st.Error, "is empty") })
	if r.set.File().Lookup("rose") == nil {
		t.Fatal("the watcher dropped the running rules for an empty file")
	}
	writeUntil(t, r, path, "rose:/say back\nlion:/say new\n", func(st Status) bool { return st.Error == "" && st.Rules.Lookup("lion") != nil })
}

// writeUntil writes src to path until the reloader's status is ok: the
// watcher may take its first look after a single write, and then sees no
// change.
func writeUntil(t *testing.T, r *Reloader, path, src string, ok func(Status) bool) {
	t.Helper()
	for i := range 1000 {
		if ok(r.Status()) {
			return
		}
		if i%20 == 0 {
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("status never changed as expected: %+v", r.Status())
}

// A change made between the load and the watcher's first look (run
// starting while the streamer saves) is taken, not mistaken for the file
// loaded.
func TestWatchTakesAChangeMadeBeforeItsFirstLook(t *testing.T) {
	r, path, _ := editable(t, "rose:/say old\n")
	if err := os.WriteFile(path, []byte("lion:/say new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Watch(ctx, time.Millisecond) }()
	defer func() { cancel(); <-done }()
	waitFor(t, r, func(st Status) bool { return st.Rules.Lookup("lion") != nil })
}

// A like rule whose trigger the actions file lacks is warned about where
// it was written; one of tikcraft's own settings (the demo's, Builtin) at
// the actions file, which is where it can be made to work. A streamer's
// rule with no line (a config made in code) is not taken for a built-in.
func TestParseWarnsOfLikeRulesWithoutTheirTrigger(t *testing.T) {
	cfg, _, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Likes.Triggers = []config.LikeTrigger{
		{ID: "likes_standard", Every: 100, Function: "likes", File: "the demo's built-in settings", Builtin: true},
		{ID: "likes_1", Every: 100, Function: "hearts", File: "tikcraft.yaml", Line: 3, Col: 7},
		{ID: "likes_2", Every: 100, Function: "claps", File: "tikcraft.yaml"},
		{ID: "likes_3", Every: 100, Function: "follow", File: "tikcraft.yaml", Line: 9, Col: 7},
	}
	_, diags := Parse(cfg, "actions.mca", []byte("follow:/say hi\n"))
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		`actions.mca:1:1: warning: like rule "likes_standard" of the demo's built-in settings runs "likes", which is not a trigger in actions.mca; it will do nothing: add a likes: rule to actions.mca, or set likes: in your config to like rules of your own`,
		`tikcraft.yaml:3:7: warning: like rule "likes_1" runs "hearts", which is not a trigger in actions.mca; it will do nothing`,
		`tikcraft.yaml:0:0: warning: like rule "likes_2" runs "claps", which is not a trigger in actions.mca; it will do nothing`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An actions file saved as "Unicode" gets one error saying so: a warning
// that the config's like rule "runs likes, which is not a trigger" would
// send the streamer looking for a rule that is there.
func TestParseOfAFileNotTextSaysOnlyThat(t *testing.T) {
	cfg, _, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Likes.Triggers = []config.LikeTrigger{{ID: "likes_1", Every: 100, Function: "likes", File: "tikcraft.yaml", Line: 3, Col: 7}}
	for _, src := range []string{"\xff\xfel\x00i\x00k\x00e\x00s\x00:\x00/\x00s\x00a\x00y\x00\n\x00", "l\x00i\x00k\x00e\x00s\x00:\x00"} {
		_, diags := Parse(cfg, "actions.mca", []byte(src))
		if len(diags) != 1 || diags[0].Severity != actions.Error {
			t.Errorf("%q: got %v", src, diags)
		}
	}
}
