package actions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
)

func TestSoundActions(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []OverlayOp
	}{
		{"r:$sound airhorn.mp3", []OverlayOp{{Target: "sound", Verb: "play", File: "airhorn.mp3", Volume: 100}}},
		{"r:$SOUND airhorn.mp3 40", []OverlayOp{{Target: "sound", Verb: "play", File: "airhorn.mp3", Volume: 40}}},
		{`r:$sound "Air Horn.mp3" 50% overlap`, []OverlayOp{{Target: "sound", Verb: "play", File: "Air Horn.mp3", Volume: 50, Overlap: true}}},
		{"r:$sound boom.wav overlap x2", []OverlayOp{{Target: "sound", Verb: "play", File: "boom.wav", Volume: 100, Overlap: true}, {Target: "sound", Verb: "play", File: "boom.wav", Volume: 100, Overlap: true}}},
	} {
		f, diags := Parse("actions.mca", []byte(tc.src), Options{})
		if len(diags) > 0 {
			t.Errorf("%s: %v", tc.src, diags)
			continue
		}
		acts := f.Fire(f.Rules()[0], Vars{}, nil)
		if len(acts) != len(tc.want) {
			t.Fatalf("%s: %v", tc.src, acts)
		}
		for i, a := range acts {
			op, err := ParseOverlay(a.Command)
			if a.Kind != tikcraft.KindOverlay || err != nil || op != tc.want[i] {
				t.Errorf("%s: %s reads back as %+v, %v", tc.src, a, op, err)
			}
		}
	}
}

func TestSoundDiagnostics(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "airhorn.mp3"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder.mp3"), 0o755)
	opts := Options{SoundsDir: dir}
	for _, tc := range []struct{ src, want string }{
		{"r:$sound", "actions.mca:1:9: error: $sound needs the sound's file"},
		{"r:$sound ../secret.mp3", `actions.mca:1:10: error: sound "../secret.mp3" must be the name of a .mp3, .wav or .ogg file in the sounds folder`},
		{"r:$sound airhorn.exe", `actions.mca:1:10: error: sound "airhorn.exe" must be`},
		{"r:$sound airhorn.mp3 0", `actions.mca:1:22: error: sound volume "0" must be a whole number from 1 to 100`},
		{"r:$sound airhorn.mp3 loud", `actions.mca:1:22: error: sound volume "loud"`},
		{"r:$sound airhorn.mp3 50 now", `actions.mca:1:25: error: unexpected "now"`},
		{"r:$sound Air Horn.mp3", `actions.mca:1:10: error: sound "Air" must be`},
		{"r:$sound missing.mp3", `actions.mca:1:10: error: sound "missing.mp3" is not in the sounds folder ` + dir + `: put the file there, or fix the name`},
		{`r:$sound "folder.mp3"`, `actions.mca:1:11: error: sound "folder.mp3" is not in the sounds folder`},
		{"r:>>Hi|there|5|sound=missing.mp3", `actions.mca:1:16: error: sound "missing.mp3" is not in the sounds folder`},
		{"r:>>Hi|there|5|sound=../x.mp3", `actions.mca:1:16: error: alert sound "../x.mp3" must be`},
	} {
		_, diags := Parse("actions.mca", []byte(tc.src), opts)
		if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.src, diags, tc.want)
		}
	}
	// What is there passes, with and without sound=.
	for _, src := range []string{"r:$sound airhorn.mp3", "r:>>Hi|there|5|sound=airhorn.mp3", "r:>>Hi|there|5|airhorn.mp3", "r:>>Hi|there|5|Sound = airhorn.mp3"} {
		f, diags := Parse("actions.mca", []byte(src), opts)
		if len(diags) > 0 {
			t.Errorf("%s: %v", src, diags)
			continue
		}
		if a := f.Fire(f.Rules()[0], Vars{}, nil)[0]; a.Kind == tikcraft.KindAlert && a.Sound() != "airhorn.mp3" {
			t.Errorf("%s: sound %q", src, a.Sound())
		}
	}
}
