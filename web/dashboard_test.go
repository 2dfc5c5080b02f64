package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

var rose = tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}

func gift(msg string, u tikcraft.User, g tikcraft.Gift, count int64, end bool, group string) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: msg}, User: u, Gift: g, RepeatCount: count, RepeatEnd: end, GroupID: group}
}

// TestFeedFoldsStreaksAndJoins: a streak is one line that grows, joins in
// a row are one line, duplicates are dropped.
func TestFeedFoldsStreaksAndJoins(t *testing.T) {
	d := NewDashboard("demo")
	anna := tikcraft.User{ID: "1", UniqueID: "anna", Nickname: "Anna"}
	d.Event(gift("1", anna, rose, 1, false, "g"), false)
	d.Event(gift("2", anna, rose, 3, false, "g"), false)
	d.Event(gift("2", anna, rose, 3, false, "g"), false) // duplicate
	d.Event(gift("3", anna, rose, 2, false, "g"), false) // late, lower
	for i, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		d.Event(&tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint("j", i)}, User: tikcraft.User{UniqueID: name}}, false)
	}
	d.Event(gift("4", anna, rose, 5, true, "g"), false)
	d.Event(gift("5", anna, rose, 1, false, "g2"), false) // a new streak: a new line
	d.Event(&tikcraft.LikeEvent{User: anna, Count: 15, Total: 115}, false)
	d.Event(&tikcraft.ViewersEvent{Count: 42}, false)
	feed := d.Snapshot().Feed
	if len(feed) != 4 {
		t.Fatalf("feed %+v", feed)
	}
	if g := feed[0]; g.Type != "gift" || g.Count != 5 || g.Streak != StreakEnded || g.Diamonds != 5 || g.User != "anna" || g.Nickname != "Anna" {
		t.Errorf("streak line %+v", g)
	}
	if j := feed[1]; j.Type != "join" || j.Count != 7 || len(j.Users) != maxFolded {
		t.Errorf("join line %+v", j)
	}
	if g := feed[2]; g.Count != 1 || g.Streak != StreakOpen {
		t.Errorf("second streak %+v", g)
	}
	c := d.Status().Counters
	if c.Viewers != 42 || c.Likes != 15 || c.Gifts != 6 || c.Diamonds != 6 {
		t.Errorf("counters %+v", c)
	}
}

// TestTallyCountsLikeTheEngine is a property test: however the updates of
// random streaks arrive (shuffled, repeated, ends lost), each streak counts
// its highest count once; test events are never counted as gifts.
func TestTallyCountsLikeTheEngine(t *testing.T) {
	for seed := range uint64(50) {
		rnd := rand.New(rand.NewPCG(seed, 1))
		d := NewDashboard("run")
		var evs []*tikcraft.GiftEvent
		var wantGifts, wantDiamonds int64
		perUser := map[string]int64{}
		msg := 0
		for s := range 1 + rnd.IntN(30) {
			u := tikcraft.User{ID: fmt.Sprint(rnd.IntN(5)), UniqueID: fmt.Sprint("u", s%5)}
			u.UniqueID = "u" + u.ID
			g := tikcraft.Gift{ID: int64(1 + rnd.IntN(3)), Name: "g", Combo: rnd.IntN(4) > 0, Diamonds: int64(1 + rnd.IntN(100))}
			group := fmt.Sprint("s", s)
			if !g.Combo {
				msg++
				evs = append(evs, gift(fmt.Sprint(msg), u, g, 1, true, group))
				wantGifts++
				wantDiamonds += g.Diamonds
				perUser[u.UniqueID] += g.Diamonds
				continue
			}
			top := int64(1 + rnd.IntN(20))
			for c := int64(1); c <= top; c++ {
				if c < top && rnd.IntN(3) == 0 {
					continue // a lost update
				}
				msg++
				e := gift(fmt.Sprint(msg), u, g, c, c == top && rnd.IntN(2) == 0, group)
				evs = append(evs, e)
				if rnd.IntN(4) == 0 {
					evs = append(evs, e) // re-delivered
				}
			}
			wantGifts += top
			wantDiamonds += top * g.Diamonds
			perUser[u.UniqueID] += top * g.Diamonds
		}
		rnd.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		for i, e := range evs {
			d.Event(e, false)
			if i%7 == 0 {
				d.Event(gift("", tikcraft.User{UniqueID: "tester"}, rose, 50, true, ""), true)
			}
		}
		r := d.Report()
		if r.Gifts != wantGifts || r.Diamonds != wantDiamonds {
			t.Fatalf("seed %d: %d gifts worth %d, want %d worth %d", seed, r.Gifts, r.Diamonds, wantGifts, wantDiamonds)
		}
		for _, g := range r.TopGifters {
			if g.Diamonds != perUser[g.Name] || g.Name == "tester" {
				t.Fatalf("seed %d: gifter %+v, want %d", seed, g, perUser[g.Name])
			}
		}
		if r.Tests.Events == 0 {
			t.Fatalf("seed %d: tests not counted", seed)
		}
	}
}

