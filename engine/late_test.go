package engine

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

// TestLateEndAddsOnlyWhatWasNotFired: a streak settled by the timeout is
// remembered for the whole LIVE, so an end message arriving however late
// fires only the gifts not fired yet.
func TestLateEndAddsOnlyWhatWasNotFired(t *testing.T) {
	for _, mode := range []string{ModeFinal, ModeLive} {
		for _, late := range []float64{30, 81, 3600, 5 * 3600} {
			t.Run(fmt.Sprintf("%s/+%gs", mode, late), func(t *testing.T) {
				e := New(Config{Mode: mode, StreakTimeout: 10 * time.Second}, rules("rose"), nil)
				var steps []step
				for c := int64(1); c <= 5; c++ {
					steps = append(steps, step{float64(c) / 10, rose("anna", c, false, "g1", fmt.Sprint("m", c))})
				}
				got := run(e, steps, 15) // the end was lost: the timeout settles 5
				if len(got) != 5 {
					t.Fatalf("%d commands for 5 roses: %q", len(got), got)
				}
				// Unrelated traffic and ticks while time passes.
				for s := 20.0; s < late; s += 17 {
					got = append(got, commands(e.Handle(rose("bob", 1, true, fmt.Sprint("b", s), fmt.Sprint("bm", s)), at(s)))...)
					got = append(got, commands(e.Tick(at(s)))...)
				}
				bob := len(got) - 5
				got = append(got, commands(e.Handle(rose("anna", 5, true, "g1", "end"), at(late)))...)
				got = append(got, commands(e.Handle(rose("anna", 7, true, "g1", "end2"), at(late+1)))...)
				got = append(got, commands(e.Flush())...)
				if anna := len(got) - bob; anna != 7 {
					t.Fatalf("%d commands for anna's 7 roses", anna)
				}
			})
		}
	}
}

func commands(as []tikcraft.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Command)
	}
	return out
}

// TestPropertyLateRepeatsAddNothing: the property test's streams, with
// copies of combo messages (new message ids, as TikTok re-sends them)
// arriving minutes to hours after their streak settled, still give exactly
// one firing per gift.
func TestPropertyLateRepeatsAddNothing(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 43))
		for _, mode := range []string{ModeFinal, ModeLive} {
			steps, sent := randomStream(rng)
			end := steps[len(steps)-1].t
			var late []timed
			for i, s := range steps {
				g, ok := s.ev.(*tikcraft.GiftEvent)
				if !ok || !g.Gift.Combo || rng.IntN(5) != 0 {
					continue
				}
				cp := *g
				cp.MsgID = fmt.Sprint("late", i)
				late = append(late, timed{end.Add(time.Duration(1+rng.IntN(4*3600)) * time.Second), &cp})
			}
			slices.SortStableFunc(late, func(a, b timed) int { return a.t.Compare(b.t) })
			e := New(Config{Mode: mode, SeenIDs: 512}, rules("rose", "heart", "lion"), nil)
			var got int
			for _, s := range append(steps, late...) {
				got += len(e.Handle(s.ev, s.t))
				got += len(e.Tick(s.t))
			}
			got += len(e.Flush())
			if int64(got) != sent {
				t.Fatalf("seed %d mode %s: %d actions for %d gifts sent", seed, mode, got, sent)
			}
		}
	}
}

// Streaks whose end never arrives (a source that never sends it) are one
// log line, then a count: not a line per gift.
func TestStreakTimeoutsAreSaidOnceThenCounted(t *testing.T) {
	logs := &logratetest.Records{}
	e := New(Config{Mode: ModeFinal, StreakTimeout: 10 * time.Second}, rules("rose"), slog.New(logs))
	const n = 200
	for i := range n {
		e.Handle(rose(fmt.Sprint("v", i), 1, false, fmt.Sprint("g", i), fmt.Sprint("m", i)), at(float64(i)/100))
	}
	if got := len(commands(e.Tick(at(60)))); got != n {
		t.Fatalf("%d roses fired at the timeout, want %d", got, n)
	}
	if got := logs.Lines("never arrived"); len(got) != 1 {
		t.Fatalf("%d lines for %d streaks settled by the timeout, want 1", len(got), n)
	}
	e.Close()
	if c := logs.Count("never arrived"); c != n {
		t.Fatalf("%d told after Close, want %d", c, n)
	}
}
