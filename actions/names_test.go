package actions

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/examples"
	"github.com/tikcraft/tikcraft/mcnames"
)

func parseNames(t testing.TB, src, version string) []Diagnostic {
	t.Helper()
	_, diags := Parse("actions.mca", []byte(src), Options{LikeFunctions: []string{"likes"}, Minecraft: mcnames.For(version)})
	return diags
}

// A file mixing typos with valid 1.21 commands: each typo is an error at
// its word with the right suggestion, and no valid line gets a word.
func TestNamesMixedFile(t *testing.T) {
	src := strings.Join([]string{
		/* 1 */ "# typos and valid commands side by side",
		/* 2 */ "rose:/summon creper ~ ~ ~",
		/* 3 */ "lion:/execute at @a run summon breeze ~ ~ ~; /give @a mace[enchantments={density:5}] 1",
		/* 4 */ "galaxy:/summn creeper",
		/* 5 */ "5655:/execute as @a at @s positioned ~ ~2 ~ run summon zombi ~ ~ ~ x3",
		/* 6 */ "follow:/give @a diamond_sword[enchantments={sharpness:5}]; /give {user} golden_aple 2",
		/* 7 */ "share:/effect give @a minecraft:speeed 10 1; >>Thanks|{nickname}|3",
		/* 8 */ "join:/summon creeper ~ ~ ~ {powered:1b,CustomName:'{\"text\":\"{nickname}\"}'}",
		/* 9 */ "subscribe:/particle flme ~ ~1 ~ 0.5 0.5 0.5 0 20",
		/* 10 */ "likes:/kill @e[type=#minecraft:skeletons]; /function #minecraft:tick",
		/* 11 */ "tnt_rain:/playsound entity.creeper.primd master @a; $wait 2s; /execute at @a run summon tnt ~ ~5 ~ x5 over 5s",
		/* 12 */ "heart_me:/enchant @p sharpnes 5 # the best sword",
		/* 13 */ "money:!eco give {user} 10; /setblock ~ ~ ~ dimond_block",
		/* 14 */ "corgi:/fill ~-2 ~ ~-2 ~2 ~ ~2 glas; /tellraw @a [{\"text\":\"Corgi from \"},{\"text\":\"{nickname}\",\"color\":\"gold\"}]",
		/* 15 */ "  cap:\t/ execute at @a run summon   Creeper",
		/* 16 */ "galaxy2:/clear @a diamnd; /item replace entity @a weapon.mainhand with trident",
		/* 17 */ "gift17:/say ü ä; /summon ender_dragn ~ ~20 ~",
		/* 18 */ "donut:/execute if block ~ ~-1 ~ #minecraft:logs run summon lightning_bolt ~ ~ ~; /title @a title {\"text\":\"BOOM\"}",
	}, "\n") + "\n"
	want := []string{
		`actions.mca:2:14: error: unknown entity type "creper" in Minecraft 1.21.4; did you mean creeper?`,
		`actions.mca:4:9: error: unknown command "summn" in Minecraft 1.21.4; did you mean summon?`,
		`actions.mca:5:56: error: unknown entity type "zombi" in Minecraft 1.21.4; did you mean zombie?`,
		`actions.mca:6:73: error: unknown item "golden_aple" in Minecraft 1.21.4; did you mean golden_apple or golden_axe?`,
		`actions.mca:7:23: error: unknown effect "minecraft:speeed" in Minecraft 1.21.4; did you mean speed?`,
		`actions.mca:9:21: error: unknown particle "flme" in Minecraft 1.21.4; did you mean flame?`,
		`actions.mca:11:21: error: unknown sound "entity.creeper.primd" in Minecraft 1.21.4; did you mean entity.creeper.primed?`,
		`actions.mca:12:22: error: unknown enchantment "sharpnes" in Minecraft 1.21.4; did you mean sharpness?`,
		`actions.mca:13:44: error: unknown block "dimond_block" in Minecraft 1.21.4; did you mean diamond_block?`,
		`actions.mca:14:31: error: unknown block "glas" in Minecraft 1.21.4; did you mean glass or glass_pane?`,
		`actions.mca:15:37: error: "Creeper": Minecraft ids are lower case; write creeper`,
		`actions.mca:16:19: error: unknown item "diamnd" in Minecraft 1.21.4; did you mean diamond?`,
		`actions.mca:17:26: error: unknown entity type "ender_dragn" in Minecraft 1.21.4; did you mean ender_dragon?`,
	}
	diags := parseNames(t, src, "1.21.4")
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("diagnostic %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	checkWordAt(t, src, diags)
}

// checkWordAt checks that each name diagnostic's column is the start of
// the word it quotes.
func checkWordAt(t *testing.T, src string, diags []Diagnostic) {
	t.Helper()
	lines := strings.Split(src, "\n")
	for _, d := range diags {
		_, rest, ok := strings.Cut(d.Message, `"`)
		if !ok {
			continue
		}
		word, _, _ := strings.Cut(rest, `"`)
		runes := []rune(lines[d.Line-1])
		if !strings.HasPrefix(string(runes[d.Col-1:]), word) {
			t.Errorf("%s: column %d is not at %q", d, d.Col, word)
		}
	}
}

// Tiktok2Mc's default actions.mca and tikcraft's example pass for every
// release from 1.21 on and without a version.
func TestNamesExamplesPass(t *testing.T) {
	tiktok2mc := `follow:/give @a minecraft:golden_apple 7; >>New Follower!|{user} is now following you!|5
likes:/execute at @a run summon minecraft:creeper ~ ~ ~ x2
like_2:/clear @a *; /kill @a
5655:!tnt 2 0.1 2 Notch
16111:/give @a minecraft:diamond
8913:/execute at @a run summon minecraft:evoker ~ ~ ~ x3
6267:!tnt 600 0.1 2 Notch
7168:/execute at @a run summon minecraft:wither ~ ~ ~ x50 # ignore-lag
16071:$random
`
	for _, v := range append(mcnames.Versions(), "") {
		if v != "" && !strings.HasPrefix(v, "1.21") && !strings.HasPrefix(v, "26") {
			continue
		}
		for name, src := range map[string]string{"Tiktok2Mc": tiktok2mc, "example": examples.Actions} {
			for _, d := range parseNames(t, src, v) {
				if d.Severity != Warning || !strings.Contains(d.Message, "$random") {
					t.Errorf("%s in %q: %s", name, v, d)
				}
			}
		}
	}
}

func TestNamesIgnoreAndSkip(t *testing.T) {
	src := `rose:/summon creper # ignore-names: a modded mob
tulip:/playsound mypack:custom.song master @a; /summon alexsmobs:crow
money:!eco give {user} 10; !summn
alert:>>summn creper|{nickname}|3
pick:$random
web:$wait 1s
`
	if diags := parseNames(t, src, "1.21.4"); len(diags) != 0 {
		t.Fatalf("got %v", diags)
	}
	// Without Options.Minecraft nothing is checked.
	_, diags := Parse("actions.mca", []byte("rose:/summn creper\n"), Options{})
	if len(diags) != 0 {
		t.Fatalf("checked without Options.Minecraft: %v", diags)
	}
}

// A version tikcraft does not know is said once, at the first command
// checked; the names are those of the newest release.
func TestNamesNoticeOnce(t *testing.T) {
	src := "a:>>hi\nrose:/summon creeper; /summon creper\ntulip:/summon nautilus\n"
	diags := parseNames(t, src, "26.2")
	if len(diags) != 2 {
		t.Fatalf("got %v", diags)
	}
	if d := diags[0].String(); !strings.HasPrefix(d, "actions.mca:2:6: info: minecraft.version 26.2 is newer than the releases tikcraft knows the names of (up to 26.1)") {
		t.Errorf("notice: %s", d)
	}
	if d := diags[1].String(); !strings.HasPrefix(d, `actions.mca:2:31: error: unknown entity type "creper" in Minecraft 26.1`) {
		t.Errorf("error: %s", d)
	}
	for _, d := range parseNames(t, src, "1.21.4") {
		if d.Severity != Error {
			t.Errorf("a known release got a notice: %v", d)
		}
	}
}

// "minecraft:give" is a warning (Paper and Spigot run it), not an error.
func TestNamesBukkitPrefix(t *testing.T) {
	diags := parseNames(t, "rose:/minecraft:give @a diamond\n", "1.21.4")
	if len(diags) != 1 || diags[0].Severity != Warning || diags[0].Col != 7 {
		t.Fatalf("got %v", diags)
	}
}

func FuzzParseNames(f *testing.F) {
	for _, s := range []string{
		"rose:/summon creper ~ ~ ~", "r:/execute at @a run summn x3 # c", "r:\t/  give @a diamnd; /x",
		"ü:/summon Ö", "r:/summon creper # ignore-names", "r:/minecraft:summn", "r:/fill ~ ~ ~ ~ ~ ~ glas replace",
	} {
		f.Add([]byte(s))
	}
	names := mcnames.For("1.21.4")
	f.Fuzz(func(t *testing.T, src []byte) {
		_, diags := Parse("f.mca", src, Options{Minecraft: names})
		checkPositions(t, src, diags)
		for _, d := range diags {
			if strings.Contains(d.Message, "Minecraft 1.21.4") && d.Severity == Error {
				line := strings.Split(string(src), "\n")[d.Line-1]
				if !strings.Contains(line, "/") {
					t.Fatalf("name error on a line without a / command: %s", d)
				}
			}
		}
	})
}

func ExampleOptions_minecraft() {
	_, diags := Parse("actions.mca", []byte("rose:/execute at @a run summon creper ~ ~ ~\n"), Options{Minecraft: mcnames.For("1.21.4")})
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output: actions.mca:1:32: error: unknown entity type "creper" in Minecraft 1.21.4; did you mean creeper?
}