func TestDeliveriesAndMinecraftState(t *testing.T) {
	d := NewDashboard("run")
	say := tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "rose", User: "anna"}
	test := say
	test.Source = TestSourcePrefix + "gift Rose x1"
	d.Queued([]tikcraft.Action{say, test})
	d.Delivered(Delivery{Item: queue.Item{ID: 1, Action: say}, Err: errors.New("connection refused")})
	if m := d.Status().Minecraft; m.State != MinecraftUnreachable || m.Detail != "connection refused" {
		t.Errorf("minecraft %+v", m)
	}
	d.Delivered(Delivery{Item: queue.Item{ID: 1, Action: say}})
	d.Delivered(Delivery{Item: queue.Item{ID: 2, Action: test}, Reply: "Unknown command"})
	d.Delivered(Delivery{Item: queue.Item{ID: 3, Action: say}, Err: fmt.Errorf("too long: %w", tikcraft.ErrRejected)})
	d.Delivered(Delivery{Item: queue.Item{ID: 4, Action: say}, Err: fmt.Errorf("wrong password: %w", tikcraft.ErrPermanent)})
	snap := d.Snapshot()
	if len(snap.Actions) != 4 || snap.Actions[0].Attempts != 2 || snap.Actions[0].Result != ResultSent ||
		!snap.Actions[1].Test || snap.Actions[1].Reply != "Unknown command" || snap.Actions[2].Result != ResultRejected {
		t.Fatalf("actions %+v", snap.Actions)
	}
	if snap.Minecraft.State != MinecraftRefused {
		t.Errorf("minecraft %+v", snap.Minecraft)
	}
	r := d.Report()
	if r.Actions.Queued != 1 || r.Tests.Actions != 1 || r.Actions.Executed != 1 || r.Tests.Executed != 1 || r.Actions.Rejected != 1 || r.Actions.Retried != 2 {
		t.Errorf("outcomes %+v %+v", r.Actions, r.Tests)
	}
}

func TestConnectionStateFromEvents(t *testing.T) {
	d := NewDashboard("run")
	if s := d.Status().TikTok.State; s != TikTokWaiting {
		t.Fatalf("initial %q", s)
	}
	d.Event(&tikcraft.ConnectEvent{RoomID: "7"}, false)
	if s := d.Status().TikTok; s.State != TikTokConnected || s.Detail != "room 7" {
		t.Fatalf("%+v", s)
	}
	d.Event(&tikcraft.DisconnectEvent{Reason: "the connection was closed"}, false)
	if s := d.Status().TikTok; s.State != TikTokReconnecting || s.Detail != "the connection was closed" {
		t.Fatalf("%+v", s)
	}
	d.Event(&tikcraft.StreamEndEvent{}, false)
	d.Event(&tikcraft.DisconnectEvent{Reason: "closed"}, false)
	if s := d.Status().TikTok; s.State != TikTokEnded {
		t.Fatalf("%+v", s)
	}
}

