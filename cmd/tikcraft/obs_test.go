package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andreykaipov/goobs/api/requests/scenes"

	"github.com/tikcraft/tikcraft/obs/obstest"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// TestCheckConnectOBS: check --connect logs in to a real OBS and warns,
// at the rule's line and column, about a scene OBS does not have; a wrong
// password is an error that never shows the password. Without an obs
// section a $obs rule is an error that says what to add.
func TestCheckConnectOBS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "actions.mca"), "rose:/say hi; $obs scene \"Creeper Cam\"\nlion:$obs scene \"Game\"\n")
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "rcon:\n  password: a-long-random-password\n")
	out, _, code := tikcraft(t, dir, nil, "check")
	if code != 1 || !strings.Contains(out, "actions.mca:1:15: error: $obs needs to know where OBS is: add an obs section to tikcraft.yaml, with address: 127.0.0.1:4455") {
		t.Fatalf("without an obs section: exit %d\n%s", code, out)
	}

	srv := obstest.Need(t)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	if _, err := c.Scenes.CreateScene(&scenes.CreateSceneParams{SceneName: ptr("Game")}); err != nil {
		t.Fatal(err)
	}
	mc := rcontest.Start(t, "pw-for-connect-test")
	tt, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	config := func(obsPassword string) {
		writeFile(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("tiktok:\n  user: %q\n  sign_server: %s\n  web_base: %s\nrcon:\n  address: %s\n  password: pw-for-connect-test\nobs:\n  address: %s\n  password: %s\n",
			"@"+tt.User(), tt.URL(), tt.URL(), mc.Addr(), srv.Addr, obsPassword))
	}
	config(srv.Password)
	out, _, code = tikcraft(t, dir, nil, "check", "--connect")
	if code != 0 || !strings.Contains(out, "obs: ok: OBS 29") || !strings.Contains(out, "answered at "+srv.Addr) ||
		!strings.Contains(out, `actions.mca:1:15: warning: OBS has no scene "Creeper Cam" (its scenes: "Scene", "Game")`) || strings.Contains(out, `no scene "Game"`) {
		t.Fatalf("exit %d\n%s", code, out)
	}

	config("not-the-obs-password")
	out, _, code = tikcraft(t, dir, nil, "check", "--connect")
	if code != 1 || !strings.Contains(out, "obs: error: OBS at "+srv.Addr+" refused the password: make obs.password in tikcraft.yaml (or TIKCRAFT_OBS_PASSWORD)") ||
		strings.Contains(out, "not-the-obs-password") {
		t.Fatalf("wrong password: exit %d\n%s", code, out)
	}
}

func ptr[T any](v T) *T { return &v }
