package tikcraft

import "time"

// Conditions gate the firings of one actions-file rule; they are written in
// brackets after its trigger ("command tnt[cooldown=30s, followers]:").
// The engine evaluates them with the event's time, so replays stay
// deterministic. The zero value lets everything through.
type Conditions struct {
	// Cooldown is the least time between two firings of the rule.
	Cooldown time.Duration
	// UserCooldown is the least time between two firings of the rule for
	// the same viewer.
	UserCooldown time.Duration
	// Audience filters: the viewer must be each of these.
	Followers   bool
	Subscribers bool
	Moderators  bool
	TopGifter   bool  // the stream's top gifter by diamonds so far
	MinCoins    int64 // has sent at least this many diamonds this stream
}

// IsZero reports whether c lets every firing through at once.
func (c Conditions) IsZero() bool { return c == Conditions{} }
