package web

import (
	"bufio"
	"io"
	"strconv"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// BenchmarkDashboardMix is the dashboard's share of one event of issue 25's
// load (half follows firing /say and $wins, roses with an alert, !hi chat
// commands, likes; every event from a new viewer), with one browser on
// /api/stream: the feed item, the actions queued and their deliveries,
// and what the browser is sent, written as the stream writes it. The
// dashboard is flushed every 100 events, as at 1,000 events/s with ten
// flushes a second.
func BenchmarkDashboardMix(b *testing.B) {
	d := NewDashboard("run")
	sub := d.Subscribe()
	done := make(chan struct{})
	w := bufio.NewWriter(io.Discard)
	go func() {
		defer close(done)
		for {
			select {
			case m := <-sub.C:
				writeSSE(w, m)
			case <-sub.Done:
				return
			}
		}
	}()
	b.ReportAllocs()
	var id int64
	for n := 0; b.Loop(); n++ {
		ev, acts := mixEvent(n)
		d.Event(ev, false)
		d.Queued(acts)
		for _, a := range acts {
			id++
			d.Delivered(Delivery{Item: queue.Item{ID: id, Action: a}, Reply: "", Latency: 300})
		}
		if n%100 == 99 {
			d.Flush()
		}
	}
	b.StopTimer()
	sub.Close()
	<-done
}

// mixEvent is event n of the mix and the actions its rules fire.
func mixEvent(n int) (tikcraft.Event, []tikcraft.Action) {
	u := tikcraft.User{ID: strconv.Itoa(100000 + n), UniqueID: "v" + strconv.Itoa(n), Nickname: "Viewer " + strconv.Itoa(n)}
	meta := tikcraft.Meta{MsgID: strconv.Itoa(n)}
	switch n % 6 {
	case 0, 1, 2:
		return &tikcraft.FollowEvent{Meta: meta, User: u}, []tikcraft.Action{
			{Kind: tikcraft.KindCommand, Command: "say f " + u.UniqueID, Trigger: "follow", User: u.UniqueID, Source: "follow"},
			{Kind: tikcraft.KindOverlay, Command: "$wins +1", Trigger: "follow", User: u.UniqueID, Source: "follow"},
		}
	case 3:
		return &tikcraft.GiftEvent{Meta: meta, User: u, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1, RepeatEnd: true},
			[]tikcraft.Action{{Kind: tikcraft.KindOverlay, Command: ">>" + u.Nickname + "|sent a Rose|3", Trigger: "rose", User: u.UniqueID, Source: "gift Rose"}}
	case 4:
		return &tikcraft.ChatEvent{Meta: meta, User: u, Text: "!hi"}, []tikcraft.Action{
			{Kind: tikcraft.KindCommand, Command: "say hi " + u.UniqueID, Trigger: "hi", User: u.UniqueID, Source: "chat !hi"},
		}
	}
	return &tikcraft.LikeEvent{Meta: meta, User: u, Count: 15, Total: int64(n/6+1) * 15}, nil
}
