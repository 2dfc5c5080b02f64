package engine

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

// fakeRules fires one command per firing: "<trigger> <user> <count>".
type fakeRules struct{ triggers map[string]bool }

func rules(triggers ...string) *fakeRules {
	f := &fakeRules{triggers: map[string]bool{}}
	for _, t := range triggers {
		f.triggers[t] = true
	}
	return f
}

func (f *fakeRules) MatchGift(g tikcraft.Gift) string {
	if n := strings.ToLower(g.Name); f.triggers[n] {
		return n
	}
	if s := fmt.Sprint(g.ID); f.triggers[s] {
		return s
	}
	return ""
}
func (f *fakeRules) MatchChat(string) string { return "" }
func (f *fakeRules) Rule(t string) Rule {
	if !f.triggers[t] {
		return nil
	}
	return fakeRule(t)
}

// fakeRule fires one command: "<trigger> <user>".
type fakeRule string

func (fakeRule) Conditions() tikcraft.Conditions { return tikcraft.Conditions{} }
func (r fakeRule) Fire(v Vars) []tikcraft.Action {
	if r == "panic" {
		panic("boom")
	}
	return []tikcraft.Action{{Kind: tikcraft.KindCommand, Trigger: string(r), Command: string(r) + " " + v.User, User: v.User}}
}

var t0 = time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

type step struct {
	at float64 // seconds after t0
	ev tikcraft.Event
}

func gift(user, name string, combo bool, count int64, end bool, group, msg string) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: msg}, User: tikcraft.User{ID: user, UniqueID: user}, Gift: tikcraft.Gift{ID: 5655, Name: name, Combo: combo}, RepeatCount: count, RepeatEnd: end, GroupID: group}
}

func rose(user string, count int64, end bool, group, msg string) *tikcraft.GiftEvent {
	return gift(user, "Rose", true, count, end, group, msg)
}

// run feeds steps and a final flush, returning the commands.
func run(e *Engine, steps []step, tickAt ...float64) []string {
	var out []string
	add := func(as []tikcraft.Action) {
		for _, a := range as {
			out = append(out, a.Command)
		}
	}
	for _, s := range steps {
		add(e.Handle(s.ev, at(s.at)))
	}
	for _, t := range tickAt {
		add(e.Tick(at(t)))
	}
	add(e.Flush())
	return out
}

