package engine_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/rules"
)

// newRules runs a real actions file, as tikcraft does.
func newRules(t testing.TB, src string) *rules.Set {
	t.Helper()
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{HTTPAllow: []string{"localhost:8080"}})
	for _, d := range diags {
		if d.Severity == actions.Error {
			t.Fatal(d)
		}
	}
	return rules.New(f, 1)
}

var start = time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC)

func sec(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }

func viewer(name string) tikcraft.User { return tikcraft.User{ID: "id-" + name, UniqueID: name} }

func chat(name, text string) *tikcraft.ChatEvent {
	return &tikcraft.ChatEvent{User: viewer(name), Text: text}
}

func oneGift(name, gift string, diamonds int64) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{User: viewer(name), Gift: tikcraft.Gift{ID: int64(len(gift)), Name: gift, Diamonds: diamonds}}
}

// shown renders actions as "command@delay".
func shown(acts []tikcraft.Action) []string {
	out := []string{}
	for _, a := range acts {
		s := a.String()
		if a.Delay > 0 {
			s += "@" + a.Delay.String()
		}
		out = append(out, s)
	}
	return out
}

type tstep struct {
	at   float64
	ev   tikcraft.Event
	want string // the actions, joined by " | "
}

func play(t *testing.T, e *engine.Engine, steps []tstep) {
	t.Helper()
	for i, s := range steps {
		got := strings.Join(shown(e.Handle(s.ev, sec(s.at))), " | ")
		if got != s.want {
			t.Errorf("step %d (t=%gs): got %q, want %q", i, s.at, got, s.want)
		}
	}
}

func TestCooldownSkipsChatAtTheEdges(t *testing.T) {
	e := engine.New(engine.Config{}, newRules(t, "command tnt[cooldown=30s]:/summon tnt\n"), nil)
	play(t, e, []tstep{
		{0, chat("anna", "!tnt"), "summon tnt"},
		{10, chat("bob", "!tnt"), ""},            // rule cooling down: skipped
		{29.999, chat("anna", "!TNT now"), ""},   // still
		{30, chat("cleo", "!tnt"), "summon tnt"}, // exactly the cooldown later
		{45, chat("anna", "hello !tnt"), ""},     // not a command: no keyword rule either
		{60, chat("dan", "!tnt"), "summon tnt"},  // skipped firings never pushed the cooldown
		{60.5, chat("dan", "!tnt and more"), ""}, // one firing per message, cooling down
	})
}

func TestUserCooldownIsPerViewer(t *testing.T) {
	e := engine.New(engine.Config{}, newRules(t, "keyword creeper[user_cooldown=2m]:/summon creeper ~ ~ ~ {user}\n"), nil)
	play(t, e, []tstep{
		{0, chat("anna", "creeper!"), "summon creeper ~ ~ ~ anna"},
		{1, chat("bob", "a Creeper"), "summon creeper ~ ~ ~ bob"},
		{60, chat("anna", "creeper creeper creeper"), ""},
		{120, chat("anna", "creeper"), "summon creeper ~ ~ ~ anna"},
		{120, chat("bob", "creepers"), ""}, // not the whole word
	})
}

func TestCooldownDelaysPaidGifts(t *testing.T) {
	e := engine.New(engine.Config{}, newRules(t, "lion[cooldown=30s]:/summon lion; $wait 1s; /say {user}\nfollow[cooldown=30s]:/say follow\n"), nil)
	play(t, e, []tstep{
		{0, oneGift("anna", "Lion", 29999), "summon lion | say anna@1s"},
		{10, oneGift("bob", "Lion", 29999), "summon lion@20s | say bob@21s"},   // paid: delayed to t=30
		{11, oneGift("cleo", "Lion", 29999), "summon lion@49s | say cleo@50s"}, // queued behind bob: t=60
		{12, &tikcraft.FollowEvent{User: viewer("dan")}, "say follow"},         // other rules keep their own cooldown
		{13, &tikcraft.FollowEvent{User: viewer("eve")}, ""},                   // skipped
	})
}

func TestCooldownSpreadsAStreak(t *testing.T) {
	e := engine.New(engine.Config{}, newRules(t, "rose[user_cooldown=5s]:/say rose\n"), nil)
	g := &tikcraft.GiftEvent{User: viewer("anna"), Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, RepeatEnd: true, GroupID: "1"}
	play(t, e, []tstep{{0, g, "say rose | say rose@5s | say rose@10s"}})
}

