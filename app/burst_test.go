package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// gateSink counts deliveries and blocks every delivery until opened: while
// it is closed, Minecraft is "stuck".
type gateSink struct {
	open      chan struct{}
	delivered atomic.Int64
}

func (g *gateSink) Deliver(ctx context.Context, _ tikcraft.Action) error {
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.delivered.Add(1)
	return nil
}

// burst builds seconds×perSecond gift messages in event time: combo streaks
// of many users, interleaved, with duplicated messages and lost ends.
func burst(seconds, perSecond int) ([]source.Step, int64) {
	rng := rand.New(rand.NewPCG(5, 6))
	t0 := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	total := seconds * perSecond
	var steps []source.Step
	var sent int64
	type open struct {
		user, group string
		count       int64
	}
	var streaks []*open
	msg := 0
	for len(steps) < total {
		at := t0.Add(time.Duration(len(steps)) * time.Second / time.Duration(perSecond))
		if len(streaks) < 500 || rng.IntN(4) == 0 {
			streaks = append(streaks, &open{user: fmt.Sprint("u", rng.IntN(5000)), group: fmt.Sprint("g", msg)})
		}
		i := rng.IntN(len(streaks))
		s := streaks[i]
		s.count++
		msg++
		end := s.count >= int64(1+rng.IntN(30))
		ev := &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(msg), Time: at}, User: tikcraft.User{ID: s.user, UniqueID: s.user},
			Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: s.count, RepeatEnd: end && rng.IntN(5) != 0, GroupID: s.group}
		steps = append(steps, source.Step{Event: ev})
		if rng.IntN(20) == 0 { // the same message again
			steps = append(steps, source.Step{Event: ev})
		}
		if end {
			sent += s.count
			streaks[i] = streaks[len(streaks)-1]
			streaks = streaks[:len(streaks)-1]
		}
	}
	for _, s := range streaks { // still open at the end: flushed
		sent += s.count
	}
	return steps, sent
}

// TestBurstLosesNothingAndNeverBlocksReceiving pushes a burst of gift
// messages (10,000 per second of event time) through engine, durable queue
// and worker while Minecraft is stuck: every message is received while no
// action can be delivered, then every gift is delivered exactly once, and
// streak bookkeeping is collected. TIKCRAFT_BURST=full runs the full
// 10 seconds (100,000 messages); the default run uses 2 seconds.
func TestBurstLosesNothingAndNeverBlocksReceiving(t *testing.T) {
	t.Parallel()
	seconds := 2
	if os.Getenv("TIKCRAFT_BURST") == "full" {
		seconds = 10
	}
	steps, sent := burst(seconds, 10000)
	// The pure-Go SQLite driver is very slow under the race detector, so the
	// default run uses the in-memory queue; TIKCRAFT_BURST=full (run it
	// without -race) goes through the durable store and its event log.
	var q queue.Queue = queue.NewMemory()
	var rec pipeline.Recorder
	if seconds == 10 {
		st, err := store.Open(context.Background(), t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		q, rec = st, st
	}
	sink := &gateSink{open: make(chan struct{})}
	eng := engine.New(engine.Config{MaxRepeat: 1000}, mustRules(t, "gift:/say {user}\n"), nil)
	var received atomic.Int64
	allIn := make(chan struct{})
	var once sync.Once
	res, err := pipeline.Run(context.Background(), source.Steps(steps, source.Max), pipeline.Options{
		Engine: eng, Queue: q, Recorder: rec, Sink: sink, EventClock: true, Finish: true,
		OnEvent: func(tikcraft.Event, bool) {
			if received.Add(1) == int64(len(steps)) {
				// Every message was received while nothing could be
				// delivered: receiving never waited for Minecraft.
				once.Do(func() { close(allIn); close(sink.open) })
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-allIn:
	default:
		t.Fatal("not every message was received")
	}
	if res.Delivered != sent || sink.delivered.Load() != sent {
		t.Fatalf("%d gifts sent, %d actions delivered (%d counted by the sink)", sent, res.Delivered, sink.delivered.Load())
	}
	if n := len(eng.Tick(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))); n != 0 || eng.OpenStreaks() != 0 {
		t.Fatalf("streak bookkeeping not collected: %d open, %d late actions", eng.OpenStreaks(), n)
	}
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	t.Logf("%d messages, %d gifts; heap after the burst %d MiB", len(steps), sent, m.HeapAlloc>>20)
	if m.HeapAlloc > 512<<20 {
		t.Fatalf("heap %d MiB after the burst", m.HeapAlloc>>20)
	}
}
