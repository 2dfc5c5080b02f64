package config

import (
	"strings"
	"testing"
	"time"
)

func TestChatCommands(t *testing.T) {
	c, diags, err := load(t, `rcon: {password: a-long-random-password}
http: {allow: ["127.0.0.1:29194"]}
chat_commands:
  cooldown: 2s
  user_cooldown: 30s
  groups:
    - prefix: "#"
      roles: [moderators, subscribers]
      commands: [say, Give]
      user_cooldown: 10s
    - prefix: "$"
      roles: [everyone]
      commands: [play, skip]
      handler: http
      url: "http://127.0.0.1:29194/comment?user={user}&text={text}"
      comment_rule: false
random: {never: [money_gun], only: [a, b]}
follows: {remember: forever}
`)
	if err != nil {
		t.Fatal(err, diags)
	}
	cc := c.ChatCommands
	if cc.Cooldown.D() != 2*time.Second || cc.UserCooldown.D() != 30*time.Second || len(cc.Groups) != 2 {
		t.Fatalf("%+v", cc)
	}
	g, h := cc.Groups[0], cc.Groups[1]
	if g.Handler != HandlerRCON || g.Commands[1] != "give" || g.UserCooldown.D() != 10*time.Second || !g.CommentRuleEnabled() || g.Line != 7 {
		t.Errorf("group 0 %+v", g)
	}
	if h.Handler != HandlerHTTP || h.Method != "POST" || h.CommentRuleEnabled() || h.Roles[0] != RoleEveryone {
		t.Errorf("group 1 %+v", h)
	}
	if len(c.Random.Never) != 1 || len(c.Random.Only) != 2 || !c.Follows.RememberForever() {
		t.Errorf("random %+v follows %+v", c.Random, c.Follows)
	}
	// Defaults: prefix #, moderators, rcon.
	c, _, err = load(t, "chat_commands: {groups: [{commands: [say]}]}\n")
	if err != nil || c.ChatCommands.Groups[0].Prefix != "#" || c.ChatCommands.Groups[0].Roles[0] != RoleModerators || c.Follows.RememberForever() {
		t.Fatalf("defaults: %v %+v", err, c.ChatCommands)
	}
}

func TestChatCommandsErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"chat_commands: {groups: [{commands: [execute]}]}\n", `tikcraft.yaml:1:38: error: chat_commands.groups[0].commands: "execute" runs other commands`},
		{"chat_commands: {groups: [{commands: [op]}]}\n", `warning: chat_commands.groups[0].commands: "op" lets viewers`},
		{"chat_commands: {groups: [{commands: [say], roles: [superfan]}]}\n", `chat_commands.groups[0].roles: "superfan" is not a role (everyone, followers, subscribers, moderators, fan_club)`},
		{"chat_commands: {groups: [{prefix: \"x\", commands: [say]}]}\n", `chat_commands.groups[0].prefix "x" must be 1 to 3 signs`},
		{"chat_commands: {groups: [{prefix: \"#\"}]}\n", `chat_commands.groups[0] lists no commands`},
		{"chat_commands: {groups: [{commands: [\"/say\"]}]}\n", `"/say" must be one command name`},
		{"chat_commands: {groups: [{commands: [play], handler: http}]}\n", `handler http needs a url`},
		{"chat_commands: {groups: [{commands: [play], handler: web}]}\n", `handler must be rcon`},
		{"chat_commands: {groups: [{commands: [play], handler: http, url: \"http://evil.example/x?t={text}\"}]}\n", `chat_commands.groups[0].url: evil.example:80 is not in http.allow`},
		{"http: {allow: [localhost]}\nchat_commands: {groups: [{commands: [play], handler: http, url: \"http://{user}.localhost/\"}]}\n", `placeholders may only be used in the path or the query`},
		{"chat_commands: {cooldown: 48h}\n", `chat_commands.cooldown must be from 0s to 24h`},
		{"random: {only: [\"!!\"]}\n", `random.only[0]: "!!" is not the name of a rule`},
		{"follows: {remember: all_time}\n", `follows.remember must be "live"`},
	}
	for _, tt := range tests {
		_, diags, _ := load(t, tt.src)
		var all []string
		found := false
		for _, d := range diags {
			all = append(all, d.String())
			found = found || strings.Contains(d.String(), tt.want)
		}
		if !found {
			t.Errorf("%s: want %q in\n%s", tt.src, tt.want, strings.Join(all, "\n"))
		}
	}
}
