package actions

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/rcon"
)

func TestLimitMatchesRCON(t *testing.T) {
	if MaxCommandBytes != rcon.MaxCommandBytes {
		t.Fatalf("actions.MaxCommandBytes %d != rcon.MaxCommandBytes %d", MaxCommandBytes, rcon.MaxCommandBytes)
	}
}

// A paid gift's command is never rejected for length: long nicknames are
// cut by bytes until the command fits, and the command is always sent.
func TestLongValuesAreCutToFitTheCommand(t *testing.T) {
	four := strings.Repeat("𝔸", 80) // 4 bytes each; Sanitize keeps 64
	tests := []string{
		"r:/tellraw @a {\"text\":\"{nickname} {nickname} {nickname} {nickname} {nickname} {nickname}\"}",
		"r:/say {user} {nickname} {gift} {nickname} {gift} {user} {nickname} {count}",
		"r:/say " + strings.Repeat("a", 1300) + " {nickname}",
		"r:/say " + strings.Repeat("a", 1440) + " {nickname}{user}",
	}
	for i, src := range tests {
		f, _ := Parse("a.mca", []byte(src+"\n"), Options{})
		r := f.Lookup("r")
		acts := f.Fire(r, Vars{User: four, Nickname: four, Gift: four, Count: 123456}, nil)
		if len(acts) != 1 {
			t.Fatalf("%.40q: %d actions", src, len(acts))
		}
		c := acts[0].Command
		if len(c) > MaxCommandBytes || !utf8.ValidString(c) {
			t.Errorf("%.40q: %d bytes (valid UTF-8: %t)", src, len(c), utf8.ValidString(c))
		}
		if err := rcon.CheckCommand(c); err != nil {
			t.Errorf("%.40q: RCON would refuse it: %v", src, err)
		}
		if strings.Contains(src, "{count}") && !strings.HasSuffix(c, " 123456") {
			t.Errorf("{count} was cut: %q", c[len(c)-20:])
		}
		if i < 3 && !strings.Contains(c, "𝔸") {
			t.Errorf("%.40q: the names vanished entirely although there was room", src)
		}
	}
	// Short names are never cut.
	f, _ := Parse("a.mca", []byte("r:/say {nickname} {nickname} {nickname}\n"), Options{})
	if got := f.Fire(f.Lookup("r"), Vars{Nickname: "Anna ✨"}, nil)[0].Command; got != "say Anna ✨ Anna ✨ Anna ✨" {
		t.Errorf("got %q", got)
	}
}

// Property: whatever the values, every expanded command fits and keeps
// its fixed text.
func TestFitProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	runes := []rune{'a', 'é', '✨', '𝔸', ' ', '"', '@'}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(runes[rnd.IntN(len(runes))])
		}
		return b.String()
	}
	for range 300 {
		fixed := strings.Repeat("x", rnd.IntN(1400))
		reps := 1 + rnd.IntN(8)
		src := "r:/say " + fixed + strings.Repeat(" {nickname}{user}", reps) + " {gift}\n"
		f, diags := Parse("a.mca", []byte(src), Options{})
		if len(diags) > 0 && diags[0].Severity == Error {
			continue
		}
		v := Vars{User: gen(rnd.IntN(100)), Nickname: gen(rnd.IntN(100)), Gift: gen(rnd.IntN(100))}
		c := f.Fire(f.Lookup("r"), v, nil)[0].Command
		if len(c) > MaxCommandBytes || !strings.HasPrefix(c, "say "+fixed) || !utf8.ValidString(c) {
			t.Fatalf("%d bytes for %d repeats, fixed %d", len(c), reps, len(fixed))
		}
	}
}

func TestCheckWarnsAboutWorstCaseLength(t *testing.T) {
	_, diags := Parse("a.mca", []byte("ok:/say {nickname}\nlong:/tellraw @a {\"text\":\""+strings.Repeat("{nickname} ", 6)+"\"}\nhuge:/say "+strings.Repeat("a", 1500)+"\n"), Options{})
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	if len(got) != 2 ||
		!strings.HasPrefix(got[0], "a.mca:2:6: warning: with long viewer names (64 characters of up to 4 bytes each) this command can reach") ||
		!strings.HasPrefix(got[1], "a.mca:3:6: error: this command is 1504 bytes long before any placeholder is filled in, but Minecraft accepts at most 1446") {
		t.Fatalf("got:\n%s", strings.Join(got, "\n"))
	}
}

