package tiktok2mc

import (
	"os"
	"strings"
	"testing"
)

func TestParseConfigFixture(t *testing.T) {
	b, err := os.ReadFile("testdata/t2m/config/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig("config.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	if c.User != "creeper_queen.tv" || c.RCONPort != 25580 || c.RCONPassword != DefaultPassword || c.RCONEnable == nil || !*c.RCONEnable || c.ReconnectDelay != 45 {
		t.Errorf("got %+v", c)
	}
	if len(c.LikeTriggers) != 2 || c.LikeTriggers[1] != (LikeTrigger{ID: "huge", Every: 50000, Function: "like_2", Payload: "Everyone", Enable: false, From: "Gifts.like_triggers", at: 1}) {
		t.Errorf("like triggers %+v", c.LikeTriggers)
	}
	if g := c.LikeGoal; g == nil || g.InitialGoal != 10000 || g.GoalMultiplier != 1 || g.DisplayText != "Road to 10k" {
		t.Errorf("like goal %+v", c.LikeGoal)
	}
	var keys []string
	for _, u := range c.Unused {
		keys = append(keys, u.Key)
	}
	if got := strings.Join(keys, " "); got != "config_version auto_update_config control_method Java Gifts.LIKE_GOAL_PORT Console GUI Overlaytxt LikeGoal.Enable Timer WinCounter" {
		t.Errorf("unused in file order: %s", got)
	}
	if p := c.OverlayPorts; p["Timer"] != 7777 || p["WinCounter"] != 7778 || p["Overlaytxt"] != 5005 || p["LikeGoal"] != 9797 {
		t.Errorf("overlay ports %v", p)
	}
}

func TestParseConfigRefusesWhatIsNotTiktok2Mc(t *testing.T) {
	for _, src := range []string{"rcon: {address: a:1}\n", "RCON: {Port: lots}\n", "Gifts: {like_triggers: [{every: 0, function: x}]}\n", "a: [\n"} {
		if _, err := ParseConfig("c.yaml", []byte(src)); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}

func TestTriggerName(t *testing.T) {
	for in, want := range map[string]string{"Heart Me": "heart_me", "GG!": "gg", "5655": "5655", "like-2": "like_2", "Ünïcode": "ncode", "$ !": "", "_-_": ""} {
		if got := TriggerName(in); got != want {
			t.Errorf("TriggerName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, p := range []string{"testdata/t2m/config/config.yaml", "testdata/t2m10/config/config.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"RCON: {Port: 1}", "rcon: {port: 1}\ntiktok: {follow_tracking: {mode: x}}", "like_goal: {triggers: [{id: a, every: '1_000', function: b, enabled: 'no'}]}",
		"comment_commands: {groups: [{prefix: '#'}]}", "overlay_text: {fade_in: -5, overlays: [{name: a}, 3]}", "random_triggers: {mode: allow-all, triggers: x}", "TikTok: {User: x}\nGifts: {like_triggers: [{every: 1_000, function: likes}]}", "Gifts: {like_triggers: 3}", "LikeGoal: {InitialGoal: x}\nRCON: {}",
		"comment_commands: {enabled: true, prefix: '!', allowed_roles: all, commands: [say], handler: http}", "overlay: {display_mode: queue, fade_in: x, overlays: [{name: a}]}\noverlay_text: {fade_in: 1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig("f.yaml", b)
		if err != nil {
			return
		}
		if c.RCONPort < 0 || c.RCONPort > 65535 {
			t.Fatalf("port %d", c.RCONPort)
		}
		for _, lt := range c.LikeTriggers {
			if lt.Every <= 0 || lt.Function == "" {
				t.Fatalf("bad like trigger %+v", lt)
			}
		}
	})
}

func TestConvertFixture(t *testing.T) {
	res, err := Convert("testdata/t2m")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Read) != 3 || !strings.HasSuffix(res.Read[2], "http_actions.txt") || !strings.HasSuffix(res.Read[0], "config.yaml") || !strings.HasSuffix(res.Read[1], "actions.mca") {
		t.Errorf("read %v", res.Read)
	}
	for _, want := range []string{`user: "@creeper_queen.tv"`, "address: 127.0.0.1:25580", `"localhost:8080"`} {
		if !strings.Contains(res.Config, want) {
			t.Errorf("config lacks %q:\n%s", want, res.Config)
		}
	}
	for _, want := range []string{"heart_me:/give {user} minecraft:cookie 3; $timer -10s\n", "\n5655:/execute at @a run summon minecraft:creeper ~ ~ ~2; $timer +30s\n", "\n7934:$random; $timer -10s\n", "\n6369:$wins +1; $timer reset\n", "# 6064:$confetti"} {
		if !strings.Contains(res.Actions, want) {
			t.Errorf("actions lack %q:\n%s", want, res.Actions)
		}
	}
}
