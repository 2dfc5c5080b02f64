package overlay

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/store"
)

// BenchmarkManagerMix is the overlays' share of the issue-25 load: per op
// one event from a new viewer (half follows, then roses, chat, likes, the
// feed showing all four), a $wins +1 for each follow and an alert for each
// rose, saved in a real store, with the pages' state encoded as it is
// published (Run publishes at most once a frame).
func BenchmarkManagerMix(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cfg := Defaults()
	cfg.Feed.Kinds = []string{"follow", "gift", "chat", "like"}
	published := 0
	m := New(ctx, Options{Config: cfg, Saver: st, Publish: func(s Snapshot) {
		json.Marshal(s)
		published++
	}})
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	wins := tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1", Trigger: "follow"}
	alert := tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "Viewer", Subtitle: "sent a Rose", Seconds: 3}, Trigger: "rose"}
	likes := int64(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		u := tikcraft.User{ID: strconv.Itoa(100000 + i), UniqueID: "v" + strconv.Itoa(i), Nickname: "Viewer " + strconv.Itoa(i)}
		meta := tikcraft.Meta{MsgID: strconv.Itoa(i)}
		switch i % 6 {
		case 0, 1, 2:
			m.Event(&tikcraft.FollowEvent{Meta: meta, User: u})
			m.Deliver(ctx, wins)
		case 3:
			m.Event(&tikcraft.GiftEvent{Meta: meta, User: u, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1, RepeatEnd: true})
			m.Deliver(ctx, alert)
		case 4:
			m.Event(&tikcraft.ChatEvent{Meta: meta, User: u, Text: "!hi"})
		case 5:
			likes += 15
			m.Event(&tikcraft.LikeEvent{Meta: meta, User: u, Count: 15, Total: likes})
		}
	}
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(published)/float64(b.N), "snapshots/op")
}
