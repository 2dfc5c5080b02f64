package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

func TestParseSpeed(t *testing.T) {
	for in, want := range map[string]Speed{"max": Max, "realtime": 1, "2": 2, "0.5": 0.5, "3x": 3} {
		if got, err := ParseSpeed(in); err != nil || got != want {
			t.Errorf("ParseSpeed(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"fast", "-1", "0"} {
		if _, err := ParseSpeed(bad); err == nil {
			t.Errorf("ParseSpeed(%q) accepted", bad)
		}
	}
}

func TestFileSkipsBadLinesAndRunsTheRest(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ev.jsonl")
	os.WriteFile(p, []byte("{\"type\":\"follow\"}\nnot json\n{\"type\":\"warp\"}\n{\"type\":\"share\"}\n"), 0o644)
	f := &File{Path: p}
	var got []tikcraft.EventType
	if err := f.Run(context.Background(), func(ev tikcraft.Event) { got = append(got, ev.Type()) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != tikcraft.TypeFollow || got[1] != tikcraft.TypeShare || f.Skipped != 2 {
		t.Fatalf("got %v, skipped %d", got, f.Skipped)
	}
}

func TestMissingFileIsAClearError(t *testing.T) {
	err := (&File{Path: "/nonexistent/ev.jsonl"}).Run(context.Background(), func(tikcraft.Event) {})
	if err == nil {
		t.Fatal("want an error")
	}
}

func TestDemoTrafficIsVaried(t *testing.T) {
	seen := map[tikcraft.EventType]bool{}
	var combo, single, ends int
	for _, st := range Demo(1, 0) {
		seen[st.Event.Type()] = true
		if g, ok := st.Event.(*tikcraft.GiftEvent); ok {
			switch {
			case !g.Gift.Combo:
				single++
			case g.RepeatEnd:
				ends++
			default:
				combo++
			}
		}
	}
	for _, ty := range []tikcraft.EventType{tikcraft.TypeGift, tikcraft.TypeFollow, tikcraft.TypeLike, tikcraft.TypeShare, tikcraft.TypeJoin, tikcraft.TypeChat, tikcraft.TypeSubscribe, tikcraft.TypeViewers} {
		if !seen[ty] {
			t.Errorf("demo has no %s events", ty)
		}
	}
	if combo == 0 || single == 0 || ends == 0 {
		t.Errorf("demo gifts: %d streak updates, %d ends, %d single", combo, ends, single)
	}
}

// Every round's streaks are new ones: the engine remembers a settled
// streak (viewer, gift, streak id) for the whole LIVE and fires a repeat
// of it only for gifts not yet fired, so a streak id used again in a later
// round showed that round's gift as "streak ended at 1" with no action.
func TestDemoRoundsNeverReuseAStreak(t *testing.T) {
	type streak struct{ user, group string }
	round := map[streak]int{}
	for r := range 4 {
		for _, st := range Demo(1, r) {
			g, ok := st.Event.(*tikcraft.GiftEvent)
			if !ok || g.GroupID == "" {
				continue
			}
			k := streak{g.User.ID, g.GroupID}
			if first, seen := round[k]; seen && first != r {
				t.Errorf("round %d reuses streak %q of %s from round %d", r, g.GroupID, g.User.UniqueID, first)
			}
			round[k] = r
		}
	}
}

func TestScriptRounds(t *testing.T) {
	s := &Script{Round: func(n int) []Step { return []Step{{Event: &tikcraft.ViewersEvent{Count: int64(n)}}} }, Rounds: 3}
	var n int
	s.Run(context.Background(), func(tikcraft.Event) { n++ })
	if n != 3 {
		t.Fatalf("got %d events", n)
	}
}

// BenchmarkRealtimeRate replays 1,000 events a second (1ms apart) at
// --speed realtime and reports the rate achieved: it should be 1,000.
func BenchmarkRealtimeRate(b *testing.B) {
	steps := make([]Step, 1000)
	for i := range steps {
		steps[i] = Step{Delay: time.Millisecond, Event: &tikcraft.ViewersEvent{Count: int64(i)}}
	}
	n := 0
	for b.Loop() {
		if err := Steps(steps, 1).Run(context.Background(), func(tikcraft.Event) { n++ }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