func count(cmds []string, prefix string) int {
	n := 0
	for _, c := range cmds {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestGiftStreaks(t *testing.T) {
	tests := []struct {
		name  string
		mode  string
		steps []step
		ticks []float64
		want  map[string]int // command prefix -> count
		// wantBeforeFlush, when set, is the number of commands before the final flush.
	}{
		{"streak of 5 fires 5 once at the end", ModeFinal, []step{
			{0, rose("anna", 1, false, "g1", "m1")}, {1, rose("anna", 2, false, "g1", "m2")}, {2, rose("anna", 3, false, "g1", "m3")},
			{3, rose("anna", 4, false, "g1", "m4")}, {4, rose("anna", 5, false, "g1", "m5")}, {4.5, rose("anna", 5, true, "g1", "m6")},
		}, nil, map[string]int{"rose anna": 5}},
		{"single rose: start + end messages = 1", ModeFinal, []step{
			{0, rose("anna", 1, false, "g1", "m1")}, {0.2, rose("anna", 1, true, "g1", "m2")},
		}, nil, map[string]int{"rose anna": 1}},
		{"live mode: same total as final", ModeLive, []step{
			{0, rose("anna", 1, false, "g1", "m1")}, {1, rose("anna", 3, false, "g1", "m2")}, {2, rose("anna", 3, false, "g1", "m3")},
			{3, rose("anna", 7, true, "g1", "m4")},
		}, nil, map[string]int{"rose anna": 7}},
		{"duplicate msg_id never adds", ModeFinal, []step{
			{0, rose("anna", 3, true, "g1", "m1")}, {1, rose("anna", 3, true, "g1", "m1")},
		}, nil, map[string]int{"rose anna": 3}},
		{"repeated end with a count already acted on adds nothing", ModeFinal, []step{
			{0, rose("anna", 3, true, "g1", "m1")}, {1, rose("anna", 3, true, "g1", "m2")}, {2, rose("anna", 2, false, "g1", "m3")},
		}, nil, map[string]int{"rose anna": 3}},
		{"lost end is flushed after streak_timeout with the highest count", ModeFinal, []step{
			{0, rose("anna", 1, false, "g1", "m1")}, {1, rose("anna", 4, false, "g1", "m2")}, {2, rose("anna", 3, false, "g1", "m3")},
			{20, rose("bob", 1, true, "g9", "m4")}, // a later event advances the clock past the timeout
		}, nil, map[string]int{"rose anna": 4, "rose bob": 1}},
		{"late end after a timeout flush adds only what is new", ModeFinal, []step{
			{0, rose("anna", 4, false, "g1", "m1")}, {30, rose("anna", 4, true, "g1", "m2")}, {31, rose("anna", 6, true, "g1", "m3")},
		}, nil, map[string]int{"rose anna": 6}},
		{"interleaved streaks of users and gifts are independent", ModeFinal, []step{
			{0, rose("anna", 1, false, "g1", "a1")}, {0, rose("bob", 1, false, "g2", "b1")}, {0.1, gift("anna", "Heart", true, 1, false, "g3", "a2")},
			{0.5, rose("anna", 2, false, "g1", "a3")}, {0.6, rose("bob", 5, true, "g2", "b2")}, {0.7, gift("anna", "Heart", true, 2, true, "g3", "a4")},
			{0.8, rose("anna", 3, true, "g1", "a5")},
		}, nil, map[string]int{"rose anna": 3, "rose bob": 5, "heart anna": 2}},
		{"two streaks of the same gift with different group ids", ModeFinal, []step{
			{0, rose("anna", 2, true, "g1", "m1")}, {5, rose("anna", 3, true, "g2", "m2")},
		}, nil, map[string]int{"rose anna": 5}},
		{"non-combo gifts count 1 each, whatever repeat_end says", ModeFinal, []step{
			{0, gift("anna", "Universe", false, 1, false, "", "u1")}, {1, gift("anna", "Universe", false, 1, false, "", "u2")},
			{2, gift("anna", "Universe", false, 9, true, "", "u3")}, {3, gift("anna", "Universe", false, 1, false, "", "u3")},
		}, nil, map[string]int{"universe anna": 3}},
		{"stream end flushes open streaks", ModeFinal, []step{
			{0, rose("anna", 3, false, "g1", "m1")}, {1, &tikcraft.StreamEndEvent{}}, {2, rose("anna", 3, true, "g1", "m2")},
		}, nil, map[string]int{"rose anna": 3 + 3}}, // after stream end a new session starts: the old end is a new streak
		{"missing repeat_count means 1", ModeFinal, []step{
			{0, &tikcraft.GiftEvent{User: tikcraft.User{UniqueID: "anna"}, Gift: tikcraft.Gift{Name: "Rose", Combo: true}, RepeatEnd: true}},
		}, nil, map[string]int{"rose anna": 1}},
		{"gift matched by id when the name has no rule", ModeFinal, []step{
			{0, gift("anna", "Mystery", false, 1, false, "", "x")},
		}, nil, map[string]int{"5655 anna": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Config{Mode: tt.mode}, rules("rose", "heart", "universe", "5655"), nil)
			if tt.name == "gift matched by id when the name has no rule" {
				e = New(Config{Mode: tt.mode}, rules("5655"), nil)
			}
			cmds := run(e, tt.steps, tt.ticks...)
			total := 0
			for prefix, n := range tt.want {
				if got := count(cmds, prefix); got != n {
					t.Errorf("%q: got %d, want %d (all: %v)", prefix, got, n, cmds)
				}
				total += n
			}
			if len(cmds) != total {
				t.Errorf("got %d commands, want %d: %v", len(cmds), total, cmds)
			}
		})
	}
}

func TestFinalModeWaitsForTheEnd(t *testing.T) {
	e := New(Config{}, rules("rose"), nil)
	for i := int64(1); i <= 4; i++ {
		if got := e.Handle(rose("anna", i, false, "g", fmt.Sprint(i)), at(float64(i))); len(got) != 0 {
			t.Fatalf("final mode acted on a streaking update: %v", got)
		}
	}
	if got := e.Tick(at(13.9)); len(got) != 0 {
		t.Fatalf("flushed before streak_timeout: %v", got)
	}
	if got := e.Tick(at(14)); len(got) != 4 {
		t.Fatalf("want 4 actions at the timeout, got %d", len(got))
	}
}

func TestLiveModeActsWhileTapping(t *testing.T) {
	e := New(Config{Mode: ModeLive}, rules("rose"), nil)
	if got := e.Handle(rose("anna", 2, false, "g", "1"), at(0)); len(got) != 2 {
		t.Fatalf("want 2 at once, got %d", len(got))
	}
	if got := e.Handle(rose("anna", 5, false, "g", "2"), at(1)); len(got) != 3 {
		t.Fatalf("want delta 3, got %d", len(got))
	}
}

func TestMaxRepeatClips(t *testing.T) {
	e := New(Config{MaxRepeat: 10}, rules("rose"), nil)
	got := e.Handle(rose("anna", 1<<31, true, "g", "1"), at(0))
	if len(got) != 10 {
		t.Fatalf("want 10 (clipped), got %d", len(got))
	}
	if got := e.Handle(rose("anna", 1<<31, true, "g", "2"), at(1)); len(got) != 0 {
		t.Fatalf("the clipped rest must not come back later: %d", len(got))
	}
}

func TestAbsurdGiftsNeverWedge(t *testing.T) {
	e := New(Config{}, rules("rose", "follow"), nil)
	evs := []tikcraft.Event{
		rose("anna", -5, true, "g", "1"),
		&tikcraft.GiftEvent{},
		&tikcraft.GiftEvent{Gift: tikcraft.Gift{Combo: true}, RepeatCount: -1},
		&tikcraft.LikeEvent{Count: -100, Total: -3},
		&tikcraft.FollowEvent{},
	}
	var n int
	for i, ev := range evs {
		n += len(e.Handle(ev, at(float64(i))))
	}
	n += len(e.Flush())
	if n != 2 { // the negative-count rose counts 1, the anonymous follow fires
		t.Errorf("got %d actions, want 2", n)
	}
}

func TestPanickingRuleDoesNotStopOthers(t *testing.T) {
	e := New(Config{}, rules("panic", "follow"), nil)
	bad := &tikcraft.GiftEvent{User: tikcraft.User{UniqueID: "x"}, Gift: tikcraft.Gift{Name: "panic"}}
	if got := e.Handle(bad, at(0)); got != nil {
		t.Errorf("panicking event produced %v", got)
	}
	if got := e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "y"}}, at(1)); len(got) != 1 {
		t.Errorf("the next event must still work, got %v", got)
	}
}

