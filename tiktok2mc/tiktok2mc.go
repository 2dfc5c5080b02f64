// Package tiktok2mc reads the setup of Tiktok2Mc, the Python tool tikcraft
// replaces, and converts it (Convert) into tikcraft.yaml and actions.mca for
// `tikcraft migrate`. It reads both layouts: 0.x (CamelCase config.yaml,
// http_actions.txt) and 0.4 to 1.0 (snake_case config.yaml,
// data/comment_commands.yaml, data/event_commands.yaml,
// data/shell_actions.txt, hooks/random/config.yaml, plugins/*/config.yaml).
//
// Only what tikcraft can use is carried over; the report names every file
// read and the rest with the reason it is left behind.
package tiktok2mc

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/tikcraft/tikcraft/actions"
)

// DefaultPassword is the RCON password Tiktok2Mc ships with.
const DefaultPassword = "ABC1234"

// Config is what tikcraft can use from a Tiktok2Mc setup: its config.yaml,
// and the files of a 1.0 folder that Convert reads into it.
type Config struct {
	Layout string // Layout0x or Layout10
	User   string // TikTok.User
	// RCONPort and RCONPassword are RCON.Port and RCON.Password (Port 0:
	// not set). Tiktok2Mc always talks to localhost.
	RCONPort     int
	RCONPassword string
	RCONEnable   *bool // RCON.Enable (nil: not set)
	// ReconnectDelay is TikTok.ReconnectDelaySeconds (0: not set).
	ReconnectDelay int
	LikeTriggers   []LikeTrigger // Gifts.like_triggers, like_goal.triggers
	LikeGoal       *LikeGoal     // the LikeGoal section, if any
	// FollowTracking is tiktok.follow_tracking.mode: all_time or
	// per_stream ("": not set).
	FollowTracking string
	Random         *RandomPool      // $random's filter, if any
	Comments       *CommentCommands // the comment command groups, if any
	OverlayText    *OverlayText     // the alerts' display settings, if any
	// TimerStart is the timer's start in seconds (0: not set), read from
	// TimerFrom.
	TimerStart int64
	TimerFrom  string
	timerKey   string // the key TimerStart was read from
	// TimerAutoWin and TimerPauseOnDeath are the 0.4+ timer plugin's
	// auto_win and pause_on_death (nil: not set); WinsOnDeath its win
	// counter's decrement_on_death.
	TimerAutoWin, TimerPauseOnDeath, WinsOnDeath *bool
	timerPlugin                                  string // where the flags were read
	// overlayCore: config.yaml has 1.0's overlay section, so the Tiktok2Mc
	// it is for reads neither overlay_text nor the overlaytxt plugin.
	overlayCore bool
	// Events are data/event_commands.yaml's mappings, in file order.
	Events []EventCommand
	// OverlayPorts are the Port of each overlay section (Timer,
	// WinCounter, DeathCounter, Overlaytxt) and Gifts.LIKE_GOAL_PORT (as
	// "LikeGoal"), so that migrate can tell which overlay an
	// http_actions.txt line calls.
	OverlayPorts map[string]int
	// Unused lists the settings left behind, in file order.
	Unused []Unused
}

// LikeTrigger is one entry of Gifts.like_triggers; the fields are those of
// tikcraft's likes.triggers.
type LikeTrigger struct {
	ID       string
	Every    int64
	Function string
	Payload  string
	Enable   bool
	From     string // where it was read
	// skipped says why Tiktok2Mc skipped the rule when reading it ("": it
	// did not): its id was missing, blank or not text, or its function or
	// payload not text.
	skipped string
	// at is its position in its list (From), which names it in the report
	// when its id does not.
	at int
}

// LikeGoal is Tiktok2Mc's like goal overlay.
type LikeGoal struct {
	Enable         bool
	DisplayText    string
	InitialGoal    int64
	GoalMultiplier int64
	From           string   // where it was read: LikeGoal, like_goal, plugins/likegoal/config.yaml
	Keys           []string // the keys it was read from, for the report
}

// Unused is a setting migrate does not carry over.
type Unused struct {
	Key, Why string
}

