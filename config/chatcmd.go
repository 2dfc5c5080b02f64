package config

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/tikcraft/tikcraft/actions"
)

// ChatCommands are chat commands with arguments (Tiktok2Mc's comment
// command groups): a viewer with an allowed role writes a group's prefix,
// a command of its list and arguments (#say hello) and Minecraft runs it
// (say hello), or, for a web group, an address is called.
type ChatCommands struct {
	// Cooldown and UserCooldown hold back the next command of anyone, or
	// of the same viewer, in any group.
	Cooldown     Duration    `yaml:"cooldown"`
	UserCooldown Duration    `yaml:"user_cooldown"`
	Groups       []ChatGroup `yaml:"groups"`
}

// ChatGroup is one prefix with the commands it runs and who may use them.
type ChatGroup struct {
	Prefix string `yaml:"prefix"` // default "#"
	// Roles who may use the group: everyone, followers, subscribers,
	// moderators, fan_club (any of them will do); default moderators.
	Roles    []string `yaml:"roles"`
	Commands []string `yaml:"commands"`
	// Handler is rcon (the default: Minecraft runs "command args") or http
	// (Method URL is called with {user}, {nickname}, {command}, {args} and
	// {text} URL-escaped).
	Handler      string   `yaml:"handler"`
	URL          string   `yaml:"url"`
	Method       string   `yaml:"method"` // http; default POST
	Cooldown     Duration `yaml:"cooldown"`
	UserCooldown Duration `yaml:"user_cooldown"`
	// CommentRule says whether a message of this group also fires the
	// actions file's comment rule; default true.
	CommentRule *bool `yaml:"comment_rule"`

	File      string `yaml:"-"`
	Line, Col int    `yaml:"-"`
}

// Chat roles.
const (
	RoleEveryone    = "everyone"
	RoleFollowers   = "followers"
	RoleSubscribers = "subscribers"
	RoleModerators  = "moderators"
	RoleFanClub     = "fan_club"
)

var chatRoles = []string{RoleEveryone, RoleFollowers, RoleSubscribers, RoleModerators, RoleFanClub}

// Chat handlers.
const (
	HandlerRCON = "rcon"
	HandlerHTTP = "http"
)

// CommentRuleEnabled reports comment_rule (default true).
func (g ChatGroup) CommentRuleEnabled() bool { return g.CommentRule == nil || *g.CommentRule }

// Random tunes $random's pool.
type Random struct {
	// Only, when set, lists every rule $random may pick (any rule but one
	// that uses $random itself).
	Only []string `yaml:"only"`
	// Never lists rules $random never picks, besides the ones it never
	// picks anyway (follow, share, like rules...).
	Never []string `yaml:"never"`
	// At is where random was set, for diagnostics.
	At Diagnostic `yaml:"-"`
}

// Follow remembering (follows.remember).
const (
	RememberLive    = "live"    // a viewer's follow fires once per LIVE (the default)
	RememberForever = "forever" // once ever: kept in data_dir across LIVEs and restarts
)

// maxChatDuration bounds the chat cooldowns: beyond a day it is a typo.
const maxChatDuration = Duration(24 * 60 * 60 * 1e9)

// applyChat validates and merges chat_commands, random and
// follows.remember of one layer.
func (c *Config) applyChat(name string, layer *Config, file *ast.File, errAt func(path, format string, args ...any), warnAt func(path, format string, args ...any), pos func(string) (int, int)) {
	cc := layer.ChatCommands
	for _, d := range []struct {
		path string
		v    Duration
	}{{"$.chat_commands.cooldown", cc.Cooldown}, {"$.chat_commands.user_cooldown", cc.UserCooldown}} {
		if d.v < 0 || d.v > maxChatDuration {
			errAt(d.path, "%s must be from 0s to 24h", strings.TrimPrefix(d.path, "$."))
		}
	}
	merge(&c.ChatCommands.Cooldown, cc.Cooldown)
	merge(&c.ChatCommands.UserCooldown, cc.UserCooldown)
	if hasPath(file, "$.chat_commands.groups") {
		for i := range cc.Groups {
			g := &cc.Groups[i]
			p := fmt.Sprintf("$.chat_commands.groups[%d]", i)
			where := fmt.Sprintf("chat_commands.groups[%d]", i)
			g.File = name
			g.Line, g.Col = pos(p)
			checkChatGroup(g, p, where, errAt, warnAt)
		}
		c.ChatCommands.Groups = cc.Groups
	}

	r := layer.Random
	for key, list := range map[string][]string{"only": r.Only, "never": r.Never} {
		for i, t := range list {
			if actions.Normalize(t) == "" {
				errAt(fmt.Sprintf("$.random.%s[%d]", key, i), "random.%s[%d]: %q is not the name of a rule", key, i, t)
			}
		}
	}
	if hasPath(file, "$.random.only") {
		c.Random.Only = r.Only
	}
	if hasPath(file, "$.random.never") {
		c.Random.Never = r.Never
	}
	if m := layer.Follows.Remember; m != "" {
		if m != RememberLive && m != RememberForever {
			errAt("$.follows.remember", "follows.remember must be %q (a viewer's follow fires once per LIVE) or %q (once ever), not %q", RememberLive, RememberForever, m)
		}
		c.Follows.Remember = m
	}
}

