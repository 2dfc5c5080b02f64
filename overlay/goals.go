package overlay

import (
	"strings"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/recent"
)

// What a goal counts (overlays.goals[].type).
const (
	GoalFollowers   = "followers"   // viewers who followed, each once per LIVE
	GoalShares      = "shares"      // shares of the LIVE
	GoalSubscribers = "subscribers" // subscriptions
	GoalDiamonds    = "diamonds"    // diamonds of the gifts, a streak when it ends
	GoalLikes       = "likes"       // the LIVE's likes, counted like the like goal
)

// PartGoals resets every goal; "goal:ID" (GoalPart) resets one.
const PartGoals = "goals"

// GoalPart is the part name that resets one goal.
func GoalPart(id string) string { return "goal:" + id }

// GoalTrigger is the rule a goal fires each time it is reached:
// goal_ID_reached (goal_followers_reached).
func GoalTrigger(id string) string { return "goal_" + id + "_reached" }

// GoalConfig is one progress bar of overlays.goals, at
// /overlay/goal?id=ID.
type GoalConfig struct {
	ID, Type string
	// Initial, Multiplier and Label work as the like goal's do; zero
	// Initial and empty Label take the type's defaults.
	Initial    int64
	Multiplier int64
	Label      string
}

// goalDefaults are each type's first goal and label.
var goalDefaults = map[string]struct {
	initial int64
	label   string
}{
	GoalFollowers:   {10, "Follower goal"},
	GoalShares:      {10, "Share goal"},
	GoalSubscribers: {5, "Subscriber goal"},
	GoalDiamonds:    {1000, "Diamond goal"},
	GoalLikes:       {DefaultInitialGoal, DefaultLabel},
}

// DefaultGoal returns a goal of type typ with its defaults (multiplier 2,
// as the like goal's).
func DefaultGoal(id, typ string) GoalConfig {
	d := goalDefaults[typ]
	return GoalConfig{ID: id, Type: typ, Initial: d.initial, Multiplier: DefaultMultiplier, Label: d.label}
}

// goal is one goal's state. Its bar reuses the like goal's step and
// multiply logic, fed with this goal's running total.
type goal struct {
	cfg GoalConfig
	bar *LikeGoal
	// offset, for likes, is subtracted from the session's like total, as
	// Manager.goalOffset is for the like goal.
	offset int64
}

// goals are the configured goals, in config order.
type goals struct {
	list []*goal
	// followed holds who followed this LIVE, so that a viewer who
	// follows again after an unfollow counts once.
	followed *recent.IDs
}

const maxFollowersTracked = 10000

func newGoals(cfgs []GoalConfig) *goals {
	gs := &goals{followed: recent.New(maxFollowersTracked)}
	for _, c := range cfgs {
		d := goalDefaults[c.Type]
		if c.Initial <= 0 {
			c.Initial = d.initial
		}
		if c.Label == "" {
			c.Label = d.label
		}
		gs.list = append(gs.list, &goal{cfg: c, bar: NewLikeGoal(LikeGoalConfig{Initial: c.Initial, Multiplier: c.Multiplier, Label: c.Label})})
	}
	return gs
}

func (gs *goals) byID(id string) *goal {
	for _, g := range gs.list {
		if g.cfg.ID == id {
			return g
		}
	}
	return nil
}

// event counts ev toward the goals; likes is the session's like total
// after ev. It returns whether a bar moved and the triggers to fire.
func (gs *goals) event(ev tikcraft.Event, likes int64) (changed bool, fire []string) {
	var typ string
	var n int64
	switch e := ev.(type) {
	case *tikcraft.FollowEvent:
		if !gs.firstFollow(&e.User) {
			return false, nil
		}
		typ, n = GoalFollowers, 1
	case *tikcraft.ShareEvent:
		typ, n = GoalShares, 1
	case *tikcraft.SubscribeEvent:
		typ, n = GoalSubscribers, 1
	case *tikcraft.GiftEvent:
		if e.Streaking() {
			return false, nil
		}
		typ, n = GoalDiamonds, max(e.Gift.Diamonds, 0)*min(e.Count(), 1_000_000)
	case *tikcraft.LikeEvent:
		typ = GoalLikes
	default:
		return false, nil
	}
	for _, g := range gs.list {
		if g.cfg.Type != typ {
			continue
		}
		total := g.bar.Likes + n
		if typ == GoalLikes {
			total = likes - g.offset
		}
		if total <= g.bar.Likes {
			continue
		}
		changed = true
		for range min(g.bar.Set(total), maxFiresPerUpdate) {
			fire = append(fire, GoalTrigger(g.cfg.ID))
		}
	}
	return changed, fire
}

