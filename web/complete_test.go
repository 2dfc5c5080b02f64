package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/mcnames"
)

func texts(c Completions) []string {
	out := make([]string, len(c.Items))
	for i, s := range c.Items {
		out[i] = s.Text
	}
	return out
}

var testGifts = func() []Gift {
	return []Gift{{5655, "Rose", 1}, {7934, "Heart Me", 1}, {11046, "Galaxy", 1000}, {5660, "Hand Hearts", 100}}
}

func TestCompleteLine(t *testing.T) {
	c := Completion{Names: mcnames.For("1.21.4"), Gifts: testGifts}
	likes := []LikeInfo{{ID: "room", Every: 100, Function: "likes"}}
	tests := []struct {
		line, prefix, kind string
		want               []string // must be among the items, first one first
		not                []string
	}{
		{"fol", "fol", "trigger", []string{"follow", "follow_milestone"}, nil},
		{"he", "he", "trigger", []string{"heart_me"}, []string{"rose"}},
		{"Heart M", "Heart M", "trigger", []string{"heart_me"}, nil},
		{"lik", "lik", "trigger", []string{"likegoal_reached", "likes"}, nil},
		{"110", "110", "trigger", []string{"11046"}, []string{"5655"}},
		{"coins 1", "coins 1", "trigger", []string{"coins 1-9", "coins 10-99", "coins 100+"}, nil},
		{"command t", "command t", "trigger", nil, nil},
		{"rose[cool", "cool", "condition", []string{"cooldown="}, []string{"followers"}},
		{"rose[cooldown=30s, fo", "fo", "condition", []string{"followers"}, nil},
		{"rose:", "", "function", []string{"/", "$random"}, nil},
		{"rose:/say hi; $wa", "$wa", "function", []string{"$wait "}, nil},
		{"rose:$timer re", "re", "function", []string{"reset", "resume"}, nil},
		{"rose:/summon cre", "cre", "entity", []string{"creeper"}, nil},
		{"rose:/say a; /execute at @a run summon minecraft:bre", "bre", "entity", []string{"breeze"}, nil},
		{"rose:/give @a mac", "mac", "item", []string{"mace"}, nil},
		{"rose:/effect give @a mining", "mining", "effect", []string{"mining_fatigue"}, nil},
		{"rose:/summ", "summ", "command", []string{"summon"}, nil},
		{`rose:/tellraw @a {"text":"a;b"}; /pla`, "pla", "command", []string{"playsound", "place"}, nil},
		{"rose:/say thanks {us", "us", "placeholder", []string{"user}"}, nil},
		{"rose:>>{nick", "nick", "placeholder", []string{"nickname}"}, nil},
		{"rose:/summon alexsmobs:cr", "", "", nil, nil},
		{"# rose:/summon cre", "", "", nil, nil},
		{"rose:/give @a diamond_sword[enchantments={sharp", "", "", nil, nil},
	}
	for _, tt := range tests {
		got := c.Line(tt.line, likes)
		items := texts(got)
		if got.Prefix != tt.prefix || got.Kind != tt.kind {
			t.Errorf("%q: prefix %q kind %q, want %q %q", tt.line, got.Prefix, got.Kind, tt.prefix, tt.kind)
		}
		if tt.want == nil && len(items) != 0 {
			t.Errorf("%q: want nothing, got %q", tt.line, items)
		}
		for _, w := range tt.want {
			if !slices.Contains(items, w) {
				t.Errorf("%q: %q not among %q", tt.line, w, items)
			}
		}
		if len(tt.want) > 0 && len(items) > 0 && items[0] != tt.want[0] && tt.kind == "trigger" {
			t.Errorf("%q: first %q, want %q", tt.line, items[0], tt.want[0])
		}
		for _, n := range tt.not {
			if slices.Contains(items, n) {
				t.Errorf("%q: %q offered", tt.line, n)
			}
		}
		// What replaces the prefix is always the end of the line.
		if len(got.Prefix) > len(tt.line) || tt.line[len(tt.line)-len(got.Prefix):] != got.Prefix {
			t.Errorf("%q: prefix %q is not the end of the line", tt.line, got.Prefix)
		}
	}
}

func TestCompleteCommand(t *testing.T) {
	c := Completion{Names: mcnames.For("1.20.2")}
	if got := c.Command("/summon bre"); slices.Contains(texts(got), "breeze") {
		t.Error("breeze offered on 1.20.2")
	}
	got := c.Command("li")
	if got.Kind != "command" || got.Prefix != "li" || !slices.Contains(texts(got), "list") {
		t.Errorf("%+v", got)
	}
	if got := c.Command(""); len(got.Items) < 50 || got.Kind != "command" {
		t.Errorf("empty input: %d commands", len(got.Items))
	}
	if got := c.Command("give @a "); len(got.Items) != maxSuggestions || got.Kind != "item" {
		t.Errorf("all items: %d %q", len(got.Items), got.Kind)
	}
}

func TestCompleteEndpoint(t *testing.T) {
	ts := start(t, func(o *Options) { o.Completion = Completion{Gifts: testGifts} })
	code, body := ts.do(t, req{method: "GET", path: "/api/complete?command=" + url.QueryEscape("/summon cree")})
	m := decode(t, body)
	if code != 200 || m["prefix"] != "cree" || m["kind"] != "entity" || m["items"].([]any)[0].(map[string]any)["text"] != "creeper" {
		t.Errorf("HTTP %d %v", code, m)
	}
	code, body = ts.do(t, req{method: "GET", path: "/api/complete?line=gal"})
	if m := decode(t, body); code != 200 || m["items"].([]any)[0].(map[string]any)["text"] != "galaxy" {
		t.Errorf("HTTP %d %v", code, m)
	}
	if code, _ := ts.do(t, req{method: "GET", path: "/api/complete"}); code != 400 {
		t.Errorf("nothing to complete: HTTP %d", code)
	}
}

func TestGiftTrigger(t *testing.T) {
	for name, want := range map[string]string{"Heart Me": "heart_me", "Rose": "rose", "I'm Very Rich": "i_m_very_rich", "TikTok": "tiktok", "🌹": "", "  GG ": "gg"} {
		if got := GiftTrigger(name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// FuzzComplete: any text gets an answer whose prefix is the end of it,
// never a panic.
func FuzzComplete(f *testing.F) {
	for _, s := range []string{"rose:/summon cre", "rose[cooldown=30s, fo", "coins 1", `a:/tellraw @a {"text":"a;b"}; /pla`, "a:$timer +", "x:/say {us", "/execute if block ~ ~ ~ minecraft:", "a:b;c;;[{\"\\\"} {"} {
		f.Add(s)
	}
	c := Completion{Names: mcnames.For("1.21.4"), Gifts: testGifts}
	f.Fuzz(func(t *testing.T, s string) {
		for _, got := range []Completions{c.Line(s, []LikeInfo{{ID: "r", Every: 1, Function: "likes"}}), c.Command(s)} {
			if !strings.HasSuffix(s, got.Prefix) || got.Items == nil || len(got.Items) > maxSuggestions {
				t.Fatalf("%q: %+v", s, got)
			}
		}
	})
}
