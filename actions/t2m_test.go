package actions

import (
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// A Tiktok2Mc 1.0 actions.mca, its own defaults plus a streamer's edits,
// parses as it is.
const t2m10 = `# actions.mca — TikTok Events → Minecraft Commands
follow:/give @a minecraft:golden_apple 7; >>New Follower!|{user} is now following you!|5
#join:>>Welcome!|{user} just joined the stream!|3
comment:>>{user} wrote:|{comment}|3
likes:/execute at @a run summon minecraft:creeper ~ ~ ~ x2
##like_2:/clear @a *; /kill @a
5655:!tnt 2 0.1 2 Notch
16111:/give {user} minecraft:cookie 4 !rc
Rosa:/give @a minecraft:poppy 3; @alerts>>Rosa!|from {user}|4
8913:/execute at @a run summon minecraft:evoker ~ ~ ~ x3
'Tom the Tomato':/give {user} minecraft:carrot 10 x2 !rc
16379:/say never: the name rule wins
'Money Gun': /say {user} !rc x2 ; @default>>Money!|{user}|2
`

func TestTiktok2Mc10Lines(t *testing.T) {
	f, diags := parse(t, t2m10)
	for _, d := range diags {
		if d.Severity == Error {
			t.Errorf("%s", d)
		}
	}
	fire := func(trigger string, v Vars) []string {
		t.Helper()
		r := f.Lookup(trigger)
		if r == nil {
			t.Fatalf("no rule %q", trigger)
		}
		var out []string
		for _, a := range f.Fire(r, v, nil) {
			out = append(out, a.String())
		}
		return out
	}
	viewer := Vars{User: "viewer_x", Nickname: "Viewer X", Message: `hi "there" @a`}
	tests := []struct {
		trigger string
		want    []string
	}{
		{"16111", []string{"give viewer_x minecraft:cookie 4"}},
		{"Rosa", []string{"give @a minecraft:poppy 3", "@alerts>>Rosa!|from viewer_x|4"}},
		{"tom_the_tomato", []string{"give viewer_x minecraft:carrot 10", "give viewer_x minecraft:carrot 10"}},
		{"money_gun", []string{"say viewer_x", "say viewer_x", ">>Money!|viewer_x|2"}},
		// An alert is display text: the comment as the viewer wrote it.
		{"comment", []string{`>>viewer_x wrote:|hi "there" @a|3`}},
	}
	for _, tt := range tests {
		if got := fire(tt.trigger, viewer); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.trigger, got, tt.want)
		}
	}
	// A name beats an id, as in Tiktok2Mc.
	if r := f.MatchGift("Tom the Tomato", 16379, 1); r == nil || r.Trigger != "Tom_the_Tomato" {
		t.Errorf("Tom the Tomato matched %+v", r)
	}
	// ## and # lines are off; comment is an event trigger $random never picks.
	if f.Lookup("like_2") != nil || f.Lookup("join") != nil {
		t.Error("a ## or # line became a rule")
	}
	if !IsEventTrigger("comment") || f.MatchGift("comment", 0, 1) != nil {
		t.Error("comment is not an event trigger")
	}
	for _, r := range f.random {
		if r.Trigger == "comment" {
			t.Error("$random can pick comment")
		}
	}
	// The named alert travels in the action.
	acts := f.Fire(f.Lookup("rosa"), viewer, nil)
	if a := acts[1]; a.Kind != tikcraft.KindAlert || a.AlertName() != "alerts" || a.Sound() != "" || a.Alert.Title != "Rosa!" {
		t.Errorf("alert %+v", a)
	}
}

