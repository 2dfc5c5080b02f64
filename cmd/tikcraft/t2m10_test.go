package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// t2m10Defaults are the rules of the actions.mca Tiktok2Mc 1.0 ships.
const t2m10Defaults = `follow:/give @a minecraft:golden_apple 7; >>New Follower!|{user} is now following you!|5
#join:>>Welcome!|{user} just joined the stream!|3
#comment:>>{user} wrote:|{comment}|3
likes:/execute at @a run summon minecraft:creeper ~ ~ ~ x2
like_2:/clear @a *; /kill @a
5655:!tnt 2 0.1 2 Notch
16111:/give @a minecraft:diamond
8913:/execute at @a run summon minecraft:evoker ~ ~ ~ x3
6267:!tnt 600 0.1 2 Notch
7168:/execute at @a run summon minecraft:wither ~ ~ ~ x50
16071:$random
'Tom the Tomato':$random
16379:$random
`

// viewer is a JSONL user; mod and sub set the audience flags.
func viewer(name string, mod, sub bool) string {
	flags := ""
	if mod {
		flags += `,"moderator":true`
	}
	if sub {
		flags += `,"subscriber":true`
	}
	return fmt.Sprintf(`{"id":"%d","unique_id":%q,"nickname":%q%s}`, len(name)*7919+int(name[0]), name, strings.ToUpper(name), flags)
}

// events numbers the lines and gives each a time 10s after the last, so
// that cooldowns are measured as a LIVE would.
func events(lines ...string) string {
	var b strings.Builder
	for i, l := range lines {
		fmt.Fprintf(&b, `{"msg_id":"m%d","time":"2026-09-01T20:%02d:%02dZ",%s`+"\n", i+1, i*10/60, i*10%60, strings.TrimPrefix(l, "{"))
	}
	return b.String()
}

func gift(user string, id int, name string) string {
	return fmt.Sprintf(`{"type":"gift","user":%s,"gift":{"id":%d,"name":%q,"diamonds":1},"repeat_count":1}`, user, id, name)
}

func chat(user, text string) string {
	return fmt.Sprintf(`{"type":"chat","user":%s,"text":%q}`, user, text)
}

// replayInto points the config file cfg (in dir) at srv, replays the
// events ev with `tikcraft replay` and returns what Minecraft got.
func replayInto(t *testing.T, dir, cfg string, srv *rcontest.Server, ev string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, cfg))
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`(?m)^  address: \S+`).ReplaceAllString(string(b), "  address: "+srv.Addr())
	writeFile(t, filepath.Join(dir, cfg), s)
	writeFile(t, filepath.Join(dir, "events.jsonl"), ev)
	before := len(srv.Commands())
	out, errOut, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD="}, "replay", "-c", cfg, "--seed", "5", "events.jsonl")
	if code != 0 {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errOut)
	}
	return srv.Commands()[before:]
}

