package engine

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
)

// ChatCommands are chat commands with arguments (chat_commands in
// tikcraft.yaml, Tiktok2Mc's comment command groups).
type ChatCommands struct {
	// Cooldown and UserCooldown hold back the next command of anyone, or
	// of the same viewer, in any group.
	Cooldown, UserCooldown time.Duration
	Groups                 []ChatGroup
}

// ChatGroup is one prefix, the commands it allows and who may use them.
type ChatGroup struct {
	Prefix   string
	Roles    ChatRoles
	Commands []string // lower case, without the prefix
	// URL, when set, makes a web group: Method URL is called with the
	// values URL-escaped (actions.ChatRequest). Else Minecraft runs
	// "command args" over RCON.
	Method, URL            string
	Cooldown, UserCooldown time.Duration
	// NoCommentRule keeps the messages of this group from firing the
	// actions file's comment rule too.
	NoCommentRule bool
}

// ChatRoles are who may use a group: any of them will do.
type ChatRoles struct {
	Everyone, Followers, Subscribers, Moderators, FanClub bool
}

func (r ChatRoles) allow(u *tikcraft.User) bool {
	return r.Everyone || r.Followers && u.Follower || r.Subscribers && u.Subscriber ||
		r.Moderators && u.Moderator || r.FanClub && u.FanClub
}

