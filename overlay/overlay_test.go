package overlay

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

var t0 = time.Date(2026, 1, 2, 20, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func TestAlerts(t *testing.T) {
	type step struct {
		at    float64
		push  string // title to push, "" to only look
		shows string // title on screen after the step, "" for none
	}
	tests := []struct {
		name    string
		cfg     AlertsConfig
		steps   []step
		dropped []string
	}{
		{"queue shows each for its full time", AlertsConfig{Mode: ModeQueue, FadeIn: 500 * time.Millisecond, FadeOut: 500 * time.Millisecond}, []step{
			{0, "a", "a"}, {1, "b", "a"}, {3.9, "", "a"}, {4, "", "b"}, {7.9, "", "b"}, {8, "", ""},
		}, nil},
		{"overwrite replaces at once", AlertsConfig{Mode: ModeOverwrite}, []step{
			{0, "a", "a"}, {1, "b", "b"}, {3.5, "", "b"}, {4, "", ""},
		}, nil},
		{"a flood drops the oldest waiting", AlertsConfig{Mode: ModeQueue, MaxQueue: 2}, []step{
			{0, "a", "a"}, {0, "b", "a"}, {0, "c", "a"}, {0, "d", "a"}, {3, "", "c"}, {6, "", "d"}, {9, "", ""},
		}, []string{"b"}},
		{"a late tick skips alerts whose time passed", AlertsConfig{Mode: ModeQueue}, []step{
			{0, "a", "a"}, {0, "b", "a"}, {0, "c", "a"}, {7, "", "c"}, {9, "", ""},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAlerts(tt.cfg)
			var dropped []string
			for i, s := range tt.steps {
				now := at(s.at)
				if s.push != "" {
					if d := a.Push(Alert{Title: s.push, Seconds: 3}, now); d != nil {
						dropped = append(dropped, d.Title)
					}
				} else {
					a.Tick(now)
				}
				got := ""
				if al, _, ok := a.Current(now); ok {
					got = al.Title
				}
				if got != s.shows {
					t.Fatalf("step %d (t=%v): shows %q, want %q", i, s.at, got, s.shows)
				}
			}
			if !slices.Equal(dropped, tt.dropped) {
				t.Fatalf("dropped %v, want %v", dropped, tt.dropped)
			}
		})
	}
}

func TestLikeGoal(t *testing.T) {
	tests := []struct {
		name   string
		mult   int64
		totals []int64
		// after each total: reached so far, have/need of the bar
		want []string
	}{
		{"multiplier 0 starts from zero at each goal", 0, []int64{50, 100, 150, 320},
			[]string{"0 50/100", "1 0/100", "1 50/100", "3 20/100"}},
		{"multiplier 1 raises the goal by the first", 1, []int64{50, 100, 150, 450},
			[]string{"0 50/100", "1 100/200", "1 150/200", "4 450/500"}},
		{"multiplier 2 doubles", 2, []int64{99, 100, 399, 400, 1700},
			[]string{"0 99/100", "1 100/200", "2 399/400", "3 400/800", "5 1700/3200"}},
		{"multiplier 3 triples", 3, []int64{100, 300}, []string{"1 100/300", "2 300/900"}},
		{"the total never goes back", 2, []int64{150, 120}, []string{"1 150/200", "1 150/200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewLikeGoal(LikeGoalConfig{Initial: 100, Multiplier: tt.mult, Label: "x"})
			for i, total := range tt.totals {
				g.Set(total)
				have, need := g.Progress()
				if got := fmt.Sprintf("%d %d/%d", g.Reached, have, need); got != tt.want[i] {
					t.Fatalf("after %d likes: %s, want %s", total, got, tt.want[i])
				}
			}
		})
	}
	g := NewLikeGoal(LikeGoalConfig{Initial: 1, Multiplier: 1000})
	if n := g.Set(1 << 62); n == 0 || g.Goal <= 0 {
		t.Fatalf("huge total: reached %d, goal %d", n, g.Goal)
	}
}

func TestTimer(t *testing.T) {
	type step struct {
		at   float64
		do   string // add:N, reset, pause, resume, "" (tick)
		left float64
		end  bool // Tick reported the end at this step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"counts down and ends once", []step{{0, "", 60, false}, {59, "", 1, false}, {60, "", 0, true}, {61, "", 0, false}}},
		{"time added and taken", []step{{10, "add:30", 80, false}, {20, "add:-50", 20, false}, {40, "", 0, true}}},
		{"pause and resume", []step{{10, "pause", 50, false}, {100, "", 50, false}, {100, "resume", 50, false}, {120, "", 30, false}}},
		{"reset keeps a pause", []step{{10, "pause", 50, false}, {20, "reset", 60, false}, {30, "", 60, false}}},
		{"taking all the time ends it", []step{{10, "add:-100", 0, true}}},
		{"reset after the end starts again", []step{{60, "", 0, true}, {70, "reset", 60, false}, {80, "", 50, false}}},
		{"time added after the end starts again", []step{{60, "", 0, true}, {70, "add:5", 5, false}, {75, "", 0, true}}},
		{"pause after the end does nothing", []step{{60, "", 0, true}, {61, "pause", 0, false}, {62, "resume", 0, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := NewTimer(time.Minute, t0)
			for i, s := range tt.steps {
				now := at(s.at)
				switch {
				case strings.HasPrefix(s.do, "add:"):
					var n int
					fmt.Sscan(s.do[4:], &n)
					tm.Add(time.Duration(n)*time.Second, now)
				case s.do == "reset":
					tm.Reset(now)
				case s.do == "pause":
					tm.Pause(now)
				case s.do == "resume":
					tm.Resume(now)
				}
				ended := tm.Tick(now)
				if got := tm.Left(now).Seconds(); got != s.left || ended != s.end {
					t.Fatalf("step %d (t=%v %s): left %vs ended %v, want %vs %v", i, s.at, s.do, got, ended, s.left, s.end)
				}
			}
		})
	}
}

// clock is a settable clock for Manager tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// memSaver keeps the state in memory.
type memSaver struct{ b []byte }

func (s *memSaver) LoadOverlayState(context.Context) ([]byte, error) { return s.b, nil }
func (s *memSaver) SaveOverlayState(_ context.Context, b []byte) error {
	s.b = append([]byte(nil), b...)
	return nil
}

func newTestManager(cfg Config, c *clock, sv Saver) (*Manager, *[]string) {
	var fired []string
	m := New(context.Background(), Options{Config: cfg, Now: c.now, Saver: sv, Fire: func(t string) { fired = append(fired, t) }})
	return m, &fired
}

func overlayAction(s string) tikcraft.Action {
	return tikcraft.Action{Kind: tikcraft.KindOverlay, Command: s}
}

func TestManagerActions(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	cfg := Defaults()
	cfg.Timer.Start = time.Minute
	m, fired := newTestManager(cfg, c, nil)
	for _, s := range []string{"wins +1", "wins +2", "wins -1", "deaths +1", "timer +30s", "timer pause"} {
		if err := m.Deliver(ctx, overlayAction(s)); err != nil {
			t.Fatal(err)
		}
	}
	c.t = at(500)
	m.Tick()
	snap := m.Snapshot()
	if snap.Wins != 2 || snap.Deaths != 1 || snap.Timer.LeftMS != 90_000 || !snap.Timer.Paused {
		t.Fatalf("snapshot %+v", snap)
	}
	if err := m.Deliver(ctx, overlayAction("wins -5")); err != nil || m.Snapshot().Wins != 0 {
		t.Fatalf("wins below zero: %v %d", err, m.Snapshot().Wins)
	}
	m.Deliver(ctx, overlayAction("timer resume"))
	c.t = at(590)
	m.Tick()
	if s := m.Snapshot(); !s.Timer.Ended || s.Wins != 1 || !slices.Equal(*fired, []string{TriggerTimerEnd}) {
		t.Fatalf("at the end: %+v fired %v", s, *fired)
	}
	// A death resets the timer and counts.
	m.Died()
	if s := m.Snapshot(); s.Timer.Ended || s.Timer.LeftMS != 60_000 || s.Deaths != 2 {
		t.Fatalf("after a death: %+v", s)
	}
	if err := m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi"}); err == nil {
		t.Fatal("a Minecraft command was accepted")
	}
	if err := m.Deliver(ctx, overlayAction("timer explode")); err == nil {
		t.Fatal("a bad overlay action was accepted")
	}
	if err := m.Reset(ctx, "wins", "nope"); err == nil {
		t.Fatal("unknown part accepted")
	}
	if err := m.Reset(ctx, PartWins, PartDeaths); err != nil || m.Snapshot().Wins+m.Snapshot().Deaths != 0 {
		t.Fatalf("reset: %v %+v", err, m.Snapshot())
	}
}

func TestManagerDeathWithoutTimerReset(t *testing.T) {
	c := &clock{t0}
	cfg := Defaults()
	cfg.Timer.ResetOnDeath = false
	m, _ := newTestManager(cfg, c, nil)
	c.t = at(100)
	m.Died()
	if s := m.Snapshot(); s.Timer.LeftMS != (10*time.Minute - 100*time.Second).Milliseconds() {
		t.Fatalf("timer reset on death: %+v", s.Timer)
	}
}

func like(id string, count, total int64) *tikcraft.LikeEvent {
	return &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{UniqueID: "u"}, Count: count, Total: total}
}

