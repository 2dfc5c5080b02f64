package tiktok2mc

import (
	"fmt"
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
		if v, ok := m["reconnect_delay_seconds"]; ok {
			if n, err := intOf(v); err == nil && n > 0 && n < 86400 {
				c.ReconnectDelay = int(n)
			}
		}
		if ft := mapOf(m["follow_tracking"]); ft != nil {
			if mode, ok := ft["mode"]; ok && mode != nil {
				c.FollowTracking = strings.ToLower(strings.TrimSpace(fmt.Sprint(mode)))
			}
			if _, ok := ft["file"]; ok {
				c.Unused = append(c.Unused, Unused{"tiktok.follow_tracking.file", "tikcraft keeps the followers it remembers in its data_dir"})
			}
		}
		if v, ok := m["like_triggers"]; ok {
			ts, err := likeTriggers(name, "tiktok.like_triggers", v)
			if err != nil {
				return true, err
			}
			c.LikeTriggers = append(c.LikeTriggers, ts...)
		}
		if _, ok := m["autosave_interval_seconds"]; ok {
			c.Unused = append(c.Unused, Unused{"tiktok.autosave_interval_seconds", "Tiktok2Mc's revenue log; tikcraft logs every event in its data_dir (tikcraft report)"})
		}
		c.unusedKeys("tiktok", m, "user", "reconnect_delay_seconds", "follow_tracking", "like_triggers", "autosave_interval_seconds")
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
		c.likeGoal(m, "like_goal")
		if p, ok := m["port"]; ok {
			c.overlayPort("LikeGoal", p)
			c.Unused = append(c.Unused, Unused{"like_goal.port", "the port of Tiktok2Mc's like goal overlay; tikcraft serves /overlay/likegoal from its own web server"})
		}
		c.unusedKeys("like_goal", m, "triggers", "enabled", "display_text", "initial_goal", "goal_multiplier", "port")
	case "random_triggers":
		c.Random = randomPool(m, "config.yaml random_triggers")
	case "comment_commands":
		cc, err := commentCommands(name, "comment_commands", m)
		if err != nil {
			return true, err
		}
		cc.From = "config.yaml comment_commands"
		c.Comments = cc
	case "overlay_text":
		c.overlayText(m, "config.yaml overlay_text")
		c.overlayPort("Overlaytxt", m["port"])
		c.unusedKeys("overlay_text", m, "display_mode", "fade_in", "fade_out", "overlays", "enabled", "port", "max_fails", "cooldown")
	case "timer":
		if n, err := intOf(m["start_time"]); err == nil && m["start_time"] != nil && n > 0 {
			c.TimerStart, c.TimerFrom = n*60, "timer.start_time (minutes)"
		}
		c.overlayPort("Timer", m["port"])
		c.unusedKeys("timer", m, "start_time", "port", "enabled")
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

// likeGoal reads a like goal section (config.yaml like_goal, or the 0.4+
// likegoal plugin's config.yaml) when it sets the goal.
func (c *Config) likeGoal(m map[string]any, where string) {
	if m["display_text"] == nil && m["initial_goal"] == nil && m["goal_multiplier"] == nil {
		return
	}
	g := &LikeGoal{Enable: true, DisplayText: "Like Goal", InitialGoal: 100000, GoalMultiplier: 1, From: where}
	if v, ok := m["enabled"].(bool); ok {
		g.Enable = v
	}
	if v, ok := m["display_text"]; ok && v != nil {
		g.DisplayText = fmt.Sprint(v)
	}
	if n, err := intOf(m["initial_goal"]); err == nil && m["initial_goal"] != nil {
		g.InitialGoal = n
	}
	if n, err := intOf(m["goal_multiplier"]); err == nil && m["goal_multiplier"] != nil {
		g.GoalMultiplier = n
	}
	c.LikeGoal = g
}

// overlayText reads the alerts' display settings.
func (c *Config) overlayText(m map[string]any, where string) {
	o := &OverlayText{From: where}
	if v, ok := m["display_mode"]; ok && v != nil {
		o.DisplayMode = strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
	}
	for key, dst := range map[string]**int64{"fade_in": &o.FadeIn, "fade_out": &o.FadeOut} {
		if n, err := intOf(m[key]); err == nil && m[key] != nil {
			*dst = &n
		}
	}
	if list, ok := m["overlays"].([]any); ok {
		for _, e := range list {
			if n := mapOf(e)["name"]; n != nil {
				o.Overlays = append(o.Overlays, fmt.Sprint(n))
			}
		}
	}
	if o.DisplayMode != "" || o.FadeIn != nil || o.FadeOut != nil || len(o.Overlays) > 0 {
		c.OverlayText = o
	}
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

func commentCommands(name, where string, m map[string]any) (*CommentCommands, error) {
	cc := &CommentCommands{}
	if v, ok := m["enabled"].(bool); ok {
		cc.Enabled = v
	}
	cc.Cooldown, _ = intOf(m["cooldown"])
	cc.UserCooldown, _ = intOf(m["user_cooldown"])
	groups, _ := m["groups"].([]any)
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
		cc.Groups = append(cc.Groups, cg)
	}
	return cc, nil
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
	Overlays        []string
	From            string
}