func TestFollowOncePerUser(t *testing.T) {
	for _, once := range []bool{true, false} {
		e := New(Config{FollowOncePerUser: once}, rules("follow"), nil)
		var n int
		for i, u := range []string{"a", "b", "a", "a", "b"} {
			n += len(e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: u, UniqueID: u}}, at(float64(i))))
		}
		want := 5
		if once {
			want = 2
		}
		if n != want {
			t.Errorf("once_per_user=%t: %d follows fired, want %d", once, n, want)
		}
		// A new session (after stream end) fires again.
		e.Handle(&tikcraft.StreamEndEvent{}, at(10))
		if got := e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: "a"}}, at(11)); len(got) != 1 {
			t.Errorf("follow after stream end: %v", got)
		}
	}
}

// A viewer's follow spam is one line, then a count once a minute (or at
// Close), not a line per follow; with either memory of followers.
func TestFollowSpamIsSaidOnceThenCounted(t *testing.T) {
	for _, forever := range []bool{false, true} {
		logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
		e := New(Config{FollowOncePerUser: true, FollowForever: forever}, rules("follow"), slog.New(logs))
		e.logOpts = []lograte.Option{clk.Option()}
		fired := 0
		for i := range 51 {
			fired += len(e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: "7", UniqueID: "spammer"}}, at(float64(i))))
		}
		got := logs.Lines("follow ignored")
		if fired != 1 || len(got) != 1 || got[0].Level != slog.LevelInfo || got[0].Attrs["user"] != "spammer" {
			t.Fatalf("forever=%t: %d fired; lines %+v; want one firing and the first duplicate said at info", forever, fired, got)
		}
		clk.Advance(time.Minute)
		clk.Fire()
		got = logs.Lines("follow ignored")
		if len(got) != 2 || got[1].Repeated() != 49 {
			t.Fatalf("forever=%t: a minute later: %+v; want a count of the 49 others", forever, got)
		}
		e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: "7", UniqueID: "spammer"}}, at(61))
		e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: "7", UniqueID: "spammer"}}, at(62))
		e.Close()
		if n := logs.Count("follow ignored"); n != 52 {
			t.Fatalf("forever=%t: %d duplicates told after Close, want all 52: %+v", forever, n, logs.Lines("follow ignored"))
		}
	}
}

