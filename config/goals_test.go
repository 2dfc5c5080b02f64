package config

import (
	"strings"
	"testing"
)

func TestGoals(t *testing.T) {
	c, diags, err := load(t, `
overlays:
  goals:
    - {type: followers, initial_goal: 50, multiplier: 1, label: "Road to 50 followers"}
    - {id: coins_tonight, type: coins}
    - {type: likes, multiplier: 0}
  new_live_reset: [goals, likegoal]
`)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	g := c.Overlays.Goals
	if len(g) != 3 || g[0].ID != "followers" || g[0].InitialGoal != 50 || *g[0].Multiplier != 1 || *g[0].Label != "Road to 50 followers" ||
		g[1].ID != "coins_tonight" || g[1].Type != "diamonds" || g[1].Multiplier != nil || g[2].ID != "likes" || *g[2].Multiplier != 0 {
		t.Fatalf("%+v", g)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"overlays:\n  goals:\n    - {id: x}\n", "tikcraft.yaml:3:7: error: overlays.goals[0]: type is missing: say what it counts (followers, shares, subscribers, diamonds, likes)"},
		{"overlays:\n  goals:\n    - {type: gifts}\n", `tikcraft.yaml:3:14: error: overlays.goals[0]: type "gifts" is not something a goal counts`},
		{"overlays:\n  goals:\n    - {type: shares}\n    - {type: shares}\n", `overlays.goals[1]: id "shares" is already used by overlays.goals[0]`},
		{"overlays:\n  goals:\n    - {id: My Goal, type: shares}\n", `overlays.goals[0]: id "My Goal" may only contain a-z, digits and _`},
		{"overlays:\n  goals:\n    - {type: shares, multiplier: 101}\n", `overlays.goals[0].multiplier must be 0`},
		{"overlays:\n  goals:\n    - {type: shares, initial_goal: -5}\n", `overlays.goals[0].initial_goal must be a positive number`},
		{"overlays:\n  goals:\n    - {type: shares, colour: red}\n", `unknown key "colour"`},
	} {
		_, diags, err := load(t, tc.yaml)
		found := false
		for _, d := range diags {
			found = found || strings.Contains(d.String(), tc.want)
		}
		if err == nil || !found {
			t.Errorf("%q: want %s, got %v", tc.yaml, tc.want, diags)
		}
	}
}
