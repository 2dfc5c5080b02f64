package tiktok2mc

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Tiktok2Mc 0.4 renamed config.yaml's keys to snake_case (rcon.port,
// tiktok.user, like_goal.triggers...), and 1.0 kept that layout, moving
// the comment commands to data/comment_commands.yaml and the plugins'
// settings to plugins/*/config.yaml (files.go reads those).

// Layouts of config.yaml.
const (
	Layout0x = "0.x" // CamelCase keys (RCON.Port, TikTok.User, Gifts.like_triggers)
	Layout10 = "1.0" // snake_case keys (rcon.port, tiktok.user, like_goal.triggers), Tiktok2Mc 0.4 to 1.0
)

// Defaults of Tiktok2Mc 0.4+ where a key is missing.
const (
	defaultTimerPort = 29189
	defaultDeathPort = 29190
	defaultWinPort   = 29191
	defaultAPIPort   = 29185 // 1.0 serves every plugin here: /api/v1/plugins/NAME/command
)

// Why each snake_case part of config.yaml is left behind.
var snakeReasons = map[string]string{
	"config_version":       "Tiktok2Mc's own file version",
	"auto_update_config":   "Tiktok2Mc's own updater",
	"update":               "Tiktok2Mc's own updater",
	"show_sudo_warning":    "a warning of Tiktok2Mc's Linux launcher",
	"server_host":          "where Tiktok2Mc's own web servers listened; tikcraft's dashboard and overlays listen on web.listen (this computer only by default)",
	"control_method":       "tikcraft does not control streaming software (OBS, TikTok LIVE Studio)",
	"shutdown":             "tikcraft does not shut anything down when the LIVE ends: it waits for the next LIVE (stop it with Ctrl+C)",
	"java":                 "tikcraft does not start the Minecraft server: start it as you normally do",
	"console":              "Tiktok2Mc's launcher windows; tikcraft prints to the terminal (--quiet for less)",
	"gui":                  "Tiktok2Mc's dashboard; tikcraft has its own at web.listen (docs/WEB.md)",
	"minecraft_server_api": "a Tiktok2Mc server plugin; tikcraft needs only RCON (deaths come from Minecraft itself, docs/OVERLAYS.md)",
	"spotify":              "tikcraft does not control Spotify",
	"channel_points":       "tikcraft has no channel points (Tiktok2Mc 1.0 removed them too)",
	"theme":                "overlay colours of Tiktok2Mc's overlays; tikcraft's are overlays.style or the overlay URL's query parameters (docs/OVERLAYS.md)",
	"death_counter":        "a Tiktok2Mc overlay program; tikcraft serves /overlay/deaths itself (docs/OVERLAYS.md)",
	"win_counter":          "a Tiktok2Mc overlay program; tikcraft serves /overlay/wins itself (docs/OVERLAYS.md)",
	"api_key":              "protects Tiktok2Mc's API; tikcraft's dashboard has its own token (tikcraft web-token)",
	"plugin_sandbox":       "Tiktok2Mc's plugin processes; tikcraft runs no plugins",
	"outbound":             "Tiktok2Mc's outbound webhooks; write $http rules in actions.mca for what should call a web address (docs/ACTIONS.md)",
	"chatbot":              "tikcraft does not post in the TikTok chat",
	"language":             "Tiktok2Mc's GUI language",
}

