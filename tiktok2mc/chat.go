package tiktok2mc

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
)

// Tiktok2Mc's comment command groups become chat_commands (docs/CONFIG.md).

// chatRoles maps Tiktok2Mc's roles to tikcraft's.
var chatRoles = map[string]string{"all": "everyone", "moderator": "moderators", "superfan": "subscribers", "fanclub": "fan_club"}

// placeholderRE finds {name} in a URL.
var placeholderRE = regexp.MustCompile(`\{[A-Za-z0-9_]+\}`)

// chatGroup is one group as tikcraft.yaml writes it.
type chatGroup struct {
	prefix, handler, url   string
	roles, commands        []string
	cooldown, userCooldown int64
	noComment              bool
	from                   string
}

// chatCommands writes chat_commands: from the comment command groups.
// Groups that are off stay off: when the whole feature was off
// (enabled: false, Tiktok2Mc's default) the section is written commented
// out, so that no viewer can run a command the streamer had not allowed.
func (m *converter) chatCommands(b *strings.Builder) {
	cc := m.t2m.Comments
	if cc == nil {
		return
	}
	for _, l := range cc.Left {
		m.left = append(m.left, strings.TrimSuffix(cc.From, cc.oneGroup())+" "+l)
	}
	var groups []chatGroup
	for i, g := range cc.Groups {
		where := fmt.Sprintf("%s group %d (%s)", cc.From, i+1, g.Prefix)
		groups = append(groups, m.chatGroup(where, g)...)
	}
	if len(groups) == 0 {
		if len(cc.Groups) == 0 {
			m.left = append(m.left, cc.From+": no command groups")
		}
		return
	}
	var s strings.Builder
	fmt.Fprintf(&s, "chat_commands:   # %s\n", cc.From)
	if cc.Cooldown > 0 {
		fmt.Fprintf(&s, "  cooldown: %ds\n", min(cc.Cooldown, 86400))
	}
	if cc.UserCooldown > 0 {
		fmt.Fprintf(&s, "  user_cooldown: %ds\n", min(cc.UserCooldown, 86400))
	}
	s.WriteString("  groups:\n")
	var names []string
	for _, g := range groups {
		fmt.Fprintf(&s, "    - prefix: %s\n      roles: [%s]\n      commands: [%s]\n", strconv.Quote(g.prefix), strings.Join(g.roles, ", "), strings.Join(g.commands, ", "))
		if g.handler == "http" {
			fmt.Fprintf(&s, "      handler: http\n      url: %s\n", strconv.Quote(g.url))
		}
		if g.cooldown > 0 {
			fmt.Fprintf(&s, "      cooldown: %ds\n", min(g.cooldown, 86400))
		}
		if g.userCooldown > 0 {
			fmt.Fprintf(&s, "      user_cooldown: %ds\n", min(g.userCooldown, 86400))
		}
		if g.noComment {
			s.WriteString("      comment_rule: false\n")
		}
		names = append(names, fmt.Sprintf("%s%s for %s", g.prefix, strings.Join(g.commands, ", "+g.prefix), strings.Join(g.roles, ", ")))
	}
	b.WriteString("\n")
	if !cc.Enabled {
		b.WriteString("# Tiktok2Mc's comment commands were off (enabled: false). Remove the # of the\n# lines below to let viewers use them.\n")
		for _, l := range strings.SplitAfter(strings.TrimSuffix(s.String(), "\n"), "\n") {
			b.WriteString("# " + l)
		}
		b.WriteString("\n")
		m.carried = append(m.carried, "chat_commands, written commented out because they were off in Tiktok2Mc (enabled: false): "+strings.Join(names, "; ")+" ("+cc.From+")")
		return
	}
	b.WriteString(s.String())
	m.carried = append(m.carried, "chat_commands: "+strings.Join(names, "; ")+" ("+cc.From+")")
}