// $random never picks likes, like_2 or follow, even when no like rule
// names likes or like_2 (Tiktok2Mc's rule), and check can list its picks.
func TestRandomExcludesTiktok2McsRules(t *testing.T) {
	f, _ := Parse("a.mca", []byte("gift:$random\nlikes:/kill @a\nLike_2:/clear @a *\nfollow:/f\nshare:/s\njoin:/j\nsubscribe:/sub\nmine:/m\nother:$random\nsafe:/give @a cookie\n"), Options{LikeFunctions: []string{"mine"}})
	var picks []string
	for _, r := range f.RandomPicks() {
		picks = append(picks, r.Trigger)
	}
	if !slices.Equal(picks, []string{"safe"}) {
		t.Fatalf("$random can pick %v, want only safe", picks)
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	for range 50 {
		for _, a := range f.Fire(f.Lookup("gift"), Vars{}, rnd) {
			if a.Trigger != "safe" {
				t.Fatalf("$random picked %s", a.Trigger)
			}
		}
	}
}

func TestDestructivePicksAreWarned(t *testing.T) {
	src := "g:$random\n" +
		"a:/clear @a *\n" +
		"b:/execute at @a run kill @a\n" +
		"c:/kill @e[type=minecraft:zombie]\n" +
		"d:/kill @e[type=#minecraft:skeletons]\n" +
		"e:/execute at @p run fill ~-8 -64 ~-8 ~7 31 ~7 minecraft:air replace\n" +
		"f:/kill {user}\n" +
		"h:/give @a diamond\n" +
		"i:!tnt 2 Notch\n" +
		"like_2:/kill @a\n"
	_, diags := Parse("a.mca", []byte(src), Options{})
	var lines []int
	for _, d := range diags {
		if d.Severity != Warning || !strings.Contains(d.Message, "$random (line 1) can pick") {
			t.Errorf("unexpected %s", d)
			continue
		}
		lines = append(lines, d.Line)
	}
	if !slices.Equal(lines, []int{2, 3, 6, 7}) {
		t.Fatalf("warned on lines %v, want 2 3 6 7:\n%v", lines, diags)
	}
	// Without $random nothing is warned.
	if _, diags := Parse("a.mca", []byte("a:/clear @a *\n"), Options{}); len(diags) != 0 {
		t.Fatalf("%v", diags)
	}
}

func TestPluginCommandsAreMarked(t *testing.T) {
	f, _ := Parse("a.mca", []byte("r:!tnt 2 {user}; /say hi\n"), Options{})
	acts := f.Fire(f.Lookup("r"), Vars{User: "anna"}, nil)
	if len(acts) != 2 || !acts[0].Plugin || acts[0].Command != "tnt 2 anna" || acts[1].Plugin {
		t.Fatalf("%+v", acts)
	}
}

// The filler fills in the placeholders exactly as strings.Replacer with
// the same pairs does, on texts built from tokens, their pieces, braces and
// the values themselves (which must never be filled in again).
func TestFillerMatchesStringsReplacer(t *testing.T) {
	vals := filler{"anna", "{user} Anna", "Rose", "5", "{", "hi {message}", "}"}
	pairs := make([]string, 0, 2*len(vals))
	for i, tok := range placeholderTokens {
		pairs = append(pairs, tok, vals[i])
	}
	want := strings.NewReplacer(pairs...)
	pieces := append([]string{"{", "}", "{{", "{use", "r}", "say ", "é", "{user", "", "x"}, placeholderTokens[:]...)
	rnd := rand.New(rand.NewPCG(7, 9))
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(8) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		text := b.String()
		if got, w := vals.Replace(text), want.Replace(text); got != w {
			t.Fatalf("%q: got %q, strings.Replacer %q", text, got, w)
		}
	}
}

func FuzzFiller(f *testing.F) {
	f.Add("say {user} sent {gift} x{count} {", "a{b}")
	f.Add("{nickname}{comment}{coins}", "{user}")
	f.Fuzz(func(t *testing.T, text, v string) {
		vals := filler{v, v + "1", v, "2", "3", v, v}
		pairs := make([]string, 0, 2*len(vals))
		for i, tok := range placeholderTokens {
			pairs = append(pairs, tok, vals[i])
		}
		if got, want := vals.Replace(text), strings.NewReplacer(pairs...).Replace(text); got != want {
			t.Fatalf("%q: got %q, strings.Replacer %q", text, got, want)
		}
	})
}