// snakeKey reads one top-level item of a snake_case config.yaml into c. It
// reports whether key belongs to Tiktok2Mc (a known section).
func (c *Config) snakeKey(name, key string, v any) (bool, error) {
	m := mapOf(v)
	switch key {
	case "rcon":
		if _, ok := m["address"]; ok {
			return false, fmt.Errorf("%s is a tikcraft.yaml (rcon.address), not a Tiktok2Mc config.yaml: there is nothing to migrate", name)
		}
		c.Layout = Layout10
		if err := c.rcon(name, "rcon", m, "port", "password", "enabled"); err != nil {
			return true, err
		}
	case "tiktok":
		if _, ok := m["sign_server"]; ok {
			return false, fmt.Errorf("%s is a tikcraft.yaml (tiktok.sign_server), not a Tiktok2Mc config.yaml: there is nothing to migrate", name)
		}
		c.Layout = Layout10
		if v, ok := m["user"]; ok && v != nil {
			c.User = strings.TrimSpace(fmt.Sprint(v))
		}
		c.reconnectDelay("tiktok.reconnect_delay_seconds", m["reconnect_delay_seconds"])
		if ft := mapOf(m["follow_tracking"]); ft != nil {
			if mode, ok := ft["mode"]; ok && mode != nil {
				c.FollowTracking = strings.ToLower(strings.TrimSpace(fmt.Sprint(mode)))
			}
			c.keys("tiktok.follow_tracking.", ft, []string{"mode"}, map[string]string{"file": "tikcraft keeps the followers it remembers in its data_dir"})
		}
		if v, ok := m["like_triggers"]; ok {
			ts, err := likeTriggers(name, "tiktok.like_triggers", v)
			if err != nil {
				return true, err
			}
			c.LikeTriggers = append(c.LikeTriggers, ts...)
		}
		c.keys("tiktok.", m, []string{"user", "reconnect_delay_seconds", "follow_tracking", "like_triggers"}, map[string]string{"autosave_interval_seconds": revenueWhy})
	case "like_triggers":
		ts, err := likeTriggers(name, "like_triggers", v)
		if err != nil {
			return true, err
		}
		c.LikeTriggers = append(c.LikeTriggers, ts...)
	case "like_goal":
		c.Layout = Layout10
		if v, ok := m["triggers"]; ok {
			ts, err := likeTriggers(name, "like_goal.triggers", v)
			if err != nil {
				return true, err
			}
			c.LikeTriggers = append(c.LikeTriggers, ts...)
		}
		c.likeGoal10(m, "like_goal")
		c.overlayPort("LikeGoal", m["port"])
		c.keys("like_goal.", m, append(likeGoal10.read(), "triggers"), map[string]string{
			"enabled": shownWhy("/overlay/likegoal"),
			"port":    portWhy("like goal", "/overlay/likegoal"),
		})
	case "random_triggers":
		c.Random = randomPool(m, "config.yaml random_triggers")
	case "comment_commands":
		cc, err := commentCommands(name, "comment_commands", m)
		if err != nil {
			return true, err
		}
		cc.From = "config.yaml comment_commands" + cc.oneGroup()
		c.Comments = cc
	case "overlay":
		// Tiktok2Mc 1.0 made the alerts overlay part of its core, reading
		// this section (with overlay_text's keys) in place of overlay_text
		// and the overlaytxt plugin (notRead).
		c.Layout = Layout10
		c.overlayText(m, overlayCore, overlayText10)
		c.keys("overlay.", m, overlayText10.read(), overlayTextLeft())
	case "overlay_text":
		if c.overlayCore {
			c.notRead("overlay_text.", m)
			break
		}
		c.overlayText(m, "config.yaml overlay_text", overlayText10)
		c.overlayPort("Overlaytxt", m["port"])
		c.keys("overlay_text.", m, overlayText10.read(), overlayTextLeft())
	case "timer":
		c.timerStart("timer.start_time", m["start_time"], 60, "minutes")
		c.overlayPort("Timer", m["port"])
		c.keys("timer.", m, []string{"start_time"}, map[string]string{
			"enabled": shownWhy("/overlay/timer"),
			"port":    portWhy("timer", "/overlay/timer"),
			"theme":   themeWhy,
		})
	case "death_counter", "win_counter":
		c.overlayPort(map[string]string{"death_counter": "DeathCounter", "win_counter": "WinCounter"}[key], m["port"])
		c.Unused = append(c.Unused, Unused{key, snakeReasons[key]})
	default:
		why, ok := snakeReasons[key]
		if !ok {
			return false, nil
		}
		c.Unused = append(c.Unused, Unused{key, why})
	}
	return true, nil
}

// likeGoalKeys name the keys of a like goal section as its file writes
// them: 0.x's LikeGoal, or 1.0's like_goal and likegoal plugin.
type likeGoalKeys struct{ enabled, text, initial, multiplier string }

var (
	likeGoal0x = likeGoalKeys{"Enable", "DisplayText", "InitialGoal", "GoalMultiplier"}
	likeGoal10 = likeGoalKeys{"enabled", "display_text", "initial_goal", "goal_multiplier"}
)

// read are the keys a like goal section's goal is read from.
func (k likeGoalKeys) read() []string { return []string{k.text, k.initial, k.multiplier} }

