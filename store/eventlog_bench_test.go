package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
)

// BenchmarkLogFlush is the event log at 1,000 events a second: one flush
// (every 100 ms) of 100 events of issue 25's mix and their 133 deliveries.
// Figures are per event.
func BenchmarkLogFlush(b *testing.B) {
	ctx := context.Background()
	s := openT(b, b.TempDir(), options{synchronous: "NORMAL"})
	const events, deliveries = 100, 133
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range events {
			n++
			u := tikcraft.User{ID: strconv.Itoa(n), UniqueID: "v" + strconv.Itoa(n), Nickname: "Viewer " + strconv.Itoa(n)}
			meta := tikcraft.Meta{MsgID: strconv.Itoa(n), Time: time.Unix(1_800_000_000, int64(n))}
			var ev tikcraft.Event = &tikcraft.FollowEvent{Meta: meta, User: u}
			switch i % 6 {
			case 3:
				ev = &tikcraft.GiftEvent{Meta: meta, User: u, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1, RepeatEnd: true}
			case 4:
				ev = &tikcraft.ChatEvent{Meta: meta, User: u, Text: "!hi"}
			case 5:
				ev = &tikcraft.LikeEvent{Meta: meta, User: u, Count: 15, Total: int64(n * 15)}
			}
			s.LogEvent(ctx, ev)
		}
		for i := range deliveries {
			d := deliver.Delivery{Item: queue.Item{ID: int64(n*2 + i), Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say f v" + strconv.Itoa(n), Trigger: "follow"}}, Latency: 300 * time.Microsecond}
			if i%7 == 0 {
				d.Err = errors.New("connection refused")
			}
			s.LogDelivery(ctx, d)
		}
		s.flushLog(ctx)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
}