// chatGroup converts one group; per-command settings (commands_config)
// become groups of their own, ahead of the group, as tikcraft runs a
// command in the first group that lists it.
func (m *converter) chatGroup(where string, g CommentGroup) []chatGroup {
	if !g.Enabled {
		m.left = append(m.left, where+": the group was off (enabled: false)")
		return nil
	}
	switch {
	case g.Handler == "plugin":
		m.left = append(m.left, where+": it sent the commands to the Tiktok2Mc plugin "+g.PluginName+"; tikcraft runs no plugins")
		return nil
	case g.Mode == "allow-all":
		m.left = append(m.left, fmt.Sprintf("%s: mode allow-all let viewers run every command but %s; tikcraft runs only the commands a group lists, so write the ones you want into chat_commands", where, orNone(g.Commands)))
		return nil
	case g.Mode != "deny-all":
		m.left = append(m.left, fmt.Sprintf("%s: mode %q is neither deny-all nor allow-all", where, g.Mode))
		return nil
	}
	if p := g.Prefix; !config.ChatPrefixOK(p) {
		m.left = append(m.left, fmt.Sprintf("%s: the prefix %q is not 1 to 3 signs such as # or $", where, p))
		return nil
	}
	base := chatGroup{prefix: g.Prefix, cooldown: g.Cooldown, userCooldown: g.UserCooldown, noComment: !g.TriggerComment, from: where}
	if !m.chatRoles(where, g.Roles, &base.roles) {
		return nil
	}
	if g.Handler == "http" {
		url, ok := m.chatURL(where, g.URL)
		if !ok {
			return nil
		}
		base.handler, base.url = "http", url
	} else if g.Handler != "rcon" {
		m.left = append(m.left, fmt.Sprintf("%s: handler %q is neither rcon nor http", where, g.Handler))
		return nil
	}
	var own []chatGroup
	taken := map[string]bool{}
	for _, pc := range g.PerCommand {
		if !slices.Contains(g.Commands, pc.Name) {
			m.left = append(m.left, fmt.Sprintf("%s: commands_config %s: not in the group's commands, so Tiktok2Mc never ran it", where, pc.Name))
			continue
		}
		if pc.PointsCost > 0 {
			m.left = append(m.left, fmt.Sprintf("%s: commands_config %s points_cost %d: tikcraft has no channel points, so it costs nothing", where, pc.Name, pc.PointsCost))
		}
		if pc.Conditional {
			m.left = append(m.left, fmt.Sprintf("%s: commands_config %s conditional: tikcraft's cooldown starts whatever the answer", where, pc.Name))
		}
		if pc.Roles == nil && pc.Cooldown == nil && pc.UserCooldown == nil && pc.URL == "" && pc.Handler == "" {
			continue
		}
		sub := base
		sub.commands = []string{pc.Name}
		sub.from = where + " commands_config " + pc.Name
		if pc.Roles != nil && !m.chatRoles(sub.from, pc.Roles, &sub.roles) {
			taken[pc.Name] = true
			continue
		}
		if pc.Cooldown != nil {
			sub.cooldown = *pc.Cooldown
		}
		if pc.UserCooldown != nil {
			sub.userCooldown = *pc.UserCooldown
		}
		handler, url := g.Handler, g.URL
		if pc.Handler != "" {
			handler = pc.Handler
		}
		if pc.URL != "" {
			url = pc.URL
		}
		switch handler {
		case "http":
			u, ok := m.chatURL(sub.from, url)
			if !ok {
				taken[pc.Name] = true
				continue
			}
			sub.handler, sub.url = "http", u
		case "rcon":
			sub.handler, sub.url = "", ""
		default:
			m.left = append(m.left, fmt.Sprintf("%s: handler %q is neither rcon nor http", sub.from, handler))
			taken[pc.Name] = true
			continue
		}
		if sub.handler != "http" && slices.Contains(actions.ChatRunsOthers, pc.Name) {
			taken[pc.Name] = true
			continue // reported below with the group's
		}
		own = append(own, sub)
		taken[pc.Name] = true
	}
	for _, c := range g.Commands {
		if base.handler != "http" && slices.Contains(actions.ChatRunsOthers, c) {
			m.left = append(m.left, fmt.Sprintf("%s: the command %s runs other commands, so a viewer could run anything with it; tikcraft does not allow it in chat commands", where, c))
			continue
		}
		if !validChatCommand(c) {
			m.left = append(m.left, fmt.Sprintf("%s: %q is not one command name", where, c))
			continue
		}
		if !taken[c] {
			base.commands = append(base.commands, c)
		}
	}
	if len(base.commands) > 0 {
		own = append(own, base)
	} else if len(own) == 0 {
		m.left = append(m.left, where+": no command left to run")
	}
	return own
}

func validChatCommand(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// chatRoles maps roles into dst; false (and reported) when none is left.
func (m *converter) chatRoles(where string, roles []string, dst *[]string) bool {
	*dst = nil
	for _, r := range roles {
		t, ok := chatRoles[r]
		if !ok {
			m.left = append(m.left, fmt.Sprintf("%s: role %q is not all, moderator, superfan or fanclub", where, r))
			continue
		}
		if !slices.Contains(*dst, t) {
			*dst = append(*dst, t)
		}
	}
	if len(*dst) == 0 {
		m.left = append(m.left, where+": no role may use it")
		return false
	}
	return true
}

// chatURL checks an http group's URL: Tiktok2Mc's {user} and {text} stay
// (tikcraft has both), its other placeholders ({spotify_port}) name
// Tiktok2Mc's own plugins. The host joins http.allow.
func (m *converter) chatURL(where, url string) (string, bool) {
	for _, p := range placeholderRE.FindAllString(url, -1) {
		if p != "{user}" && p != "{text}" {
			why := "its address holds " + p + ", a setting of Tiktok2Mc's own plugins"
			if strings.Contains(p, "spotify") {
				why = "it called Tiktok2Mc's Spotify plugin; tikcraft does not control Spotify"
			}
			m.left = append(m.left, where+": "+why)
			return "", false
		}
	}
	host, err := actions.CheckChatURL(url, []string{"*"})
	if err != nil && !strings.Contains(err.Error(), "http.allow") {
		m.left = append(m.left, fmt.Sprintf("%s: url: %v", where, err)) // not quoted: it may hold a password
		return "", false
	}
	if !slices.Contains(m.httpAllow, host) {
		m.httpAllow = append(m.httpAllow, host)
	}
	return url, true
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
