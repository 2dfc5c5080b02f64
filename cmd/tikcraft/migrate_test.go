package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tikcraft/tikcraft/cmdline"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// t2mFolder writes a Tiktok2Mc 1.0 folder (path: content) into dir/t2m,
// with a config.yaml for password unless files has one, and returns it.
func t2mFolder(t *testing.T, dir, password string, files map[string]string) string {
	t.Helper()
	from := filepath.Join(dir, "t2m")
	if _, ok := files["config/config.yaml"]; !ok {
		writeFile(t, filepath.Join(from, "config", "config.yaml"), "config_version: 1.0\nrcon: {password: "+password+", port: 25575}\ntiktok:\n  user: anna\n")
	}
	for p, s := range files {
		writeFile(t, filepath.Join(from, filepath.FromSlash(p)), s)
	}
	return from
}

// migrateNew runs migrate on the Tiktok2Mc folder from into dir/new and
// returns what it printed; it must succeed and print each of wants.
func migrateNew(t *testing.T, dir, from string, wants ...string) string {
	t.Helper()
	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "new")
	if code != 0 || slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(out, w) }) {
		t.Fatalf("migrate: exit %d, want 0 and %q\n%s%s", code, wants, out, errOut)
	}
	return out
}

// A Tiktok2Mc trigger named with emoji ("🌹Rose 🌹") became "rose_" to
// Tiktok2Mc, which no gift is: it never ran for a Rose. Migrated, it runs
// for no Rose either, and the report says why and what to write instead.
func TestMigrateKeepsATriggerTiktok2McRanForNoGiftOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-stray-names", map[string]string{"data/actions.mca": "🌹Rose 🌹:/say emoji rose\nlion:/say lion\n"})
	out := migrateNew(t, dir, from)
	_, left, _ := strings.Cut(out, "not carried over:\n")
	if !strings.Contains(left, "actions.mca line 1 (🌹Rose 🌹:/say emoji rose): Tiktok2Mc read the trigger as rose_, not rose, so it never ran it for the gift Rose") || !strings.Contains(left, "(write rose: if you meant that)") {
		t.Fatalf("the report does not list the line as not carried over:\n%s", out)
	}
	srv := rcontest.Start(t, "pw-for-stray-names")
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(gift(anna, 5655, "Rose"), gift(anna, 6369, "Lion")))
	if want := []string{"say lion"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
}

// Tiktok2Mc ran a rule named gift, subscribe or first_gift only for a gift
// of that name (TikTok has none), a like rule or $random. Migrated, a Rose
// without a rule of its own, a subscription and a viewer's first gift run
// none of them, as on Tiktok2Mc's stream; the report says why.
func TestMigrateKeepsTikcraftEventNamesOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-event-names", map[string]string{"data/actions.mca": "gift:/say gift\nsubscribe:/say sub\nfirst_gift:/say first\nlion:/say lion\n"})
	out := migrateNew(t, dir, from)
	_, left, _ := strings.Cut(out, "not carried over:\n")
	if !strings.Contains(left, "actions.mca line 1 (gift:/say gift): Tiktok2Mc ran gift only for a gift of that name (TikTok has none), by a like rule naming it or through $random; tikcraft runs gift: for every gift that has no rule of its own") ||
		!strings.Contains(left, "actions.mca line 2 (subscribe:/say sub): ") || !strings.Contains(left, "actions.mca line 3 (first_gift:/say first): ") {
		t.Fatalf("the report does not list the lines as not carried over:\n%s", out)
	}
	srv := rcontest.Start(t, "pw-for-event-names")
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(gift(anna, 5655, "Rose"), `{"type":"subscribe","user":`+anna+`}`, gift(anna, 6369, "Lion")))
	if want := []string{"say lion"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
}

