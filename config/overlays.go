package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// Overlays are the OBS overlays (docs/OVERLAYS.md). Every key is optional;
// Load fills in the defaults.
type Overlays struct {
	Alerts   OverlayAlerts   `yaml:"alerts"`
	LikeGoal OverlayLikeGoal `yaml:"likegoal"`
	Timer    OverlayTimer    `yaml:"timer"`
	Feed     OverlayFeed     `yaml:"feed"`
	Top      OverlayTop      `yaml:"top"`
	Style    OverlayStyle    `yaml:"style"`
	// NewLiveReset lists what a new LIVE (a stream end, then a start)
	// resets: timer, wins, deaths, likegoal, feed, top.
	NewLiveReset []string `yaml:"new_live_reset"`
	// Sounds is the folder the alert sounds are served from; default
	// "sounds" next to the config file.
	Sounds string `yaml:"sounds"`
	// Goals are progress bars for followers, shares, subscribers,
	// diamonds and likes (config/goals.go).
	Goals []OverlayGoal `yaml:"goals"`
}

// OverlayAlerts tunes /overlay/alerts.
type OverlayAlerts struct {
	DisplayMode string `yaml:"display_mode"` // queue (default) or overwrite
	MaxQueue    int    `yaml:"max_queue"`    // default 10
	FadeIn      *int   `yaml:"fade_in"`      // ms, default 300
	FadeOut     *int   `yaml:"fade_out"`     // ms, default 300
}

// OverlayLikeGoal tunes /overlay/likegoal.
type OverlayLikeGoal struct {
	InitialGoal int64   `yaml:"initial_goal"` // default 1000
	Multiplier  *int64  `yaml:"multiplier"`   // default 2
	Label       *string `yaml:"label"`        // default "Like goal"
}

// OverlayTimer tunes /overlay/timer.
type OverlayTimer struct {
	Start        Duration `yaml:"start"`          // default 10m
	ResetOnDeath *bool    `yaml:"reset_on_death"` // default true
	WinOnEnd     *bool    `yaml:"win_on_end"`     // default true
}

// OverlayFeed tunes /overlay/feed.
type OverlayFeed struct {
	Size  int      `yaml:"size"`  // default 6
	Kinds []string `yaml:"kinds"` // default gift, follow, share, subscribe
}

// OverlayTop tunes /overlay/top.
type OverlayTop struct {
	Size int `yaml:"size"` // default 5
}

// OverlayStyle is the overlays' default look; query parameters of each
// overlay URL override it.
type OverlayStyle struct {
	Font       string `yaml:"font"`       // default "Segoe UI, Roboto, Arial, sans-serif"
	Color      string `yaml:"color"`      // text colour, default #ffffff
	Accent     string `yaml:"accent"`     // bars and highlights, default #fe2c55
	Background string `yaml:"background"` // behind the text, default transparent
	Size       int    `yaml:"size"`       // font size in px, default 48
	Align      string `yaml:"align"`      // left, center (default) or right
}

// Overlay defaults that are not the overlay package's own.
const (
	DefaultOverlayFont       = "Segoe UI, Roboto, Arial, sans-serif"
	DefaultOverlayColor      = "#ffffff"
	DefaultOverlayAccent     = "#fe2c55"
	DefaultOverlayBackground = "transparent"
	DefaultOverlaySize       = 48
	DefaultOverlayAlign      = "center"
	DefaultSoundsDir         = "sounds"
)

var (
	cssColor = regexp.MustCompile(`^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20})$`)
	cssFont  = regexp.MustCompile(`^[A-Za-z0-9 ,_-]{1,100}$`)
)

// ValidColor reports whether s is a colour the overlays accept: #rgb,
// #rgba, #rrggbb, #rrggbbaa or a CSS colour name.
func ValidColor(s string) bool { return cssColor.MatchString(s) }

// ValidFont reports whether s is a font list the overlays accept: names
// of letters, digits, spaces, _ and -, separated by commas.
func ValidFont(s string) bool { return cssFont.MatchString(s) }

var overlayParts = []string{"timer", "wins", "deaths", "likegoal", "feed", "top", "goals"}
var feedKinds = []string{"gift", "follow", "share", "subscribe", "chat", "like", "join"}