func TestTiktok2Mc10Diagnostics(t *testing.T) {
	tests := []struct{ src, want string }{
		{"rose:&curl -X POST http://localhost:29185/api/v1/plugins/win-counter/command?cmd=add_win\n", "actions.mca:1:6: error: tikcraft never runs programs on your computer, so the shell command"},
		{"'Tom the Tomato:/say hi\n", "actions.mca:1:1: error: a quoted trigger needs a closing quote"},
		{"'Tom: the Tomato':/say hi\n", "actions.mca:1:1: error: a quoted trigger needs a closing quote"},
		{"'Tom/Tomato':/say hi\n", "actions.mca:1:5: error: quoted trigger \"Tom/Tomato\" may only contain"},
		{"'  ':/say hi\n", "actions.mca:1:1: error: quoted trigger \"  \" needs at least one letter or digit"},
		{"'Tom the Tomato':/a\ntomthetomato:/b\n", "actions.mca:2:1: error: duplicate trigger \"tomthetomato\": already defined on line 1"},
		{"rose:@alerts>>Hi|x|3 x2\n", "actions.mca:1:22: error: an alert cannot be repeated with x2"},
		{"rose:@alerts>Hi\n", "actions.mca:1:6: error: bad prefix '@'"},
		{"rose:@" + strings.Repeat("a", 33) + ">>Hi\n", "actions.mca:1:6: error: the alerts overlay's name"},
		{"rose:@alerts>>Hi|x|0\n", "actions.mca:1:20: error: alert seconds \"0\""},
		{"rose:/say hi !rc x0\n", "actions.mca:1:18: error: bad multiplier \"x0\""},
	}
	for _, tt := range tests {
		_, diags := parse(t, tt.src)
		found := false
		for _, d := range diags {
			found = found || strings.HasPrefix(d.String(), tt.want)
		}
		if !found {
			t.Errorf("%q: want %q, got %v", tt.src, tt.want, diags)
		}
	}
}

func TestStripRC(t *testing.T) {
	for in, want := range map[string]string{
		"/give {user} cookie 4 !rc":     "/give {user} cookie 4",
		"/give {user} cookie x3 !rc":    "/give {user} cookie x3",
		"/give {user} cookie !rc x3":    "/give {user} cookie x3",
		"/give {user} cookie 4 !rc  ":   "/give {user} cookie 4",
		"!tnt 2 {user}\t!rc":            "!tnt 2 {user}",
		"/say hi!rc":                    "/say hi!rc",
		"!rc":                           "!rc",
		"/say !rc is a suffix, see":     "/say !rc is a suffix, see",
		"/give {user} cookie !rc xp":    "/give {user} cookie !rc xp",
		"/give {user} cookie !rc !rc":   "/give {user} cookie !rc",
		"/summon zombie x5 over 3s !rc": "/summon zombie x5 over 3s",
	} {
		if got := strings.Join(strings.Fields(stripRC(in)), " "); got != strings.Join(strings.Fields(want), " ") {
			t.Errorf("stripRC(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAlertCommandRoundTrip(t *testing.T) {
	for _, c := range []struct{ name, sound string }{{"", ""}, {"", "horn.mp3"}, {"party", ""}, {"party", "big horn.mp3"}} {
		a := tikcraft.Action{Kind: tikcraft.KindAlert, Command: tikcraft.AlertCommand(c.name, c.sound)}
		if a.AlertName() != c.name || a.Sound() != c.sound {
			t.Errorf("%+v: got name %q sound %q", c, a.AlertName(), a.Sound())
		}
	}
}

// FuzzParseTiktok2Mc feeds lines in Tiktok2Mc 1.0's syntax: whatever
// they hold, diagnostics point into the line, every rule is found by its
// trigger and a named alert carries a valid overlay name to its action.
func FuzzParseTiktok2Mc(f *testing.F) {
	for _, s := range []string{t2m10, "'a b':/x !rc", "'':/x", "'a", "r:@x>>t|s|3|h.mp3", "r:@>>t", "r:@a-b>>t x2",
		"comment:>>{comment}|{user}", "##r:/x", "r:&calc.exe", "r:/x !rc x2 over 1s", "'gift':/x", "'x'[cooldown=1s]:/y"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := Parse("f.mca", src, Options{})
		checkPositions(t, src, diags)
		for _, r := range file.Rules() {
			if file.Lookup(r.Trigger) != r {
				t.Fatalf("Lookup(%q) does not find its rule", r.Trigger)
			}
			for _, c := range r.Commands {
				if c.Kind == Alert && (len(c.AlertName) > MaxAlertName || strings.Trim(c.AlertName, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" || c.AlertName == "default") {
					t.Fatalf("bad alert name %q", c.AlertName)
				}
			}
			if r.size > 100 {
				continue
			}
			for _, a := range file.Fire(r, Vars{User: "u", Message: "m @a"}, nil) {
				if a.Kind == tikcraft.KindAlert && a.AlertName() != r.Commands[0].AlertName && len(r.Commands) == 1 {
					t.Fatalf("alert name lost: %+v", a)
				}
			}
		}
	})
}