// The same name in $random's list (hooks/random/config.yaml) names that
// line, not the rose rule: $random, picking only from the lion and it,
// runs the lion's commands, never the rose's.
func TestMigrateKeepsAStrayNameOutOfRandom(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-stray-random", map[string]string{
		"hooks/random/config.yaml": "mode: allow-only\ntriggers: ['🌹Rose 🌹', lion]\n",
		"data/actions.mca":         "🌹Rose 🌹:/say emoji\nrose:/say rose\nlion:/say lion\nconfetti:$random\n",
	})
	out := migrateNew(t, dir, from)
	_, left, _ := strings.Cut(out, "not carried over:\n")
	if !strings.Contains(left, `config.yaml: "🌹Rose 🌹": Tiktok2Mc read the trigger as rose_, not rose`) {
		t.Fatalf("the report does not list the name as not carried over:\n%s", out)
	}
	srv := rcontest.Start(t, "pw-for-stray-random")
	anna := viewer("anna", false, false)
	confetti := gift(anna, 6064, "Confetti")
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(confetti, confetti, confetti, confetti, confetti, confetti))
	if want := slices.Repeat([]string{"say lion"}, 6); !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
}

// A shell_actions.txt line added to a rule of actions.mca ran by itself in
// Tiktok2Mc: its $random ran the rule's actions.mca commands only. After
// migrate, a Rose whose $random picks the lion still sends only /say lion,
// while a Lion also makes the web call.
func TestMigrateMergedShellLineStaysOutOfRandom(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	web := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(web.Close)
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-merged-lines", map[string]string{
		"data/actions.mca":       "lion:/say lion\nrose:$random\n",
		"data/shell_actions.txt": "6369:curl -X POST " + web.URL + "/lion\n",
	})
	out := migrateNew(t, dir, from, "check: no errors, 0 warnings")
	if !strings.Contains(out, "lion_random:/say lion: what $random picks in place of lion") {
		t.Fatalf("the report does not name lion's stand-in:\n%s", out)
	}
	srv := rcontest.Start(t, "pw-for-merged-lines")
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(
		gift(anna, 5655, "Rose"), gift(anna, 5655, "Rose"), gift(anna, 5655, "Rose"), gift(anna, 6369, "Lion"),
	))
	if want := []string{"say lion", "say lion", "say lion", "say lion"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("the web address was called %d times, want once (for the Lion alone)", n)
	}
}

// Tiktok2Mc made the call of an http_actions.txt line for every gift of
// its id, besides the gift's rule, and never for a line keyed by a name.
// Migrated, two Roses (rule rose:) and a Rose TikTok names in another
// language (no name rule: 5655's) make the Rose's call three times, and the
// line keyed "rose" none.
func TestMigrateGiftIDLinesRunForEveryGiftOfTheirID(t *testing.T) {
	t.Parallel()
	var rose, never atomic.Int64
	web := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rose" {
			rose.Add(1)
		} else {
			never.Add(1)
		}
	}))
	t.Cleanup(web.Close)
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-gift-id-lines", map[string]string{
		"config/config.yaml":    "RCON: {Password: pw-for-gift-id-lines}\nTikTok: {User: anna}\n",
		"data/actions.mca":      "rose:/say rose\n",
		"data/http_actions.txt": "5655:curl -X POST " + web.URL + "/rose\nrose:curl -X POST " + web.URL + "/never\n",
	})
	migrateNew(t, dir, from, `a line keyed "rose" never ran (write 5655: if you meant the Rose)`)
	srv := rcontest.Start(t, "pw-for-gift-id-lines")
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(gift(anna, 5655, "Rose"), gift(anna, 5655, "Rose"), gift(anna, 5655, "Rosa")))
	if want := []string{"say rose", "say rose"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
	if r, n := rose.Load(), never.Load(); r != 3 || n != 0 {
		t.Fatalf("the Rose's address was called %d times (want 3), the name-keyed line's %d (want 0)", r, n)
	}
}

// Tiktok2Mc ran a like rule's function only when it was a trigger spelt
// exactly as it read them: "Likes" never ran likes. Migrated, 300 likes
// run nothing either, and the report says what to write.
func TestMigrateKeepsAMisspeltLikeFunctionOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-like-spelling", map[string]string{
		"config/config.yaml": "rcon: {password: pw-for-like-spelling}\ntiktok: {user: anna}\nlike_goal:\n  triggers:\n    - {id: room, every: 100, function: Likes}\n",
		"data/actions.mca":   "likes:/say likes\nfollow:/say follow\n",
	})
	migrateNew(t, dir, from, `like_goal.triggers room: Tiktok2Mc never ran it`, `"Likes" is not "likes"; write function: likes if you meant it`)
	srv := rcontest.Start(t, "pw-for-like-spelling")
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(`{"type":"like","user":`+anna+`,"count":300}`, `{"type":"follow","user":`+anna+`}`))
	if want := []string{"say follow"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
}