// likeGoal reads a like goal section over the defaults in g, whose From
// names the section, and makes it c.LikeGoal: g.Keys gets the keys the
// goal was read from; a value that is not a whole number is listed as
// left. One read later (the plugin's) supersedes the earlier, which is
// listed as left.
func (c *Config) likeGoal(m map[string]any, k likeGoalKeys, g *LikeGoal) {
	if v, ok := m[k.enabled].(bool); ok {
		g.Enable = v
	}
	if v, ok := m[k.text]; ok && v != nil {
		g.DisplayText = fmt.Sprint(v)
		g.Keys = append(g.Keys, k.text)
	}
	for _, f := range []struct {
		key string
		dst *int64
	}{{k.initial, &g.InitialGoal}, {k.multiplier, &g.GoalMultiplier}} {
		if m[f.key] == nil {
			continue
		}
		if n, err := intOf(m[f.key]); err == nil {
			*f.dst = n
			g.Keys = append(g.Keys, f.key)
		} else {
			c.Unused = append(c.Unused, Unused{g.From + " " + f.key, fmt.Sprintf("%v is not a whole number; overlays.likegoal keeps its default", m[f.key])})
		}
	}
	if old := c.LikeGoal; old != nil && len(old.Keys) > 0 {
		c.Unused = append(c.Unused, Unused{old.From + " " + strings.Join(old.Keys, ", "), "superseded by " + g.From})
	}
	c.LikeGoal = g
}

// likeGoal10 reads 1.0's like goal (config.yaml like_goal, or the likegoal
// plugin's config.yaml, where names it) when it sets the goal.
func (c *Config) likeGoal10(m map[string]any, where string) {
	if m["display_text"] == nil && m["initial_goal"] == nil && m["goal_multiplier"] == nil {
		return
	}
	c.likeGoal(m, likeGoal10, &LikeGoal{Enable: true, DisplayText: "Like Goal", InitialGoal: 100000, GoalMultiplier: 1, From: where})
}

// overlayCore is where Tiktok2Mc 1.0's core overlay reads the alerts'
// settings.
const overlayCore = "config.yaml overlay"

// notRead lists every key of m, an overlay_text section or the overlaytxt
// plugin's file (prefix names it), as not read: the Tiktok2Mc whose
// config.yaml has an overlay section reads the alerts' settings there.
func (c *Config) notRead(prefix string, m map[string]any) {
	const why = "the Tiktok2Mc that has overlay: does not read it"
	if len(m) == 0 {
		c.Unused = append(c.Unused, Unused{strings.TrimRight(prefix, ". "), why})
		return
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		c.Unused = append(c.Unused, Unused{prefix + k, why})
	}
}

// overlayTextLeft are the reasons the alerts overlay's other keys are left.
func overlayTextLeft() map[string]string {
	retry := "Tiktok2Mc's retries when its overlay program did not answer; tikcraft's overlays are part of tikcraft"
	return map[string]string{
		"enabled":   shownWhy("/overlay/alerts"),
		"port":      portWhy("overlay text", "/overlay/alerts"),
		"max_fails": retry,
		"cooldown":  retry,
		"theme":     themeWhy,
	}
}

// overlayTextKeys name the keys of the alerts' display settings as their
// file writes them: 0.x's Overlaytxt, or 1.0's overlay_text and overlaytxt
// plugin.
type overlayTextKeys struct{ mode, fadeIn, fadeOut, overlays string }

var (
	overlayText0x = overlayTextKeys{"DisplayMode", "FadeIn", "FadeOut", "Overlays"}
	overlayText10 = overlayTextKeys{"display_mode", "fade_in", "fade_out", "overlays"}
)

// read are the keys the alerts' display settings are read from.
func (k overlayTextKeys) read() []string { return []string{k.mode, k.fadeIn, k.fadeOut, k.overlays} }

