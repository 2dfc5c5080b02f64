package actions

import "github.com/tikcraft/tikcraft"

// TestEvent is the event that fires r when r is not a plain named trigger:
// a gift worth its coin range's lowest value (a gift of no value for the
// catch-all, so that no range takes it), or the chat message of a command
// or keyword rule. count is the gifts in the streak. The dashboard's test
// panel fires rules of these kinds through the engine with it, as a viewer
// would.
func TestEvent(r *Rule, meta tikcraft.Meta, user tikcraft.User, count int64) tikcraft.Event {
	switch r.Kind {
	case ChatCommand:
		return &tikcraft.ChatEvent{Meta: meta, User: user, Text: "!" + r.Word}
	case ChatKeyword:
		return &tikcraft.ChatEvent{Meta: meta, User: user, Text: r.Word}
	}
	g := tikcraft.Gift{Name: "tikcraft test gift", Combo: true}
	if r.Kind == CoinRange {
		g.Diamonds = r.MinCoins
	}
	return &tikcraft.GiftEvent{Meta: meta, User: user, Gift: g, RepeatCount: count, RepeatEnd: true, GroupID: meta.MsgID}
}
