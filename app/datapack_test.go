package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// Datapack mode end to end: the pack is written into the world's
// datapacks folder, Minecraft reloads it once, and an x500 gift costs one
// command while a plugin rule still goes over RCON.
func TestReplayDatapackMode(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword)
	world := t.TempDir()
	packs := filepath.Join(world, "datapacks")
	os.Mkdir(packs, 0o755)
	actions := "lion:/execute at @a run summon minecraft:zombie ~ ~ ~ x500 # ignore-lag\nrose:/say rose from {user}; /particle heart ~ ~ ~\nmoney:!eco give {user} 10\n"
	p := newProject(t, srv.Addr(), "minecraft:\n  datapack_dir: "+packs+"\n  version: 1.21.4\n", actions,
		giftLine("1", user("anna"), "Lion", 6369, false, 1, false, ""),
		giftLine("2", user("bob"), "Rose", 5655, true, 2, true, "g1"),
		giftLine("3", user("cy"), "Money", 7000, false, 1, false, ""))
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatalf("replay: %v\n%s", err, p.stderr)
	}
	want := []string{"reload", "function tikcraft:lion", `function tikcraft:rose {user:"bob"}`, `function tikcraft:rose {user:"bob"}`, "eco give cy 10"}
	if got := srv.Commands(); !slices.Equal(got, want) {
		t.Fatalf("server received\n %q\nwant\n %q", got, want)
	}
	fn, err := os.ReadFile(filepath.Join(packs, "tikcraft", "data", "tikcraft", "function", "rose.mcfunction"))
	if err != nil || !strings.HasSuffix(string(fn), "$say rose from $(user)\nparticle heart ~ ~ ~\n") {
		t.Fatalf("rose.mcfunction: %q %v", fn, err)
	}
	// The same rules again: nothing changed, so no second /reload.
	before := len(srv.Commands())
	os.WriteFile(p.events, []byte(giftLine("9", user("dee"), "Lion", 6369, false, 1, false, "")+"\n"), 0o600)
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands()[before:]; !slices.Equal(got, []string{"function tikcraft:lion"}) {
		t.Fatalf("second replay sent %q", got)
	}
}

func TestCheckRefusesAMissingDatapackFolder(t *testing.T) {
	t.Parallel()
	p := newProject(t, "127.0.0.1:25575", "minecraft:\n  datapack_dir: no/such/folder\n", "rose:/say hi\n")
	_, err := Load(p.opts.Options, false)
	if err == nil || !strings.Contains(err.Error(), "datapack_dir") || !strings.Contains(err.Error(), "datapacks folder") {
		t.Fatalf("Load: %v", err)
	}
}
