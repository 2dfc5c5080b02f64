package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// tikcraft check knows Minecraft's names for minecraft.version: a typo in
// any rule is an error with a suggestion and exit 1, valid 1.21 commands
// pass, and a release it does not know is said once.
func TestCheckKnowsMinecraftNames(t *testing.T) {
	t.Parallel()
	env := []string{"TIKCRAFT_RCON_PASSWORD=a-long-random-password"}
	valid := `rose:/execute at @a run summon breeze ~ ~ ~; >>{nickname}|sent a Rose!|3
lion:/give @a mace[enchantments={density:5}] 1; /summon creeper ~ ~ ~ {powered:1b}
follow:/kill @e[type=#minecraft:skeletons]; /function #minecraft:tick
share:/tellraw @a {"text":"thanks {nickname}","color":"gold"}; !eco give {user} 10
`
	for _, tc := range []struct {
		name, config, actions string
		code                  int
		want, unwanted        []string
	}{
		{
			name:    "typos",
			config:  "minecraft:\n  version: 1.21.4\n",
			actions: valid + "galaxy:/summn creeper\ncorgi:/execute at @a run summon creper ~ ~ ~ x3\nheart_me:/effect give @a minecraft:speeed 10\n",
			code:    1,
			want: []string{
				"actions.mca:5:9: error: unknown command \"summn\" in Minecraft 1.21.4; did you mean summon?",
				"actions.mca:6:33: error: unknown entity type \"creper\" in Minecraft 1.21.4; did you mean creeper?",
				"actions.mca:7:26: error: unknown effect \"minecraft:speeed\" in Minecraft 1.21.4; did you mean speed?",
			},
			unwanted: []string{"actions.mca:1:", "actions.mca:2:", "actions.mca:3:", "actions.mca:4:"},
		},
		{name: "valid 1.21", config: "minecraft:\n  version: 1.21\n", actions: valid, want: []string{"4 triggers, 8 commands, 0 warnings"}},
		{name: "no version", config: "", actions: valid + "5655:/summon boat\n", want: []string{"5 triggers, 9 commands, 0 warnings"}},
		{
			name:    "newer release",
			config:  "minecraft:\n  version: \"26.2\"\n",
			actions: valid + "galaxy:/summn creeper\n",
			code:    1,
			want: []string{
				"actions.mca:1:6: info: minecraft.version 26.2 is newer than the releases tikcraft knows the names of (up to 26.1)",
				"actions.mca:5:9: error: unknown command \"summn\" in Minecraft 26.1",
			},
		},
		{name: "check off", config: "minecraft:\n  check_names: false\n", actions: valid + "galaxy:/summn creeper\n"},
		{name: "ignore-names", config: "", actions: valid + "galaxy:/summon mymob # ignore-names\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "tikcraft.yaml"), tc.config)
			writeFile(t, filepath.Join(dir, "actions.mca"), tc.actions)
			out, _, code := tikcraft(t, dir, env, "check")
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tc.unwanted {
				if strings.Contains(out, w) {
					t.Errorf("output has %q", w)
				}
			}
			if strings.Count(out, "newer than the releases") > 1 {
				t.Error("the notice is said more than once")
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// migrate keeps a Tiktok2Mc rule with a misspelt name as a comment that
// says what to write, so that the migrated files pass check.
func TestMigrateCommentsOutUnknownNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := filepath.Join(dir, "t2m")
	writeFile(t, filepath.Join(from, "config", "config.yaml"), "config_version: 1\nRCON:\n  Enable: true\n  Password: a-long-random-password\n  Port: 25575\nTikTok:\n  User: someone\n")
	writeFile(t, filepath.Join(from, "data", "actions.mca"), "5655:/execute at @a run summon minecraft:creper ~ ~ ~\nfollow:/give @a minecraft:golden_apple 7\n")
	out, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", "new")
	if code != 0 || !strings.Contains(out, `actions.mca line 1 (5655:/execute at @a run summon minecraft…): unknown entity type "minecraft:creper"`) || !strings.Contains(out, "did you mean creeper?") || !strings.Contains(out, "check: no errors") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	migrated := readFile(t, filepath.Join(dir, "new", "actions.mca"))
	if !strings.Contains(migrated, "# 5655:/execute at @a run summon minecraft:creper") || !strings.Contains(migrated, "\nfollow:/give @a minecraft:golden_apple 7") {
		t.Fatalf("migrated actions.mca:\n%s", migrated)
	}
}