// TestMigrateTiktok2Mc10 is a Tiktok2Mc 1.0 streamer's day one: check on
// the old config points at migrate, migrate carries the whole folder over,
// and the result, replayed into a real RCON server, sends what each rule
// meant: quoted names, !rc, named alerts beside their commands, hooks taken
// out alone, likes with their payload, $random without its exclusions,
// chat command groups (allowed, wrong role, unlisted, hostile arguments).
func TestMigrateTiktok2Mc10(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from, _ := filepath.Abs("../../tiktok2mc/testdata/t2m10")

	out, _, code := tikcraft(t, dir, nil, "check", "-c", filepath.Join(from, "config", "config.yaml"))
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "this is a Tiktok2Mc config.yaml") || !strings.Contains(lines[0], "tikcraft migrate "+from) {
		t.Fatalf("check on the 1.0 config.yaml: exit %d\n%s", code, out)
	}

	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "new")
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"read:\n  - " + filepath.Join(from, "config", "config.yaml"),
		"  - " + filepath.Join(from, "data", "event_commands.yaml"),
		"  - " + filepath.Join(from, "plugins", "timer", "config.yaml"),
		"  - " + filepath.Join(from, "data", "shell_actions.txt"),
		"tiktok.user: @nova_builds (tiktok.user)",
		"rcon: 127.0.0.1:25581 with the password of rcon.password",
		"likes.triggers: likes_standard (every 500 likes runs likes), likes_100k (every 100000 likes runs like_2, off) (like_goal.triggers)",
		"random.never: 7168, 18508, 9101",
		"follows.remember: forever",
		"$confetti (a Tiktok2Mc hook, which tikcraft does not have) taken out; the rest of the line is kept",
		"check: no errors, 0 warnings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out)
	}
	if out, _, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD="}, "check", "-v", "-c", filepath.Join("new", "tikcraft.yaml")); code != 0 || strings.Contains(out, "7168 (line") || !strings.Contains(out, "can pick 8 rules") {
		t.Fatalf("check on the migrated files: exit %d\n%s", code, out)
	}

	// The password carried over is the one this server wants.
	srv := rcontest.Start(t, "s3cret-Creeper-42")
	anna, bob, mod, sub := viewer("viewer_x", false, false), viewer("bob", false, false), viewer("mia_mod", true, false), viewer("sam_sub", false, true)
	got := replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(
		gift(anna, 8913, "Rosa"),           // the name rule, not 8913's evokers
		gift(anna, 16111, "Mamma Mia"),     // !rc
		gift(anna, 6064, "Confetti"),       // $confetti taken out, the rest kept
		gift(anna, 5827, "Ice Cream Cone"), // &curl became $timer +60s
		`{"type":"like","user":`+bob+`,"count":300}`,
		`{"type":"like","user":`+bob+`,"count":300}`, // 600 likes: likes once, with its payload
		`{"type":"follow","user":`+bob+`}`,
		`{"type":"follow","user":`+bob+`}`, // all_time: once
		chat(mod, "#say hello world"),
		chat(bob, "#say hi from nobody"),            // no role
		chat(mod, "#op viewer_x"),                   // not listed
		chat(sub, "#give @p minecraft:diamond 1"),   // give: moderators only
		chat(mod, "#give @p minecraft:diamond 1"),   // allowed
		chat(sub, `#say hi"}],"extra":[{"text":"x`), // hostile arguments
		chat(sub, "#say a\nop sam_sub"),             // a second line
		chat(sub, "#execute run op sam_sub"),        // never carried over
		chat(sub, "#say subscribers too"),
	))
	want := []string{
		"give @a minecraft:poppy 3",
		"give viewer_x minecraft:cookie 4",
		"say confetti for viewer_x",
		"say more time",
		"execute at @a run summon minecraft:creeper ~ ~ ~", "execute at @a run summon minecraft:creeper ~ ~ ~",
		"say likes from Community",
		"give @a minecraft:golden_apple 7",
		"say hello world",
		"give @p minecraft:diamond 1",
		"say subscribers too",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Minecraft got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// $random never picks what random_triggers excluded (50 withers), nor
	// the rules made from shell_actions.txt.
	var toms []string
	for range 40 {
		toms = append(toms, gift(anna, 16379, "Tom the Tomato"))
	}
	got = replayInto(t, dir, filepath.Join("new", "tikcraft.yaml"), srv, events(toms...))
	allowed := []string{"tnt 2 0.1 2 Notch", "give viewer_x minecraft:cookie 4", "give @a minecraft:poppy 3", "execute at @a run summon minecraft:evoker ~ ~ ~", "tnt 600 0.1 2 Notch", "say confetti for viewer_x", "say more time"}
	if len(got) < 20 {
		t.Fatalf("40 Tom the Tomato gifts sent only %q", got)
	}
	for _, c := range got {
		if !slices.Contains(allowed, c) {
			t.Fatalf("$random ran %q, which it may not pick", c)
		}
	}
}

// An untouched Tiktok2Mc 1.0 actions.mca (its defaults) passes check and
// runs as it is.
func TestTiktok2Mc10DefaultActionsRun(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-t2m10-test")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "rcon:\n  address: 127.0.0.1:1\n  password: pw-for-t2m10-test\n")
	writeFile(t, filepath.Join(dir, "actions.mca"), t2m10Defaults)
	if out, _, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD="}, "check", "-c", "tikcraft.yaml"); code != 0 || strings.Contains(out, "error") {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	anna := viewer("anna", false, false)
	got := replayInto(t, dir, "tikcraft.yaml", srv, events(
		gift(anna, 5655, "Rose"), gift(anna, 16111, "Mamma Mia"), `{"type":"follow","user":`+anna+`}`,
	))
	if want := []string{"tnt 2 0.1 2 Notch", "give @a minecraft:diamond", "give @a minecraft:golden_apple 7"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
}

// A Tiktok2Mc file just under migrate's cap, whose chat commands each have
// settings of their own (a group each in tikcraft, about twice the text),
// makes a tikcraft.yaml that tikcraft itself reads.
func TestMigrateAtTheSizeCapWritesAConfigTikcraftReads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := filepath.Join(dir, "t2m")
	if err := os.CopyFS(from, os.DirFS("../../tiktok2mc/testdata/t2m10")); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 1150 {
		names = append(names, fmt.Sprintf("c%d", i))
	}
	var b strings.Builder
	b.WriteString("comment_commands:\n  enabled: true\n  groups:\n    - enabled: true\n      prefix: \"#\"\n      allowed_roles: [moderator]\n      mode: deny-all\n")
	b.WriteString("      commands: [" + strings.Join(names, ", ") + "]\n      commands_config:\n")
	for _, n := range names {
		b.WriteString("        " + n + ": {roles: [moderator], cooldown: 3}\n")
	}
	b.WriteString("      handler: rcon\n")
	if b.Len() > 64<<10 || b.Len() < 60<<10 {
		t.Fatalf("the file is %d bytes; make it just under 64 KB", b.Len())
	}
	writeFile(t, filepath.Join(from, "data", "comment_commands.yaml"), b.String())

	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "new")
	if code != 0 || !strings.Contains(out, "check: no errors") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := tikcraft(t, dir, []string{"TIKCRAFT_RCON_PASSWORD="}, "check", "-c", filepath.Join("new", "tikcraft.yaml")); code != 0 {
		t.Fatalf("check on the migrated files: exit %d\n%s", code, out)
	}
}
