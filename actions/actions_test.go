package actions

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/tikcraft/tikcraft"
)

func parse(t *testing.T, src string) (*File, []Diagnostic) {
	t.Helper()
	return Parse("actions.mca", []byte(src), Options{LikeFunctions: []string{"likes"}})
}

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		src  string
		want string // exact prefix of the only diagnostic
	}{
		{"broken line\n", "actions.mca:1:1: error: missing ':'"},
		{"  :/say hi\n", "actions.mca:1:3: error: empty trigger"},
		{"ro-se:/say hi\n", "actions.mca:1:3: error: trigger \"ro-se\" may only contain"},
		{"rose:say hi\n", "actions.mca:1:6: error: command must start with /"},
		{"rose:/say hi x0\n", "actions.mca:1:14: error: bad multiplier x0"},
		{"rose:/say hi x-1\n", "actions.mca:1:14: error: bad multiplier x-1"},
		{"rose:/say hi x5a\n", "actions.mca:1:14: error: bad multiplier x5a"},
		{"rose:/say hi x10001\n", "actions.mca:1:14: error: bad multiplier"},
		{"rose:/summon zombie ~ ~ ~ {CustomName:'x'\n", "actions.mca:1:27: error: unbalanced '{': never closed"},
		{"rose:/kill @e[type=zombie]]\n", "actions.mca:1:27: error: unbalanced ']'"},
		{"rose:/say a; $dance\n", "actions.mca:1:14: error: unknown function $dance"},
		{"rose:/say a\nRose:/say b\n", "actions.mca:2:1: error: duplicate trigger \"Rose\": already defined on line 1"},
		{"heart_me:/say a\nheartme:/say b\n", "actions.mca:2:1: error: duplicate trigger \"heartme\""},
		{"rose:>>Hi|there x2\n", "actions.mca:1:17: error: an alert cannot be repeated"},
		{"rose:>>Hi|there|soon\n", "error: alert seconds \"soon\""},
		{"rose:/give {user} tnt x51\n", "actions.mca:1:23: warning: x51 runs this command 51 times"},
		{"rose:/\n", "actions.mca:1:6: error: empty command after \"/\""},
		{"rose:\n", "actions.mca:1:5: error: trigger \"rose\" has no command"},
		{"rose:/say hi;\n", "actions.mca:1:14: warning: empty command"},
		{"Éclair:/say hi\n", "actions.mca:1:1: error: trigger \"Éclair\" may only contain"},
		{"gift:/say ü [\n", "actions.mca:1:13: error: unbalanced '['"},
	}
	for _, tt := range tests {
		_, diags := parse(t, tt.src)
		if len(diags) != 1 {
			t.Errorf("%q: want 1 diagnostic, got %v", tt.src, diags)
			continue
		}
		if got := diags[0].String(); !strings.Contains(got, tt.want) || (strings.HasPrefix(tt.want, "actions.mca") && !strings.HasPrefix(got, tt.want)) {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestAllErrorsAreReported(t *testing.T) {
	_, diags := parse(t, "a\nb:/x [\nc:$y\nd:/ok\n")
	if len(diags) != 3 || diags[0].Line != 1 || diags[1].Line != 2 || diags[2].Line != 3 {
		t.Fatalf("got %v", diags)
	}
}

func TestValidSyntax(t *testing.T) {
	src := "\xef\xbb\xbf# a comment\r\n" +
		"   # indented comment\n" +
		"\n" +
		"rose:/kill @e[type=#minecraft:skeletons] # kill skeletons\n" +
		"tick:/function #minecraft:tick\n" +
		"wow:/say wow! # comment with ! and x99\n" +
		"lag:/summon tnt x60 # ignore-lag\n" +
		"json:/tellraw @a {\"text\":\"a]; b{\",\"color\":\"red\"}; /say two\n" +
		"nbt:/summon zombie ~ ~ ~ {CustomName:'{\"text\":\"{nickname}\"}'}\n" +
		"5655:!eco give {user} 10 x2; >>Thanks|{nickname}|5; $random\n" +
		"relax:/say relax xoxo\n" +
		"follow:/say hi\n" +
		"likes:/say likes\n"
	f, diags := parse(t, src)
	if len(diags) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if tr, cmds := f.Stats(); tr != 10 || cmds != 13 {
		t.Errorf("stats %d triggers %d commands", tr, cmds)
	}
	check := func(trigger string, want ...string) {
		t.Helper()
		r := f.Lookup(trigger)
		if r == nil {
			t.Fatalf("no rule %s", trigger)
		}
		var got []string
		for _, c := range r.Commands {
			got = append(got, fmt.Sprintf("%d:%s:x%d", c.Kind, c.Text, c.Repeat))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", trigger, got, want)
		}
	}
	check("rose", "0:kill @e[type=#minecraft:skeletons]:x1")
	check("tick", "0:function #minecraft:tick:x1")
	check("wow", "0:say wow!:x1")
	check("lag", "0:summon tnt:x60")
	check("json", `0:tellraw @a {"text":"a]; b{","color":"red"}:x1`, "0:say two:x1")
	check("5655", "1:eco give {user} 10:x2", "3:Thanks|{nickname}|5:x1", "2:$random:x1")
	check("relax", "0:say relax xoxo:x1")
}

func TestMatching(t *testing.T) {
	f, _ := parse(t, "rose:/a\n5655:/b\nheart_me:/c\n7934:/d\nfollow:/e\n")
	tests := []struct {
		name string
		id   int64
		want string
	}{
		{"Rose", 5655, "rose"},      // name first
		{"ROSE", 0, "rose"},         // case-insensitive
		{"Mystery", 5655, "5655"},   // then id
		{"Heart Me", 1, "heart_me"}, // spaces reduced
		{"Galaxy", 7934, "7934"},
		{"Follow", 1, ""}, // event triggers never match gifts
		{"", 0, ""},
	}
	for _, tt := range tests {
		r := f.MatchGift(tt.name, tt.id)
		got := ""
		if r != nil {
			got = r.Trigger
		}
		if got != tt.want {
			t.Errorf("MatchGift(%q, %d) = %q, want %q", tt.name, tt.id, got, tt.want)
		}
	}
}

func TestFireExpandsChainsRepeatsAndAlerts(t *testing.T) {
	f, _ := parse(t, "rose:/give {user} diamond {count} x2; !eco give {user} 1; >>{nickname}|sent {gift}|4\n")
	acts := f.Fire(f.Lookup("rose"), Vars{User: "anna_123", Nickname: "Anna B", Gift: "Rose", Count: 5}, nil)
	want := []string{"give anna_123 diamond 5", "give anna_123 diamond 5", "eco give anna_123 1", ">>Anna B|sent Rose|4"}
	if len(acts) != len(want) {
		t.Fatalf("got %v", acts)
	}
	for i, a := range acts {
		if a.String() != want[i] || a.Trigger != "rose" || a.User != "anna_123" {
			t.Errorf("action %d = %+v, want %s", i, a, want[i])
		}
	}
	if acts[3].Kind != tikcraft.KindAlert {
		t.Error("alert kind")
	}
}

func TestRandomNeverPicksExcludedRules(t *testing.T) {
	f, diags := parse(t, "rose:$random\nlion:$random; /say lion\nfollow:/f\nshare:/s\njoin:/j\nsubscribe:/sub\nlikes:/l\na:/a\nb:/b\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]int{}
	for range 500 {
		for _, a := range f.Fire(f.Lookup("rose"), Vars{User: "u"}, rnd) {
			seen[a.Command]++
		}
	}
	if len(seen) != 2 || seen["a"] == 0 || seen["b"] == 0 {
		t.Fatalf("picked %v", seen)
	}
	lonely, diags := parse(t, "rose:$random\nfollow:/f\n")
	if len(diags) != 1 || diags[0].Severity != Warning {
		t.Fatalf("want a warning for $random with nothing to pick: %v", diags)
	}
	if got := lonely.Fire(lonely.Lookup("rose"), Vars{}, rnd); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

var hostile = []string{
	`"},{"text":"","clickEvent":{"action":"run_command","value":"/op evil"}}`,
	"a'b\\c{d}e[f]g§h\ni\rj\u202ek\u200bl\u2028m\u0000n@a",
	strings.Repeat("{[\"", 4000),
	"\xff\xfe invalid utf8",
	"   ", "",
	"@e[type=player]",
}

func TestSanitizedValuesCannotChangeStructure(t *testing.T) {
	f, _ := parse(t, "rose:/tellraw @a {\"text\":\"{nickname} {user} {gift}\"}; /give {user} diamond\n")
	for _, h := range hostile {
		acts := f.Fire(f.Lookup("rose"), Vars{User: h, Nickname: h, Gift: h, Count: 1}, nil)
		if len(acts) != 2 {
			t.Fatalf("hostile value stopped the rule: %q", h)
		}
		for _, a := range acts {
			structure := strings.Count(a.Command, `"`) + strings.Count(a.Command, "{")*100 + strings.Count(a.Command, "}")*10000
			var want int
			if strings.HasPrefix(a.Command, "tellraw") {
				want = 4 + 100 + 10000
			}
			if structure != want {
				t.Errorf("%q changed the structure: %s", h, a.Command)
			}
			if strings.HasPrefix(a.Command, "give") && len(strings.Fields(a.Command)) != 3 {
				t.Errorf("{user} %q is not one argument: %s", h, a.Command)
			}
			if len(a.Command) > 600 {
				t.Errorf("value not capped: %d bytes", len(a.Command))
			}
		}
	}
}

func TestSanitizeProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("aZ09 _-\"'\\{}[]§@\n\r\t\u202e\u200b\u2028\u0000éü✨😀")
	for range 5000 {
		var b strings.Builder
		for range rnd.IntN(100) {
			b.WriteRune(alphabet[rnd.IntN(len(alphabet))])
		}
		for _, out := range []string{Sanitize(b.String(), "x"), SanitizeUser(b.String())} {
			if out == "" {
				t.Fatal("empty result")
			}
			for _, r := range out {
				if forbidden(r) || (unicode.IsSpace(r) && r != ' ') {
					t.Fatalf("Sanitize(%q) = %q contains %q", b.String(), out, r)
				}
			}
			if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
				t.Fatalf("whitespace not collapsed: %q", out)
			}
		}
		if strings.Contains(SanitizeUser(b.String()), " ") {
			t.Fatal("{user} has a space")
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"rose:/say hi", "a:$random x3; >>t|s|3", "x:/tellraw @a {\"text\":\"[\"} # c", "b:/kill @e[type=#x] x51 # ignore-lag", ":", "a\nb:\n", "\xef\xbb\xbfr:/x\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := Parse("f.mca", src, Options{LikeFunctions: []string{"likes"}})
		lines := strings.Count(string(src), "\n") + 1
		for _, d := range diags {
			if d.Line < 1 || d.Line > lines || d.Col < 1 {
				t.Fatalf("bad position %v", d)
			}
		}
		rnd := rand.New(rand.NewPCG(1, 1))
		for _, r := range file.Rules() {
			for _, a := range file.Fire(r, Vars{User: "u", Nickname: "n\"", Gift: "g", Count: 2}, rnd) {
				if strings.ContainsAny(a.Command, "\n\r") {
					t.Fatalf("command with a newline: %q", a.Command)
				}
			}
		}
	})
}

func FuzzExpand(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	file, _ := Parse("f.mca", []byte("r:/tellraw @a {\"text\":\"{nickname}\",\"extra\":[\"{user}\",\"{gift}\"]}\n"), Options{})
	f.Fuzz(func(t *testing.T, v string) {
		acts := file.Fire(file.Lookup("r"), Vars{User: v, Nickname: v, Gift: v}, nil)
		if len(acts) != 1 {
			t.Fatal("no action")
		}
		c := acts[0].Command
		if strings.Count(c, `"`) != 10 || strings.Count(c, "[") != 1 || strings.Count(c, "{") != 1 || strings.ContainsAny(c, "§\n'\\") {
			t.Fatalf("structure changed by %q: %s", v, c)
		}
	})
}