func (gs *goals) firstFollow(u *tikcraft.User) bool {
	key := u.Key()
	return key == "" || gs.followed.Add(key)
}

// reset starts g again from zero; likes is the session's like total now.
func (g *goal) reset(likes int64) {
	g.bar.Reset()
	if g.cfg.Type == GoalLikes {
		g.offset = likes
	}
}

// newLive starts a new LIVE: the room's like total starts again, so a
// like goal that is kept goes on from where it was; who followed is
// forgotten.
func (gs *goals) newLive() {
	for _, g := range gs.list {
		if g.cfg.Type == GoalLikes {
			g.offset = -g.bar.Likes
		}
	}
	gs.followed.Reset()
}

// goalSaved is one goal in the saved state.
type goalSaved struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Total   int64  `json:"total"`
	Base    int64  `json:"base"`
	Goal    int64  `json:"goal"`
	Reached int64  `json:"reached"`
	Offset  int64  `json:"offset,omitempty"`
}

func (gs *goals) save() []goalSaved {
	var out []goalSaved
	for _, g := range gs.list {
		out = append(out, goalSaved{ID: g.cfg.ID, Type: g.cfg.Type, Total: g.bar.Likes, Base: g.bar.Base, Goal: g.bar.Goal, Reached: g.bar.Reached, Offset: g.offset})
	}
	return out
}

// restore takes back the saved goals that are still configured with the
// same type; a goal whose type changed starts from zero.
func (gs *goals) restore(saved []goalSaved) {
	for _, s := range saved {
		g := gs.byID(s.ID)
		if g == nil || g.cfg.Type != s.Type || s.Goal <= s.Base || s.Total < 0 {
			continue
		}
		g.bar.Likes, g.bar.Base, g.bar.Goal, g.bar.Reached = s.Total, s.Base, s.Goal, s.Reached
		g.offset = s.Offset
	}
}

// GoalView is one goal's bar, for /overlay/goal?id=ID.
type GoalView struct {
	Type    string `json:"type"`
	Label   string `json:"label"`
	Have    int64  `json:"have"`  // toward the current goal
	Need    int64  `json:"need"`  // what the current goal needs
	Total   int64  `json:"total"` // counted so far
	Goal    int64  `json:"goal"`  // the total that reaches the current goal
	Reached int64  `json:"reached"`
}

func (gs *goals) view() map[string]GoalView {
	out := make(map[string]GoalView, len(gs.list))
	for _, g := range gs.list {
		have, need := g.bar.Progress()
		out[g.cfg.ID] = GoalView{Type: g.cfg.Type, Label: g.bar.Label(), Have: have, Need: need, Total: g.bar.Likes, Goal: g.bar.Goal, Reached: g.bar.Reached}
	}
	return out
}

// isGoalPart reports whether part names goals: "goals", or "goal:ID" of
// a configured goal.
func (gs *goals) isGoalPart(part string) bool {
	if part == PartGoals {
		return true
	}
	id, ok := strings.CutPrefix(part, "goal:")
	return ok && gs.byID(id) != nil
}

// resetPart resets what part names; likes is the session's like total.
func (gs *goals) resetPart(part string, likes int64) {
	for _, g := range gs.list {
		if part == PartGoals || part == GoalPart(g.cfg.ID) {
			g.reset(likes)
		}
	}
}

// IDs are the configured goals' ids, in config order.
func (gs *goals) IDs() []string {
	out := make([]string, 0, len(gs.list))
	for _, g := range gs.list {
		out = append(out, g.cfg.ID)
	}
	return out
}

// GoalIDs are the ids of overlays.goals, in config order.
func (m *Manager) GoalIDs() []string { return m.goals.IDs() }

// goalParts are the part names of the single goals, for messages.
func (m *Manager) goalParts() []string {
	var out []string
	for _, id := range m.goals.IDs() {
		out = append(out, GoalPart(id))
	}
	return out
}
