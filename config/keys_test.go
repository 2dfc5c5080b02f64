package config

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tikcraft/tikcraft/userfile"
)

func TestEveryUnknownKeyIsReportedInFileOrder(t *testing.T) {
	t.Setenv(EnvRCONPassword, "a-long-random-password")
	_, diags, err := load(t, "colour: red\nrcon:\n  adress: x\n  pasword: y\ngifts:\n  mode: final\n  streak_timout: 3s\nlikes:\n  triggers:\n    - {every: 10, function: likes, colour: red}\n")
	if err == nil {
		t.Fatal("unknown keys must be errors")
	}
	var got []string
	for _, d := range diags {
		if strings.Contains(d.Message, "unknown key") {
			got = append(got, d.String())
		}
	}
	want := []string{
		`tikcraft.yaml:1:1: error: unknown key "colour"`,
		`tikcraft.yaml:3:3: error: unknown key "adress" in rcon (did you mean "address"?)`,
		`tikcraft.yaml:4:3: error: unknown key "pasword" in rcon (did you mean "password"?)`,
		`tikcraft.yaml:7:3: error: unknown key "streak_timout" in gifts (did you mean "streak_timeout"?)`,
		`tikcraft.yaml:10:36: error: unknown key "colour" in likes.triggers[0]`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d unknown-key diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("diagnostic %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}

func TestUnknownKeysAndAWrongTypeTogether(t *testing.T) {
	_, diags, _ := load(t, "colour: red\ngifts:\n  max_repeat: lots\n")
	s := ""
	for _, d := range diags {
		s += d.String() + "\n"
	}
	if !strings.Contains(s, `unknown key "colour"`) || !strings.Contains(s, "want a whole number") {
		t.Fatalf("want both problems:\n%s", s)
	}
}

// A Tiktok2Mc config.yaml gets one message pointing at migrate, not one
// unknown key per run.
func TestTiktok2McConfigIsRecognised(t *testing.T) {
	const t2m = "config_version: 1\ncontrol_method: DCS\nRCON:\n  Enable: true\n  Password: ABC1234\n  Port: 25575\nTikTok:\n  User: someone\n"
	_, diags, err := Load(Layer{Name: "t2m/config.yaml", Data: []byte(t2m), Dir: "t2m"})
	if err == nil || len(diags) != 1 {
		t.Fatalf("want exactly one error, got %v", diags)
	}
	if d := diags[0].String(); !strings.Contains(d, "Tiktok2Mc") || !strings.Contains(d, "tikcraft migrate t2m") {
		t.Fatalf("got %s", d)
	}
	// Tiktok2Mc 1.0's snake_case keys, rcon and tiktok included.
	const t2m10 = "config_version: 1.0\nshow_sudo_warning: true\nrcon:\n  enabled: true\n  password: x\n  port: 25575\ntiktok:\n  user: someone\n  follow_tracking: {mode: all_time}\nlike_goal:\n  triggers: []\n"
	_, diags, err = Load(Layer{Name: "t2m/config/config.yaml", Data: []byte(t2m10), Dir: "t2m/config"})
	if err == nil || len(diags) != 1 || !strings.Contains(diags[0].String(), "this is a Tiktok2Mc config.yaml") || !strings.Contains(diags[0].String(), "tikcraft migrate t2m") {
		t.Fatalf("1.0 config.yaml: %v", diags)
	}
	// A tikcraft.yaml with one such key is not mistaken for it.
	for _, src := range []string{"rcon: {address: a:1}\nTikTok: {User: x}\nRCON: {}\n", "rcon: {address: a:1}\ntimer: {}\nspotify: {}\n", "tiktok: {retry_offline: 5s}\ntimer: {}\nshutdown: {}\n", "overlays: {}\ntimer: {}\ngui: {}\n"} {
		_, diags, _ = load(t, src)
		for _, d := range diags {
			if strings.Contains(d.Message, "Tiktok2Mc") {
				t.Fatalf("tikcraft.yaml taken for Tiktok2Mc: %v", d)
			}
		}
	}
}

// A tikcraft.yaml saved by Notepad as "Unicode" (UTF-16, either byte
// order) gets one error saying so at 1:1, not the parser's "string was
// used where mapping is expected"; a UTF-8 byte order mark is read.
func TestUTF16ConfigSaysSo(t *testing.T) {
	t.Setenv(EnvRCONPassword, "a-long-random-password")
	const text = "rcon: {address: 127.0.0.1:25575}\n"
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		src := order.AppendUint16(nil, 0xfeff)
		for _, u := range utf16.Encode([]rune(text)) {
			src = order.AppendUint16(src, u)
		}
		_, diags, err := Load(Layer{Name: "tikcraft.yaml", Data: src})
		if err == nil || len(diags) != 1 || diags[0].String() != "tikcraft.yaml:1:1: error: "+userfile.SavedAsUTF16 {
			t.Errorf("%v: got %v", order, diags)
		}
	}
	c, diags, err := Load(Layer{Name: "tikcraft.yaml", Data: []byte("\ufeff" + text)})
	if err != nil || len(diags) != 0 || c.RCON.Address != "127.0.0.1:25575" {
		t.Errorf("UTF-8 with a byte order mark: %v %v", diags, err)
	}
}

// No diagnostic names a file that does not exist.
func TestPasswordWarningNeverPointsAtAMissingFile(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	_, diags, _ := Load()
	if len(diags) != 1 || diags[0].File != "" || !strings.HasPrefix(diags[0].String(), "warning: no RCON password") {
		t.Fatalf("got %v", diags)
	}
	t.Setenv(EnvRCONPassword, "ABC1234")
	_, diags, _ = Load(Layer{Name: "tikcraft.yaml", Data: []byte("gifts: {mode: final}\n")})
	if len(diags) != 1 || diags[0].File != "" || !strings.Contains(diags[0].Message, EnvRCONPassword) {
		t.Fatalf("got %v", diags)
	}
	if strings.Contains(diags[0].String(), "ABC1234") {
		t.Fatal("the password was printed")
	}
	for _, d := range diags {
		if d.File != "" {
			if _, err := os.Stat(d.File); err != nil {
				t.Errorf("%s points at a missing file", d)
			}
		}
	}
}

func TestUserPositionIsKept(t *testing.T) {
	c, _, _ := load(t, "rcon: {password: a-long-random-password}\ntiktok:\n  user: \"Anna Smith\"\n")
	if c.TikTok.User != "Anna Smith" || c.TikTok.UserAt.Line != 3 || c.TikTok.UserAt.File != "tikcraft.yaml" {
		t.Fatalf("got %q at %+v", c.TikTok.User, c.TikTok.UserAt)
	}
	c, _, _ = load(t, "tiktok:\n  user: \"\"\n")
	if c.TikTok.User != "" || c.TikTok.UserAt.File == "" {
		t.Fatalf("an empty user must be recorded as set: %+v", c.TikTok)
	}
}