func gift(id, user string, name string, diamonds, count int64, end bool) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{UniqueID: user, Nickname: user}, Gift: tikcraft.Gift{Name: name, Combo: true, Diamonds: diamonds}, RepeatCount: count, RepeatEnd: end}
}

func TestManagerEvents(t *testing.T) {
	c := &clock{t0}
	cfg := Defaults()
	cfg.LikeGoal = LikeGoalConfig{Initial: 100, Multiplier: 2, Label: "Goal"}
	cfg.Feed = FeedConfig{Size: 3, Kinds: []string{"gift", "follow", "chat"}}
	m, fired := newTestManager(cfg, c, nil)
	m.Event(like("l1", 50, 1050)) // the room had 1000 before: the session counts 50
	m.Event(like("l1", 50, 1050)) // repeated
	m.Event(like("l2", 60, 1110))
	if s := m.Snapshot(); s.LikeGoal.Likes != 110 || s.LikeGoal.Reached != 1 || s.LikeGoal.Need != 200 || len(*fired) != 1 {
		t.Fatalf("like goal %+v, fired %v", s.LikeGoal, *fired)
	}
	m.Event(gift("g1", "anna", "Rose", 1, 3, false)) // streaking: nothing yet
	m.Event(gift("g2", "anna", "Rose", 1, 5, true))
	m.Event(gift("g3", "bob", "Lion", 29999, 1, true))
	m.Event(gift("g3", "bob", "Lion", 29999, 1, true)) // repeated
	m.Event(&tikcraft.FollowEvent{User: tikcraft.User{Nickname: "<img src=x onerror=alert(1)>"}})
	m.Event(&tikcraft.FollowEvent{User: tikcraft.User{Nickname: "<img src=x onerror=alert(1)>"}}) // refollow
	m.Event(&tikcraft.ShareEvent{User: tikcraft.User{Nickname: "not shown"}})
	m.Event(&tikcraft.ChatEvent{User: tikcraft.User{Nickname: "cat"}, Text: "hi"})
	m.Event(&tikcraft.GiftEvent{Meta: tikcraft.Meta{Test: true}, User: tikcraft.User{UniqueID: "tester"}, Gift: tikcraft.Gift{Name: "Universe", Diamonds: 44999}, RepeatEnd: true})
	s := m.Snapshot()
	var feed []string
	for _, it := range s.Feed {
		feed = append(feed, it.Type+" "+it.User+" "+it.Text)
	}
	if want := []string{"gift bob Lion", "follow <img src=x onerror=alert(1)> ", "chat cat hi"}; !slices.Equal(feed, want) {
		t.Fatalf("feed %q, want %q", feed, want)
	}
	if len(s.Top) != 2 || s.Top[0].Name != "bob" || s.Top[0].Diamonds != 29999 || s.Top[1].Name != "anna" || s.Top[1].Diamonds != 5 || s.Top[1].Gifts != 5 {
		t.Fatalf("top %+v", s.Top)
	}
}

