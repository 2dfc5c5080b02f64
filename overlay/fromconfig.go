package overlay

import (
	"time"

	"github.com/tikcraft/tikcraft/config"
)

// ConfigFrom is the overlays' configuration from the overlays keys of
// tikcraft.yaml; unset keys keep the defaults.
func ConfigFrom(c config.Overlays) Config {
	oc := Defaults()
	if c.Alerts.DisplayMode != "" {
		oc.Alerts.Mode = c.Alerts.DisplayMode
	}
	if c.Alerts.MaxQueue > 0 {
		oc.Alerts.MaxQueue = c.Alerts.MaxQueue
	}
	if c.Alerts.FadeIn != nil {
		oc.Alerts.FadeIn = time.Duration(*c.Alerts.FadeIn) * time.Millisecond
	}
	if c.Alerts.FadeOut != nil {
		oc.Alerts.FadeOut = time.Duration(*c.Alerts.FadeOut) * time.Millisecond
	}
	if c.LikeGoal.InitialGoal > 0 {
		oc.LikeGoal.Initial = c.LikeGoal.InitialGoal
	}
	if c.LikeGoal.Multiplier != nil {
		oc.LikeGoal.Multiplier = *c.LikeGoal.Multiplier
	}
	if c.LikeGoal.Label != nil {
		oc.LikeGoal.Label = *c.LikeGoal.Label
	}
	if c.Timer.Start > 0 {
		oc.Timer.Start = c.Timer.Start.D()
	}
	if c.Timer.ResetOnDeath != nil {
		oc.Timer.ResetOnDeath = *c.Timer.ResetOnDeath
	}
	if c.Timer.WinOnEnd != nil {
		oc.Timer.WinOnEnd = *c.Timer.WinOnEnd
	}
	if c.Feed.Size > 0 {
		oc.Feed.Size = c.Feed.Size
	}
	if c.Feed.Kinds != nil {
		oc.Feed.Kinds = c.Feed.Kinds
	}
	if c.Top.Size > 0 {
		oc.Top.Size = c.Top.Size
	}
	if c.NewLiveReset != nil {
		oc.NewLiveReset = c.NewLiveReset
	}
	for _, g := range c.Goals {
		gc := DefaultGoal(g.ID, g.Type)
		if g.InitialGoal > 0 {
			gc.Initial = g.InitialGoal
		}
		if g.Multiplier != nil {
			gc.Multiplier = *g.Multiplier
		}
		if g.Label != nil {
			gc.Label = *g.Label
		}
		oc.Goals = append(oc.Goals, gc)
	}
	return oc
}
