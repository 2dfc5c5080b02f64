package bench

import (
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/config"
)

// The counts the checks rely on agree with the events themselves.
func TestMixCounts(t *testing.T) {
	for _, m := range []Mix{MixFull, MixPlain} {
		for total := range 40 {
			follows, likes, commands := 0, int64(0), 0
			for n := range total {
				switch e := m.Event(n).(type) {
				case *tikcraft.FollowEvent:
					follows++
				case *tikcraft.LikeEvent:
					likes += e.Count
					if e.Total != likes {
						t.Fatalf("%s event %d: like total %d, want %d", m, n, e.Total, likes)
					}
				}
				if m.Expects(n) != "" {
					commands++
				}
			}
			if got := m.Follows(total); got != follows {
				t.Errorf("%s: Follows(%d) = %d, want %d", m, total, got, follows)
			}
			if got := m.LikeCommands(total); int64(got) != likes/100 {
				t.Errorf("%s: LikeCommands(%d) = %d, want %d", m, total, got, likes/100)
			}
		}
	}
}

// Every command a mix fires is read back as the event it belongs to.
func TestMixCommand(t *testing.T) {
	for _, c := range []struct {
		mix        Mix
		cmd        string
		n          int
		like, isOK bool
	}{
		{MixJoin, "say b12", 12, false, true},
		{MixJoin, "say x12", 0, false, false},
		{MixFull, "say f v0", 0, false, true},
		{MixFull, "say hi v4", 4, false, true},
		{MixFull, "say hi v5", 5, false, false}, // event 5 is a like
		{MixFull, "say likes v11", 11, true, true},
		{MixFull, "say r v3", 3, false, false}, // roses only alert in the full mix
		{MixPlain, "say r v3", 3, false, true},
		{MixFull, "say f Viewer 1", 0, false, false},
		{MixFull, "kill @a", 0, false, false},
	} {
		n, like, ok := c.mix.command(c.cmd)
		if ok != c.isOK || (ok && (n != c.n || like != c.like)) {
			t.Errorf("%s %q = %d, %v, %v; want %d, %v, %v", c.mix, c.cmd, n, like, ok, c.n, c.like, c.isOK)
		}
	}
}

// The full mix checks that the pages' wins equal the follows, so the
// challenge timer (10 minutes by default) must not count a win of its own
// when a run lasts longer: a 640 s run showed one win too many.
func TestFullMixCountsOnlyTheFollowsAsWins(t *testing.T) {
	cfg, diags, err := config.Load(config.Layer{Name: "mix.yaml", Data: []byte("rcon: {password: pw}\n" + MixFull.Config())})
	if err != nil || len(diags) != 0 {
		t.Fatalf("the mix's config: %v %v", diags, err)
	}
	if w := cfg.Overlays.Timer.WinOnEnd; w == nil || *w {
		t.Fatalf("overlays.timer.win_on_end is %v in the full mix", w)
	}
}