// The dashboard's feed shows viewer text without bidirectional controls
// (U+202E and friends), as the overlays and commands do.
func TestFeedDropsBidiControls(t *testing.T) {
	d := NewDashboard("run")
	evil := tikcraft.User{ID: "9", UniqueID: "e\u202Evil", Nickname: "\u202Egnp.exe\u2066"}
	d.Event(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "c"}, User: evil, Text: "hi\u202Eereht"}, false)
	d.Event(&tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "j"}, User: evil}, false)
	d.Event(gift("g", evil, tikcraft.Gift{ID: 1, Name: "Ro\u202Ese"}, 1, true, ""), false)
	// An action's source names the gift and the viewer as they came.
	d.Queued([]tikcraft.Action{{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "rose", User: "evil", Source: "gift Ro\u202Ese x1 from e\u202Evil"}})
	b, _ := json.Marshal(d.Snapshot())
	if strings.ContainsAny(string(b), "\u202E\u2066") {
		t.Fatalf("bidi controls in the dashboard: %s", b)
	}
	f := d.Snapshot().Feed
	if f[0].Nickname != "gnp.exe" || f[0].User != "evil" || f[0].Text != "hiereht" || f[1].Users[0] != "evil" || f[2].Gift != "Rose" {
		t.Fatalf("feed %+v", f)
	}
}

// Overlay pages get the latest state, not a backlog: what waits is folded
// into one message. With no page open nothing is even encoded.
func TestOverlayMessagesFoldToTheLatest(t *testing.T) {
	d := NewDashboard("run")
	encoded := 0
	d.Publish(TypeOverlay, countingJSON{&encoded})
	if encoded != 0 {
		t.Fatalf("encoded %d times with no page open", encoded)
	}
	sub := d.SubscribeOnly(TypeOverlay)
	defer sub.Close()
	for i := range 5 {
		d.Publish(TypeOverlay, map[string]int{"wins": i})
	}
	d.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}, false) // not for overlays
	d.Flush()
	m := latest(sub.C, <-sub.C)
	if m.Type != TypeOverlay || string(m.Data) != `{"wins":4}` {
		t.Fatalf("got %s %s", m.Type, m.Data)
	}
	select {
	case m := <-sub.C:
		t.Fatalf("more waiting: %s %s", m.Type, m.Data)
	default:
	}
}

type countingJSON struct{ n *int }

func (c countingJSON) MarshalJSON() ([]byte, error) { *c.n++; return []byte("{}"), nil }

// A frame sends each feed item once, in its last version, and no more of
// each list than a page keeps; a browser that subscribed after an item
// was staged has it in its snapshot and is not sent it again. Overlay
// snapshots go only to those who ask for them.
func TestFrameSendsTheLatestOnce(t *testing.T) {
	d := NewDashboard("run")
	d.frame = time.Hour // frames end at Flush only
	early := d.Subscribe()
	defer early.Close()
	<-early.C // the snapshot
	anna := tikcraft.User{ID: "1", UniqueID: "anna"}
	rose := tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}
	for n := int64(1); n <= 5; n++ {
		d.Event(gift(fmt.Sprint(n), anna, rose, n, n == 5, "g1"), false)
	}
	late := d.Subscribe()
	defer late.Close()
	<-late.C
	for i := range 3 * feedSize {
		d.Event(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint("c", i)}, User: anna, Text: fmt.Sprint(i)}, false)
	}
	d.Publish(TypeOverlay, map[string]int{"wins": 1})
	d.Flush()

	read := func(sub *Subscription) (events []FeedItem, other []string) {
		for {
			select {
			case m := <-sub.C:
				if m.Type != TypeEvent {
					other = append(other, m.Type)
					continue
				}
				var f FeedItem
				if err := json.Unmarshal(m.Data, &f); err != nil {
					t.Fatal(err)
				}
				events = append(events, f)
			default:
				return
			}
		}
	}
	got, other := read(early)
	if len(got) != feedSize || got[0].Text != fmt.Sprint(2*feedSize) || got[len(got)-1].Text != fmt.Sprint(3*feedSize-1) {
		t.Fatalf("early browser got %d items, first %+v; want the last %d chats", len(got), got[0], feedSize)
	}
	if slices.Contains(other, TypeOverlay) {
		t.Errorf("a dashboard stream got the overlays' snapshot: %v", other)
	}
	// Only the streak: 5 updates of one item, sent once, at its end.
	d.Event(gift("6", anna, rose, 6, false, "g2"), false)
	d.Event(gift("7", anna, rose, 9, true, "g2"), false)
	d.Flush()
	got, _ = read(early)
	if len(got) != 1 || got[0].Count != 9 || got[0].Streak != StreakEnded {
		t.Fatalf("streak updates in one frame: got %+v, want its last version once", got)
	}
	lateGot, _ := read(late)
	if len(lateGot) != feedSize+1 {
		t.Fatalf("late browser got %d items, want %d (the first streak is in its snapshot)", len(lateGot), feedSize+1)
	}
}