func TestLikeThresholds(t *testing.T) {
	likes := []LikeRule{{ID: "std", Every: 100, Function: "likes", Payload: "Community"}}
	like := func(count, total int64, msg string) *tikcraft.LikeEvent {
		return &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: msg}, User: tikcraft.User{UniqueID: "anna"}, Count: count, Total: total}
	}
	tests := []struct {
		name string
		evs  []*tikcraft.LikeEvent
		want int
	}{
		{"one message of 250 fires twice", []*tikcraft.LikeEvent{like(250, 250, "1")}, 2},
		{"the first message counts too", []*tikcraft.LikeEvent{like(60, 1060, "1"), like(40, 1100, "2")}, 1},
		{"counts without totals are summed", []*tikcraft.LikeEvent{like(60, 0, "1"), like(40, 0, "2"), like(99, 0, "3")}, 1},
		{"totals out of order never count backwards", []*tikcraft.LikeEvent{like(50, 1050, "1"), like(60, 1160, "2"), like(10, 1060, "3"), like(40, 1200, "4")}, 2},
		{"duplicate message ignored", []*tikcraft.LikeEvent{like(99, 99, "1"), like(99, 99, "1")}, 0},
		{"exactly 100", []*tikcraft.LikeEvent{like(15, 1015, "a"), like(85, 1100, "b")}, 1},
		{"lost messages: totals keep the count right", []*tikcraft.LikeEvent{like(10, 10, "a"), like(10, 310, "b")}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Config{Likes: likes}, rules("likes"), nil)
			var got []tikcraft.Action
			for i, ev := range tt.evs {
				got = append(got, e.Handle(ev, at(float64(i)))...)
			}
			if len(got) != tt.want {
				t.Fatalf("fired %d times, want %d", len(got), tt.want)
			}
			for _, a := range got {
				if a.User != "Community" {
					t.Errorf("payload must stand in for {user}: %+v", a)
				}
			}
		})
	}
}

// TestPropertyOneActionPerGift: random interleavings of many users' streaks,
// with duplicated messages, re-sent updates and lost end messages, always
// give exactly as many firings as gifts were sent, in both modes.
func TestPropertyOneActionPerGift(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 42))
		for _, mode := range []string{ModeFinal, ModeLive} {
			steps, sent := randomStream(rng)
			e := New(Config{Mode: mode}, rules("rose", "heart", "lion"), nil)
			var got int
			for _, s := range steps {
				got += len(e.Handle(s.ev, s.t))
			}
			// Periodic ticks must not change totals either.
			got += len(e.Tick(steps[len(steps)-1].t.Add(time.Hour)))
			got += len(e.Flush())
			if int64(got) != sent {
				t.Fatalf("seed %d mode %s: %d actions for %d gifts sent", seed, mode, got, sent)
			}
			if e.OpenStreaks() > 0 && len(e.Tick(steps[len(steps)-1].t.Add(24*time.Hour))) != 0 {
				t.Fatalf("settled streaks fired again")
			}
		}
	}
}

type timed struct {
	t  time.Time
	ev tikcraft.Event
}