// A program, a picture or a zip saved as actions.mca is not text: migrate
// refuses it naming the file and writes nothing (its "lines" came out as
// comments), and check says so in one error, not one per "line".
func TestMigrateAndCheckRefuseAnActionsFileThatIsNotText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	binary := "rose:/say hi\nPK\x03\x04\x14\x00\x08\x00\x08\x00\xa1\xb2\nmore\x00\x00\n"
	from := t2mFolder(t, dir, "pw-for-binary", map[string]string{"data/actions.mca": binary})
	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "new")
	want := filepath.Join(from, "data", "actions.mca") + ":2:6: this is not text: it holds NUL bytes, as a program, a picture or a zip file does; so does a file saved as UTF-16 (\"Unicode\") without its byte order mark, which should be saved as UTF-8; otherwise it is not a Tiktok2Mc file"
	if code != 1 || !strings.Contains(errOut, want) {
		t.Fatalf("migrate: exit %d, want 1 and %q\n%s%s", code, want, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Fatalf("migrate wrote %s after refusing: %v", filepath.Join(dir, "new"), err)
	}

	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "rcon:\n  address: 127.0.0.1:25575\n")
	writeFile(t, filepath.Join(dir, "actions.mca"), binary)
	out, _, code = tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD=pw-for-binary"}, "check", "-c", "tikcraft.yaml")
	if code != 1 || strings.Count(out, "error") != 1 || !strings.Contains(out, "actions.mca:2:6: error: this is not text: it holds NUL bytes") {
		t.Fatalf("check: exit %d, want 1 and one error at actions.mca:2:6\n%s", code, out)
	}
}

// --out names a folder. A streamer who gives a file there (the
// tikcraft.yaml to write, say) reads which path, that it must be a folder
// and what to give instead, not "not a directory"; nothing is written.
func TestMigrateOutMustBeAFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-out", nil)
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "# mine\n")
	writeFile(t, filepath.Join(dir, "my stuff", "tikcraft.yaml"), "# mine\n")
	for _, c := range []struct{ out, want string }{
		{"tikcraft.yaml", "--out tikcraft.yaml is a file, not a folder: --out names the folder that migrate writes tikcraft.yaml and actions.mca into, and makes it if it does not exist. Give a folder instead, such as --out tikcraft, or leave --out out to write into the folder you are in"},
		{filepath.Join("tikcraft.yaml", "new"), "--out " + filepath.Join("tikcraft.yaml", "new") + " cannot be made: tikcraft.yaml is a file, not a folder. --out names the folder"},
		// The folder suggested is written as it is typed back.
		{filepath.Join("my stuff", "tikcraft.yaml"), "such as --out " + cmdline.Arg(filepath.Join("my stuff", "tikcraft")) + ", or leave"},
	} {
		out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", c.out)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "directory") {
			t.Errorf("--out %s: exit %d, want 1 and %q\n%s%s", c.out, code, c.want, out, errOut)
		}
	}
	if got := readFile(t, filepath.Join(dir, "tikcraft.yaml")); got != "# mine\n" {
		t.Fatalf("tikcraft.yaml changed to %q", got)
	}

	// The folder suggested does not exist: a file named tikcraft (the
	// program itself, on Linux and macOS) is not suggested back.
	writeFile(t, filepath.Join(dir, "tikcraft"), "#!/bin/sh\n")
	writeFile(t, filepath.Join(dir, "tikcraft-2"), "")
	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "tikcraft")
	if want := "--out tikcraft is a file, not a folder: --out names the folder that migrate writes tikcraft.yaml and actions.mca into, and makes it if it does not exist. Give a folder instead, such as --out tikcraft-3,"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("--out tikcraft: exit %d, want 1 and %q\n%s%s", code, want, out, errOut)
	}
}