// ChatPrefixOK reports whether p can start a chat command: 1 to 3 signs
// such as # or $. Letters, digits and spaces would let ordinary chat run
// commands, and a control character cannot be typed or seen.
// tikcraft migrate uses it to leave behind a Tiktok2Mc prefix that the
// config would refuse.
func ChatPrefixOK(p string) bool {
	return p != "" && utf8.RuneCountInString(p) <= 3 && strings.IndexFunc(p, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || !unicode.IsGraphic(r)
	}) < 0
}

func checkChatGroup(g *ChatGroup, p, where string, errAt, warnAt func(path, format string, args ...any)) {
	if g.Prefix == "" {
		g.Prefix = "#"
	}
	if !ChatPrefixOK(g.Prefix) {
		errAt(p+".prefix", "%s.prefix %q must be 1 to 3 signs such as # or $, without letters, digits or spaces (else ordinary chat would run commands)", where, g.Prefix)
	}
	if len(g.Roles) == 0 {
		g.Roles = []string{RoleModerators}
	}
	for j, r := range g.Roles {
		r = strings.ToLower(strings.TrimSpace(r))
		g.Roles[j] = r
		if !slices.Contains(chatRoles, r) {
			errAt(fmt.Sprintf("%s.roles[%d]", p, j), "%s.roles: %q is not a role (%s)", where, r, strings.Join(chatRoles, ", "))
		}
	}
	switch g.Handler = strings.ToLower(g.Handler); g.Handler {
	case "", HandlerRCON:
		g.Handler = HandlerRCON
		if g.URL != "" {
			errAt(p+".url", "%s.url is only for handler: http", where)
		}
	case HandlerHTTP:
		if g.URL == "" {
			errAt(p, "%s: handler http needs a url, e.g. http://localhost:8080/chat?user={user}&text={text}", where)
		}
		if g.Method == "" {
			g.Method = "POST"
		}
		g.Method = strings.ToUpper(g.Method)
		if !actions.ChatMethodOK(g.Method) {
			errAt(p+".method", "%s.method must be GET, POST, PUT, PATCH or DELETE, not %q", where, g.Method)
		}
	default:
		errAt(p+".handler", "%s.handler must be rcon (Minecraft runs the command) or http (a web address is called), not %q", where, g.Handler)
	}
	if len(g.Commands) == 0 {
		errAt(p, "%s lists no commands: write the commands viewers may use, e.g. commands: [say, give]", where)
	}
	for j, cmd := range g.Commands {
		cmd = strings.ToLower(strings.TrimSpace(cmd))
		g.Commands[j] = cmd
		at := fmt.Sprintf("%s.commands[%d]", p, j)
		if cmd == "" || utf8.RuneCountInString(cmd) > 32 || strings.IndexFunc(cmd, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
		}) >= 0 {
			errAt(at, "%s.commands: %q must be one command name (letters, digits, _ and -), without the prefix or the /", where, cmd)
			continue
		}
		if g.Handler != HandlerRCON {
			continue
		}
		if slices.Contains(actions.ChatRunsOthers, cmd) {
			errAt(at, "%s.commands: %q runs other commands, so a viewer could start any command with it; list the commands themselves instead", where, cmd)
		} else if slices.Contains(actions.ChatOperator, cmd) {
			warnAt(at, "%s.commands: %q lets viewers with the group's roles manage or stop your server; keep it for moderators", where, cmd)
		}
	}
	for _, d := range []struct {
		key string
		v   Duration
	}{{"cooldown", g.Cooldown}, {"user_cooldown", g.UserCooldown}} {
		if d.v < 0 || d.v > maxChatDuration {
			errAt(p+"."+d.key, "%s.%s must be from 0s to 24h", where, d.key)
		}
	}
}

// checkChatURLs checks the web groups' addresses against the final
// http.allow, once every layer is applied.
func (c *Config) checkChatURLs() []Diagnostic {
	var diags []Diagnostic
	for i, g := range c.ChatCommands.Groups {
		if g.Handler != HandlerHTTP || g.URL == "" {
			continue
		}
		if _, err := actions.CheckChatURL(g.URL, c.HTTP.Allow); err != nil {
			diags = append(diags, Diagnostic{File: g.File, Line: g.Line, Col: g.Col, Severity: "error",
				Message: fmt.Sprintf("chat_commands.groups[%d].url: %v", i, err)}) // not quoted: it may hold a password
		}
	}
	return diags
}