// Why each part of Tiktok2Mc's config is left behind.
var sectionReasons = map[string]string{
	"config_version":     "Tiktok2Mc's own file version",
	"auto_update_config": "Tiktok2Mc's own updater",
	"Update":             "Tiktok2Mc's own updater",
	"control_method":     "tikcraft does not control streaming software (OBS, TikTok LIVE Studio)",
	"Java":               "tikcraft does not start the Minecraft server: start it as you normally do",
	"Console":            "Tiktok2Mc's launcher windows; tikcraft prints to the terminal (--quiet for less)",
	"GUI":                "Tiktok2Mc's web dashboard",
	"MinecraftServerAPI": "a Tiktok2Mc server plugin; tikcraft needs only RCON",
	"WinCounter":         "a Tiktok2Mc overlay program; tikcraft serves /overlay/wins itself (docs/OVERLAYS.md)",
	"Overlaytxt":         "a Tiktok2Mc overlay program; tikcraft serves /overlay/alerts itself (docs/OVERLAYS.md)",
	"Timer":              "a Tiktok2Mc overlay program; tikcraft serves /overlay/timer itself (overlays.timer in tikcraft.yaml)",
	"DeathCounter":       "a Tiktok2Mc overlay program; tikcraft serves /overlay/deaths itself (docs/OVERLAYS.md)",
}

func (c *Config) overlayPort(name string, v any) {
	if p, err := intOf(v); err == nil && v != nil && p > 0 && p <= 65535 {
		if c.OverlayPorts == nil {
			c.OverlayPorts = map[string]int{}
		}
		c.OverlayPorts[name] = int(p)
	}
}

// ParseConfig reads a Tiktok2Mc config.yaml. name is used in errors.
func ParseConfig(name string, b []byte) (*Config, error) {
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(b, &doc, yaml.UseOrderedMap()); err != nil {
		return nil, yamlError(name, err)
	}
	c := &Config{Layout: Layout0x}
	c.overlayCore = slices.ContainsFunc(doc, func(i yaml.MapItem) bool { return fmt.Sprint(i.Key) == "overlay" })
	seen := false
	for _, item := range doc {
		key := fmt.Sprint(item.Key)
		switch key {
		case "RCON":
			seen = true
			if err := c.rcon(name, "RCON", mapOf(item.Value), "Port", "Password", "Enable"); err != nil {
				return nil, err
			}
		case "TikTok":
			seen = true
			m := mapOf(item.Value)
			if v, ok := m["User"]; ok && v != nil {
				c.User = strings.TrimSpace(fmt.Sprint(v))
			}
			c.reconnectDelay("TikTok.ReconnectDelaySeconds", m["ReconnectDelaySeconds"])
			c.keys("TikTok.", m, []string{"User", "ReconnectDelaySeconds"}, nil)
		case "Gifts":
			seen = true
			m := mapOf(item.Value)
			if v, ok := m["like_triggers"]; ok {
				ts, err := likeTriggers(name, "Gifts.like_triggers", v)
				if err != nil {
					return nil, err
				}
				c.LikeTriggers = ts
			}
			only, never := stringList(m["random_included"]), stringList(m["random_exclude"])
			if len(only) > 0 || len(never) > 0 {
				c.Random = &RandomPool{Only: only, Never: never, From: "config.yaml Gifts.random_included and random_exclude"}
			}
			c.overlayPort("LikeGoal", m["LIKE_GOAL_PORT"])
			c.keys("Gifts.", m, []string{"like_triggers", "random_included", "random_exclude"}, map[string]string{
				"LIKE_GOAL_PORT":            portWhy("like goal", "/overlay/likegoal"),
				"autosave_interval_seconds": revenueWhy,
			})
		case "CommentCommands":
			seen = true
			c.Comments = legacyComments(mapOf(item.Value))
		case "LikeGoal":
			m := mapOf(item.Value)
			c.likeGoal(m, likeGoal0x, &LikeGoal{Enable: true, DisplayText: "Like Goal", InitialGoal: 100000, GoalMultiplier: 2, From: "LikeGoal"})
			c.keys("LikeGoal.", m, likeGoal0x.read(), map[string]string{"Enable": shownWhy("/overlay/likegoal"), "Port": portWhy("like goal", "/overlay/likegoal")})
		default:
			m := mapOf(item.Value)
			switch key {
			case "Timer", "WinCounter", "DeathCounter", "Overlaytxt":
				c.overlayPort(key, m["Port"])
			}
			switch key {
			case "Timer":
				c.timerStart("Timer.StartTime", m["StartTime"], 60, "minutes")
			case "Overlaytxt":
				c.overlayText(m, "config.yaml Overlaytxt", overlayText0x)
			}
			why, ok := sectionReasons[key]
			if ok {
				seen = true
				c.Unused = append(c.Unused, Unused{key, why})
				continue
			}
			known, err := c.snakeKey(name, key, item.Value)
			if err != nil {
				return nil, err
			}
			if known {
				seen = true
				continue
			}
			c.Unused = append(c.Unused, Unused{key, "not a Tiktok2Mc setting migrate knows"})
		}
	}
	if !seen {
		return nil, fmt.Errorf("%s does not look like a Tiktok2Mc config.yaml (it has none of rcon, tiktok, like_goal, RCON, TikTok, Gifts)", name)
	}
	if c.Layout == Layout10 {
		// 0.4+ ports, where config.yaml does not set them.
		for name, p := range map[string]int{"Timer": defaultTimerPort, "DeathCounter": defaultDeathPort, "WinCounter": defaultWinPort} {
			if c.OverlayPorts[name] == 0 {
				c.overlayPort(name, p)
			}
		}
	}
	return c, nil
}

