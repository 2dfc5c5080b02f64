package actions

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/examples"
)

func parse(t testing.TB, src string) (*File, []Diagnostic) {
	t.Helper()
	return Parse("actions.mca", []byte(src), Options{LikeFunctions: []string{"likes"}})
}

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each: exact "FILE:LINE:COL: severity: " prefix, then a part of the message
	}{
		{"missing colon", "  broken line\n", []string{"actions.mca:1:3: error: missing ':'"}},
		{"empty trigger", "  :/say hi\n", []string{"actions.mca:1:3: error: empty trigger"}},
		{"bad trigger character", "ro-se:/say hi\n", []string{"actions.mca:1:3: error: trigger \"ro-se\" may only contain"}},
		{"space in trigger", "heart me:/say hi\n", []string{"actions.mca:1:6: error: trigger \"heart me\" may only contain letters a-z, digits and _, not ' ' (use _ instead of spaces: heart_me)"}},
		{"non-ASCII trigger", "Éclair:/say hi\n", []string{"actions.mca:1:1: error: trigger \"Éclair\" may only contain"}},
		{"underscores only", "___:/say hi\n", []string{"actions.mca:1:1: error: trigger \"___\" needs at least one letter or digit"}},
		{"bad prefix", "rose:say hi\n", []string{"actions.mca:1:6: error: bad prefix 's': a command starts with / (Minecraft), ! (plugin), $random or >> (alert); did you forget the / (/say)?"}},
		{"single >", "rose: >Hi\n", []string{"actions.mca:1:7: error: bad prefix '>': a command starts with / (Minecraft), ! (plugin), $random or >> (alert); alerts start with two"}},
		{"empty minecraft command", "rose:/\n", []string{"actions.mca:1:6: error: empty command after \"/\""}},
		{"empty plugin command", "rose:/a; !  \n", []string{"actions.mca:1:10: error: empty command after \"!\""}},
		{"no command", "rose:\n", []string{"actions.mca:1:5: error: trigger \"rose\" has no command after ':'"}},
		{"only a comment after colon", "rose: # later\n", []string{"actions.mca:1:5: error: trigger \"rose\" has no command"}},
		{"stray semicolon", "rose:/say hi;\n", []string{"actions.mca:1:14: warning: empty command (a stray ';'?)"}},
		{"x0", "rose:/say hi x0\n", []string{"actions.mca:1:14: error: bad multiplier \"x0\": write x1 to x10000"}},
		{"x-1", "rose:/say hi x-1\n", []string{"actions.mca:1:14: error: bad multiplier \"x-1\""}},
		{"x5a", "rose:/say hi x5a\n", []string{"actions.mca:1:14: error: bad multiplier \"x5a\""}},
		{"x+5", "rose:/say hi x+5\n", []string{"actions.mca:1:14: error: bad multiplier \"x+5\""}},
		{"x10001", "rose:/say hi x10001\n", []string{"actions.mca:1:14: error: bad multiplier \"x10001\""}},
		{"huge multiplier", "rose:/say hi x99999999999999999999\n", []string{"actions.mca:1:14: error: bad multiplier"}},
		{"upper-case X", "rose:/give @a diamond X5\n", []string{"actions.mca:1:23: warning: \"X5\" is sent as part of the command; to repeat it write x5"}},
		{"lag warning", "rose:/give {user} tnt x51\n", []string{"actions.mca:1:23: warning: x51 runs this command 51 times"}},
		{"x50 does not warn", "rose:/give {user} tnt x50\n", nil},
		{"alert repeated", "rose:>>Hi|there x2\n", []string{"actions.mca:1:17: error: an alert cannot be repeated with x2"}},
		{"alert seconds not a number", "rose:>>Hi|there| soon\n", []string{"actions.mca:1:18: error: alert seconds \"soon\" must be a whole number from 1 to 300"}},
		{"alert seconds zero", "rose:/a; >>Hi||0\n", []string{"actions.mca:1:16: error: alert seconds \"0\""}},
		{"alert seconds too long", "rose:>>Hi|x|301\n", []string{"actions.mca:1:13: error: alert seconds \"301\""}},
		{"alert extra field", "rose:>>Hi|x|3|4\n", []string{"actions.mca:1:15: error: alert sound \"4\" must be"}},
		{"empty alert", "rose:>>\n", []string{"actions.mca:1:6: error: empty alert"}},
		{"unknown function", "rose:/say a; $dance\n", []string{"actions.mca:1:14: error: unknown function $dance; the functions are $random, $wait 2s, $http POST URL {json}, $timer, $wins, $deaths, $sound FILE and $obs"}},
		{"bare dollar", "rose:$\n", []string{"actions.mca:1:6: error: missing function name after $; the functions are $random, $wait, $http, $timer, $wins, $deaths, $sound and $obs"}},
		{"random with argument", "rose:$random 3\n", []string{"actions.mca:1:6: error: $random takes nothing after it"}},
		{"brace never closed", "rose:/summon zombie ~ ~ ~ {CustomName:'x'\n", []string{"actions.mca:1:27: error: unbalanced '{': it is never closed with '}'"}},
		{"extra bracket", "rose:/kill @e[type=zombie]]\n", []string{"actions.mca:1:27: error: unbalanced ']': there is no '[' before it to close"}},
		{"mismatched brackets", "rose:/kill @e[type=zombie}\n", []string{"actions.mca:1:26: error: unbalanced brackets: '}' cannot close the '['"}},
		{"bracket in second command", "rose:/say a; /say b ]\n", []string{"actions.mca:1:21: error: unbalanced ']'"}},
		{"column counts runes", "gift:/say ü [\n", []string{"actions.mca:1:13: error: unbalanced '['"}},
		{"duplicate case", "rose:/say a\nRose:/say b\n", []string{"actions.mca:2:1: error: duplicate trigger \"Rose\": already defined on line 1"}},
		{"duplicate underscore", "heart_me:/say a\n\n  heartme:/say b\n", []string{"actions.mca:3:3: error: duplicate trigger \"heartme\": already defined on line 1"}},
		{"duplicate gift id", "5655:/say a\n05655:/say b\n", []string{"actions.mca:2:1: error: duplicate trigger \"05655\": gift id 5655 is already used on line 1"}},
		{"duplicate after a broken first line", "rose:say a\nrose:/say b\n", []string{
			"actions.mca:1:6: error: bad prefix",
			"actions.mca:2:1: error: duplicate trigger \"rose\": already defined on line 1",
		}},
		{"control character", "rose:/say a\x01b\n", []string{"actions.mca:1:12: error: control character U+0001"}},
		{"invisible character", "rose:/give @a diamond\u200b\n", []string{"actions.mca:1:22: warning: invisible character U+200B"}},
		{"no-break space", "rose:/give\u00a0@a diamond\n", []string{"actions.mca:1:11: warning: invisible character U+00A0"}},
		{"invalid UTF-8", "rose:/say caf\xe9\n", []string{"actions.mca:1:14: warning: this line is not valid UTF-8"}},
		{"UTF-16", "\xff\xfer\x00:\x00", []string{"actions.mca:1:1: error: the file is saved as UTF-16"}},
		{"not text", "rose:/say hi\nPK\x03\x04\x00\x00:\n\x01:\n", []string{"actions.mca:2:5: error: this is not text: it holds NUL bytes, as a program, a picture or a zip file does; so does a file saved as UTF-16 (\"Unicode\") without its byte order mark, which should be saved as UTF-8; an actions file is text, one TRIGGER:COMMAND a line"}},
		{"UTF-16 without its mark", "r\x00:\x00/\x00", []string{"actions.mca:1:2: error: this is not text: it holds NUL bytes, as a program, a picture or a zip file does; so does a file saved as UTF-16"}},
		{"gift id too large", "99999999999999999999:/say a\n", []string{"actions.mca:1:1: warning: trigger \"99999999999999999999\" is too large to be a gift id"}},
		{"unknown placeholder", "rose:/say thanks {usr}!\n", []string{"actions.mca:1:18: error: unknown placeholder {usr}: did you mean {user}? the placeholders are {user}, {nickname}, {gift}, {count}, {coins}, {message} and {comment} (lower case)"}},
		{"placeholder in capitals", "rose:/give @a diamond; >>Hi {User}|from {gift}\n", []string{"actions.mca:1:29: error: unknown placeholder {User}: did you mean {user}?"}},
		{"placeholder far from any", "rose:/say hi {viewer_name}\n", []string{"actions.mca:1:14: error: unknown placeholder {viewer_name}: the placeholders are"}},
		{"Minecraft's braces are not placeholders", "rose:/summon zombie ~ ~ ~ {CustomName:'{\"text\":\"x\"}',NoAI:1b}; /tellraw @a {\"text\":\"{user}\"}; /data merge entity @s {}\n", nil},
		{"random with nothing to pick", "rose:/say a; $random\nfollow:/f\n", []string{"actions.mca:1:14: warning: $random has nothing to pick from"}},
		{"too many actions", "rose:" + strings.Repeat("/a x10000; ", 10) + "/a x10000 # ignore-lag\n", []string{"actions.mca:1:1: error: one rose would send 110000 commands; the limit is 100000"}},
		{"too many through random", "rose:/a; $random x10000 # ignore-lag\ntnt:/summon tnt x10000 # ignore-lag\n", []string{"actions.mca:1:10: error: one rose could send up to 100000001 commands ($random may pick tnt, which sends 10000)"}},
		{"diagnostics sorted", "a\nb:/x [\nc:$y\nd:/ok\n", []string{
			"actions.mca:1:1: error: missing ':'",
			"actions.mca:2:6: error: unbalanced '['",
			"actions.mca:3:3: error: unknown function $y",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := parse(t, tt.src)
			if len(diags) != len(tt.want) {
				t.Fatalf("want %d diagnostics, got %d: %v", len(tt.want), len(diags), diags)
			}
			for i, d := range diags {
				got := d.String()
				w := strings.SplitN(tt.want[i], ": ", 3)
				if !strings.HasPrefix(got, w[0]+": "+w[1]+": ") || !strings.Contains(got, w[2]) {
					t.Errorf("diagnostic %d:\n got %s\nwant %s", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestDiagnosticString(t *testing.T) {
	d := Diagnostic{File: "a.mca", Line: 3, Col: 7, Severity: Warning, Message: "careful"}
	if got := d.String(); got != "a.mca:3:7: warning: careful" {
		t.Errorf("got %q", got)
	}
	for s, want := range map[Severity]string{Error: "error", Warning: "warning", Info: "info"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), want)
		}
	}
}

func TestCommandKindString(t *testing.T) {
	for k, want := range map[CommandKind]string{Minecraft: "minecraft", Plugin: "plugin", Random: "random", Alert: "alert", 9: "CommandKind(9)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), want)
		}
	}
}

// commands renders a rule's commands as "kind:text:xN" for comparison.
func commands(r *Rule) []string {
	var out []string
	for _, c := range r.Commands {
		out = append(out, fmt.Sprintf("%d:%s:x%d", int(c.Kind), c.Text, c.Repeat))
	}
	return out
}

func TestCommandText(t *testing.T) {
	tests := []struct {
		name, line string
		want       []string
	}{
		{"comment after command", "r:/say hi   # a comment", []string{"0:say hi:x1"}},
		{"comment at end of line", "r:/say hi #", []string{"0:say hi:x1"}},
		{"tab before comment", "r:/say hi\t# tab", []string{"0:say hi:x1"}},
		{"tag selector", "r:/kill @e[type=#minecraft:skeletons] # kill skeletons", []string{"0:kill @e[type=#minecraft:skeletons]:x1"}},
		{"function tag", "r:/function #minecraft:tick", []string{"0:function #minecraft:tick:x1"}},
		{"tag after equals", "r:/kill @e[type= #minecraft:skeletons]", []string{"0:kill @e[type= #minecraft:skeletons]:x1"}},
		{"tag in execute", "r:/execute if block ~ ~-1 ~ #minecraft:logs run say wood # real comment", []string{"0:execute if block ~ ~-1 ~ #minecraft:logs run say wood:x1"}},
		{"hash in braces", `r:/summon zombie ~ ~ ~ {Tags: ["a #b"], x: #c}`, []string{`0:summon zombie ~ ~ ~ {Tags: ["a #b"], x: #c}:x1`}},
		{"hash in JSON string", `r:/tellraw @a {"text":"Follower # 1"} # real comment`, []string{`0:tellraw @a {"text":"Follower # 1"}:x1`}},
		{"exclamation mark", "r:/say wow! # comment with ! and x99", []string{"0:say wow!:x1"}},
		{"plugin", "r:!eco give {user} 10", []string{"1:eco give {user} 10:x1"}},
		{"space after prefix", "r: /  say hi ", []string{"0:say hi:x1"}},
		{"multiplier", "r:/summon tnt x60 # ignore-lag", []string{"0:summon tnt:x60"}},
		{"multiplier with tab and leading zero", "r:/summon tnt\tx05", []string{"0:summon tnt:x5"}},
		{"x1", "r:/a b x1", []string{"0:a b:x1"}},
		{"x10000", "r:/a b x10000 # ignore-lag", []string{"0:a b:x10000"}},
		{"x alone is text", "r:/say hello x", []string{"0:say hello x:x1"}},
		{"box is text", "r:/say box", []string{"0:say box:x1"}},
		{"xoxo is text", "r:/say hugs xoxo", []string{"0:say hugs xoxo:x1"}},
		{"xp is text", "r:/scoreboard players reset @a xp", []string{"0:scoreboard players reset @a xp:x1"}},
		{"multiplier needs a space", "r:/say hix5", []string{"0:say hix5:x1"}},
		{"chain", "r:/a x2; !b; >>T|S|5; $random x3", []string{"0:a:x2", "1:b:x1", "3:T|S|5:x1", "2:$random:x3"}},
		{"semicolon in JSON", `r:/tellraw @a {"text":"a]; b{","color":"red"}; /say two`, []string{`0:tellraw @a {"text":"a]; b{","color":"red"}:x1`, "0:say two:x1"}},
		{"semicolon in NBT", `r:/summon zombie ~ ~ ~ {CustomName:'{"text":"{nickname};"}'}`, []string{`0:summon zombie ~ ~ ~ {CustomName:'{"text":"{nickname};"}'}:x1`}},
		{"semicolon after unclosed quote", `r:/say 5" tall; /say hi`, []string{`0:say 5" tall:x1`, "0:say hi:x1"}},
		{"escaped quote in JSON", `r:/tellraw @a {"text":"say \"[hi\""}`, []string{`0:tellraw @a {"text":"say \"[hi\""}:x1`}},
		{"random any case", "r:$RANDOM", []string{"2:$random:x1"}},
		{"alert keeps braces", ">>:>>{nickname}|sent {gift}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, diags := parse(t, tt.line+"\nother:/x\n")
			if tt.want == nil {
				if len(diags) == 0 {
					t.Fatal("want a diagnostic")
				}
				return
			}
			if len(diags) != 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got := commands(f.Lookup("r")); !slices.Equal(got, tt.want) {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Inline comments as Tiktok2Mc users write them: a ' #' that is not a tag
// reference ends the command, and check warns about each one it guessed.
func TestGuessedCommentsAreCutAndWarned(t *testing.T) {
	tests := []struct {
		line, want, warn string
	}{
		{"r:/say x3 #x3 spawns", "0:say:x3", `actions.mca:1:11: warning: "#x3 spawns" is taken as a comment`},
		{"r:!tnt 2 Notch #tnt gift", "1:tnt 2 Notch:x1", `actions.mca:1:16: warning: "#tnt gift" is taken as a comment`},
		{"r:/say hi #tag", "0:say hi:x1", `actions.mca:1:11: warning: "#tag" is taken as a comment`},
		{"r:>>Big #1|x|300", "3:Big:x1", `actions.mca:1:9: warning: "#1|x|300" is taken as a comment`},
		{`r:/say 5" tall # comment`, `0:say 5" tall:x1`, `actions.mca:1:16: warning: "# comment" is taken as a comment and not sent, because the '"' before it is never closed`},
	}
	for _, tt := range tests {
		f, diags := parse(t, tt.line+"\n")
		if got := commands(f.Lookup("r")); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%q: commands %q, want %q", tt.line, got, tt.want)
		}
		if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), tt.warn) {
			t.Errorf("%q: diagnostics %v, want %s…", tt.line, diags, tt.warn)
		}
	}
	// Sure comments and tags are not warned about.
	for _, line := range []string{"r:/say hi # a comment", "r:/say hi #", "r:/function #minecraft:tick", "r:/summon tnt x60 # ignore-lag"} {
		if _, diags := parse(t, line+"\n"); len(diags) != 0 {
			t.Errorf("%q: %v", line, diags)
		}
	}
}

func TestAlertFields(t *testing.T) {
	tests := []struct {
		src             string
		title, subtitle string
		seconds         int
	}{
		{"r:>>Hello", "Hello", "", 3},
		{"r:>> Hello | world ", "Hello", "world", 3},
		{"r:>>Hello|world|7", "Hello", "world", 7},
		{"r:>>|only subtitle|", "", "only subtitle", 3},
		{"r:>>Big # a comment|x|300", "Big", "", 3},
	}
	for _, tt := range tests {
		f, diags := parse(t, tt.src)
		if len(diags) != 0 {
			t.Errorf("%q: %v", tt.src, diags)
			continue
		}
		c := f.Lookup("r").Commands[0]
		if c.Kind != Alert || c.Title != tt.title || c.Subtitle != tt.subtitle || c.Seconds != tt.seconds {
			t.Errorf("%q: got %+v", tt.src, c)
		}
	}
}

func TestFileFormat(t *testing.T) {
	src := "\xef\xbb\xbf# a comment\r\n" +
		"   # indented comment\r\n" +
		"\r\n" +
		"\t\r\n" +
		"rose:/say one\r\n" +
		"5655:/say two; /say three\r\n" +
		"follow:/say four"
	f, diags := parse(t, src)
	if len(diags) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if tr, cmds := f.Stats(); tr != 3 || cmds != 4 {
		t.Errorf("Stats() = %d, %d; want 3, 4", tr, cmds)
	}
	var got []string
	for _, r := range f.Rules() {
		got = append(got, fmt.Sprintf("%s@%d", r.Trigger, r.Line))
	}
	if want := []string{"rose@5", "5655@6", "follow@7"}; !slices.Equal(got, want) {
		t.Errorf("rules %v, want %v", got, want)
	}
	if c := f.Lookup("rose").Commands[0]; c.Text != "say one" || c.Line != 5 || c.Col != 6 {
		t.Errorf("command %+v", c)
	}
}

// The example a new streamer starts from must be free of warnings.
func TestExampleFileIsClean(t *testing.T) {
	f, diags := Parse("examples/actions.mca", []byte(examples.Actions), Options{LikeFunctions: []string{"likes"}})
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(f.Rules()) == 0 {
		t.Fatal("no rules")
	}
	for _, r := range f.Rules() {
		if len(f.Fire(r, Vars{User: "anna_123", Nickname: "Anna", Gift: "Rose", Count: 1}, nil)) == 0 && !r.random {
			t.Errorf("%s fires nothing", r.Trigger)
		}
	}
}

func TestMatching(t *testing.T) {
	f, _ := parse(t, "rose:/a\n5655:/b\nheart_me:/c\n11046:/d\nfollow:/e\nlikes:/l\n")
	tests := []struct {
		name string
		id   int64
		want string
	}{
		{"Rose", 5655, "rose"},      // name first
		{"ROSE", 0, "rose"},         // case-insensitive
		{"Mystery", 5655, "5655"},   // then id
		{"Heart Me", 1, "heart_me"}, // spaces and case ignored
		{"heart-me!", 0, "heart_me"},
		{"Galaxy", 11046, "11046"},
		{"", 11046, "11046"},
		{"Follow", 1, ""}, // event triggers never match gifts
		{"Mystery", 1, ""},
		{"", 0, ""},
		{"!!!", 0, ""},
	}
	for _, tt := range tests {
		got := ""
		if r := f.MatchGift(tt.name, tt.id, 0); r != nil {
			got = r.Trigger
		}
		if got != tt.want {
			t.Errorf("MatchGift(%q, %d) = %q, want %q", tt.name, tt.id, got, tt.want)
		}
	}
	for trigger, want := range map[string]string{"ROSE": "rose", "heartme": "heart_me", "Heart_Me": "heart_me", "FOLLOW": "follow", "5655": "5655", "missing": "", "": "", "_": ""} {
		got := ""
		if r := f.Lookup(trigger); r != nil {
			got = r.Trigger
		}
		if got != want {
			t.Errorf("Lookup(%q) = %q, want %q", trigger, got, want)
		}
	}
}

func TestIsEventTrigger(t *testing.T) {
	for trigger, want := range map[string]bool{
		"follow": true, "Share": true, "JOIN": true, "subscribe": true, "fol_low": true,
		"rose": false, "likes": false, "": false, "followers": false,
	} {
		if got := IsEventTrigger(trigger); got != want {
			t.Errorf("IsEventTrigger(%q) = %v", trigger, got)
		}
	}
}

func TestNilFile(t *testing.T) {
	var f *File
	if f.Rules() != nil || f.Lookup("rose") != nil || f.MatchGift("Rose", 1, 0) != nil || f.Fire(&Rule{}, Vars{}, nil) != nil {
		t.Error("nil File returned something")
	}
	if tr, c := f.Stats(); tr != 0 || c != 0 {
		t.Error("nil File has stats")
	}
	g, _ := parse(t, "rose:/a\n")
	if g.Fire(nil, Vars{}, nil) != nil {
		t.Error("nil rule fired")
	}
}

func TestFireChainsRepeatsAndAlerts(t *testing.T) {
	f, diags := parse(t, "rose:/give {user} diamond {count} x2; !eco give {user} 1; >>{nickname}|sent {gift}|4; /say {unknown} {User} {\"a\":1} x3\n")
	// Unknown placeholders are errors for check, but Fire leaves them as
	// they are written.
	if len(diags) != 2 || !strings.Contains(diags[0].Message, "{unknown}") || !strings.Contains(diags[1].Message, "{User}") {
		t.Fatal(diags)
	}
	acts := f.Fire(f.Lookup("rose"), Vars{User: "anna_123", Nickname: "Anna B", Gift: "Rose", Count: 5}, nil)
	want := []string{
		"give anna_123 diamond 5", "give anna_123 diamond 5",
		"eco give anna_123 1",
		">>Anna B|sent Rose|4",
		`say {unknown} {User} {"a":1}`, `say {unknown} {User} {"a":1}`, `say {unknown} {User} {"a":1}`,
	}
	var got []string
	for _, a := range acts {
		got = append(got, a.String())
		if a.Trigger != "rose" || a.User != "anna_123" {
			t.Errorf("action %+v: want trigger rose, user anna_123", a)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
	if acts[3].Kind != tikcraft.KindAlert || acts[0].Kind != tikcraft.KindCommand {
		t.Error("wrong kinds")
	}
}

func TestFireFallbacks(t *testing.T) {
	f, _ := parse(t, "r:/say {user}|{nickname}|{gift}|{count}\n")
	acts := f.Fire(f.Lookup("r"), Vars{User: " \u200b ", Nickname: "\"\"", Count: -3}, nil)
	if len(acts) != 1 || acts[0].Command != "say anonymous|anonymous|gift|-3" || acts[0].User != "anonymous" {
		t.Fatalf("got %+v", acts)
	}
}

func TestRandomNeverPicksExcludedRules(t *testing.T) {
	f, diags := parse(t, "rose:$random\nlion:$random; /say lion\nfollow:/f\nshare:/s\njoin:/j\nsubscribe:/sub\nlikes:/l\na:/a\nb:/b x2\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]int{}
	for range 500 {
		acts := f.Fire(f.Lookup("rose"), Vars{User: "u"}, rnd)
		if len(acts) == 0 {
			t.Fatal("$random did nothing")
		}
		for _, a := range acts {
			seen[a.Trigger+":"+a.Command]++
			if a.User != "u" {
				t.Errorf("user %q", a.User)
			}
		}
	}
	if len(seen) != 2 || seen["a:a"] == 0 || seen["b:b"] == 0 || seen["b:b"]%2 != 0 {
		t.Fatalf("picked %v, want only a and b (b twice each time)", seen)
	}
	// A rule using $random, fired through $random's own pool, ends.
	acts := f.Fire(f.Lookup("lion"), Vars{}, rnd)
	if last := acts[len(acts)-1]; len(acts) < 2 || len(acts) > 3 || last.Command != "say lion" || last.Trigger != "lion" {
		t.Fatalf("lion: %+v", acts)
	}
	// nil rnd uses the global source.
	if len(f.Fire(f.Lookup("rose"), Vars{}, nil)) == 0 {
		t.Fatal("nil rnd: nothing")
	}
}

func TestRandomRepeatsPickEachTime(t *testing.T) {
	f, _ := parse(t, "rose:$random x200\na:/a\nb:/b\nc:/c\n")
	acts := f.Fire(f.Lookup("rose"), Vars{}, rand.New(rand.NewPCG(5, 6)))
	if len(acts) != 200 {
		t.Fatalf("got %d actions", len(acts))
	}
	seen := map[string]bool{}
	for _, a := range acts {
		seen[a.Command] = true
	}
	if len(seen) != 3 {
		t.Fatalf("200 picks chose only %v", seen)
	}
}

func TestRandomOnlyRandomRulesTerminates(t *testing.T) {
	f, diags := parse(t, "a:$random\nb:$random x5\nfollow:/f\n")
	if len(diags) != 2 {
		t.Fatalf("want two warnings, got %v", diags)
	}
	for _, trigger := range []string{"a", "b"} {
		r := f.Lookup(trigger)
		if acts := f.Fire(r, Vars{}, nil); len(acts) != 0 {
			t.Errorf("%s: %v", r.Trigger, acts)
		}
	}
}

func TestFireNeverExceedsMaxActions(t *testing.T) {
	f, diags := parse(t, "rose:$random x10000 # ignore-lag\ntnt:/summon tnt x10000 # ignore-lag\n")
	if len(diags) != 1 || diags[0].Severity != Error {
		t.Fatalf("want one error, got %v", diags)
	}
	if n := len(f.Fire(f.Lookup("rose"), Vars{}, nil)); n != MaxActions {
		t.Fatalf("got %d actions, want the cap %d", n, MaxActions)
	}
}

// hostile are values a viewer could choose as a name.
var hostile = []string{
	`"},{"text":"","clickEvent":{"action":"run_command","value":"/op evil"}}`,
	`'}' run op evil`,
	"a'b\\c{d}e[f]g§h\ni\rj\u202ek\u200bl\u2028m\u0000n@a\u2029o\u00adp\ufeffq",
	strings.Repeat("{[\"", 4000),
	strings.Repeat("a", 10000),
	strings.Repeat("§", 10000) + "x",
	"\xff\xfe invalid utf8",
	"   ", "", "\t\n",
	"@e[type=player]",
	"x,type=player",
	"*",
	"{user}{nickname}",
	"  lots   of\t\tspace  ",
}

// unsafe reports a rune that must never come out of Sanitize.
func unsafe(r rune) bool {
	return strings.ContainsRune("\"'\\{}[]§@", r) || r == utf8.RuneError ||
		unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) ||
		(unicode.IsSpace(r) && r != ' ')
}

func TestHostileValuesCannotChangeStructure(t *testing.T) {
	src := "rose:/tellraw @a {\"text\":\"{nickname} {user} {gift}\",\"clickEvent\":{\"action\":\"suggest_command\",\"value\":\"hi\"}}; " +
		"/give {user} diamond; /say <{user}><{nickname}><{gift}>; >>{nickname}|{user} sent {gift}\n"
	f, diags := parse(t, src)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	benign := f.Fire(f.Lookup("rose"), Vars{User: "u", Nickname: "n", Gift: "g"}, nil)
	for _, h := range hostile {
		acts := f.Fire(f.Lookup("rose"), Vars{User: h, Nickname: h, Gift: h, Count: 1}, nil)
		if len(acts) != len(benign) {
			t.Fatalf("%.40q: got %d actions, want %d", h, len(acts), len(benign))
		}
		for i, a := range acts {
			if a.Kind == tikcraft.KindAlert {
				continue // display text: below
			}
			// The structure characters of the template are all there is.
			for _, ch := range "\"'\\{}[]§@\n\r" {
				if strings.Count(a.String(), string(ch)) != strings.Count(benign[i].String(), string(ch)) {
					t.Errorf("%.40q changed the number of %q: %s", h, ch, a.String())
				}
			}
			if len(a.String()) > len(benign[i].String())+3*4*MaxValueRunes {
				t.Errorf("value not capped: %d bytes", len(a.String()))
			}
			for _, r := range a.User {
				if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					t.Errorf("{user} %q contains %q", a.User, r)
				}
			}
		}
		give := acts[1].Command
		if fields := strings.Fields(give); len(fields) != 3 || fields[0] != "give" || fields[2] != "diamond" {
			t.Errorf("{user} from %.40q is not one argument: %s", h, give)
		}
		say := strings.TrimPrefix(acts[2].Command, "say ")
		for _, r := range strings.NewReplacer("<", "", ">", "").Replace(say) {
			if unsafe(r) {
				t.Errorf("expanded %.40q contains %q: %q", h, r, say)
			}
		}
		// An alert is display text, shown with textContent: quotes and
		// braces are only text there, but nothing may change how the text
		// around it is shown or add a line.
		for _, s := range []string{acts[3].Alert.Title, acts[3].Alert.Subtitle} {
			for _, r := range s {
				if displayUnsafe(r) {
					t.Errorf("alert from %.40q contains %q", h, r)
				}
			}
			if utf8.RuneCountInString(s) > len(" sent ")+2*MaxValueRunes {
				t.Errorf("alert value not capped: %q", s)
			}
		}
	}
}

// displayUnsafe reports a rune that must never come out of DisplayText or
// displayValue: it changes how the text around it is shown (bidi
// overrides, isolates and marks, controls) or breaks the line.
func displayUnsafe(r rune) bool {
	return r == utf8.RuneError || (unicode.IsControl(r) && r != '\t') ||
		(unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d') ||
		unicode.In(r, unicode.Zl, unicode.Zp) || r == '\n' || r == '\r'
}

// TestAlertShowsWhatCommandsCannot: a command gets Sanitize, an alert
// (plain or named) DisplayText, from the same values in the same firing.
// The family emoji's joiners stay in the alert, so OBS shows one family
// and not three faces; a bidi override is stripped from both.
func TestAlertShowsWhatCommandsCannot(t *testing.T) {
	f, diags := parse(t, "rose:/say {nickname} sent {gift}; >>{nickname}|sent {gift} x{count}|5; @party>>{nickname}|{message}|5\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	const family = "👨\u200d👩\u200d👧"
	for _, c := range []struct {
		v                  Vars
		say, title, sub, m string
	}{
		{Vars{Nickname: family + " Anna", Gift: "Rose", Count: 2, Message: "hi " + family},
			"say 👨👩👧 Anna sent Rose", family + " Anna", "sent Rose x2", "hi " + family},
		{Vars{Nickname: "\u202eAnna\u2066 \u200fB\u2069", Gift: "Ro\u202ese", Count: 1, Message: "a\nb"},
			"say Anna B sent Rose", "Anna B", "sent Rose x1", "a b"},
		{Vars{Nickname: `"quoted" {x} @a`, Gift: "\u202e", Count: 1},
			"say quoted x a sent gift", `"quoted" {x} @a`, "sent gift x1", ""},
		{Vars{Nickname: "\u202e\u2066", Count: 1}, "say anonymous sent gift", "anonymous", "sent gift x1", ""},
	} {
		acts := f.Fire(f.Lookup("rose"), c.v, nil)
		if len(acts) != 3 {
			t.Fatalf("%+v: %v", c.v, acts)
		}
		if acts[0].Command != c.say {
			t.Errorf("%q: command %q, want %q", c.v.Nickname, acts[0].Command, c.say)
		}
		if a := acts[1].Alert; a.Title != c.title || a.Subtitle != c.sub {
			t.Errorf("%q: alert %q|%q, want %q|%q", c.v.Nickname, a.Title, a.Subtitle, c.title, c.sub)
		}
		if a := acts[2]; a.AlertName() != "party" || a.Alert.Title != c.title || a.Alert.Subtitle != c.m {
			t.Errorf("%q: named alert @%s %q|%q, want @party %q|%q", c.v.Nickname, a.AlertName(), a.Alert.Title, a.Alert.Subtitle, c.title, c.m)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want, user string }{
		{"Anna B", "Anna B", "Anna_B"},
		{"  lots   of\t\tspace  ", "lots of space", "lots_of_space"},
		{"a\u202eb\u200bc", "abc", "abc"},
		{`"quoted"`, "quoted", "quoted"},
		{"@a", "a", "a"},
		{"x,type=player", "x,type=player", "xtypeplayer"},
		{"anna.b_1", "anna.b_1", "anna.b_1"},
		{"Zoë ✨", "Zoë ✨", "Zoë_"},
		{"", "fallback", "anonymous"},
		{"§§§", "fallback", "anonymous"},
		{"✨", "✨", "anonymous"},
		{strings.Repeat("ab", 100), strings.Repeat("ab", 32), strings.Repeat("ab", 32)},
		{strings.Repeat("a", 63) + "   b", strings.Repeat("a", 63), strings.Repeat("a", 63)},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in, "fallback"); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := SanitizeUser(tt.in); got != tt.user {
			t.Errorf("SanitizeUser(%q) = %q, want %q", tt.in, got, tt.user)
		}
	}
}

func TestSanitizeProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("aZ09 _-.,=*\"'\\{}[]§@\n\r\t\v\u0085\u00a0\u202e\u202a\u2066\u2069\u200f\u061c\u200b\u200d\ufe0f\u2028\u2029\u0000\u007f\ufeffé✨😀👨\ufffd")
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(150) {
			if rnd.IntN(20) == 0 {
				b.WriteByte(byte(rnd.IntN(256))) // possibly invalid UTF-8
				continue
			}
			b.WriteRune(alphabet[rnd.IntN(len(alphabet))])
		}
		in := b.String()
		for _, out := range []string{Sanitize(in, "x"), SanitizeUser(in)} {
			if out == "" || utf8.RuneCountInString(out) > MaxValueRunes || !utf8.ValidString(out) {
				t.Fatalf("Sanitize(%q) = %q: empty, too long or invalid", in, out)
			}
			for _, r := range out {
				if unsafe(r) {
					t.Fatalf("Sanitize(%q) = %q contains %q", in, out, r)
				}
			}
			if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
				t.Fatalf("whitespace not collapsed: %q", out)
			}
		}
		if u := SanitizeUser(in); strings.ContainsAny(u, " ,=*") {
			t.Fatalf("SanitizeUser(%q) = %q is not a single plain word", in, u)
		}
		// Sanitizing twice changes nothing: the output is already safe.
		if s := Sanitize(in, "x"); Sanitize(s, "y") != s {
			t.Fatalf("Sanitize is not idempotent on %q", in)
		}
		// Display text: the same shape, and nothing that changes how the
		// text around it is shown.
		d := displayValue(in, "x")
		if d == "" || utf8.RuneCountInString(d) > MaxValueRunes || !utf8.ValidString(d) {
			t.Fatalf("displayValue(%q) = %q: empty, too long or invalid", in, d)
		}
		if strings.HasPrefix(d, " ") || strings.HasSuffix(d, " ") || strings.Contains(d, "  ") {
			t.Fatalf("displayValue(%q) = %q: whitespace not collapsed", in, d)
		}
		if displayValue(d, "y") != d {
			t.Fatalf("displayValue is not idempotent on %q", in)
		}
		for _, out := range []string{d, DisplayText(in)} {
			for _, r := range out {
				if displayUnsafe(r) {
					t.Fatalf("display text of %q = %q contains %q", in, out, r)
				}
			}
		}
		// Sanitize drops what display text keeps, never the reverse: a
		// command never holds more than the alert shows.
		if strings.ContainsRune(Sanitize(in, "x"), '\u200d') {
			t.Fatalf("Sanitize(%q) kept a joiner", in)
		}
	}
}

// checkPositions fails if a diagnostic points outside src.
func checkPositions(t *testing.T, src []byte, diags []Diagnostic) {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	for _, d := range diags {
		if d.Line < 1 || d.Line > len(lines) {
			t.Fatalf("line out of range: %v", d)
		}
		if max := utf8.RuneCountInString(lines[d.Line-1]) + 1; d.Col < 1 || d.Col > max {
			t.Fatalf("column out of range (1..%d): %v", max, d)
		}
		if d.File != "f.mca" || d.Message == "" || strings.ContainsAny(d.Message, "\n\r") {
			t.Fatalf("bad diagnostic %q", d.String())
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"rose:/say hi", "a:$random x3; >>t|s|3", "x:/tellraw @a {\"text\":\"[\"} # c",
		"b:/kill @e[type=#x] x51 # ignore-lag", ":", "a\nb:\n", "\xef\xbb\xbfr:/x\r\n",
		"r:$random x10000\nt:/a x10000", "r:/say 5\" tall # c; /x", "heart me:/a", "r:>>a|b|", "r:/a X5",
		"\xff\xfe", "r:/say \u200b", "r:/a\x00",
		"coins 1-9[cooldown=1s, followers]:/a {coins}\ncoins 10+:/b\ngift:/c", "command tnt[user_cooldown=2m]:/a {message}",
		"keyword creeper:/a x3 over 2s; $wait 1s; /b", "r:$http POST http://localhost:8080/{user}?q={message} {\"a\":{count},\"b\":\"{nickname}\"}",
		"r[:/a", "coins 5-:/a", "command :/a", "r[min_coins=1]:$http GET http://x/",
		"r:$timer +60s; $wins +1 x2; $deaths -1", "r:$timer 1m30s", "r:$timer reset x3; $timer pause", "r:$wins +1 +2",
		"timer_end:$timer reset; >>WIN|{user}|5|win.mp3", "r:>>a|b|3|../x.mp3", "r:$timer +99999999999999s",
		"r:$obs scene \"Creeper Cam\"; $obs show \"Jump Scare\" for 5s", "r:$obs text T {nickname} x3; $obs filter a b on",
		"r:$sound \"Air Horn.mp3\" 50 overlap; >>a|b|3|sound=x.mp3; $sound a.wav x2",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := Parse("f.mca", src, Options{LikeFunctions: []string{"likes"}, HTTPAllow: []string{"localhost:8080"}, OBS: true})
		if file == nil {
			t.Fatal("nil File")
		}
		checkPositions(t, src, diags)
		if !slices.IsSortedFunc(diags, func(a, b Diagnostic) int { return a.Line - b.Line }) {
			t.Fatal("diagnostics not sorted")
		}
		rnd := rand.New(rand.NewPCG(1, 1))
		for _, r := range file.Rules() {
			if file.Lookup(r.Trigger) != r {
				t.Fatalf("Lookup(%q) does not find its rule", r.Trigger)
			}
			if r.size > 1000 {
				// Expanding up to MaxActions per input stalls the fuzzer;
				// TestFireNeverExceedsMaxActions covers large rules.
				continue
			}
			acts := file.Fire(r, Vars{User: "u", Nickname: "n\"", Gift: "g", Count: 2}, rnd)
			if len(acts) > MaxActions {
				t.Fatalf("%d actions", len(acts))
			}
			for _, a := range acts {
				if strings.ContainsAny(a.Command, "\n\r") || a.Trigger == "" || a.Delay < 0 {
					t.Fatalf("bad action %+v", a)
				}
				if a.Kind == tikcraft.KindHTTP {
					if host, err := HTTPHost(a.Command); err != nil || host != "localhost:8080" {
						t.Fatalf("$http action %q goes to %q (%v)", a.Command, host, err)
					}
				}
			}
		}
	})
}

func FuzzExpand(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	file, _ := Parse("f.mca", []byte("r:/tellraw @a {\"text\":\"{nickname}\",\"extra\":[\"{user}\",\"{gift}\"]}; /give {user} diamond\n"), Options{})
	f.Fuzz(func(t *testing.T, v string) {
		acts := file.Fire(file.Lookup("r"), Vars{User: v, Nickname: v, Gift: v}, nil)
		if len(acts) != 2 {
			t.Fatalf("got %d actions", len(acts))
		}
		c := acts[0].Command
		if strings.Count(c, `"`) != 10 || strings.Count(c, "[") != 1 || strings.Count(c, "]") != 1 ||
			strings.Count(c, "{") != 1 || strings.Count(c, "}") != 1 || strings.Count(c, "@") != 1 || strings.ContainsAny(c, "§\n\r'\\") {
			t.Fatalf("structure changed by %q: %s", v, c)
		}
		if len(strings.Fields(acts[1].Command)) != 3 {
			t.Fatalf("{user} from %q is not one argument: %s", v, acts[1].Command)
		}
	})
}

func FuzzExpandHTTP(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	file, _ := Parse("f.mca", []byte(`r:$http POST http://localhost:8080/a/{nickname}?m={message} {"n":"{nickname}","m":{message},"c":{coins}}`+"\n"), Options{HTTPAllow: []string{"localhost:8080"}})
	f.Fuzz(func(t *testing.T, v string) {
		acts := file.Fire(file.Lookup("r"), Vars{User: v, Nickname: v, Message: v, Coins: 5}, nil)
		if len(acts) != 1 {
			t.Fatalf("got %d actions", len(acts))
		}
		_, raw, body := tikcraft.HTTPRequest(acts[0].Command)
		u, err := url.Parse(raw)
		if err != nil || u.Host != "localhost:8080" || strings.Count(u.EscapedPath(), "/") != 2 || len(u.Query()) > 1 || u.Fragment != "" {
			t.Fatalf("%q changed the URL: %s (%v)", v, raw, err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil || len(m) != 3 || m["c"] != float64(5) {
			t.Fatalf("%q changed the body: %s (%v)", v, body, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	var src strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&src, "gift%d:/tellraw @a {\"text\":\"{nickname} sent {gift}\"}; /summon zombie ~ ~ ~ x3 # comment\n", i)
	}
	b.SetBytes(int64(src.Len()))
	for b.Loop() {
		Parse("b.mca", []byte(src.String()), Options{})
	}
}

func BenchmarkFire(b *testing.B) {
	f, _ := parse(b, "rose:/tellraw @a {\"text\":\"{nickname} sent {gift}\"}; /give {user} diamond {count} x5; >>{nickname}|thanks|3; $random\na:/a\nb:/b\n")
	r := f.Lookup("rose")
	rnd := rand.New(rand.NewPCG(1, 2))
	v := Vars{User: "anna_123", Nickname: "Anna ✨ \u202e", Gift: "Rose", Count: 5}
	for b.Loop() {
		f.Fire(r, v, rnd)
	}
}

func TestDisplayTextDropsBidiControls(t *testing.T) {
	cases := map[string]string{
		"anna":                          "anna",
		"\u202Egnp.exe":                 "gnp.exe",
		"a\u202Ab\u202Bc\u202Cd\u202De": "abcde",
		"x\u2066y\u2067z\u2068w\u2069":  "xyzw",
		"\u200Fmark\u200E\u061C":        "mark",
		"zero\u200Bwidth\uFEFF":         "zerowidth",
		"two\nlines\u2028here":          "two lines here",
		"bell\a\x00":                    "bell",
		`"quotes" <b>&{x}@a`:            `"quotes" <b>&{x}@a`,
		"family 👨\u200d👩\u200d👧":        "family 👨\u200d👩\u200d👧",
		"日本語 Ünïcödé":                   "日本語 Ünïcödé",
	}
	for in, want := range cases {
		if got := DisplayText(in); got != want {
			t.Errorf("DisplayText(%q) = %q, want %q", in, got, want)
		}
	}
}