// mergeOverlays validates and merges the overlays keys of one layer.
func (c *Config) mergeOverlays(l Layer, layer *Config, file *ast.File, errAt func(path, format string, args ...any)) {
	o, dst := layer.Overlays, &c.Overlays
	a := o.Alerts
	if m := a.DisplayMode; m != "" {
		if m != "queue" && m != "overwrite" {
			errAt("$.overlays.alerts.display_mode", "overlays.alerts.display_mode must be \"queue\" or \"overwrite\", not %q", m)
		}
		dst.Alerts.DisplayMode = m
	}
	if a.MaxQueue < 0 || a.MaxQueue > 1000 {
		errAt("$.overlays.alerts.max_queue", "overlays.alerts.max_queue must be from 1 to 1000")
	}
	merge(&dst.Alerts.MaxQueue, a.MaxQueue)
	for _, f := range []struct {
		name string
		v    *int
		dst  **int
	}{{"fade_in", a.FadeIn, &dst.Alerts.FadeIn}, {"fade_out", a.FadeOut, &dst.Alerts.FadeOut}} {
		if f.v == nil {
			continue
		}
		if *f.v < 0 || *f.v > 10000 {
			errAt("$.overlays.alerts."+f.name, "overlays.alerts.%s is in milliseconds, from 0 to 10000", f.name)
		}
		*f.dst = f.v
	}
	g := o.LikeGoal
	if g.InitialGoal < 0 {
		errAt("$.overlays.likegoal.initial_goal", "overlays.likegoal.initial_goal must be a positive number of likes")
	}
	merge(&dst.LikeGoal.InitialGoal, g.InitialGoal)
	if g.Multiplier != nil {
		if *g.Multiplier < 0 || *g.Multiplier > 100 {
			errAt("$.overlays.likegoal.multiplier", "overlays.likegoal.multiplier must be 0 (start from zero at each goal), 1 (raise the goal by initial_goal) or 2 to 100 (multiply the goal)")
		}
		dst.LikeGoal.Multiplier = g.Multiplier
	}
	if g.Label != nil {
		if utf8.RuneCountInString(*g.Label) > 100 {
			errAt("$.overlays.likegoal.label", "overlays.likegoal.label must be at most 100 characters")
		}
		dst.LikeGoal.Label = g.Label
	}
	tm := o.Timer
	if tm.Start != 0 && (tm.Start.D() < time.Second || tm.Start.D() > 24*time.Hour) {
		errAt("$.overlays.timer.start", "overlays.timer.start must be from 1s to 24h, e.g. 10m")
	}
	merge(&dst.Timer.Start, tm.Start)
	if tm.ResetOnDeath != nil {
		dst.Timer.ResetOnDeath = tm.ResetOnDeath
	}
	if tm.WinOnEnd != nil {
		dst.Timer.WinOnEnd = tm.WinOnEnd
	}
	if n := o.Feed.Size; n < 0 || n > 50 {
		errAt("$.overlays.feed.size", "overlays.feed.size must be from 1 to 50")
	}
	merge(&dst.Feed.Size, o.Feed.Size)
	if hasPath(file, "$.overlays.feed.kinds") {
		for i, k := range o.Feed.Kinds {
			if !slices.Contains(feedKinds, k) {
				errAt(fmt.Sprintf("$.overlays.feed.kinds[%d]", i), "overlays.feed.kinds: %q is not an event the feed can show (%s)", k, strings.Join(feedKinds, ", "))
			}
		}
		dst.Feed.Kinds = append([]string{}, o.Feed.Kinds...)
	}
	if n := o.Top.Size; n < 0 || n > 20 {
		errAt("$.overlays.top.size", "overlays.top.size must be from 1 to 20")
	}
	merge(&dst.Top.Size, o.Top.Size)
	if hasPath(file, "$.overlays.new_live_reset") {
		for i, p := range o.NewLiveReset {
			if !slices.Contains(overlayParts, p) {
				errAt(fmt.Sprintf("$.overlays.new_live_reset[%d]", i), "overlays.new_live_reset: %q is not an overlay (%s)", p, strings.Join(overlayParts, ", "))
			}
		}
		dst.NewLiveReset = append([]string{}, o.NewLiveReset...)
	}
	st := o.Style
	for _, f := range []struct{ key, v string }{{"color", st.Color}, {"accent", st.Accent}, {"background", st.Background}} {
		if f.v != "" && !ValidColor(f.v) {
			errAt("$.overlays.style."+f.key, "overlays.style.%s %q must be a colour such as #ffffff, #ff000080 or white", f.key, f.v)
		}
	}
	if st.Font != "" && !ValidFont(st.Font) {
		errAt("$.overlays.style.font", "overlays.style.font %q may hold only font names (letters, digits, spaces, _ -) separated by commas", st.Font)
	}
	if st.Size < 0 || st.Size > 400 {
		errAt("$.overlays.style.size", "overlays.style.size is the font size in px, from 8 to 400")
	}
	if a := st.Align; a != "" && a != "left" && a != "center" && a != "right" {
		errAt("$.overlays.style.align", "overlays.style.align must be left, center or right, not %q", a)
	}
	mergeString(&dst.Style.Font, st.Font)
	mergeString(&dst.Style.Color, st.Color)
	mergeString(&dst.Style.Accent, st.Accent)
	mergeString(&dst.Style.Background, st.Background)
	merge(&dst.Style.Size, st.Size)
	mergeString(&dst.Style.Align, st.Align)
	c.mergeGoals(layer, file, errAt)
	if s := o.Sounds; s != "" {
		if l.Dir != "" && !filepath.IsAbs(s) {
			s = filepath.Join(l.Dir, s)
		}
		dst.Sounds = s
	}
}

// overlayDefaults fills in what no layer set.
func (c *Config) overlayDefaults() {
	o := &c.Overlays
	if o.Alerts.DisplayMode == "" {
		o.Alerts.DisplayMode = "queue"
	}
	st := &o.Style
	mergeDefault(&st.Font, DefaultOverlayFont)
	mergeDefault(&st.Color, DefaultOverlayColor)
	mergeDefault(&st.Accent, DefaultOverlayAccent)
	mergeDefault(&st.Background, DefaultOverlayBackground)
	mergeDefault(&st.Align, DefaultOverlayAlign)
	if st.Size == 0 {
		st.Size = DefaultOverlaySize
	}
	if o.Sounds == "" {
		o.Sounds = filepath.Join(c.configDir, DefaultSoundsDir)
	}
}

func mergeDefault(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
