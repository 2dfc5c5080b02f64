package app

import (
	"slices"

	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/engine"
)

// chatCommands is chat_commands as the engine takes it.
func chatCommands(c config.ChatCommands) engine.ChatCommands {
	out := engine.ChatCommands{Cooldown: c.Cooldown.D(), UserCooldown: c.UserCooldown.D()}
	for _, g := range c.Groups {
		eg := engine.ChatGroup{Prefix: g.Prefix, Commands: g.Commands, Cooldown: g.Cooldown.D(), UserCooldown: g.UserCooldown.D(), NoCommentRule: !g.CommentRuleEnabled()}
		if g.Handler == config.HandlerHTTP {
			eg.Method, eg.URL = g.Method, g.URL
		}
		eg.Roles = engine.ChatRoles{
			Everyone:    slices.Contains(g.Roles, config.RoleEveryone),
			Followers:   slices.Contains(g.Roles, config.RoleFollowers),
			Subscribers: slices.Contains(g.Roles, config.RoleSubscribers),
			Moderators:  slices.Contains(g.Roles, config.RoleModerators),
			FanClub:     slices.Contains(g.Roles, config.RoleFanClub),
		}
		out.Groups = append(out.Groups, eg)
	}
	return out
}
