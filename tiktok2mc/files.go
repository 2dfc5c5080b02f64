package tiktok2mc

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// The other files of a Tiktok2Mc 1.0 folder, read into the Config.

// EventCommand is one mapping of data/event_commands.yaml: when Event is
// published, Target (a plugin) runs Command with Args.
type EventCommand struct {
	Event, Target, Command string
	Args                   map[string]any
}

func decodeYAML(name string, b []byte) (map[string]any, error) {
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(b, &doc, yaml.UseOrderedMap()); err != nil {
		return nil, yamlError(name, err)
	}
	return mapOf(doc), nil
}

// ReadCommentCommands reads data/comment_commands.yaml
// ({comment_commands: {enabled, cooldown, user_cooldown, groups}}).
func ReadCommentCommands(name string, b []byte) (*CommentCommands, error) {
	m, err := decodeYAML(name, b)
	if err != nil {
		return nil, err
	}
	inner := mapOf(m["comment_commands"])
	if inner == nil {
		return &CommentCommands{From: name}, nil
	}
	cc, err := commentCommands(name, "comment_commands", inner)
	if err != nil {
		return nil, err
	}
	cc.From = name + cc.oneGroup()
	return cc, nil
}

// ReadEventCommands reads data/event_commands.yaml ({event_commands:
// {EVENT: [{target, command, args}]}}).
func ReadEventCommands(name string, b []byte) ([]EventCommand, error) {
	m, err := decodeYAML(name, b)
	if err != nil {
		return nil, err
	}
	var out []EventCommand
	for _, ev := range orderedItems(m["event_commands"]) {
		list, ok := ev.value.([]any)
		if !ok {
			if ev.value != nil {
				return nil, fmt.Errorf("%s: event_commands.%s is not a list of {target, command, args}", name, ev.key)
			}
			continue
		}
		for i, e := range list {
			em := mapOf(e)
			if em == nil || em["target"] == nil || em["command"] == nil {
				return nil, fmt.Errorf("%s: event_commands.%s[%d] needs a target and a command", name, ev.key, i)
			}
			c := EventCommand{Event: ev.key, Target: strings.TrimSpace(fmt.Sprint(em["target"])), Command: strings.TrimSpace(fmt.Sprint(em["command"])), Args: map[string]any{}}
			for _, a := range orderedItems(em["args"]) {
				c.Args[a.key] = a.value
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// ReadRandomHook reads hooks/random/config.yaml ({mode, triggers}).
func ReadRandomHook(name string, b []byte) (*RandomPool, error) {
	m, err := decodeYAML(name, b)
	if err != nil {
		return nil, err
	}
	return randomPool(m, name), nil
}

// Why each of Tiktok2Mc's plugins is left behind (plugins/NAME/config.yaml;
// the timer, likegoal and overlaytxt plugins are read).
var pluginReasons = map[string]string{
	"deathcounter":  "tikcraft serves /overlay/deaths and counts Minecraft's deaths itself (docs/OVERLAYS.md)",
	"wincounter":    "tikcraft serves /overlay/wins itself (docs/OVERLAYS.md)",
	"spotify":       "tikcraft does not control Spotify",
	"channelpoints": "tikcraft has no channel points (Tiktok2Mc 1.0 removed them too)",
	"test":          "Tiktok2Mc's test plugin",
}

// ReadPlugin reads plugins/NAME/config.yaml into c: the timer's start (in
// seconds there), auto_win and pause_on_death, the like goal and its like
// triggers, the alerts' display settings, the win counter's
// decrement_on_death; other plugins are listed as left behind.
func (c *Config) ReadPlugin(name, plugin string, b []byte) error {
	m, err := decodeYAML(name, b)
	if err != nil {
		return err
	}
	where := "plugins/" + plugin + "/config.yaml"
	flag := func(key string) *bool {
		if v, ok := m[key].(bool); ok {
			return &v
		}
		return nil
	}
	switch strings.ToLower(plugin) {
	case "timer":
		c.timerStart(where+" start_time", m["start_time"], 1, "seconds")
		c.TimerAutoWin, c.TimerPauseOnDeath, c.timerPlugin = flag("auto_win"), flag("pause_on_death"), where
		c.keys(where+" ", m, []string{"start_time", "auto_win", "pause_on_death"}, map[string]string{
			"enabled": shownWhy("/overlay/timer"),
			"port":    portWhy("timer", "/overlay/timer"),
			"theme":   themeWhy,
		})
	case "likegoal":
		if v, ok := m["triggers"]; ok {
			ts, err := likeTriggers(name, where+" triggers", v)
			if err != nil {
				return err
			}
			c.pluginLikeTriggers(where+" triggers", ts)
		}
		c.likeGoal10(m, where)
		c.keys(where+" ", m, append(likeGoal10.read(), "triggers"), map[string]string{
			"enabled": shownWhy("/overlay/likegoal"),
			"port":    portWhy("like goal", "/overlay/likegoal"),
			"theme":   themeWhy,
		})
	case "overlaytxt":
		if c.overlayCore {
			c.notRead(where+" ", m)
			break
		}
		c.overlayText(m, where, overlayText10)
		c.keys(where+" ", m, overlayText10.read(), overlayTextLeft())
	case "wincounter":
		c.WinsOnDeath = flag("decrement_on_death")
		c.Unused = append(c.Unused, Unused{where, pluginReasons["wincounter"]})
	default:
		why, ok := pluginReasons[strings.ToLower(plugin)]
		if !ok {
			why = "a Tiktok2Mc plugin; tikcraft runs no plugins"
		}
		c.Unused = append(c.Unused, Unused{where, why})
	}
	return nil
}

// pluginLikeTriggers takes the likegoal plugin's triggers (where names
// them) when config.yaml has none. Each Tiktok2Mc version reads one of
// the two lists, and both together would run each function twice as
// often, so when config.yaml has some the plugin's are listed as left.
func (c *Config) pluginLikeTriggers(where string, ts []LikeTrigger) {
	if len(c.LikeTriggers) == 0 {
		c.LikeTriggers = ts
		return
	}
	if len(ts) == 0 {
		return
	}
	var names []string
	for _, t := range ts {
		names = append(names, fmt.Sprintf("%s (every %d likes runs %s)", cmp.Or(t.ID, "with no id"), t.Every, t.Function))
	}
	c.Unused = append(c.Unused, Unused{where, fmt.Sprintf("%s left out: the like rules of %s are carried over instead, as each Tiktok2Mc version reads one of the two lists and both would run their functions twice as often; if Tiktok2Mc ran these, put them into likes.triggers in place of those",
		strings.Join(names, ", "), c.LikeTriggers[0].From)})
}
