package overlay

// LikeGoal is the progress bar toward a like goal, fed with the session's
// like total (counted like the like rules count it). Progress says what
// the bar shows.
type LikeGoal struct {
	cfg LikeGoalConfig
	// Likes is the like total the goal counts.
	Likes int64 `json:"likes"`
	// Base is where the current goal's bar starts: 0, except with
	// multiplier 0, where each goal starts from zero again.
	Base int64 `json:"base"`
	// Goal is the like total that reaches the current goal.
	Goal int64 `json:"goal"`
	// Reached counts the goals reached.
	Reached int64 `json:"reached"`
}

// NewLikeGoal returns a goal at zero likes.
func NewLikeGoal(cfg LikeGoalConfig) *LikeGoal {
	g := &LikeGoal{cfg: Config{LikeGoal: cfg}.fill().LikeGoal}
	g.Reset()
	return g
}

// Reset starts again from zero likes and the first goal.
func (g *LikeGoal) Reset() {
	g.Likes, g.Base, g.Goal, g.Reached = 0, 0, g.cfg.Initial, 0
}

// Progress returns the bar's value and its end: likes of the current goal
// so far, and the likes it needs.
func (g *LikeGoal) Progress() (have, need int64) {
	return min(g.Likes, g.Goal) - g.Base, g.Goal - g.Base
}

// Label is the text shown with the bar.
func (g *LikeGoal) Label() string { return g.cfg.Label }

// Set moves the like total to total (it never goes back) and returns how
// many goals that reached.
func (g *LikeGoal) Set(total int64) int64 {
	if total <= g.Likes {
		return 0
	}
	g.Likes = total
	var n int64
	initial := g.cfg.Initial
	switch m := g.cfg.Multiplier; {
	case g.Likes < g.Goal:
	case m == 0:
		// Each goal starts from zero: the likes past a goal count toward
		// the next.
		n = (g.Likes - g.Base) / initial
		g.Base += n * initial
		g.Goal = g.Base + initial
	case m == 1:
		n = (g.Likes-g.Goal)/initial + 1
		g.Goal += n * initial
	default:
		for g.Likes >= g.Goal {
			n++
			if g.Goal > (1<<62)/m {
				g.Goal = 1 << 62 // no total gets there
				break
			}
			g.Goal *= m
		}
	}
	g.Reached += n
	return n
}

// likeCounter turns like messages into the session's like total the way
// the engine does for the like rules (engine/likes.go): the room's running
// total when TikTok sends one, measured from the first total seen; the
// sum of the counts otherwise.
type likeCounter struct {
	Session     int64 `json:"session"`
	Baseline    int64 `json:"baseline"`
	HasBaseline bool  `json:"has_baseline"`
}

func (c *likeCounter) add(count, total int64) int64 {
	count = max(count, 0)
	if total > 0 {
		if !c.HasBaseline {
			c.Baseline = total - count - c.Session
			c.HasBaseline = true
		}
		if t := total - c.Baseline; t > c.Session {
			c.Session = t
		}
	} else {
		c.Session += count
	}
	return c.Session
}