// overlayText reads the alerts' display settings (where names the section,
// k its keys) into c.OverlayText: a setting read later (the overlaytxt
// plugin's) supersedes the same one read earlier (config.yaml's), which is
// listed as left; the named overlays of both are kept, as tikcraft needs
// none of them declared. With an overlay section (overlayCore), neither
// of the others is read.
func (c *Config) overlayText(m map[string]any, where string, k overlayTextKeys) {
	o := c.OverlayText
	if o == nil {
		o = &OverlayText{From: map[string]Source{}}
	}
	// set notes where the setting is read: a later one supersedes an
	// earlier.
	set := func(setting, key string) bool {
		if prev, ok := o.From[setting]; ok && prev.Where != where {
			c.Unused = append(c.Unused, Unused{prev.String(), "superseded by " + where + " " + key})
		}
		o.From[setting] = Source{where, key}
		return true
	}
	if v, ok := m[k.mode]; ok && v != nil && set("display_mode", k.mode) {
		o.DisplayMode = strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
	}
	for _, f := range []struct {
		setting, key string
		dst          **int64
	}{{"fade_in", k.fadeIn, &o.FadeIn}, {"fade_out", k.fadeOut, &o.FadeOut}} {
		if m[f.key] == nil {
			continue
		}
		n, err := intOf(m[f.key])
		if err != nil {
			c.Unused = append(c.Unused, Unused{where + " " + f.key, fmt.Sprintf("%v is not a number of milliseconds", m[f.key])})
			continue
		}
		if set(f.setting, f.key) {
			*f.dst = &n
		}
	}
	if list, ok := m[k.overlays].([]any); ok {
		for _, e := range list {
			n := mapOf(e)["name"]
			if n == nil {
				continue
			}
			// tikcraft's overlay names are lower case; default is its
			// /overlay/alerts.
			name := strings.ToLower(fmt.Sprint(n))
			if name != "default" && !slices.Contains(o.Overlays, name) {
				o.Overlays = append(o.Overlays, name)
			}
		}
		o.OverlaysFrom = append(o.OverlaysFrom, Source{where, k.overlays})
	} else if m[k.overlays] != nil {
		c.Unused = append(c.Unused, Unused{where + " " + k.overlays, fmt.Sprintf("%v is not a list of overlays ({name: ...})", m[k.overlays])})
	}
	if o.DisplayMode != "" || o.FadeIn != nil || o.FadeOut != nil || len(o.OverlaysFrom) > 0 {
		c.OverlayText = o
	}
}

// timerStart reads a timer's start (key names it, scale makes its unit
// seconds). One read later (the timer plugin's, in seconds) supersedes an
// earlier one (config.yaml's, in minutes), which is listed as left.
func (c *Config) timerStart(key string, v any, scale int64, unit string) {
	if v == nil {
		return
	}
	n, err := intOf(v)
	if err != nil || n <= 0 || n > math.MaxInt64/scale {
		c.Unused = append(c.Unused, Unused{key, fmt.Sprintf("%v is not a positive number of %s; the timer starts at tikcraft's default", v, unit)})
		return
	}
	if c.timerKey != "" {
		c.Unused = append(c.Unused, Unused{c.timerKey, "superseded by " + key})
	}
	c.TimerStart, c.TimerFrom, c.timerKey = n*scale, key+" ("+unit+")", key
}

// RandomPool is Tiktok2Mc's filter of $random: random_triggers (config.yaml)
// or hooks/random/config.yaml, {mode, triggers}. Tiktok2Mc 1.0's random
// hook takes mode deny-all as "the listed triggers are never picked" and
// any other mode (allow-all, allow-only) as "only the listed ones are".
// Tiktok2Mc 0.3's Gifts.random_included and random_exclude give Only and
// Never directly.
type RandomPool struct {
	Only, Never []string
	From        string // where it was read, for the report
}

func randomPool(m map[string]any, where string) *RandomPool {
	p := &RandomPool{From: where}
	mode := "deny-all"
	if v, ok := m["mode"]; ok && v != nil {
		mode = strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
	}
	list := stringList(m["triggers"])
	if mode == "deny-all" {
		p.Never = list
	} else {
		p.Only = list
	}
	return p
}

// stringList reads a YAML list of scalars (or one scalar).
func stringList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, e := range l {
			if e != nil {
				if s := strings.TrimSpace(fmt.Sprint(e)); s != "" {
					out = append(out, s)
				}
			}
		}
	case string:
		if s := strings.TrimSpace(l); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// CommentCommands are Tiktok2Mc's comment command groups: 1.0's
// data/comment_commands.yaml, 0.4's config.yaml comment_commands, or 0.3's
// CommentCommands (one group).
type CommentCommands struct {
	Enabled                bool
	Cooldown, UserCooldown int64 // seconds, across all groups
	Groups                 []CommentGroup
	From                   string // where it was read
	// Left are the keys beside the groups that Tiktok2Mc did not read,
	// with the reason ("prefix: ...").
	Left []string
}

