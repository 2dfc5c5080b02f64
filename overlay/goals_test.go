package overlay

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tikcraft/tikcraft"
)

func goalConfig(goals ...GoalConfig) Config {
	cfg := Defaults()
	cfg.Goals = goals
	return cfg
}

func follow(id, user string) *tikcraft.FollowEvent {
	return &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{ID: user}}
}

// TestGoals: each type counts its own events, with the like goal's step
// and multiply semantics, and fires goal_ID_reached once per goal reached.
func TestGoals(t *testing.T) {
	c := &clock{t0}
	m, fired := newTestManager(goalConfig(
		GoalConfig{ID: "followers", Type: GoalFollowers, Initial: 2, Multiplier: 1, Label: "Road to 2"},
		GoalConfig{ID: "shares", Type: GoalShares, Initial: 3},
		GoalConfig{ID: "subs", Type: GoalSubscribers, Initial: 1, Multiplier: 2},
		GoalConfig{ID: "coins", Type: GoalDiamonds, Initial: 100, Multiplier: 0},
		DefaultGoal("likes", GoalLikes),
	), c, nil)
	evs := []tikcraft.Event{
		follow("f1", "1"), follow("f2", "2"), follow("f3", "1"), // user 1 again: counted once
		follow("f2", "2"), // the same message twice: counted once
		&tikcraft.ShareEvent{Meta: tikcraft.Meta{MsgID: "s1"}}, &tikcraft.ShareEvent{Meta: tikcraft.Meta{MsgID: "s2"}},
		&tikcraft.SubscribeEvent{Meta: tikcraft.Meta{MsgID: "u1"}},
		&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "g1"}, Gift: tikcraft.Gift{Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 30, RepeatEnd: false},
		&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "g2"}, Gift: tikcraft.Gift{Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 50, RepeatEnd: true},
		&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "g3"}, Gift: tikcraft.Gift{Name: "Lion", Diamonds: 299}},
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l1"}, Count: 15, Total: 600},
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l2"}, Count: 15, Total: 1700},
		&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "t1", Test: true}, User: tikcraft.User{ID: "9"}}, // a test event counts nothing
	}
	for _, ev := range evs {
		m.Event(ev)
	}
	g := m.Snapshot().Goals
	want := map[string]GoalView{
		// As the like goal's bar: with a multiplier of 1 or more it
		// counts from zero toward the raised goal.
		"followers": {Type: GoalFollowers, Label: "Road to 2", Have: 2, Need: 4, Total: 2, Goal: 4, Reached: 1},
		"shares":    {Type: GoalShares, Label: "Share goal", Have: 2, Need: 3, Total: 2, Goal: 3},
		"subs":      {Type: GoalSubscribers, Label: "Subscriber goal", Have: 1, Need: 2, Total: 1, Goal: 2, Reached: 1},
		// 50 + 299 = 349 diamonds; multiplier 0 starts from zero at each
		// goal of 100: three reached, 49 toward the fourth.
		"coins": {Type: GoalDiamonds, Label: "Diamond goal", Have: 49, Need: 100, Total: 349, Goal: 400, Reached: 3},
		// The room's total from the first message on: 15 + 1100 = 1115.
		"likes": {Type: GoalLikes, Label: "Like goal", Have: 1115, Need: 2000, Total: 1115, Goal: 2000, Reached: 1},
	}
	for id, w := range want {
		if g[id] != w {
			t.Errorf("%s: got %+v\n want %+v", id, g[id], w)
		}
	}
	wantFired := []string{"goal_followers_reached", "goal_subs_reached", "goal_coins_reached", "goal_coins_reached", "goal_coins_reached", "likegoal_reached", "goal_likes_reached"}
	if !slices.Equal(*fired, wantFired) {
		t.Errorf("fired %q, want %q", *fired, wantFired)
	}
}