func TestAudienceFilters(t *testing.T) {
	src := `command fan[followers]:/say fan {user}
command sub[subscribers]:/say sub {user}
command mod[moderators]:/say mod {user}
command top[top_gifter]:/say top {user}
command rich[min_coins=100]:/say rich {user}
`
	e := engine.New(engine.Config{}, newRules(t, src), nil)
	fan := viewer("fan")
	fan.Follower = true
	mod := viewer("mod")
	mod.Moderator, mod.Subscriber = true, true
	play(t, e, []tstep{
		{0, &tikcraft.ChatEvent{User: fan, Text: "!fan"}, "say fan fan"},
		{1, chat("anna", "!fan"), ""},
		{2, &tikcraft.ChatEvent{User: mod, Text: "!sub"}, "say sub mod"},
		{3, &tikcraft.ChatEvent{User: fan, Text: "!sub"}, ""},
		{4, &tikcraft.ChatEvent{User: mod, Text: "!mod"}, "say mod mod"},
		{5, chat("anna", "!top"), ""}, // nobody gifted yet
		{6, oneGift("anna", "Lion", 60), ""},
		{7, chat("anna", "!top"), "say top anna"},
		{8, chat("anna", "!rich"), ""}, // 60 of 100
		{9, oneGift("bob", "Lion", 120), ""},
		{10, chat("anna", "!top"), ""},
		{11, chat("bob", "!top"), "say top bob"},
		{12, chat("bob", "!rich"), "say rich bob"},
		{13, oneGift("anna", "Lion", 60), ""},
		{14, chat("anna", "!rich"), "say rich anna"},
		{15, chat("anna", "!top"), ""}, // a tie: bob reached 120 first and stays top
	})
}

func TestGiftRangesAndCoinsPlaceholder(t *testing.T) {
	src := "rose:/say rose\ncoins 1-9:/say small {coins}\ncoins 10+:/say big {coins}\ngift:/say any {gift}\n"
	e := engine.New(engine.Config{}, newRules(t, src), nil)
	combo := &tikcraft.GiftEvent{User: viewer("anna"), Gift: tikcraft.Gift{ID: 1, Name: "Finger Heart", Combo: true, Diamonds: 5}, RepeatCount: 2, RepeatEnd: true, GroupID: "7"}
	play(t, e, []tstep{
		{0, oneGift("anna", "Rose", 1), "say rose"},
		{1, combo, "say small 10 | say small 10"},
		{2, oneGift("bob", "Lion", 29999), "say big 29999"},
		{3, oneGift("bob", "Mystery", 0), "say any Mystery"},
	})
}

func TestFirstGiftFiresOncePerViewer(t *testing.T) {
	e := engine.New(engine.Config{}, newRules(t, "first_gift:/say welcome {user} ({gift})\nrose:/say rose\n"), nil)
	play(t, e, []tstep{
		{0, oneGift("anna", "Rose", 1), "say welcome anna (Rose) | say rose"},
		{1, oneGift("anna", "Rose", 1), "say rose"},
		{2, oneGift("bob", "Lion", 1), "say welcome bob (Lion)"},
		{3, &tikcraft.StreamEndEvent{}, ""},
		{4, oneGift("anna", "Rose", 1), "say welcome anna (Rose) | say rose"}, // a new LIVE
	})
}

func TestFollowAndViewerMilestones(t *testing.T) {
	e := engine.New(engine.Config{FollowOncePerUser: true, FollowMilestones: []int64{2, 3}, ViewerMilestones: []int64{100, 500}},
		newRules(t, "follow:/say f\nfollow_milestone:/say follower {count} is {user}\nviewers_milestone:/say {count} viewers\n"), nil)
	play(t, e, []tstep{
		{0, &tikcraft.FollowEvent{User: viewer("a")}, "say f"},
		{1, &tikcraft.FollowEvent{User: viewer("a")}, ""}, // once_per_user: not counted
		{2, &tikcraft.FollowEvent{User: viewer("b")}, "say f | say follower 2 is b"},
		{3, &tikcraft.FollowEvent{User: viewer("c")}, "say f | say follower 3 is c"},
		{4, &tikcraft.FollowEvent{User: viewer("d")}, "say f"},
		{5, &tikcraft.ViewersEvent{Count: 99}, ""},
		{6, &tikcraft.ViewersEvent{Count: 700}, "say 100 viewers | say 500 viewers"},
		{7, &tikcraft.ViewersEvent{Count: 90}, ""},
		{8, &tikcraft.ViewersEvent{Count: 700}, ""},
	})
}