// CommentGroup is one prefix of CommentCommands.
type CommentGroup struct {
	Enabled bool
	Prefix  string
	Roles   []string // all, moderator, superfan, fanclub
	// Mode deny-all: only Commands work; allow-all: all but Commands.
	Mode                   string
	Commands               []string
	PerCommand             []CommandConfig // commands_config, in file order
	Handler                string          // rcon, http or plugin
	URL                    string
	PluginName             string
	Cooldown, UserCooldown int64 // seconds
	TriggerComment         bool  // trigger_comment_event (default true)
	single                 bool  // the section itself, which has no groups
}

// CommandConfig is one entry of a group's commands_config.
type CommandConfig struct {
	Name                   string
	Roles                  []string
	Cooldown, UserCooldown *int64
	URL, Handler           string
	PointsCost             int64
	Conditional            bool
}

// oneGroup are the keys of 0.4's comment_commands without groups, read
// as its only group.
var oneGroup = []string{"prefix", "allowed_roles", "mode", "commands"}

// commentCommands reads a comment_commands section ({enabled, cooldown,
// user_cooldown, groups}). Without groups (missing or null), Tiktok2Mc 0.4
// to 1.0 read the section itself as one group: prefix (#), allowed_roles
// (moderator), mode (deny-all) and commands, its commands sent to
// Minecraft (oneGroup says so in From).
func commentCommands(name, where string, m map[string]any) (*CommentCommands, error) {
	cc := &CommentCommands{}
	if v, ok := m["enabled"].(bool); ok {
		cc.Enabled = v
	}
	cc.Cooldown, _ = intOf(m["cooldown"])
	cc.UserCooldown, _ = intOf(m["user_cooldown"])
	groups, _ := m["groups"].([]any)
	single := m["groups"] == nil
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		switch {
		case slices.Contains([]string{"enabled", "cooldown", "user_cooldown", "groups"}, k), single && slices.Contains(oneGroup, k):
		case slices.Contains(oneGroup, k):
			cc.Left = append(cc.Left, k+": Tiktok2Mc read it only when there are no groups")
		default:
			cc.Left = append(cc.Left, k+": not a Tiktok2Mc setting migrate knows")
		}
	}
	if single {
		g := map[string]any{}
		for _, k := range oneGroup {
			if v, ok := m[k]; ok {
				g[k] = v
			}
		}
		groups = []any{g}
	}
	for i, gv := range groups {
		g := mapOf(gv)
		if g == nil {
			return nil, fmt.Errorf("%s: %s.groups[%d] is not a mapping of prefix, allowed_roles, commands...", name, where, i)
		}
		cg := CommentGroup{Enabled: true, Prefix: "#", Mode: "deny-all", Handler: "rcon", TriggerComment: true}
		if v, ok := g["enabled"].(bool); ok {
			cg.Enabled = v
		}
		if v, ok := g["prefix"]; ok && v != nil {
			cg.Prefix = fmt.Sprint(v)
		}
		cg.Roles = lower(stringList(g["allowed_roles"]))
		if _, ok := g["allowed_roles"]; !ok {
			cg.Roles = []string{"moderator"}
		}
		if v, ok := g["mode"]; ok && v != nil {
			cg.Mode = strings.ToLower(fmt.Sprint(v))
		}
		cg.Commands = lower(stringList(g["commands"]))
		if v, ok := g["handler"]; ok && v != nil {
			cg.Handler = strings.ToLower(fmt.Sprint(v))
		}
		if v, ok := g["url"]; ok && v != nil {
			cg.URL = fmt.Sprint(v)
		}
		if v, ok := g["plugin_name"]; ok && v != nil {
			cg.PluginName = fmt.Sprint(v)
		}
		cg.Cooldown, _ = intOf(g["cooldown"])
		cg.UserCooldown, _ = intOf(g["user_cooldown"])
		if v, ok := g["trigger_comment_event"].(bool); ok {
			cg.TriggerComment = v
		}
		cg.PerCommand = commandConfigs(g["commands_config"])
		cg.single = single
		cc.Groups = append(cc.Groups, cg)
	}
	return cc, nil
}

