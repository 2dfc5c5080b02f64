//go:build unix

package store

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStream is the store's share of a LIVE at a steady rate: events
// arrive every millisecond (1,000 a second), each logged and pushing two
// actions (a command and a $wins), which the two lanes' workers take, log
// and acknowledge one at a time each, as the pipeline does with Minecraft
// answering at once. The figure that
// matters is cpu-µs/event, the CPU the process spent per event (ns/op is
// mostly the pacing), with the commits it took; 100/s is the light load
// of target 2. Without group commit each event took 3 commits (its push,
// two acknowledgements) plus the event log's.
func BenchmarkStream(b *testing.B) {
	for _, rate := range []int{1000, 100} {
		b.Run("rate="+strconv.Itoa(rate), func(b *testing.B) {
			ctx := context.Background()
			s := openT(b, b.TempDir(), options{synchronous: "NORMAL"})
			ev := &tikcraft.FollowEvent{User: anna}
			acts := []tikcraft.Action{
				{Kind: tikcraft.KindCommand, Command: "say thanks for the follow, anna", Trigger: "follow"},
				{Kind: tikcraft.KindOverlay, Command: "wins +1", Trigger: "follow"},
			}
			// One worker per lane, as the pipeline runs them.
			done := make(chan error, 2)
			for _, lane := range []queue.Lane{queue.LaneMinecraft, queue.LaneOverlays} {
				go func() {
					for range b.N {
						it, err := s.Next(ctx, lane)
						if err != nil {
							done <- err
							return
						}
						s.LogDelivery(ctx, delivery(it, nil, 100*time.Microsecond))
						if err := s.Ack(ctx, it.ID); err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
			}
			every := time.Second / time.Duration(rate)
			b.ResetTimer()
			cpu0, start := cpuTime(), time.Now()
			for i := range b.N {
				if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
					time.Sleep(d)
				}
				ev.MsgID = strconv.Itoa(i)
				s.LogEvent(ctx, ev)
				if err := s.Push(ctx, acts...); err != nil {
					b.Fatal(err)
				}
			}
			for range 2 {
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
			b.ReportMetric(float64(s.commits.Load())/float64(b.N), "commits/event")
		})
	}
}