func TestPerViewerLikes(t *testing.T) {
	e := engine.New(engine.Config{Likes: []engine.LikeRule{{ID: "mine", Every: 10, Function: "likes", PerUser: true}, {ID: "room", Every: 25, Function: "room"}}},
		newRules(t, "likes:/say {user} liked\nroom:/say room\n"), nil)
	like := func(name string, n int64) *tikcraft.LikeEvent {
		return &tikcraft.LikeEvent{User: viewer(name), Count: n}
	}
	play(t, e, []tstep{
		{0, like("anna", 6), ""},
		{1, like("bob", 9), ""},
		{2, like("anna", 6), "say anna liked"},
		{3, like("bob", 15), "say bob liked | say bob liked | say room"},
		{4, like("anna", 7), ""}, // anna at 19
	})
}

// Per-viewer like firings depend only on each viewer's total, so any order
// of the same like messages fires the same rules the same number of times.
func TestPropertyPerViewerLikesIgnoreOrder(t *testing.T) {
	rules := newRules(t, "likes:/say {user}\n")
	for seed := range uint64(100) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var evs []*tikcraft.LikeEvent
		for i := range 20 + rng.IntN(50) {
			evs = append(evs, &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: viewer(fmt.Sprint("v", rng.IntN(4))), Count: 1 + rng.Int64N(15)})
		}
		count := func(order []*tikcraft.LikeEvent) map[string]int {
			e := engine.New(engine.Config{Likes: []engine.LikeRule{{ID: "l", Every: 7, Function: "likes", PerUser: true}}}, rules, nil)
			got := map[string]int{}
			for _, ev := range order {
				for _, a := range e.Handle(ev, start) {
					got[a.Command]++
				}
			}
			return got
		}
		want := count(evs)
		rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		if got := count(evs); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: in order %v, shuffled %v", seed, want, got)
		}
	}
}

// Cooldowns delay gifts but never drop or repeat one: every gift sent
// fires its rule exactly once, with coin ranges and a catch-all matching.
func TestPropertyOneFiringPerGiftWithCooldownsAndRanges(t *testing.T) {
	rules := newRules(t, "rose[cooldown=20s]:/say rose\ncoins 1-99[user_cooldown=1m]:/say small\ncoins 100+[cooldown=5s, user_cooldown=7s]:/say big\ngift:/say any\n")
	gifts := []tikcraft.Gift{{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, {ID: 5487, Name: "Finger Heart", Combo: true, Diamonds: 5}, {ID: 6369, Name: "Lion", Diamonds: 29999}, {ID: 1, Name: "Free"}}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 9))
		e := engine.New(engine.Config{}, rules, nil)
		var sent, got int64
		now := start
		for i := range 5 + rng.IntN(40) {
			g := gifts[rng.IntN(len(gifts))]
			n := int64(1)
			if g.Combo {
				n = 1 + rng.Int64N(20)
			}
			sent += n
			now = now.Add(time.Duration(rng.IntN(30_000)) * time.Millisecond)
			ev := &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: viewer(fmt.Sprint("v", rng.IntN(3))), Gift: g, RepeatCount: n, RepeatEnd: true, GroupID: fmt.Sprint(i)}
			for _, a := range e.Handle(ev, now) {
				if a.Delay < 0 {
					t.Fatalf("negative delay %s", a.Delay)
				}
				got++
			}
			if rng.IntN(4) == 0 { // a re-sent message adds nothing
				got += int64(len(e.Handle(ev, now)))
			}
		}
		got += int64(len(e.Flush()))
		if got != sent {
			t.Fatalf("seed %d: %d firings for %d gifts", seed, got, sent)
		}
	}
}

func TestFollowersAreRememberedAcrossRestarts(t *testing.T) {
	rules := newRules(t, "follow:/say thanks {user}\nfollow_milestone:/say {count}\n")
	cfg := engine.Config{FollowOncePerUser: true, FollowMilestones: []int64{3}}
	e := engine.New(cfg, rules, nil)
	e.Restore(nil)
	saved := map[string][]byte{}
	keep := func() {
		reset, rows := e.Changes()
		if reset {
			clear(saved)
		}
		for _, r := range rows {
			if r.Value == nil {
				delete(saved, r.Key)
			} else {
				saved[r.Key] = r.Value
			}
		}
	}
	play(t, e, []tstep{
		{0, &tikcraft.FollowEvent{User: viewer("a")}, "say thanks a"},
		{1, &tikcraft.FollowEvent{User: viewer("b")}, "say thanks b"},
	})
	keep()
	// A crash: a new engine restores what was committed.
	e = engine.New(cfg, rules, nil)
	var rows []engine.StateEntry
	for k, v := range saved {
		rows = append(rows, engine.StateEntry{Key: k, Value: v})
	}
	e.Restore(rows)
	play(t, e, []tstep{
		{2, &tikcraft.FollowEvent{User: viewer("a")}, ""},
		{3, &tikcraft.FollowEvent{User: viewer("c")}, "say thanks c | say 3"},
	})
}