// oneGroup names the keys the only group was read from, when the section
// has no groups.
func (cc *CommentCommands) oneGroup() string {
	if len(cc.Groups) == 1 && cc.Groups[0].single {
		return " (one group: " + strings.Join(oneGroup, ", ") + ")"
	}
	return ""
}

// commandConfigs reads commands_config: a mapping of command name to its
// overrides ({} or [] when empty).
func commandConfigs(v any) []CommandConfig {
	var out []CommandConfig
	for _, it := range orderedItems(v) {
		m := mapOf(it.value)
		if m == nil {
			continue
		}
		cfg := CommandConfig{Name: strings.ToLower(strings.TrimSpace(it.key)), Roles: lower(stringList(m["roles"]))}
		for key, dst := range map[string]**int64{"cooldown": &cfg.Cooldown, "user_cooldown": &cfg.UserCooldown} {
			if n, err := intOf(m[key]); err == nil && m[key] != nil {
				*dst = &n
			}
		}
		if v, ok := m["url"]; ok && v != nil {
			cfg.URL = fmt.Sprint(v)
		}
		if v, ok := m["handler"]; ok && v != nil {
			cfg.Handler = strings.ToLower(fmt.Sprint(v))
		}
		cfg.PointsCost, _ = intOf(m["points_cost"])
		cfg.Conditional, _ = m["conditional"].(bool)
		out = append(out, cfg)
	}
	return out
}

// legacyComments reads 0.3's CommentCommands section: one group with
// Prefix, AllowedRoles and a Whitelist and Blacklist.
func legacyComments(m map[string]any) *CommentCommands {
	cc := &CommentCommands{From: "config.yaml CommentCommands"}
	if v, ok := m["Enable"].(bool); ok {
		cc.Enabled = v
	}
	g := CommentGroup{Enabled: true, Prefix: "#", Mode: "deny-all", Handler: "rcon", TriggerComment: true}
	if v, ok := m["Prefix"]; ok && v != nil {
		g.Prefix = fmt.Sprint(v)
	}
	g.Roles = lower(stringList(m["AllowedRoles"]))
	white, black := lower(stringList(m["Whitelist"])), lower(stringList(m["Blacklist"]))
	switch {
	case len(white) > 0:
		for _, w := range white {
			if !contains(black, w) {
				g.Commands = append(g.Commands, w)
			}
		}
	default:
		g.Mode, g.Commands = "allow-all", black
	}
	cc.Groups = []CommentGroup{g}
	return cc
}

func lower(list []string) []string {
	for i, s := range list {
		list[i] = strings.ToLower(s)
	}
	return list
}

type item struct {
	key   string
	value any
}

// orderedItems returns a mapping's items in file order (a map's sorted).
func orderedItems(v any) []item {
	var out []item
	switch m := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, item{k, m[k]})
		}
	default:
		if ms, ok := asMapSlice(v); ok {
			for _, it := range ms {
				out = append(out, item{fmt.Sprint(it.Key), it.Value})
			}
		}
	}
	return out
}

// OverlayText are the alerts' display settings (overlay_text, or the
// overlaytxt plugin's config.yaml).
type OverlayText struct {
	DisplayMode     string // overwrite or queue
	FadeIn, FadeOut *int64 // ms
	// Overlays are the named overlays, lower case, without default (the
	// overlay without a name); OverlaysFrom where each overlays list was
	// read.
	Overlays     []string
	OverlaysFrom []Source
	// From says where each setting (display_mode, fade_in, fade_out) was
	// read.
	From map[string]Source
}

// Source is where a setting was read: the section or file, and the key as
// it writes it.
type Source struct{ Where, Key string }

func (s Source) String() string { return s.Where + " " + s.Key }

// sources names where the given settings were read, for the report:
// "config.yaml overlay_text display_mode, fade_in; plugins/overlaytxt/config.yaml fade_out".
func (o *OverlayText) sources(settings ...string) string {
	var order []string
	by := map[string][]string{}
	for _, k := range settings {
		if src, ok := o.From[k]; ok {
			if by[src.Where] == nil {
				order = append(order, src.Where)
			}
			by[src.Where] = append(by[src.Where], src.Key)
		}
	}
	var out []string
	for _, w := range order {
		out = append(out, w+" "+strings.Join(by[w], ", "))
	}
	return strings.Join(out, "; ")
}
