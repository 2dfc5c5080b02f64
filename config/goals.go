package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// OverlayGoal is one progress bar of overlays.goals, shown at
// /overlay/goal?id=ID (docs/OVERLAYS.md). It counts like the like goal:
// initial_goal first, then raised by multiplier.
type OverlayGoal struct {
	// ID names the goal in its URL, in tikcraft reset goal ID and in its
	// trigger goal_ID_reached; default: its type.
	ID string `yaml:"id"`
	// Type is what it counts: followers, shares, subscribers, diamonds
	// (or coins) or likes.
	Type        string  `yaml:"type"`
	InitialGoal int64   `yaml:"initial_goal"` // default by type: 10 followers, 10 shares, 5 subscribers, 1000 diamonds, 1000 likes
	Multiplier  *int64  `yaml:"multiplier"`   // default 2
	Label       *string `yaml:"label"`        // default by type, e.g. "Follower goal"
}

// GoalTypes are what a goal can count.
var GoalTypes = []string{"followers", "shares", "subscribers", "diamonds", "likes"}

var goalID = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// mergeGoals validates overlays.goals of one layer; a layer that has the
// key replaces the whole list.
func (c *Config) mergeGoals(layer *Config, file *ast.File, errAt func(path, format string, args ...any)) {
	if !hasPath(file, "$.overlays.goals") {
		return
	}
	seen := map[string]int{}
	goals := make([]OverlayGoal, 0, len(layer.Overlays.Goals))
	for i, g := range layer.Overlays.Goals {
		p := fmt.Sprintf("$.overlays.goals[%d]", i)
		g.Type = strings.ToLower(strings.TrimSpace(g.Type))
		if g.Type == "coins" {
			g.Type = "diamonds"
		}
		switch {
		case g.Type == "":
			errAt(p, "overlays.goals[%d]: type is missing: say what it counts (%s)", i, strings.Join(GoalTypes, ", "))
		case !slices.Contains(GoalTypes, g.Type):
			errAt(p+".type", "overlays.goals[%d]: type %q is not something a goal counts (%s)", i, g.Type, strings.Join(GoalTypes, ", "))
		}
		if g.ID == "" {
			g.ID = g.Type
		}
		if !goalID.MatchString(g.ID) {
			errAt(p+".id", "overlays.goals[%d]: id %q may only contain a-z, digits and _ (at most 32), as it goes into /overlay/goal?id=%s and the trigger goal_%s_reached", i, g.ID, g.ID, g.ID)
		}
		if j, dup := seen[g.ID]; dup {
			errAt(p, "overlays.goals[%d]: id %q is already used by overlays.goals[%d]; give each goal its own id", i, g.ID, j)
		}
		seen[g.ID] = i
		if g.InitialGoal < 0 {
			errAt(p+".initial_goal", "overlays.goals[%d].initial_goal must be a positive number", i)
		}
		if m := g.Multiplier; m != nil && (*m < 0 || *m > 100) {
			errAt(p+".multiplier", "overlays.goals[%d].multiplier must be 0 (start from zero at each goal), 1 (raise the goal by initial_goal) or 2 to 100 (multiply the goal)", i)
		}
		if g.Label != nil && utf8.RuneCountInString(*g.Label) > 100 {
			errAt(p+".label", "overlays.goals[%d].label must be at most 100 characters", i)
		}
		goals = append(goals, g)
	}
	c.Overlays.Goals = goals
}