// randomStream builds the messages TikTok would send for random gifting, then
// damages them the way the network does.
func randomStream(rng *rand.Rand) ([]timed, int64) {
	type streamMsg struct {
		ev     *tikcraft.GiftEvent
		offset time.Duration
	}
	var msgs []streamMsg
	var sent int64
	gifts := []string{"Rose", "Heart", "Lion"}
	nStreaks := 1 + rng.IntN(12)
	msgID := 0
	for i := range nStreaks {
		user := fmt.Sprintf("u%d", rng.IntN(4))
		name := gifts[rng.IntN(len(gifts))]
		combo := name != "Lion"
		start := time.Duration(rng.IntN(30000)) * time.Millisecond
		group := fmt.Sprintf("grp%d", i)
		if !combo {
			msgID++
			msgs = append(msgs, streamMsg{&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(msgID)}, User: tikcraft.User{ID: user, UniqueID: user}, Gift: tikcraft.Gift{ID: int64(len(name)), Name: name}, RepeatCount: 1, GroupID: group}, start})
			sent++
			continue
		}
		n := int64(1 + rng.IntN(20))
		sent += n
		for c := int64(1); c <= n; c++ {
			msgID++
			msgs = append(msgs, streamMsg{&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(msgID)}, User: tikcraft.User{ID: user, UniqueID: user}, Gift: tikcraft.Gift{ID: int64(len(name)), Name: name, Combo: true}, RepeatCount: c, GroupID: group}, start + time.Duration(c)*200*time.Millisecond})
		}
		if rng.IntN(4) != 0 { // sometimes the end message is lost
			msgID++
			msgs = append(msgs, streamMsg{&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(msgID)}, User: tikcraft.User{ID: user, UniqueID: user}, Gift: tikcraft.Gift{ID: int64(len(name)), Name: name, Combo: true}, RepeatCount: n, RepeatEnd: true, GroupID: group}, start + time.Duration(n+1)*200*time.Millisecond})
		}
	}
	// Order by time (stable keeps each streak's own order), then damage:
	// duplicates (same msg id, or re-sent with a new id) and local swaps.
	sortByOffset := func() {
		for i := 1; i < len(msgs); i++ {
			for j := i; j > 0 && msgs[j].offset < msgs[j-1].offset; j-- {
				msgs[j], msgs[j-1] = msgs[j-1], msgs[j]
			}
		}
	}
	sortByOffset()
	var out []timed
	for _, m := range msgs {
		t := t0.Add(m.offset)
		out = append(out, timed{t, m.ev})
		switch rng.IntN(10) {
		case 0: // exact duplicate
			out = append(out, timed{t, m.ev})
		case 1: // a combo update re-sent with another id (a non-combo gift with a
			// new id is indistinguishable from a second gift, so it is not damage)
			if !m.ev.Gift.Combo {
				break
			}
			cp := *m.ev
			msgID++
			cp.MsgID = fmt.Sprint(msgID + 1000000)
			out = append(out, timed{t, &cp})
		}
	}
	for i := 0; i+1 < len(out); i++ { // mild reordering of neighbours
		if rng.IntN(8) == 0 {
			out[i], out[i+1] = out[i+1], out[i]
			if out[i].t.After(out[i+1].t) {
				out[i].t, out[i+1].t = out[i+1].t, out[i].t
			}
		}
	}
	return out, sent
}

func BenchmarkHandleStreaks(b *testing.B) {
	e := New(Config{}, rules("rose"), nil)
	evs := make([]*tikcraft.GiftEvent, 1000)
	for i := range evs {
		evs[i] = rose(fmt.Sprintf("u%d", i%100), int64(i/100+1), i%100 == 99, fmt.Sprint(i%100), "")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := evs[i%len(evs)]
		ev.MsgID = fmt.Sprint(i)
		e.Handle(ev, t0.Add(time.Duration(i)*time.Millisecond))
	}
}

// TestClippedCountsAreSaidOnceThenCounted: with gifts.max_repeat 2, thirty
// gifts of 50 (and thirty like messages each due 50 firings) clip every
// time; the log says the first of each, then a count once a minute.
func TestClippedCountsAreSaidOnceThenCounted(t *testing.T) {
	logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
	e := New(Config{MaxRepeat: 2, Likes: []LikeRule{{ID: "every", Every: 1, Function: "rose"}}}, rules("rose"), slog.New(logs))
	e.logOpts = []lograte.Option{clk.Option()}
	for i := range 30 {
		if got := e.Handle(rose(fmt.Sprint("viewer", i), 50, true, fmt.Sprint("g", i), fmt.Sprint("m", i)), at(float64(i))); len(got) != 2 {
			t.Fatalf("gift %d: %d actions, want 2", i, len(got))
		}
		if got := e.Handle(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint("l", i)}, User: tikcraft.User{UniqueID: "liker"}, Count: 50}, at(float64(i))); len(got) != 2 {
			t.Fatalf("likes %d: %d actions, want 2", i, len(got))
		}
	}
	gifts, likes := logs.Lines("gift count clipped"), logs.Lines("like rule firings clipped")
	if len(gifts) != 1 || gifts[0].Attrs["user"] != "viewer0" || len(likes) != 1 {
		t.Fatalf("30 clipped gifts and likes: %+v, %+v; want the first of each said", gifts, likes)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	gifts, likes = logs.Lines("gift count clipped"), logs.Lines("like rule firings clipped")
	if len(gifts) != 2 || gifts[1].Repeated() != 29 || gifts[1].Attrs["user"] != nil || gifts[1].Attrs["users"] != int64(29) || len(likes) != 2 || likes[1].Repeated() != 29 {
		t.Errorf("a minute later: %+v, %+v; want one count of 29 each", gifts, likes)
	}
}