func TestManagerNewLive(t *testing.T) {
	c := &clock{t0}
	cfg := Defaults()
	cfg.LikeGoal.Initial = 100
	cfg.NewLiveReset = []string{PartTimer, PartTop}
	m, _ := newTestManager(cfg, c, nil)
	ctx := context.Background()
	m.Deliver(ctx, overlayAction("wins +3"))
	m.Event(like("a", 80, 80))
	m.Event(gift("g", "anna", "Rose", 1, 1, true))
	c.t = at(100)
	m.Event(&tikcraft.StreamEndEvent{})
	m.Event(&tikcraft.DisconnectEvent{}) // not a new LIVE yet
	if s := m.Snapshot(); len(s.Top) != 1 {
		t.Fatalf("reset before the new LIVE: %+v", s)
	}
	c.t = at(200)
	m.Event(&tikcraft.ConnectEvent{RoomID: "2"})
	// The new room's like total starts again from 0; the kept goal goes on.
	m.Event(like("b", 30, 30))
	s := m.Snapshot()
	if len(s.Top) != 0 || s.Wins != 3 || s.Timer.LeftMS != cfg.Timer.Start.Milliseconds() || s.LikeGoal.Likes != 110 || s.LikeGoal.Reached != 1 {
		t.Fatalf("after a new LIVE: %+v", s)
	}
}