// TestGoalsSurviveRestartAndReset: the goals come back from the store;
// one goal or all can be reset; a new LIVE resets them by default; a goal
// whose type changed starts again.
func TestGoalsSurviveRestartAndReset(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	sv := &memSaver{}
	cfg := goalConfig(DefaultGoal("followers", GoalFollowers), DefaultGoal("likes", GoalLikes))
	m, _ := newTestManager(cfg, c, sv)
	for i := range 12 {
		m.Event(follow(fmt.Sprint("f", i), fmt.Sprint(i)))
	}
	m.Event(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l1"}, Count: 300})
	if err := m.Save(ctx); err != nil {
		t.Fatal(err)
	}
	m2, _ := newTestManager(cfg, c, sv)
	g := m2.Snapshot().Goals
	if g["followers"].Total != 12 || g["followers"].Reached != 1 || g["followers"].Goal != 20 || g["likes"].Total != 300 {
		t.Fatalf("restored %+v", g)
	}
	// Likes go on from where the saved goal was.
	m2.Event(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l2"}, Count: 5})
	if l := m2.Snapshot().Goals["likes"]; l.Total != 305 {
		t.Fatalf("likes after restart %+v", l)
	}
	if err := m2.Reset(ctx, GoalPart("followers")); err != nil {
		t.Fatal(err)
	}
	g = m2.Snapshot().Goals
	if g["followers"].Total != 0 || g["followers"].Goal != 10 || g["likes"].Total != 305 {
		t.Fatalf("after reset goal:followers %+v", g)
	}
	if err := m2.Reset(ctx, PartGoals); err != nil {
		t.Fatal(err)
	}
	if l := m2.Snapshot().Goals["likes"]; l.Total != 0 {
		t.Fatalf("after reset goals %+v", l)
	}
	m2.Event(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l3"}, Count: 7})
	if l := m2.Snapshot().Goals["likes"]; l.Total != 7 {
		t.Fatalf("likes after reset %+v", l)
	}
	if err := m2.Reset(ctx, GoalPart("nope")); !errors.Is(err, ErrUnknownPart) {
		t.Errorf("unknown goal: %v", err)
	}
	// A new LIVE resets the goals (new_live_reset's default), and who
	// followed may follow again.
	m2.Event(&tikcraft.StreamEndEvent{})
	m2.Event(follow("f1-again", "1"))
	if f := m2.Snapshot().Goals["followers"]; f.Total != 1 {
		t.Fatalf("after a new LIVE %+v", f)
	}
	m2.Save(ctx)
	// A goal whose type changed does not take the old count.
	m3, _ := newTestManager(goalConfig(GoalConfig{ID: "followers", Type: GoalShares}), c, sv)
	if f := m3.Snapshot().Goals["followers"]; f.Total != 0 || f.Goal != 10 {
		t.Fatalf("type changed %+v", f)
	}
}

// TestGoalCounting is a property test: however events are split, a
// counter goal's total is their sum and Reached matches a straight count.
func TestGoalCounting(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		initial, mult := 1+rnd.Int64N(50), rnd.Int64N(4)
		c := &clock{t0}
		m, fired := newTestManager(goalConfig(GoalConfig{ID: "coins", Type: GoalDiamonds, Initial: initial, Multiplier: mult}), c, nil)
		var sum int64
		for i := range rnd.IntN(30) {
			d := rnd.Int64N(100)
			sum += d
			m.Event(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, Gift: tikcraft.Gift{Diamonds: d}})
		}
		var reached int64
		switch goal := initial; {
		case mult == 0:
			reached = sum / initial
		default:
			for sum >= goal {
				reached++
				if mult == 1 {
					goal += initial
				} else {
					goal *= mult
				}
			}
		}
		g := m.Snapshot().Goals["coins"]
		if g.Total != sum || g.Reached != reached || int64(len(*fired)) > reached || (reached <= maxFiresPerUpdate && int64(len(*fired)) != reached) {
			t.Fatalf("initial %d multiplier %d sum %d: %+v, fired %d, want reached %d", initial, mult, sum, g, len(*fired), reached)
		}
	}
}
