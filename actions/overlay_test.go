package actions

import (
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
)

func TestOverlayActions(t *testing.T) {
	tests := []struct {
		src  string
		want []string // the actions' String(), in order
	}{
		{"rose:$timer +60s", []string{"$timer +60s"}},
		{"rose:$TIMER -30s", []string{"$timer -30s"}},
		{"rose:$timer +2m", []string{"$timer +120s"}},
		{"rose:$timer +1m30s", []string{"$timer +90s"}},
		{"rose:$timer +45", []string{"$timer +45s"}},
		{"rose:$timer reset; $timer pause; $timer Resume", []string{"$timer reset", "$timer pause", "$timer resume"}},
		{"rose:/say a; $wins +1; /say b", []string{"say a", "$wins +1", "say b"}},
		{"rose:$wins -1 x2", []string{"$wins -1", "$wins -1"}},
		{"rose:$deaths +1; $deaths reset", []string{"$deaths +1", "$deaths reset"}},
		{"rose:>>Hi|there|5|airhorn.mp3", []string{">>Hi|there|5|airhorn.mp3"}},
		{"rose:>>Hi|there|5| ", []string{">>Hi|there|5"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, diags := parse(t, tt.src)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			acts := f.Fire(f.Rules()[0], Vars{User: "u"}, nil)
			var got []string
			for _, a := range acts {
				got = append(got, a.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for _, a := range acts {
				if strings.HasPrefix(a.String(), "$") {
					if a.Kind != tikcraft.KindOverlay {
						t.Fatalf("%s: kind %s", a, a.Kind)
					}
					if _, err := ParseOverlay(a.Command); err != nil {
						t.Fatalf("the sink cannot read back %q: %v", a.Command, err)
					}
				}
			}
		})
	}
}

func TestOverlayDiagnostics(t *testing.T) {
	tests := []struct{ src, want string }{
		{"rose:$timer", "actions.mca:1:12: error: $timer needs what to do"},
		{"rose:$timer 60s", "actions.mca:1:13: error: unknown $timer \"60s\" (+60s adds, -60s takes away)"},
		{"rose:$timer +60ms", "actions.mca:1:13: error: bad time \"+60ms\""},
		{"rose:$timer +1.5s", "actions.mca:1:13: error: bad time"},
		{"rose:$timer +25h", "actions.mca:1:13: error: time \"+25h\" must be from 1s to 24h"},
		{"rose:$timer +0s", "actions.mca:1:13: error: time \"+0s\" must be"},
		{"rose:$timer stop", "actions.mca:1:13: error: unknown $timer \"stop\""},
		{"rose:$timer +1s +2s", "actions.mca:1:17: error: $timer takes one thing after it"},
		{"rose:/say a; $wins", "actions.mca:1:19: error: $wins needs what to do"},
		{"rose:$wins pause", "actions.mca:1:12: error: unknown $wins \"pause\""},
		{"rose:$wins +0", "actions.mca:1:12: error: bad amount \"+0\""},
		{"rose:$deaths +x", "actions.mca:1:14: error: bad amount \"+x\""},
		{"rose:$deaths +99999999999", "actions.mca:1:14: error: bad amount"},
		{"rose:>>Hi|x|3|../../etc/passwd", "actions.mca:1:15: error: alert sound \"../../etc/passwd\""},
		{"rose:>>Hi|x|3|sub/a.mp3", "actions.mca:1:15: error: alert sound"},
		{"rose:>>Hi|x|3|a.exe", "actions.mca:1:15: error: alert sound"},
		{"rose:>>Hi|x|3|.mp3", "actions.mca:1:15: error: alert sound"},
		{"rose:>>Hi|x|3|a.mp3|b", "actions.mca:1:15: error: alert sound \"a.mp3|b\""},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, diags := parse(t, tt.src)
			if len(diags) != 1 {
				t.Fatalf("want 1 diagnostic, got %v", diags)
			}
			w := strings.SplitN(tt.want, ": ", 3)
			if got := diags[0].String(); !strings.HasPrefix(got, w[0]+": "+w[1]+": ") || !strings.Contains(got, w[2]) {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRandomNeverPicksOverlayTriggers(t *testing.T) {
	f, diags := parse(t, "gift:$random\ntimer_end:/say won\nlikegoal_reached:/say goal\n")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "nothing to pick") {
		t.Fatalf("want the nothing-to-pick warning, got %v", diags)
	}
	if acts := f.Fire(f.Lookup("gift"), Vars{}, nil); len(acts) != 0 {
		t.Fatalf("$random picked %v", acts)
	}
}

func TestValidSoundName(t *testing.T) {
	for name, want := range map[string]bool{
		"a.mp3": true, "Air Horn-2_x.WAV": true, "x.ogg": true,
		"": false, ".mp3": false, "../a.mp3": false, "a/b.mp3": false, `a\b.mp3`: false, "a..mp3": false,
		"a.mp3.exe": false, ".hidden.mp3": false, "C:a.mp3": false, "a\x00.mp3": false, " a.mp3": false,
		// Letters of any language: a German or Brazilian streamer's files.
		"Lufthupe Ü.mp3": true, "Überraschung.wav": true, "canção.ogg": true, "Lufthupe U\u0308.mp3": true, "シ.mp3": true,
		"a\u2215b.mp3": false, "a\u3000b.mp3": false, "\xff.mp3": false, "a\u202eb.mp3": false,
	} {
		if got := ValidSoundName(name); got != want {
			t.Errorf("ValidSoundName(%q) = %v, want %v", name, got, want)
		}
	}
}
