package actions

import (
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

var obsOpts = Options{OBS: true}

func TestOBSParse(t *testing.T) {
	for _, tc := range []struct {
		line string
		want OBSOp
		out  string // the action's Command
	}{
		{`r:$obs scene Game`, OBSOp{Verb: OBSScene, Scene: "Game"}, `scene "Game"`},
		{`r:$obs scene "Creeper Cam"`, OBSOp{Verb: OBSScene, Scene: "Creeper Cam"}, `scene "Creeper Cam"`},
		{`r:$OBS Scene  "Creeper Cam"  `, OBSOp{Verb: OBSScene, Scene: "Creeper Cam"}, `scene "Creeper Cam"`},
		{`r:$obs show "Jump Scare"`, OBSOp{Verb: OBSShow, Source: "Jump Scare"}, `show "Jump Scare"`},
		{`r:$obs show "Jump Scare" for 5s`, OBSOp{Verb: OBSShow, Source: "Jump Scare", For: 5 * time.Second}, `show "Jump Scare" for 5s`},
		{`r:$obs hide Webcam in "Main Scene" for 1m30s`, OBSOp{Verb: OBSHide, Source: "Webcam", Scene: "Main Scene", For: 90 * time.Second}, `hide "Webcam" in "Main Scene" for 1m30s`},
		{`r:$obs show Cam for 500ms in Main`, OBSOp{Verb: OBSShow, Source: "Cam", Scene: "Main", For: 500 * time.Millisecond}, `show "Cam" in "Main" for 500ms`},
		{`r:$obs show "in" in "for"`, OBSOp{Verb: OBSShow, Source: "in", Scene: "for"}, `show "in" in "for"`},
		{`r:$obs text "Last Gift" {nickname} sent {gift} x{count}`, OBSOp{Verb: OBSText, Source: "Last Gift", Text: "{nickname} sent {gift} x{count}"}, `text "Last Gift" "Anna sent Rose x5"`},
		{`r:$obs text Status "Thanks, {nickname}!"`, OBSOp{Verb: OBSText, Source: "Status", Text: "Thanks, {nickname}!"}, `text "Status" "Thanks, Anna!"`},
		{`r:$obs text Status ""`, OBSOp{Verb: OBSText, Source: "Status"}, `text "Status" ""`},
		{`r:$obs text Status say "hi" now`, OBSOp{Verb: OBSText, Source: "Status", Text: `say "hi" now`}, `text "Status" "say \"hi\" now"`},
		{`r:$obs text Q "a \"b\" c\\d"`, OBSOp{Verb: OBSText, Source: "Q", Text: `a "b" c\d`}, `text "Q" "a \"b\" c\\d"`},
		{`r:$obs media "Creeper Clip" restart`, OBSOp{Verb: OBSMedia, Source: "Creeper Clip", Media: "restart"}, `media "Creeper Clip" restart`},
		{`r:$obs media Clip PAUSE`, OBSOp{Verb: OBSMedia, Source: "Clip", Media: "pause"}, `media "Clip" pause`},
		{`r:$obs filter Webcam "Green Tint" on for 5s`, OBSOp{Verb: OBSFilter, Source: "Webcam", Filter: "Green Tint", On: true, For: 5 * time.Second}, `filter "Webcam" "Green Tint" on for 5s`},
		{`r:$obs filter Webcam Blur off`, OBSOp{Verb: OBSFilter, Source: "Webcam", Filter: "Blur"}, `filter "Webcam" "Blur" off`},
		{`r:$obs scene "C:\\OBS\\x"`, OBSOp{Verb: OBSScene, Scene: `C:\OBS\x`}, `scene "C:\\OBS\\x"`},
		{`r:$obs scene "a\b"`, OBSOp{Verb: OBSScene, Scene: `a\b`}, `scene "a\\b"`},
	} {
		f, diags := Parse("actions.mca", []byte(tc.line), obsOpts)
		if len(diags) > 0 {
			t.Errorf("%s: %v", tc.line, diags)
			continue
		}
		c := f.Lookup("r").Commands[0]
		if c.Kind != OBS || c.OBS != tc.want {
			t.Errorf("%s: got %v %+v, want %+v", tc.line, c.Kind, c.OBS, tc.want)
		}
		acts := f.Fire(f.Lookup("r"), Vars{User: "anna", Nickname: "Anna", Gift: "Rose", Count: 5}, nil)
		if len(acts) != 1 || acts[0].Kind != tikcraft.KindOBS || acts[0].Command != tc.out {
			t.Errorf("%s: fired %+v, want %s", tc.line, acts, tc.out)
			continue
		}
		back, err := ParseOBS(acts[0].Command)
		if err != nil || back.String() != tc.out {
			t.Errorf("%s: %q reads back as %+v, %v", tc.line, acts[0].Command, back, err)
		}
		if s := acts[0].String(); s != "$obs "+tc.out {
			t.Errorf("String() = %q", s)
		}
	}
}

func TestOBSParseErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`r:$obs`, `actions.mca:1:7: error: $obs needs what to do`},
		{`r:$obs jump`, `actions.mca:1:8: error: unknown $obs action "jump"`},
		{`r:$obs "scene" x`, `actions.mca:1:8: error: unknown $obs action "scene"`},
		{`r:$obs scene`, `actions.mca:1:13: error: $obs scene needs the scene's name`},
		{`r:$obs scene Creeper Cam`, `actions.mca:1:22: error: unexpected "Cam": write $obs scene NAME (a name with spaces goes in double quotes: "Creeper Cam")`},
		{`r:$obs scene "Creeper Cam`, `actions.mca:1:14: error: this quote is never closed`},
		{`r:$obs scene "Creeper"Cam`, `actions.mca:1:23: error: put a space after the closing quote`},
		{`r:$obs scene ""`, `actions.mca:1:14: error: empty scene name`},
		{`r:$obs show "Jump Scare" for`, `actions.mca:1:29: error: "for" needs how long`},
		{`r:$obs show "Jump Scare" for 5`, `actions.mca:1:30: error: "for" needs how long, such as for 5s or for 1m30s, not "5"`},
		{`r:$obs show X for 2h`, `actions.mca:1:19: error: "for 2h" must be from 100ms to 1h`},
		{`r:$obs show X for 10ms`, `actions.mca:1:19: error: "for 10ms" must be from 100ms to 1h`},
		{`r:$obs show X in`, `actions.mca:1:17: error: $obs show needs the scene's name`},
		{`r:$obs show X in A in B`, `actions.mca:1:20: error: unexpected "in"`},
		{`r:$obs hide Jump Scare`, `actions.mca:1:18: error: unexpected "Scare": write $obs hide SOURCE [in SCENE] [for 5s] (a name with spaces goes in double quotes: "Jump Scare")`},
		{`r:$obs text Status`, `actions.mca:1:19: error: $obs text needs the text`},
		{`r:$obs media Clip`, `actions.mca:1:18: error: $obs media needs what to do`},
		{`r:$obs media Clip rewind`, `actions.mca:1:19: error: $obs media can restart, play, pause or stop, not "rewind"`},
		{`r:$obs media Clip play now`, `actions.mca:1:24: error: unexpected "now"`},
		{`r:$obs filter Cam`, `actions.mca:1:18: error: $obs filter needs the filter's name`},
		{`r:$obs filter Cam Blur`, `actions.mca:1:23: error: $obs filter needs on or off`},
		{`r:$obs filter Cam Blur maybe`, `actions.mca:1:24: error: $obs filter turns a filter on or off, not "maybe"`},
		{`r:$obs filter Cam Blur on for 5s x`, `actions.mca:1:34: error: unexpected "x"`},
		{`r:/say hi; $obs scene Game x3`, `actions.mca:1:28: error: unexpected "x3"`},
		{"r:$obs scene " + strings.Repeat("a", MaxOBSName+1), `actions.mca:1:14: error: the scene name is longer than 256 bytes`},
	} {
		_, diags := Parse("actions.mca", []byte(tc.line), obsOpts)
		if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.line, diags, tc.want)
		}
	}
}