// rcon reads the RCON section (0.x RCON, 1.0 rcon) by its keys' names.
func (c *Config) rcon(name, section string, m map[string]any, port, password, enable string) error {
	if v, ok := m[port]; ok {
		p, err := intOf(v)
		if err != nil || p <= 0 || p > 65535 {
			return fmt.Errorf("%s: %s.%s %v is not a port number", name, section, port, v)
		}
		c.RCONPort = int(p)
	}
	if v, ok := m[password]; ok && v != nil {
		c.RCONPassword = fmt.Sprint(v)
	}
	if v, ok := m[enable].(bool); ok {
		c.RCONEnable = &v
	}
	c.keys(section+".", m, []string{port, password, enable}, nil)
	return nil
}

// keys accounts for the keys of one section of a Tiktok2Mc file: those
// in read are the conversion's to report, those in left are listed as
// left behind with their reason, any other as a key migrate does not know.
// prefix names the section: "timer." in config.yaml, "plugins/timer/config.yaml "
// for a plugin's file.
func (c *Config) keys(prefix string, m map[string]any, read []string, left map[string]string) {
	var ks []string
	for k := range m {
		if !contains(read, k) {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	for _, k := range ks {
		why, ok := left[k]
		if !ok {
			why = "not a Tiktok2Mc setting migrate knows"
		}
		c.Unused = append(c.Unused, Unused{prefix + k, why})
	}
}

// Why the settings of Tiktok2Mc's overlay programs are left behind.
const themeWhy = "colours of Tiktok2Mc's overlay; tikcraft's are overlays.style or the overlay URL's query parameters (docs/OVERLAYS.md)"

// shownWhy is why an overlay's on/off switch is left: page is tikcraft's.
func shownWhy(page string) string {
	return "tikcraft always serves " + page + "; it shows where you add that page to OBS as a browser source (docs/OVERLAYS.md)"
}

// portWhy is why an overlay program's port is left: page is tikcraft's.
func portWhy(what, page string) string {
	return "the port of Tiktok2Mc's " + what + " program; tikcraft serves " + page + " from its own web server (web.listen), and a call to that port in a shell command becomes a $ action"
}

// reconnectDelay reads TikTok.ReconnectDelaySeconds (key names it).
func (c *Config) reconnectDelay(key string, v any) {
	if v == nil {
		return
	}
	if n, err := intOf(v); err == nil && n > 0 && n < 86400 {
		c.ReconnectDelay = int(n)
		return
	}
	c.Unused = append(c.Unused, Unused{key, fmt.Sprintf("%v is not a number of seconds from 1 to 86399; tikcraft waits its default before it looks for the LIVE again", v)})
}

// revenueWhy is why autosave_interval_seconds is left.
const revenueWhy = "Tiktok2Mc's revenue log; tikcraft logs every event in its data_dir (tikcraft report)"

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func likeTriggers(name, where string, v any) ([]LikeTrigger, error) {
	list, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %s is not a list", name, where)
	}
	var out []LikeTrigger
	for i, e := range list {
		m := mapOf(e)
		if m == nil {
			return nil, fmt.Errorf("%s: %s[%d] is not a mapping of id, every, function, payload and enabled", name, where, i)
		}
		t := LikeTrigger{Enable: true, From: where}
		if v, ok := m["id"]; ok && v != nil {
			t.ID = fmt.Sprint(v)
		}
		// Tiktok2Mc took a rule only with an id that is text and not
		// blank, and a function and payload that are text.
		id, idText := m["id"].(string)
		switch {
		case m["id"] == nil:
			t.skipped = "it has no id"
		case !idText:
			t.skipped = fmt.Sprintf("its id is %v, not text", m["id"])
		case strings.TrimSpace(id) == "":
			t.skipped = "its id is blank"
		}
		for _, k := range []string{"function", "payload"} {
			if v, ok := m[k]; ok && t.skipped == "" {
				if _, text := v.(string); !text {
					t.skipped = fmt.Sprintf("its %s is %s, not text", k, cmp.Or(fmt.Sprint(v), "empty"))
					if v == nil {
						t.skipped = fmt.Sprintf("its %s is empty (null), not text", k)
					}
				}
			}
		}
		t.at = i
		every, err := intOf(m["every"])
		if err != nil || every <= 0 {
			return nil, fmt.Errorf("%s: %s[%d].every is %v, not a positive number of likes", name, where, i, m["every"])
		}
		t.Every = every
		if v, ok := m["function"]; ok && v != nil {
			t.Function = fmt.Sprint(v)
		}
		if t.Function == "" {
			return nil, fmt.Errorf("%s: %s[%d] has no function", name, where, i)
		}
		if v, ok := m["payload"]; ok && v != nil {
			t.Payload = fmt.Sprint(v)
		}
		// 0.x wrote enable, 0.4+ enabled.
		for _, k := range []string{"enable", "enabled"} {
			switch v := m[k].(type) {
			case bool:
				t.Enable = v
			case string:
				t.Enable = slices.Contains([]string{"true", "1", "yes", "on"}, strings.ToLower(v))
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func asMapSlice(v any) (yaml.MapSlice, bool) {
	m, ok := v.(yaml.MapSlice)
	return m, ok
}

// mapOf turns a decoded YAML mapping into a map with string keys.
func mapOf(v any) map[string]any {
	switch m := v.(type) {
	case yaml.MapSlice:
		out := make(map[string]any, len(m))
		for _, it := range m {
			out[fmt.Sprint(it.Key)] = it.Value
		}
		return out
	case map[string]any:
		return m
	}
	return nil
}

// intOf reads a whole number the way Tiktok2Mc's YAML library does:
// numbers, and text with underscores such as "100_000".
func intOf(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case uint64:
		if n > math.MaxInt64 {
			return 0, errors.New("too large")
		}
		return int64(n), nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, errors.New("not a whole number")
		}
		return int64(n), nil
	case string:
		return strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(n), "_", ""), 10, 64)
	}
	return 0, fmt.Errorf("%v is not a number", v)
}

var yamlPos = regexp.MustCompile(`^\[(\d+):(\d+)\] `)

// yamlError words the YAML parser's err about the file name as the
// streamer reads it: name:line:col first, the parser's first line, and
// what to do. A tab is named: it is invisible in the message.
func yamlError(name string, err error) error {
	s := strings.SplitN(err.Error(), "\n", 2)[0]
	where := name
	if m := yamlPos.FindStringSubmatch(s); m != nil {
		where = fmt.Sprintf("%s:%s:%s", name, m[1], m[2])
		s = s[len(m[0]):]
	}
	s = strings.ReplaceAll(s, "\t", "a tab")
	hint := "fix that line (Tiktok2Mc could not have read it either), then run migrate again"
	if strings.Contains(s, "a tab") {
		hint = "YAML indents with spaces only: replace the tab with spaces, then run migrate again"
	}
	return fmt.Errorf("%s: not valid YAML: %s; %s", where, s, hint)
}

// TriggerName is how Tiktok2Mc matches a trigger: lower case, spaces as
// "_", anything but a-z, 0-9, "_" and "-" dropped. tikcraft also turns "-"
// into "_" (its triggers have no "-"; names match ignoring "_" anyway).
// A name that names no rule the way tikcraft matches names
// (actions.Normalize: "_" alone) is "".
func TriggerName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ', r == '-':
			b.WriteByte('_')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		}
	}
	if actions.Normalize(b.String()) == "" {
		return ""
	}
	return b.String()
}