// The status an event changed goes out with that event's frame, in the
// same wake-up of each browser, not in one of its own; a change no event
// brings (a connection's state, say) makes a frame of its own.
func TestStatusGoesWithTheFrame(t *testing.T) {
	d := NewDashboard("run")
	d.frame = time.Hour // the test sends the frame itself
	sub := d.Subscribe()
	defer sub.Close()
	if m := <-sub.C; m.Type != TypeState {
		t.Fatalf("first message %s", m.Type)
	}
	pending := func() []string {
		var got []string
		for {
			select {
			case m := <-sub.C:
				got = append(got, m.Type)
			default:
				return got
			}
		}
	}
	d.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}, false)
	if got := pending(); len(got) != 0 {
		t.Fatalf("sent %v before the frame", got)
	}
	d.Flush()
	if got := pending(); !slices.Equal(got, []string{TypeEvent, TypeState}) {
		t.Fatalf("the frame sent %v; want the event, then the status", got)
	}
	d.SetMinecraft(MinecraftConnected, "")
	d.mu.Lock()
	armed := d.armed
	d.mu.Unlock()
	if !armed {
		t.Fatal("a change of the status made no frame due")
	}
	d.Flush()
	if got := pending(); !slices.Equal(got, []string{TypeState}) {
		t.Fatalf("the status's frame sent %v; want the status", got)
	}
}

// A change of the status alone reaches a browser: nothing polls for it.
func TestStatusChangeMakesItsFrame(t *testing.T) {
	d := NewDashboard("run")
	d.frame = time.Millisecond
	sub := d.Subscribe()
	defer sub.Close()
	<-sub.C // the snapshot
	d.SetTikTok(TikTokConnected, "room 7")
	deadline := time.After(time.Minute)
	for {
		select {
		case m := <-sub.C:
			if m.Type == TypeState && strings.Contains(string(m.Data), "room 7") {
				return
			}
		case <-deadline:
			t.Fatal("the new TikTok state did not reach the browser within a minute")
		}
	}
}

// With only overlay pages open (OBS, the dashboard closed), events and
// status changes make no frame: nobody would get one.
func TestOverlayPagesAloneMakeNoFrames(t *testing.T) {
	d := NewDashboard("run")
	d.frame = time.Hour
	sub := d.SubscribeOnly(TypeOverlay)
	defer sub.Close()
	d.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}, false)
	d.Event(&tikcraft.ViewersEvent{Count: 12}, false)
	d.SetMinecraft(MinecraftConnected, "")
	d.mu.Lock()
	armed := d.armed
	d.mu.Unlock()
	if armed {
		t.Fatal("a frame was made due with only overlay pages watching")
	}
}

// A delivery made while a frame is being sent changes the status before
// its own entry is sent: the status then waits for the next frame, so a
// browser never reads a status ahead of the entries it reflects.
func TestStatusNeverRunsAheadOfItsEntries(t *testing.T) {
	d := NewDashboard("run")
	d.frame = time.Hour // the test sends the frames itself
	sub := d.Subscribe()
	defer sub.Close()
	<-sub.C // the snapshot
	var once sync.Once
	d.afterSend = func() {
		once.Do(func() {
			d.Delivered(Delivery{Item: queue.Item{ID: 9, Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi"}}})
		})
	}
	d.Event(&tikcraft.ShareEvent{User: tikcraft.User{UniqueID: "a"}}, false)
	d.Flush() // the share; the delivery comes in the middle of it
	d.Flush()
	var got []string
	for len(sub.C) > 0 {
		m := <-sub.C
		got = append(got, m.Type)
		if m.Type == TypeState && strings.Contains(string(m.Data), `"minecraft":{"state":"connected"`) && !slices.Contains(got, TypeDelivery) {
			t.Fatalf("the status says Minecraft took a command before the delivery was sent: %v", got)
		}
	}
	if !slices.Contains(got, TypeDelivery) || got[len(got)-1] != TypeState {
		t.Fatalf("sent %v; want the share, the delivery, then the status", got)
	}
}