// TestOBSNeedsConfig: without an obs section a $obs rule is an error
// that says what to add, once per file.
func TestOBSNeedsConfig(t *testing.T) {
	_, diags := Parse("actions.mca", []byte("rose:/say hi; $obs scene Game\nlion:$obs show Cam\n"), Options{})
	if len(diags) != 2 || !strings.HasPrefix(diags[0].String(), "actions.mca:1:15: error: $obs needs to know where OBS is: add an obs section to tikcraft.yaml, with address: 127.0.0.1:4455") ||
		diags[1].String() != "actions.mca:2:6: error: $obs needs an obs section in tikcraft.yaml (see line 1)" {
		t.Fatalf("got %v", diags)
	}
}

// TestOBSTextIsDisplayText: a viewer's name cannot end the text's quotes
// or reach the names: the Command reads back with the same source, and
// the text as an alert shows it (quotes and the family emoji's joiners
// kept, bidi overrides and line breaks not).
func TestOBSTextIsDisplayText(t *testing.T) {
	f, diags := Parse("actions.mca", []byte(`r:$obs text "Last Gift" {nickname}: {message}`), obsOpts)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	const family = "👨\u200d👩\u200d👧"
	for _, v := range append(hostile, family+" Anna", "\u202eAnna\u2066", `say "hi" \ now`) {
		vars := Vars{User: v, Nickname: v, Message: v + `" in "Other`}
		acts := f.Fire(f.Lookup("r"), vars, nil)
		op, err := ParseOBS(acts[0].Command)
		if err != nil || op.Verb != OBSText || op.Source != "Last Gift" {
			t.Fatalf("%q: %q -> %+v, %v", v, acts[0].Command, op, err)
		}
		show := displayValues(vars)
		if want := show[phNickname] + ": " + show[phMessage]; op.Text != want {
			t.Errorf("%q: text %q, want %q", v, op.Text, want)
		}
		if strings.ContainsAny(op.Text, "\n\r\u202e\u2066") {
			t.Errorf("%q: text %q keeps a line break or a bidi control", v, op.Text)
		}
	}
	acts := f.Fire(f.Lookup("r"), Vars{Nickname: family + " Anna", Message: `"hi" {x}`}, nil)
	if op, _ := ParseOBS(acts[0].Command); op.Text != family+` Anna: "hi" {x}` {
		t.Errorf("got %q", op.Text)
	}
}

