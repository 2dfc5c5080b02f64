package engine

import (
	"bytes"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

func chatCfg() Config {
	return Config{Chat: ChatCommands{
		UserCooldown: 3 * time.Second,
		Groups: []ChatGroup{
			{Prefix: "#", Roles: ChatRoles{Moderators: true}, Commands: []string{"kick"}},
			{Prefix: "#", Roles: ChatRoles{Moderators: true, Subscribers: true, FanClub: true}, Commands: []string{"say", "give"}, Cooldown: time.Second},
			{Prefix: "$", Roles: ChatRoles{Everyone: true}, Commands: []string{"play", "skip"}, Method: "POST", URL: "http://127.0.0.1:29194/comment/{user}?text={text}&a={args}", NoCommentRule: true},
		},
	}}
}

func chatMsg(msg, text string, u tikcraft.User) *tikcraft.ChatEvent {
	return &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: msg}, User: u, Text: text}
}

func TestChatCommands(t *testing.T) {
	mod := tikcraft.User{ID: "1", UniqueID: "mod_anna", Moderator: true}
	sub := tikcraft.User{ID: "2", UniqueID: "sub_bob", Subscriber: true}
	fan := tikcraft.User{ID: "3", UniqueID: "fan_cy", FanClub: true}
	nobody := tikcraft.User{ID: "4", UniqueID: "dee"}
	var logs bytes.Buffer
	e := New(chatCfg(), rules("comment"), slog.New(slog.NewTextHandler(&logs, nil)))
	tests := []struct {
		at   float64
		ev   *tikcraft.ChatEvent
		want []string
	}{
		{0, chatMsg("1", "#say hello world", mod), []string{"say hello world", "comment mod_anna"}},
		{0.5, chatMsg("2", "#say too soon", sub), []string{"comment sub_bob"}}, // the group's cooldown
		{1.5, chatMsg("3", "  #give  @p   minecraft:diamond 3", sub), []string{"give @p minecraft:diamond 3", "comment sub_bob"}},
		{2.5, chatMsg("4", "#SAY hi from the fan club", fan), []string{"say hi from the fan club", "comment fan_cy"}},
		{3, chatMsg("5", "#say not for me", nobody), []string{"comment dee"}},                   // wrong role
		{3.1, chatMsg("6", "#kick mod_anna", sub), []string{"comment sub_bob"}},                 // only moderators may kick
		{4, chatMsg("7", "#op dee", mod), []string{"comment mod_anna"}},                         // not listed
		{4.1, chatMsg("8", "#kick dee", mod), []string{"kick dee", "comment mod_anna"}},         // the first group that lists it
		{10, chatMsg("9", `#say hi"}],"extra":[{"text":"x`, mod), []string{"comment mod_anna"}}, // hostile arguments
		{11, chatMsg("10", "#give @e[type=player] tnt 64", mod), []string{"comment mod_anna"}},
		{12, chatMsg("11", "#say a\nop dee", mod), []string{"comment mod_anna"}},
		{13, chatMsg("12", "#say \u202eevil", mod), []string{"comment mod_anna"}},
		{14, chatMsg("13", "#say "+strings.Repeat("x", actions.MaxChatArgs+1), mod), []string{"comment mod_anna"}},
		{20, chatMsg("14", "$skip", nobody), []string{"POST http://127.0.0.1:29194/comment/dee?text=skip&a="}}, // no comment rule
		{30, chatMsg("15", "$play ../admin & x=1", nobody), []string{"POST http://127.0.0.1:29194/comment/dee?text=play+..%2Fadmin+%26+x%3D1&a=..%2Fadmin+%26+x%3D1"}},
		{40, chatMsg("16", "hello #say hi", mod), []string{"comment mod_anna"}},
		{41, chatMsg("17", "#", mod), []string{"comment mod_anna"}},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range e.Handle(tt.ev, at(tt.at)) {
			got = append(got, a.Command)
			if a.Kind == tikcraft.KindHTTP {
				_, raw, _ := tikcraft.HTTPRequest(a.Command)
				if u, err := url.Parse(raw); err != nil || u.Host != "127.0.0.1:29194" || len(u.Query()) != 2 {
					t.Errorf("%q: bad request %s", tt.ev.Text, a.Command)
				}
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q from %s at %vs:\n got %q\nwant %q", tt.ev.Text, tt.ev.User.UniqueID, tt.at, got, tt.want)
		}
	}
	// Logged once per viewer and reason, however often it happens.
	e.Handle(chatMsg("18", "#say again", nobody), at(50))
	e.Handle(chatMsg("19", "#say again", nobody), at(60))
	if n := strings.Count(logs.String(), "does not have a role"); n != 2 {
		t.Errorf("role refusals logged %d times, want 2 (once for dee, once for sub_bob):\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "not on the list"); n != 1 {
		t.Errorf("unlisted command logged %d times", n)
	}
}

func TestChatCommandsUserCooldownAcrossGroups(t *testing.T) {
	mod := tikcraft.User{ID: "1", UniqueID: "m", Moderator: true}
	e := New(chatCfg(), rules(), nil)
	var got []string
	for i, s := range []float64{0, 2, 3.5} {
		for _, a := range e.Handle(chatMsg(string(rune('a'+i)), "$play", mod), at(s)) {
			got = append(got, a.Command)
		}
		for _, a := range e.Handle(chatMsg(string(rune('A'+i)), "#say x", mod), at(s+0.1)) {
			got = append(got, a.Command)
		}
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "POST") || !strings.HasPrefix(got[1], "POST") {
		t.Fatalf("user_cooldown 3s across groups: %q", got)
	}
}

// FuzzChatCommand: whatever a viewer writes, a chat command is one line,
// starts with a listed command, holds nothing that leaves a JSON string or
// gives a selector arguments, and a web request stays on its host.
func FuzzChatCommand(f *testing.F) {
	for _, s := range []string{"#say hi", "#give @p diamond 3", `#say "}]`, "#say a\nb", "$play ../../x?y=1#z", "#say \u202e", "#", "#  say  x", "$skip {user}"} {
		f.Add(s)
	}
	cfg := chatCfg()
	cfg.Chat.UserCooldown = 0
	cfg.Chat.Groups[1].Cooldown = 0
	f.Fuzz(func(t *testing.T, text string) {
		e := New(cfg, rules(), nil)
		u := tikcraft.User{UniqueID: text, Nickname: text, Moderator: true}
		for _, a := range e.Handle(&tikcraft.ChatEvent{User: u, Text: text}, t0) {
			if strings.ContainsAny(a.Command, "\n\r\"'\\{}[]§") {
				t.Fatalf("%q became %q", text, a.Command)
			}
			if a.Kind == tikcraft.KindHTTP {
				_, raw, body := tikcraft.HTTPRequest(a.Command)
				u, err := url.Parse(raw)
				if err != nil || u.Host != "127.0.0.1:29194" || strings.Count(u.EscapedPath(), "/") != 2 || len(u.Query()) != 2 || u.Fragment != "" || body != "" {
					t.Fatalf("%q changed the request: %s", text, a.Command)
				}
				continue
			}
			if w := strings.Fields(a.Command); len(w) == 0 || !slices.Contains([]string{"say", "give", "kick"}, w[0]) || len(a.Command) > actions.MaxCommandBytes {
				t.Fatalf("%q ran %q", text, a.Command)
			}
		}
	})
}

// A chat full of refused commands from new viewers is one line per kind of
// refusal and command, then a count (at most once a minute, and at Close),
// never a line per viewer.
func TestChatRefusalsFromManyViewersAreCounted(t *testing.T) {
	logs := &logratetest.Records{}
	e := New(chatCfg(), rules("comment"), slog.New(logs))
	const n = 500
	for i := range n {
		u := tikcraft.User{ID: strconv.Itoa(100 + i), UniqueID: "viewer" + strconv.Itoa(i)}
		e.Handle(chatMsg("r"+strconv.Itoa(i), "#say hi", u), at(float64(i)/100))
		e.Handle(chatMsg("u"+strconv.Itoa(i), "#nope"+strconv.Itoa(i), u), at(float64(i)/100))
	}
	for _, part := range []string{"does not have a role", "not on the list"} {
		if got := logs.Lines(part); len(got) != 1 || got[0].Attrs["user"] != "viewer0" {
			t.Fatalf("%q: %d lines before the summary, want the first viewer's only: %+v", part, len(got), got)
		}
	}
	e.Close()
	for _, part := range []string{"does not have a role", "not on the list"} {
		if c := logs.Count(part); c != n {
			t.Errorf("%q: %d refusals told after Close, want %d", part, c, n)
		}
	}
	if got := logs.Lines("not on the list"); got[0].Attrs["command"] != "#nope0" || strings.Contains(got[0].Msg, "nope") {
		t.Errorf("the command a viewer typed belongs in an attribute, not the message: %+v", got[0])
	}
}

// A rule its conditions stop over and over (a cooldown under a flood) is
// one line, then a count, not a line per firing or per hundred.
func TestRuleNotRunIsSaidOnceThenCounted(t *testing.T) {
	logs := &logratetest.Records{}
	e := New(chatCfg(), rules("comment"), slog.New(logs))
	mod := tikcraft.User{ID: "1", UniqueID: "mod_anna", Moderator: true}
	const n = 300
	for i := range n {
		e.Handle(chatMsg(strconv.Itoa(i), "#say hi", mod), at(float64(i)/1000))
	}
	if got := logs.Lines("rule not run"); len(got) != 1 {
		t.Fatalf("%d lines for %d firings the cooldown held back, want 1: %+v", len(got), n-1, got)
	}
	e.Close()
	if c := logs.Count("rule not run"); c != n-1 {
		t.Fatalf("%d told after Close, want %d", c, n-1)
	}
}
