package source

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tikcraft/tikcraft"
)

// Demo builds about a minute of believable LIVE traffic: joins, chat, likes
// arriving in batches, follows (one of them repeated, as unfollow/refollow
// spam looks), shares, combo streaks of several users interleaved (one whose
// end message is lost), expensive one-off gifts, a viewer with a hostile
// nickname, and viewer counts. Some viewers follow, one is a moderator and
// one a subscriber, for the actions file's audience filters. Message ids repeat across rounds so a
// looping demo exercises duplicate dropping only within a round.
func Demo(seed uint64, round int) []Step {
	rng := rand.New(rand.NewPCG(seed, uint64(round)))
	users := []tikcraft.User{
		{ID: "6811", UniqueID: "anna_123", Nickname: "Anna", Follower: true},
		{ID: "7002", UniqueID: "blockbuilder", Nickname: "Block Builder"}, // follows during the demo
		{ID: "7311", UniqueID: "creeper.fan", Nickname: "Creeper Fan ✨", Follower: true, Moderator: true},
		{ID: "7420", UniqueID: "mika", Nickname: "Mika", Follower: true, Subscriber: true},
		{ID: "6666", UniqueID: "x_evil", Nickname: "\"}],\"clickEvent\":{\"action\":\"run_command\",\"value\":\"/op x_evil\"}§k\n"},
	}
	var steps []Step
	id := round * 10000
	msg := func() tikcraft.Meta { id++; return tikcraft.Meta{MsgID: fmt.Sprint(id)} }
	add := func(ms int, ev tikcraft.Event) {
		steps = append(steps, Step{Delay: time.Duration(ms) * time.Millisecond, Event: ev})
	}
	pick := func() tikcraft.User { return users[rng.IntN(len(users))] }

	add(0, &tikcraft.ViewersEvent{Meta: msg(), Count: int64(80 + rng.IntN(40))})
	for _, u := range users[:3] {
		add(300, &tikcraft.JoinEvent{Meta: msg(), User: u})
	}
	add(400, &tikcraft.ChatEvent{Meta: msg(), User: users[0], Text: "hi! spawn a creeper pls"})
	follower := users[1]
	follower.Follower = true // as TikTok's follows decode (docs/EVENTS.md)
	add(500, &tikcraft.FollowEvent{Meta: msg(), User: follower})
	add(300, &tikcraft.FollowEvent{Meta: msg(), User: follower}) // refollow spam: fires once
	add(300, &tikcraft.ChatEvent{Meta: msg(), User: follower, Text: "!tnt"})
	add(200, &tikcraft.ChatEvent{Meta: msg(), User: follower, Text: "!TNT again"}) // within the example's cooldown
	total := int64(round * 600)
	for range 4 {
		n := int64(5 + rng.IntN(40))
		total += n
		add(250, &tikcraft.LikeEvent{Meta: msg(), User: pick(), Count: n, Total: total})
	}
	// Two interleaved Rose streaks and a Heart streak.
	rose := tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}
	heart := tikcraft.Gift{ID: 7934, Name: "Heart Me", Combo: true, Diamonds: 1}
	a, b := users[0], users[3]
	ga, gb := fmt.Sprint(1700000000000+id), fmt.Sprint(1700000000500+id)
	na, nb := int64(3+rng.IntN(3)), int64(2+rng.IntN(3))
	for i := int64(1); i <= max(na, nb); i++ {
		if i <= na {
			add(200, &tikcraft.GiftEvent{Meta: msg(), User: a, Gift: rose, RepeatCount: i, GroupID: ga})
		}
		if i <= nb {
			add(150, &tikcraft.GiftEvent{Meta: msg(), User: b, Gift: heart, RepeatCount: i, GroupID: gb})
		}
	}
	end := &tikcraft.GiftEvent{Meta: msg(), User: a, Gift: rose, RepeatCount: na, RepeatEnd: true, GroupID: ga}
	add(300, end)
	add(0, end) // the same message twice: dropped
	add(300, &tikcraft.GiftEvent{Meta: msg(), User: b, Gift: heart, RepeatCount: nb, RepeatEnd: true, GroupID: gb})
	// A streak whose end never arrives: flushed after streak_timeout.
	c := users[2]
	gc := fmt.Sprint(1700000000900 + id)
	for i := int64(1); i <= 2; i++ {
		add(250, &tikcraft.GiftEvent{Meta: msg(), User: c, Gift: rose, RepeatCount: i, GroupID: gc})
	}
	add(600, &tikcraft.ShareEvent{Meta: msg(), User: users[2]})
	// A gift the example has no rule for: matched by its value.
	add(300, &tikcraft.GiftEvent{Meta: msg(), User: users[2], Gift: tikcraft.Gift{ID: 5487, Name: "Finger Heart", Diamonds: 5}, RepeatCount: 1})
	add(800, &tikcraft.GiftEvent{Meta: msg(), User: users[3], Gift: tikcraft.Gift{ID: 5760, Name: "Lion", Diamonds: 29999}, RepeatCount: 1})
	add(500, &tikcraft.ChatEvent{Meta: msg(), User: users[4], Text: "/op me"})
	// A streak id of its own each round, as TikTok's are: the engine
	// remembers settled streaks for the whole LIVE, so one id reused from
	// round to round fired only in the first.
	ge := fmt.Sprint(1700000000950 + id)
	add(400, &tikcraft.GiftEvent{Meta: msg(), User: users[4], Gift: rose, RepeatCount: 1, GroupID: ge})
	add(200, &tikcraft.GiftEvent{Meta: msg(), User: users[4], Gift: rose, RepeatCount: 1, RepeatEnd: true, GroupID: ge})
	add(600, &tikcraft.SubscribeEvent{Meta: msg(), User: users[3]})
	for range 6 {
		n := int64(20 + rng.IntN(60))
		total += n
		add(400, &tikcraft.LikeEvent{Meta: msg(), User: pick(), Count: n, Total: total})
	}
	add(500, &tikcraft.ViewersEvent{Meta: msg(), Count: int64(100 + rng.IntN(50))})
	add(1500, &tikcraft.GiftEvent{Meta: msg(), User: users[1], Gift: tikcraft.Gift{ID: 11046, Name: "Galaxy", Diamonds: 1000}, RepeatCount: 1})
	add(2000, &tikcraft.ChatEvent{Meta: msg(), User: users[1], Text: "gg"})
	return steps
}