// TestCloseSaysTheHeldCounts: a count waiting for the next minute's
// summary is said at Close, when tikcraft stops, not lost; the engine
// goes on after, its warnings said at once again.
func TestCloseSaysTheHeldCounts(t *testing.T) {
	logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
	e := New(Config{MaxRepeat: 2}, rules("rose"), slog.New(logs))
	e.logOpts = []lograte.Option{clk.Option()}
	for i := range 5 {
		e.Handle(rose(fmt.Sprint("viewer", i), 50, true, fmt.Sprint("g", i), fmt.Sprint("m", i)), at(float64(i)))
	}
	if got := logs.Lines("gift count clipped"); len(got) != 1 {
		t.Fatalf("before Close: %+v; want the first said", got)
	}
	e.Close()
	got := logs.Lines("gift count clipped")
	if len(got) != 2 || got[1].Repeated() != 4 || got[1].Attrs["user"] != nil || got[1].Attrs["users"] != int64(4) || logs.Count("gift count clipped") != 5 {
		t.Fatalf("after Close: %+v; want a count of the 4 others", got)
	}
	e.Close() // nothing more to say
	e.Handle(rose("late", 50, true, "g-late", "m-late"), at(10))
	if got := logs.Lines("gift count clipped"); len(got) != 3 || got[2].Repeated() != 0 || got[2].Attrs["user"] != "late" {
		t.Fatalf("after Close, a new one: %+v; want it said at once", got)
	}
}

// Duplicate tells, before Handle, the events Handle drops as sent twice:
// by type and msg_id, and never one without an id.
func TestDuplicateTellsWhatHandleDrops(t *testing.T) {
	e := New(Config{}, rules("follow", "share"), nil)
	defer e.Close()
	follow := func(id string) tikcraft.Event {
		return &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{ID: "u" + id, UniqueID: "v" + id}}
	}
	share := &tikcraft.ShareEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: tikcraft.User{ID: "u9", UniqueID: "v9"}}
	for i, step := range []struct {
		ev        tikcraft.Event
		dup, fire bool
	}{
		{follow("1"), false, true},
		{follow("1"), true, false},
		{share, false, true}, // another type with the same id
		{follow(""), false, true},
		{follow(""), false, true}, // no id: never a duplicate
	} {
		if got := e.Duplicate(step.ev); got != step.dup {
			t.Errorf("step %d: Duplicate = %v, want %v", i, got, step.dup)
		}
		if fired := len(e.Handle(step.ev, at(float64(i)))) > 0; fired != step.fire {
			t.Errorf("step %d: fired %v, want %v", i, fired, step.fire)
		}
	}
}

// The count of ignored follows names a viewer only when they are all
// that viewer's; from several viewers it says how many (users=N), not the
// last one, which would read as if that viewer had done it all.
func TestFollowSummaryNamesNoViewerForMany(t *testing.T) {
	logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
	e := New(Config{FollowOncePerUser: true}, rules("follow"), slog.New(logs))
	e.logOpts = []lograte.Option{clk.Option()}
	follow := func(name string, s float64) {
		e.Handle(&tikcraft.FollowEvent{User: tikcraft.User{ID: name, UniqueID: name}}, at(s))
	}
	for i, name := range []string{"anna", "bob", "cleo", "anna", "bob", "cleo", "anna", "dave"} {
		follow(name, float64(i)) // anna, bob and cleo follow again
	}
	clk.Advance(time.Minute)
	clk.Fire()
	for i := range 3 {
		follow("bob", float64(70+i))
	}
	e.Close()
	got := logs.Lines("follow ignored")
	if len(got) != 3 || got[0].Attrs["user"] != "anna" ||
		got[1].Repeated() != 3 || got[1].Attrs["user"] != nil || got[1].Attrs["users"] != int64(3) ||
		got[2].Repeated() != 3 || got[2].Attrs["user"] != "bob" || got[2].Attrs["users"] != nil {
		t.Fatalf("lines %+v\nwant anna's, then a count of 3 from users=3 naming none, then 3 of bob's", got)
	}
}
