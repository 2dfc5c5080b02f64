package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, yaml string) (*Config, []Diagnostic, error) {
	t.Helper()
	return Load(Layer{Name: "tikcraft.yaml", Data: []byte(yaml), Dir: "/cfg"})
}

func TestDefaults(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	c, diags, err := Load()
	if err != nil || len(diags) != 1 || diags[0].Severity != "warning" { // the empty password
		t.Fatalf("empty config: %v %v", err, diags)
	}
	if c.RCON.Address != DefaultRCONAddress || c.Gifts.Mode != ModeFinal || c.Gifts.StreakTimeout.D() != 10*time.Second ||
		c.Gifts.MaxRepeat != 1000 || !c.Follows.OncePerUserEnabled() || c.TikTok.RetryOffline.D() != 30*time.Second ||
		c.LogRetention.D() != 30*24*time.Hour || c.Actions != "actions.mca" || *c.RCON.MaxCommandsPerSecond != DefaultCommandsPerSecond {
		t.Errorf("defaults wrong: %+v", c)
	}
}

func TestFullExample(t *testing.T) {
	t.Setenv(EnvRCONPassword, "from-env")
	c, diags, err := load(t, `
actions: my.mca
rcon: {address: 127.0.0.1:25575, password: hunter2}   # env TIKCRAFT_RCON_PASSWORD overrides
gifts: {mode: live, streak_timeout: 4s, max_repeat: 50}
follows: {once_per_user: false}
likes:
  triggers:
    - {id: likes_standard, every: 100, function: likes, payload: Community, enable: true}
    - {every: 1000, function: big_likes}
tiktok: {user: "@anna", retry_offline: 1m}
log_retention: 7d
`)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	if c.Actions != filepath.Join("/cfg", "my.mca") || c.RCON.Password.Reveal() != "from-env" || c.Gifts.Mode != ModeLive ||
		c.Gifts.StreakTimeout.D() != 4*time.Second || c.Gifts.MaxRepeat != 50 || c.Follows.OncePerUserEnabled() ||
		len(c.Likes.Triggers) != 2 || c.Likes.Triggers[1].ID != "likes_2" || !c.Likes.Triggers[1].Enabled() ||
		c.TikTok.User != "@anna" || c.LogRetention.D() != 7*24*time.Hour || !c.RCONConfigured {
		t.Errorf("parsed wrong: %+v", c)
	}
}

func TestErrorsHavePositions(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"rcon:\n  adress: x\n", "tikcraft.yaml:2:3: error: unknown key \"adress\""},
		{"gifts:\n  max_repeat: lots\n", "tikcraft.yaml:2:15: error: wrong type for gifts.max_repeat: want a whole number"},
		{"gifts:\n  streak_timeout: soon\n", "tikcraft.yaml:2:19: error: gifts.streak_timeout: \"soon\" is not a duration"},
		{"gifts:\n  mode: sometimes\n", "tikcraft.yaml:2:9: error: gifts.mode must be"},
		{"likes:\n  triggers:\n    - {every: 0, function: likes}\n", "tikcraft.yaml:3:7: error: likes.triggers[0]: every must be a positive"},
		{"likes:\n  triggers:\n    - {every: 10}\n", "error: likes.triggers[0]: function"},
		{"likes:\n  triggers:\n    - {every: 10, function: likes, colour: red}\n", "tikcraft.yaml:3:36: error: unknown key \"colour\""},
		{"rcon: [\n", "tikcraft.yaml:1:7: error:"},
		{"rcon:\n  address: localhost\n", "tikcraft.yaml:2:12: error: rcon.address \"localhost\" needs a port"},
		{"rcon:\n  password: ${TIKCRAFT_TEST_NOPE}\n", "error: rcon.password refers to environment variable TIKCRAFT_TEST_NOPE"},
		{"follows:\n  once_per_user: maybe\n", "want true or false"},
		// A section pasted from the docs under the one init wrote.
		{"rcon:\n  address: 127.0.0.1:25575\ntiktok: {user: anna}\nrcon:\n  password: pw\n", `tikcraft.yaml:4:1: error: "rcon" is set twice, here and at line 1: a key may appear once in its section; put everything under one rcon: and delete the other`},
		{"tiktok:\n  user: anna\n  user: bob\n", `tikcraft.yaml:3:3: error: "user" is set twice, here and at line 2: a key may appear once in its section; keep the one you want and delete the other`},
	}
	for _, tt := range tests {
		_, diags, err := load(t, tt.yaml)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: want *Error, got %v", tt.yaml, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q:\n got %s\nwant %s", tt.yaml, err, tt.want)
		}
		_ = diags
	}
}