// FuzzOBSText: whatever a viewer's name and message are, a $obs text
// action reads back as the same verb and source, with the text an alert
// would show.
func FuzzOBSText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("👨\u200d👩\u200d👧 \"x\" \\ y")
	file, diags := Parse("actions.mca", []byte(`r:$obs text "Last Gift" "{nickname} \"said\" {message}"`), obsOpts)
	if len(diags) > 0 {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, v string) {
		vars := Vars{User: v, Nickname: v, Message: v}
		acts := file.Fire(file.Lookup("r"), vars, nil)
		op, err := ParseOBS(acts[0].Command)
		if err != nil || op.Verb != OBSText || op.Source != "Last Gift" {
			t.Fatalf("%q: %q -> %+v, %v", v, acts[0].Command, op, err)
		}
		show := displayValues(vars)
		if want := show[phNickname] + ` "said" ` + show[phMessage]; op.Text != want {
			t.Fatalf("%q: text %q, want %q", v, op.Text, want)
		}
		if strings.ContainsAny(acts[0].Command, "\n\r\u2028\u2029\u202e") {
			t.Fatalf("%q: command %q", v, acts[0].Command)
		}
	})
}

func TestIsOBS(t *testing.T) {
	for s, want := range map[string]bool{"$obs": true, "$obs scene x": true, "$OBS\tx": true, "$obsx": false, "$ob": false, "obs x": false} {
		if IsOBS(s) != want {
			t.Errorf("IsOBS(%q) = %t", s, !want)
		}
	}
}

func FuzzParseOBS(f *testing.F) {
	for _, s := range []string{
		`scene Game`, `scene "Creeper Cam"`, `show "Jump Scare" in Main for 5s`, `hide x for 1m`,
		`text "Last Gift" {nickname} sent {gift}`, `text T "a \"q\" \\"`, `media Clip restart`,
		`filter Cam "Green Tint" on for 500ms`, `scene "unclosed`, `show a b c`, `text T`, "",
		`show "x"y`, `filter a b off for`, `scene "\`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		op, err := parseOBS(s)
		if err != nil {
			if err.at < 0 || err.at > len(s) || err.msg == "" {
				t.Fatalf("%q: error at %d of %d: %q", s, err.at, len(s), err.msg)
			}
			return
		}
		canon := op.String()
		back, err2 := ParseOBS(canon)
		if err2 != nil || back != op {
			t.Fatalf("%q -> %q reads back as %+v, %v; want %+v", s, canon, back, err2, op)
		}
	})
}