func TestManagerRestore(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	sv := &memSaver{}
	cfg := Defaults()
	cfg.Timer.Start = time.Minute
	cfg.LikeGoal.Initial = 100
	m, _ := newTestManager(cfg, c, sv)
	m.Deliver(ctx, overlayAction("wins +2"))
	m.Deliver(ctx, overlayAction("deaths +4"))
	m.Event(like("a", 150, 0))
	m.Event(gift("g", "anna", "Rose", 1, 7, true))
	c.t = at(20)
	m.Deliver(ctx, overlayAction("timer pause"))
	m.Event(&tikcraft.StreamEndEvent{})
	if err := m.Save(ctx); err != nil {
		t.Fatal(err)
	}
	c.t = at(1000) // tikcraft was off for a while
	m2, _ := newTestManager(cfg, c, sv)
	s := m2.Snapshot()
	if s.Wins != 2 || s.Deaths != 4 || s.Timer.LeftMS != 40_000 || !s.Timer.Paused || s.LikeGoal.Likes != 150 || s.LikeGoal.Reached != 1 || len(s.Top) != 1 || len(s.Feed) != 1 {
		t.Fatalf("restored %+v", s)
	}
	// The stream end was saved too: the next event starts a new LIVE.
	m2.Event(&tikcraft.ConnectEvent{})
	if s := m2.Snapshot(); len(s.Top) != 0 || s.Wins != 2 {
		t.Fatalf("the saved stream end was lost: %+v", s)
	}
	// A damaged state is replaced, not fatal.
	sv.b = []byte("{not json")
	m3, _ := newTestManager(cfg, c, sv)
	if s := m3.Snapshot(); s.Wins != 0 {
		t.Fatalf("damaged state: %+v", s)
	}
}

func TestManagerAlertsSnapshot(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	var pubs []Snapshot
	m := New(ctx, Options{Config: Defaults(), Now: c.now, Publish: func(s Snapshot) { pubs = append(pubs, s) }})
	m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "<b>x</b>", Subtitle: "s", Seconds: 2}, Command: "horn.mp3"})
	m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "t2", Seconds: 2}, Command: "../etc/passwd"})
	s := m.Snapshot()
	if s.Alert == nil || s.Alert.Title != "<b>x</b>" || s.Alert.Sound != "horn.mp3" || s.Alert.LeftMS != 2600 || s.Alert.FadeInMS != 300 {
		t.Fatalf("alert %+v", s.Alert)
	}
	// Changes are published once per frame, not once each: the two
	// alerts make one snapshot, with the state after both.
	if !m.Publish() || m.Publish() || len(pubs) != 1 || pubs[0].Alert == nil || pubs[0].Alert.Title != "<b>x</b>" {
		t.Fatalf("publications %+v", pubs)
	}
	c.t = t0.Add(2600 * time.Millisecond)
	m.Tick()
	s = m.Snapshot()
	if s.Alert == nil || s.Alert.Title != "t2" || s.Alert.Sound != "" {
		t.Fatalf("second alert %+v", s.Alert)
	}
	if !m.Publish() || len(pubs) != 2 || pubs[1].Alert == nil || pubs[1].Alert.Title != "t2" {
		t.Fatalf("publications %+v", pubs)
	}
}

