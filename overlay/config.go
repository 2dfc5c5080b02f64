// Package overlay keeps the state behind the OBS overlays (docs/OVERLAYS.md):
// the alert queue, the like goal, the challenge timer, the death and win
// counters, the event feed and the top gifters. Each part is a small state
// machine that takes the time as an input, so that tests are deterministic;
// Manager puts them together, applies the overlay actions ($timer, $wins,
// $deaths, >>alerts) delivered to it as a tikcraft.Sink, watches the events
// and saves what must survive a restart.
package overlay

import "time"

// Alert display modes.
const (
	// ModeQueue shows every alert for its full time, one after the other.
	ModeQueue = "queue"
	// ModeOverwrite replaces the alert on screen with the newest at once.
	ModeOverwrite = "overwrite"
)

// Parts that can be reset (tikcraft reset, the dashboard, a new LIVE).
const (
	PartTimer    = "timer"
	PartWins     = "wins"
	PartDeaths   = "deaths"
	PartLikeGoal = "likegoal"
	PartFeed     = "feed"
	PartTop      = "top"
)

// Parts lists every part that can be reset, in the order docs name them
// (PartGoals is every goal of overlays.goals; GoalPart names one).
func Parts() []string {
	return []string{PartTimer, PartWins, PartDeaths, PartLikeGoal, PartFeed, PartTop, PartGoals}
}

// Triggers the overlays fire as rules of the actions file.
const (
	TriggerTimerEnd        = "timer_end"
	TriggerLikeGoalReached = "likegoal_reached"
)

// Config is what the overlays do. Zero values are replaced by the defaults
// (Defaults), except where a field says otherwise.
type Config struct {
	Alerts   AlertsConfig
	LikeGoal LikeGoalConfig
	Timer    TimerConfig
	Feed     FeedConfig
	Top      TopConfig
	// NewLiveReset lists the parts a new LIVE (a stream end, then a
	// start) resets.
	NewLiveReset []string
	// Goals are the progress bars of overlays.goals (goals.go).
	Goals []GoalConfig
}

// AlertsConfig tunes /overlay/alerts.
type AlertsConfig struct {
	Mode     string // ModeQueue or ModeOverwrite
	MaxQueue int    // alerts waiting at most; a flood drops the oldest
	FadeIn   time.Duration
	FadeOut  time.Duration
}

// LikeGoalConfig tunes /overlay/likegoal.
type LikeGoalConfig struct {
	Initial int64 // the first goal, in likes
	// Multiplier: 0 starts again from zero at each goal, 1 raises the goal
	// by Initial, 2 or more multiplies it.
	Multiplier int64
	Label      string
}

// TimerConfig tunes /overlay/timer.
type TimerConfig struct {
	Start        time.Duration
	ResetOnDeath bool
	WinOnEnd     bool
}

// FeedConfig tunes /overlay/feed.
type FeedConfig struct {
	Size  int
	Kinds []string // event types shown: gift, follow, share, subscribe, chat, like, join
}

// TopConfig tunes /overlay/top.
type TopConfig struct {
	Size int
}

// Defaults of Config.
const (
	DefaultMaxQueue     = 10
	DefaultFade         = 300 * time.Millisecond
	DefaultInitialGoal  = 1000
	DefaultMultiplier   = 2
	DefaultLabel        = "Like goal"
	DefaultTimerStart   = 10 * time.Minute
	DefaultFeedSize     = 6
	DefaultTopSize      = 5
	MaxFeedSize         = 50
	MaxTopSize          = 20
	maxGiftersTracked   = 1000
	maxFiresPerUpdate   = 10 // like goals reached by one like message that fire the trigger
	seenRing            = 4096
	defaultAlertSeconds = 3
)

// DefaultFeedKinds are the events /overlay/feed shows unless configured.
func DefaultFeedKinds() []string { return []string{"gift", "follow", "share", "subscribe"} }

// DefaultNewLiveReset is what a new LIVE resets unless configured: the
// session's parts, not the running tallies of wins and deaths.
func DefaultNewLiveReset() []string {
	return []string{PartTimer, PartLikeGoal, PartFeed, PartTop, PartGoals}
}

// Defaults returns the configuration with every default filled in.
func Defaults() Config {
	return Config{
		Alerts:       AlertsConfig{Mode: ModeQueue, MaxQueue: DefaultMaxQueue, FadeIn: DefaultFade, FadeOut: DefaultFade},
		LikeGoal:     LikeGoalConfig{Initial: DefaultInitialGoal, Multiplier: DefaultMultiplier, Label: DefaultLabel},
		Timer:        TimerConfig{Start: DefaultTimerStart, ResetOnDeath: true, WinOnEnd: true},
		Feed:         FeedConfig{Size: DefaultFeedSize, Kinds: DefaultFeedKinds()},
		Top:          TopConfig{Size: DefaultTopSize},
		NewLiveReset: DefaultNewLiveReset(),
	}
}

// fill replaces values that cannot work by the defaults.
func (c Config) fill() Config {
	d := Defaults()
	if c.Alerts.Mode != ModeOverwrite {
		c.Alerts.Mode = ModeQueue
	}
	if c.Alerts.MaxQueue <= 0 {
		c.Alerts.MaxQueue = d.Alerts.MaxQueue
	}
	c.Alerts.FadeIn, c.Alerts.FadeOut = max(c.Alerts.FadeIn, 0), max(c.Alerts.FadeOut, 0)
	if c.LikeGoal.Initial <= 0 {
		c.LikeGoal.Initial = d.LikeGoal.Initial
	}
	c.LikeGoal.Multiplier = max(c.LikeGoal.Multiplier, 0)
	if c.Timer.Start <= 0 {
		c.Timer.Start = d.Timer.Start
	}
	if c.Feed.Size <= 0 {
		c.Feed.Size = d.Feed.Size
	}
	c.Feed.Size = min(c.Feed.Size, MaxFeedSize)
	if c.Feed.Kinds == nil {
		c.Feed.Kinds = d.Feed.Kinds
	}
	if c.Top.Size <= 0 {
		c.Top.Size = d.Top.Size
	}
	c.Top.Size = min(c.Top.Size, MaxTopSize)
	if c.NewLiveReset == nil {
		c.NewLiveReset = d.NewLiveReset
	}
	return c
}