// A value of the wrong type names the file, its line and column, and the
// whole key (gifts.max_repeat, not max_repeat): the same short key is in
// several sections, and a key in a flow mapping shares its line with
// others.
func TestWrongTypesNameTheKey(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"rcon:\n  port: \"abc\"\n", `tikcraft.yaml:2:3: error: unknown key "port" in rcon`},
		{"rcon: abc\n", "tikcraft.yaml:1:7: error: wrong type for rcon: want keys indented below it (key: value lines), not text"},
		{"rcon:\n  max_commands_per_second: abc\n", "tikcraft.yaml:2:28: error: wrong type for rcon.max_commands_per_second: want a number"},
		{"rcon:\n  timeout: [1]\n", `tikcraft.yaml:2:12: error: rcon.timeout: "[1]" is not a duration`},
		{"rcon: {address: [a]}\n", "tikcraft.yaml:1:17: error: wrong type for rcon.address: want text"},
		{"gifts:\n  streak_timeout: 5\n", `tikcraft.yaml:2:19: error: gifts.streak_timeout: "5" is not a duration`},
		{"gifts:\n  max_repeat: 99999999999999999999999\n", "tikcraft.yaml:2:15: error: gifts.max_repeat: 99999999999999999999999 is too large a number"},
		{"follows:\n  once_per_user: \"abc\"\n", "tikcraft.yaml:2:18: error: wrong type for follows.once_per_user: want true or false"},
		{"likes:\n  triggers: abc\n", "tikcraft.yaml:2:13: error: wrong type for likes.triggers: want a list"},
		{"likes:\n  triggers:\n    - {every: 5, function: x, enable: abc}\n", "tikcraft.yaml:3:39: error: wrong type for likes.triggers[0].enable: want true or false"},
		{"likes: 5\n", "tikcraft.yaml:1:8: error: wrong type for likes: want keys indented below it (key: value lines), not a number"},
		{"log_max_size: lots\n", `tikcraft.yaml:1:15: error: log_max_size: "lots" is not a size`},
		{"actions:\n  a: 1\n", "tikcraft.yaml:2:4: error: wrong type for actions: want text"},
		{"overlays:\n  style:\n    size: big\n", "tikcraft.yaml:3:11: error: wrong type for overlays.style.size: want a whole number"},
		{"overlays:\n  feed:\n    kinds: gift\n", "tikcraft.yaml:3:12: error: wrong type for overlays.feed.kinds: want a list"},
		{"web: [1]\n", "tikcraft.yaml:1:6: error: wrong type for web: want keys indented below it (key: value lines), not a list"},
	}
	for _, tt := range tests {
		_, _, err := load(t, tt.yaml)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q:\n got %v\nwant %s", tt.yaml, err, tt.want)
		}
	}
}

func TestPasswordWarningsAndSecrecy(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	c, diags, err := load(t, "rcon:\n  password: ABC1234\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Severity != "warning" || diags[0].Line != 2 {
		t.Errorf("want one warning on line 2, got %v", diags)
	}
	c.RCON.Password = "s3cr3t-pass"
	for _, s := range []string{fmt.Sprint(c.RCON.Password), fmt.Sprintf("%v %+v %#v %v", c, c, c, c.RCON), fmt.Sprint(c.LogValue())} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret leaked: %s", s)
		}
	}
}

func TestEnvReference(t *testing.T) {
	t.Setenv("MY_MC_PASS", "pa$$word")
	t.Setenv(EnvRCONPassword, "")
	c, _, err := load(t, "rcon:\n  password: ${MY_MC_PASS}\n")
	if err != nil || c.RCON.Password.Reveal() != "pa$$word" {
		t.Fatalf("got %q, %v", c.RCON.Password.Reveal(), err)
	}
}

func TestLayersOverrideOnlyWhatTheySet(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	base := Layer{Name: "embedded", Data: []byte("gifts: {mode: live, max_repeat: 9}\nlikes:\n  triggers:\n    - {every: 100, function: likes}\n")}
	over := Layer{Name: "mine.yaml", Data: []byte("rcon: {address: 10.0.0.5:25575, password: x}\ngifts: {max_repeat: 20}\n"), Dir: "/home/s"}
	c, _, err := Load(base, over)
	if err != nil {
		t.Fatal(err)
	}
	if c.Gifts.Mode != ModeLive || c.Gifts.MaxRepeat != 20 || len(c.Likes.Triggers) != 1 || !c.RCONConfigured || c.RCON.Address != "10.0.0.5:25575" {
		t.Errorf("merge wrong: %+v", c)
	}
	c2, _, _ := Load(base)
	if c2.RCONConfigured {
		t.Error("embedded config alone must not count as a configured server")
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{"", "rcon: {address: a:1}", "gifts:\n  mode: live\n", "likes:\n  triggers:\n    - {every: 5, function: x}\n", "a: [", "log_retention: 3d", "\xef\xbb\xbfactions: x", `data_dir: "C:\Users\x"`, `- {sounds: "D:\Dok"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, diags, err := Load(Layer{Name: "f.yaml", Data: b})
		if c == nil {
			t.Fatal("nil config")
		}
		for _, d := range diags {
			if d.Line < 0 || d.Col < 0 {
				t.Fatalf("bad position %v", d)
			}
		}
		if err == nil && (c.Gifts.MaxRepeat <= 0 || c.RCON.Address == "") {
			t.Fatalf("accepted config without defaults: %+v", c)
		}
	})
}
