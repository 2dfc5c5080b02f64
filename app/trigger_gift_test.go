package app

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// `tikcraft trigger` and the test panel send the gift a viewer would: a
// name or id is looked up in the gift list (the kept one in data_dir, the
// built-in one behind it) and matched like a real gift, so "Heart Me" runs
// heart_me, "Galaxy" the 11046 rule and "5655" the rose rule, never the
// catch-all; a typo is an error with close names and runs nothing.
func TestTriggerMatchesLikeARealGift(t *testing.T) {
	dataDir := t.TempDir()
	// A gift only the kept list knows (a newer gift than the built-in list).
	kept := giftCache{User: "anna", Fetched: time.Now().UTC(), Gifts: []tiktok.GiftInfo{{ID: 999001, Name: "Crown Test", Diamonds: 5, Combo: true}}}
	if err := writeGiftCache(filepath.Join(dataDir, giftCacheFile), kept); err != nil {
		t.Fatal(err)
	}
	d := startDashDemo(t, fmt.Sprintf("data_dir: %q\n", dataDir),
		"heart_me:/say heart {user}\n11046:/say galaxy {user}\nrose:/say rose {user}\n999001:/say crown {user}\ngift:/say any {user} {gift}\n")
	port := strings.TrimPrefix(d.base, "http://127.0.0.1:")
	t.Setenv("TIKCRAFT_WEB_LISTEN", "127.0.0.1:"+port)
	t.Setenv(web.EnvToken, d.token)
	trigger := func(what string) (string, error) {
		out := &bytes.Buffer{}
		err := Trigger(context.Background(), TriggerOptions{Options: Options{ConfigPath: filepath.Join(d.dir, "tikcraft.yaml"), Stdout: out, Stderr: out}, Trigger: what, User: "cli"})
		return out.String(), err
	}

	for _, c := range []struct{ what, line, command string }{
		{"Heart Me", `fired gift "Heart Me" (id 7934, 1 diamond) → rule heart_me x1 as cli (a test): 1 action queued`, "say heart cli"},
		{"Galaxy", `fired gift "Galaxy" (id 11046, 1000 diamonds) → rule 11046 x1`, "say galaxy cli"},
		{"11046", `fired gift "Galaxy" (id 11046, 1000 diamonds) → rule 11046 x1`, "say galaxy cli"},
		{"5655", `fired gift "Rose" (id 5655, 1 diamond) → rule rose x1`, "say rose cli"},
		{"Rose", `fired gift "Rose" (id 5655, 1 diamond) → rule rose x1`, "say rose cli"},
		{"crown test", `fired gift "Crown Test" (id 999001, 5 diamonds) → rule 999001 x1`, "say crown cli"},
		{"Lion", `fired gift "Lion" (id 6369, 29999 diamonds) → rule gift x1`, "say any cli Lion"},
	} {
		out, err := trigger(c.what)
		if err != nil || !strings.Contains(out, c.line) {
			t.Fatalf("trigger %q: %v\n%s\nwant %s", c.what, err, out, c.line)
		}
		d.waitCommand(t, c.command)
	}

	before := len(d.rcon.Commands())
	out, err := trigger("nosuch")
	if err == nil || !strings.Contains(err.Error(), `no gift is called "nosuch"`) {
		t.Fatalf("trigger nosuch: %v\n%s", err, out)
	}
	if _, err := trigger("Galaxi"); err == nil || !strings.Contains(err.Error(), `close names: "Galaxy"`) {
		t.Fatalf("trigger Galaxi: %v", err)
	}
	// The panel's API says the same, with the gift it sent.
	code, res := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "Galaxy", "user": "panel"})
	if code != 200 || res["trigger"] != "11046" || fmt.Sprint(res["gift"]) != "map[diamonds:1000 id:11046 name:Galaxy]" {
		t.Fatalf("panel: HTTP %d %v", code, res)
	}
	d.waitCommand(t, "say galaxy panel")
	if code, res := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "nosuch"}); code != 404 {
		t.Fatalf("panel nosuch: HTTP %d %v", code, res)
	}
	cmds := d.rcon.Commands()
	if slices.ContainsFunc(cmds[before:], func(c string) bool { return strings.HasPrefix(c, "say any") }) {
		t.Fatalf("an unknown name ran the catch-all: %q", cmds[before:])
	}
}
