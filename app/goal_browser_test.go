package app

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserGoals opens the goal pages of overlays.goals in Chromium: each
// bar counts its own events, with the like goal's step semantics, and a
// goal reached fires its goal_ID_reached rule.
func TestBrowserGoals(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	d := startDashDemo(t, `overlays:
  goals:
    - {type: followers, initial_goal: 2, multiplier: 1, label: Road to 2}
    - {id: coins, type: diamonds, initial_goal: 1000, multiplier: 0}
    - {type: shares, initial_goal: 5}
`, "goal_followers_reached:/say two new followers\nfollow:/say thanks {user}\n",
		`{"type":"follow","msg_id":"f1","user":{"id":"1","unique_id":"ann"}}`,
		`{"type":"follow","msg_id":"f2","user":{"id":"2","unique_id":"bob"}}`,
		`{"type":"follow","msg_id":"f3","user":{"id":"3","unique_id":"cat"}}`,
		`{"type":"gift","msg_id":"g1","user":{"id":"7","unique_id":"fan"},"gift":{"id":5760,"name":"Lion","combo":false,"diamonds":1500}}`,
		`{"type":"share","msg_id":"s1","user":{"id":"8","unique_id":"sharer"}}`)
	open := func(id string) {
		run(t, ctx, "open goal "+id, chromedp.Navigate(d.base+"/overlay/goal?id="+id), waitJS(`document.body.dataset.ready === "1"`))
	}
	open("followers")
	// Three follows with a first goal of 2 raised by 2: 3 of 4.
	run(t, ctx, "the follower bar", waitText("#goal-count", "3 / 4"), waitText("#goal-label", "Road to 2"),
		waitJS(`document.querySelector("#goal-fill").style.width === "75%"`))
	d.waitCommand(t, "say two new followers")
	open("coins")
	// 1500 diamonds, each goal of 1000 from zero: 500 toward the next.
	run(t, ctx, "the coin bar", waitText("#goal-count", "500 / 1,000"), waitText("#goal-label", "Diamond goal"))
	open("shares&label=Teilen")
	run(t, ctx, "the share bar", waitText("#goal-count", "1 / 5"), waitText("#goal-label", "Teilen"))
}
