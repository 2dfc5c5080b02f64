package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOverlayKeys(t *testing.T) {
	c, diags, err := load(t, `
overlays:
  alerts: {display_mode: overwrite, max_queue: 3, fade_in: 0, fade_out: 500}
  likegoal: {initial_goal: 500, multiplier: 0, label: ""}
  timer: {start: 5m, reset_on_death: false, win_on_end: false}
  feed: {size: 4, kinds: [gift, chat]}
  top: {size: 3}
  style: {font: "Arial, sans-serif", color: "#ff0", accent: red, size: 32, align: left}
  new_live_reset: []
  sounds: sfx
`)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	o := c.Overlays
	if o.Alerts.DisplayMode != "overwrite" || o.Alerts.MaxQueue != 3 || *o.Alerts.FadeIn != 0 || *o.Alerts.FadeOut != 500 ||
		o.LikeGoal.InitialGoal != 500 || *o.LikeGoal.Multiplier != 0 || *o.LikeGoal.Label != "" ||
		o.Timer.Start.D() != 5*time.Minute || *o.Timer.ResetOnDeath || *o.Timer.WinOnEnd ||
		o.Feed.Size != 4 || strings.Join(o.Feed.Kinds, ",") != "gift,chat" || o.Top.Size != 3 ||
		o.Style.Font != "Arial, sans-serif" || o.Style.Color != "#ff0" || o.Style.Background != DefaultOverlayBackground ||
		o.NewLiveReset == nil || len(o.NewLiveReset) != 0 || o.Sounds != filepath.Join("/cfg", "sfx") {
		t.Fatalf("parsed wrong: %+v", o)
	}
	c, _, _ = load(t, "")
	if c.Overlays.Sounds != filepath.Join("/cfg", "sounds") || c.Overlays.Style.Size != DefaultOverlaySize || c.Overlays.Alerts.DisplayMode != "queue" || c.Overlays.NewLiveReset != nil {
		t.Fatalf("defaults wrong: %+v", c.Overlays)
	}
}

func TestOverlayErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"overlays:\n  alerts:\n    display_mode: stack\n", "tikcraft.yaml:3:19: error: overlays.alerts.display_mode must be"},
		{"overlays:\n  alerts:\n    fade_in: -1\n", "tikcraft.yaml:3:14: error: overlays.alerts.fade_in is in milliseconds"},
		{"overlays:\n  likegoal:\n    multiplier: -2\n", "tikcraft.yaml:3:17: error: overlays.likegoal.multiplier must be 0"},
		{"overlays:\n  timer:\n    start: 2d\n", "tikcraft.yaml:3:12: error: overlays.timer.start must be from 1s to 24h"},
		{"overlays:\n  feed:\n    kinds: [gift, dance]\n", "tikcraft.yaml:3:19: error: overlays.feed.kinds: \"dance\""},
		{"overlays:\n  new_live_reset: [timer, everything]\n", "tikcraft.yaml:2:27: error: overlays.new_live_reset: \"everything\""},
		{"overlays:\n  style:\n    color: \"red;background:url(x)\"\n", "tikcraft.yaml:3:12: error: overlays.style.color"},
		{"overlays:\n  style:\n    font: \"</style><script>\"\n", "tikcraft.yaml:3:11: error: overlays.style.font"},
		{"overlays:\n  stlye: {}\n", "tikcraft.yaml:2:3: error: unknown key \"stlye\""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, diags, err := load(t, tt.yaml)
			if err == nil {
				t.Fatal("no error")
			}
			for _, d := range diags {
				if strings.HasPrefix(d.String(), tt.want) {
					return
				}
			}
			t.Fatalf("want %s, got %v", tt.want, diags)
		})
	}
}