func (r ChatRoles) String() string {
	var out []string
	for _, x := range []struct {
		on   bool
		name string
	}{{r.Everyone, "everyone"}, {r.Followers, "followers"}, {r.Subscribers, "subscribers"}, {r.Moderators, "moderators"}, {r.FanClub, "fan_club"}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return strings.Join(out, ", ")
}

// chatState is the chat commands' bookkeeping of one LIVE.
type chatState struct {
	next      time.Time       // earliest next command of anyone
	userNext  *lru[time.Time] // userKey → earliest next command of the viewer
	groupNext []time.Time     // per group
	groupUser *lru[time.Time] // group index + userKey → earliest next
	told      *lru[struct{}]  // viewer + reason already logged
}

func newChatState(cfg Config) chatState {
	return chatState{
		userNext:  newLRU[time.Time](cfg.MaxViewers),
		groupNext: make([]time.Time, len(cfg.Chat.Groups)),
		groupUser: newLRU[time.Time](cfg.MaxViewers),
		told:      newLRU[struct{}](cfg.MaxViewers),
	}
}

// chat handles a chat message: a chat command of chat_commands, the
// actions file's chat rule (command or keyword), and its comment rule,
// which fires for every message unless its group says otherwise.
func (e *Engine) chat(ev *tikcraft.ChatEvent) []tikcraft.Action {
	out, g := e.chatCommand(ev)
	source := "chat from " + ev.User.Name()
	if t := e.rules.MatchChat(ev.Text); t != "" {
		out = append(out, e.fire(t, &ev.User, Vars{Message: ev.Text}, 1, source, false)...)
	}
	if g == nil || !g.NoCommentRule {
		out = append(out, e.fire("comment", &ev.User, Vars{Message: ev.Text}, 1, source, false)...)
	}
	return out
}

// chatCommand runs a chat command: the first group with the message's
// prefix that lists the command and allows the viewer handles it. It
// returns the actions and the group whose prefix the message has (nil:
// none), even when nothing ran. A command not listed, from a viewer
// without the role, or with arguments ChatArgs refuses does nothing and
// is logged once per viewer; one held back by a cooldown is skipped.
func (e *Engine) chatCommand(ev *tikcraft.ChatEvent) ([]tikcraft.Action, *ChatGroup) {
	groups := e.cfg.Chat.Groups
	if len(groups) == 0 {
		return nil, nil
	}
	text := strings.TrimLeftFunc(ev.Text, unicode.IsSpace)
	var first *ChatGroup
	name, args := "", ""
	listed := false
	for i := range groups {
		g := &groups[i]
		rest, ok := strings.CutPrefix(text, g.Prefix)
		if !ok {
			continue
		}
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		word, a := rest, ""
		if j := strings.IndexFunc(rest, unicode.IsSpace); j >= 0 {
			word, a = rest[:j], rest[j:]
		}
		if word == "" {
			continue
		}
		if first == nil {
			first = g
		}
		name, args = strings.ToLower(word), a
		if !contains(g.Commands, name) {
			continue
		}
		listed = true
		if !g.Roles.allow(&ev.User) {
			continue
		}
		return e.runChatCommand(ev, i, g, name, args), g
	}
	switch {
	case first == nil:
	case listed:
		e.tellOnce(&ev.User, first.Prefix+name, "chat command not run: the viewer does not have a role that may use it", "command", first.Prefix+name, "roles", rolesOf(groups, name))
	default:
		// Keyed without the name: viewers can type any.
		e.tellOnce(&ev.User, "", "chat command not run: it is not on the list of chat_commands", "command", first.Prefix+clip(name, 32))
	}
	return nil, first
}

// runChatCommand checks the arguments and the cooldowns and returns the
// command's action.
func (e *Engine) runChatCommand(ev *tikcraft.ChatEvent, i int, g *ChatGroup, name, raw string) []tikcraft.Action {
	u := &ev.User
	args, err := actions.ChatArgs(raw)
	if err != nil {
		e.tellOnce(u, g.Prefix+name, "chat command not run: its arguments are refused", "command", g.Prefix+name, "error", err.Error())
		return nil
	}
	trigger := g.Prefix + name
	if !e.chatCooldown(i, g, u) {
		e.notRun(trigger, "a chat_commands cooldown holds it back", u, "chat from "+u.Name())
		return nil
	}
	a := tikcraft.Action{Kind: tikcraft.KindCommand, Trigger: trigger, User: actions.SanitizeUser(u.Name()), Source: "chat command from " + u.Name()}
	if g.URL != "" {
		a.Kind = tikcraft.KindHTTP
		a.Command = actions.ChatRequest(g.Method, g.URL, actions.ChatValues{User: u.Name(), Nickname: u.DisplayName(), Command: name, Args: args})
	} else {
		a.Command = name
		if args != "" {
			a.Command += " " + args
		}
		if len(a.Command) > actions.MaxCommandBytes {
			e.tellOnce(u, trigger, "chat command not run: it is longer than Minecraft accepts", "command", trigger)
			return nil
		}
	}
	e.log.Info("chat command", "command", trigger, "user", u.Name())
	return []tikcraft.Action{a}
}

// chatCooldown reports whether the cooldowns let a command of group i from
// u run now, and if so starts them.
func (e *Engine) chatCooldown(i int, g *ChatGroup, u *tikcraft.User) bool {
	s, now, k := &e.session.chat, e.now, userKey(u)
	gk := fmt.Sprint(i) + "\x00" + k
	if now.Before(s.next) || now.Before(s.groupNext[i]) {
		return false
	}
	if t, _ := s.userNext.get(k); now.Before(t) {
		return false
	}
	if t, _ := s.groupUser.get(gk); now.Before(t) {
		return false
	}
	cfg := e.cfg.Chat
	if cfg.Cooldown > 0 {
		s.next = now.Add(cfg.Cooldown)
	}
	if cfg.UserCooldown > 0 {
		s.userNext.put(k, now.Add(cfg.UserCooldown))
	}
	if g.Cooldown > 0 {
		s.groupNext[i] = now.Add(g.Cooldown)
	}
	if g.UserCooldown > 0 {
		s.groupUser.put(gk, now.Add(g.UserCooldown))
	}
	return true
}

// tellOnce logs why a chat command was not run, once per viewer, command
// (key: "" for one that is not configured, whose name a viewer chose) and
// msg; after the first, those of other viewers are counted once a minute
// (sayOnceAs), so a chat full of commands from new viewers cannot flood
// the log. What a viewer typed goes in attributes, never in msg.
func (e *Engine) tellOnce(u *tikcraft.User, key, msg string, args ...any) {
	k := userKey(u) + "\x00" + key + "\x00" + msg
	if _, told := e.session.chat.told.get(k); told {
		return
	}
	e.session.chat.told.put(k, struct{}{})
	e.sayOnceAs("chat\x00"+key+"\x00"+msg, slog.LevelInfo, msg, append([]any{"user", u.Name()}, args...)...)
}

func rolesOf(groups []ChatGroup, name string) string {
	var out []string
	for _, g := range groups {
		if contains(g.Commands, name) {
			out = append(out, g.Roles.String())
		}
	}
	return strings.Join(out, "; ")
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