// The top list kept between gifts is always the first Size of all gifters
// sorted (property test over random gifts, names and resets).
func TestTopListMatchesFullSort(t *testing.T) {
	for seed := range 8 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		top := NewTop(TopConfig{Size: 1 + r.IntN(8)})
		for i := range 2500 {
			u := fmt.Sprint("u", r.IntN(1+r.IntN(1500)))
			e := &tikcraft.GiftEvent{User: tikcraft.User{UniqueID: u, Nickname: fmt.Sprint("n", r.IntN(5))}, Gift: tikcraft.Gift{Diamonds: int64(r.IntN(3))}, RepeatCount: int64(1 + r.IntN(3)), RepeatEnd: true}
			top.Add(e)
			if r.IntN(1000) == 0 {
				top.Reset()
			}
			if r.IntN(25) == 0 {
				all := top.sorted()
				want := all[:min(len(all), top.size)]
				if got := top.List(); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d: list %v\nwant %v", seed, i, got, want)
				}
			}
		}
	}
}

// Viewer names and chat shown on the overlays lose bidirectional controls
// (U+202E and friends), which would make what follows read backwards.
func TestOverlaysDropBidiControls(t *testing.T) {
	c := &clock{t0}
	cfg := Defaults()
	cfg.Feed = FeedConfig{Size: 5, Kinds: []string{"gift", "follow", "chat"}}
	m, _ := newTestManager(cfg, c, nil)
	evil := "\u202Eevil\u2066x\u2069\u200F"
	m.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a", Nickname: evil}})
	m.Event(&tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "b", Nickname: "bob"}, Text: "hi " + evil})
	m.Event(&tikcraft.GiftEvent{User: tikcraft.User{UniqueID: "c", Nickname: evil}, Gift: tikcraft.Gift{Name: "Rose" + evil, Diamonds: 1}, RepeatCount: 1, RepeatEnd: true})
	m.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: evil, Subtitle: evil, Seconds: 2}})
	s := m.Snapshot()
	b, _ := json.Marshal(s)
	if strings.ContainsAny(string(b), "\u202E\u2066\u2069\u200F") {
		t.Fatalf("bidi controls on the overlays: %s", b)
	}
	if s.Feed[0].User != "evilx" || s.Feed[1].Text != "hi evilx" || s.Top[0].Name != "evilx" || s.Alert.Title != "evilx" {
		t.Fatalf("snapshot %+v", s)
	}
}

// counterStore stands in for the store: staged counters reach "disk" only
// with the next commit (Ack here), as in store.Store.
type counterStore struct {
	memSaver
	staged, counters []byte
	saves            int
}

func (s *counterStore) SaveOverlayState(ctx context.Context, b []byte) error {
	s.saves++
	return s.memSaver.SaveOverlayState(ctx, b)
}
func (s *counterStore) LoadOverlayCounters(context.Context) ([]byte, error) { return s.counters, nil }
func (s *counterStore) StageOverlayCounters(b []byte)                       { s.staged = b }
func (s *counterStore) commit() {
	if s.staged != nil {
		s.counters, s.staged = s.staged, nil
	}
}

// An overlay action costs no save of its own: its counters go with the
// acknowledgement's commit. A "kill" before that commit leaves the action
// unacknowledged (it is delivered again) and the counters unchanged, so it
// counts once; after it, both are kept. The full state, saved a second
// before, is older than the counters and does not undo them.
func TestOverlayActionsSaveWithTheAcknowledgement(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	sv := &counterStore{}
	cfg := Defaults()
	m, _ := newTestManager(cfg, c, sv)
	m.Deliver(ctx, overlayAction("wins +1"))
	sv.commit() // its Ack
	if err := m.Save(ctx); err != nil || sv.saves != 1 {
		t.Fatalf("save %v, %d saves", err, sv.saves)
	}
	for range 5 {
		m.Deliver(ctx, overlayAction("wins +1"))
		sv.commit()
	}
	m.Deliver(ctx, overlayAction("deaths +3"))
	sv.commit()
	m.Deliver(ctx, overlayAction("wins +1")) // killed before its Ack
	if sv.saves != 1 {
		t.Fatalf("%d saves: an overlay action saved the whole state", sv.saves)
	}
	m2, _ := newTestManager(cfg, c, sv)
	if s := m2.Snapshot(); s.Wins != 6 || s.Deaths != 3 {
		t.Fatalf("after the kill: wins %d deaths %d, want 6 and 3 (the unacknowledged one comes again)", s.Wins, s.Deaths)
	}
	// A later full save wins over older counters.
	m2.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "x"}})
	m2.Reset(ctx, PartWins)
	m3, _ := newTestManager(cfg, c, sv)
	if s := m3.Snapshot(); s.Wins != 0 || s.Deaths != 3 {
		t.Fatalf("after a reset: %+v", s)
	}
}
