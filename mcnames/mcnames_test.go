package mcnames

import (
	"slices"
	"strings"
	"testing"
)

func TestVersionsCovered(t *testing.T) {
	vs := Versions()
	for _, v := range []string{"1.20", "1.20.1", "1.20.4", "1.20.6", "1.21", "1.21.1", "1.21.2", "1.21.4", "1.21.7", "1.21.10", "1.21.11", "26.1"} {
		if !slices.Contains(vs, v) {
			t.Errorf("release %s missing from %v", v, vs)
		}
	}
	if vs[0] != "1.20" || vs[len(vs)-1] != "26.1" {
		t.Errorf("releases %v: want 1.20 to 26.1", vs)
	}
	for i := 1; i < len(vs); i++ {
		if compareVersions(vs[i-1], vs[i]) >= 0 {
			t.Errorf("releases out of order: %s before %s", vs[i-1], vs[i])
		}
	}
}

// Effects are the ids commands take, not minecraft-data's CamelCase names.
func TestEffectIDs(t *testing.T) {
	want := []string{
		"speed", "slowness", "haste", "mining_fatigue", "strength", "instant_health", "instant_damage",
		"jump_boost", "nausea", "regeneration", "resistance", "fire_resistance", "water_breathing",
		"invisibility", "blindness", "night_vision", "hunger", "weakness", "poison", "wither",
		"health_boost", "absorption", "saturation", "glowing", "levitation", "luck", "unluck",
		"slow_falling", "conduit_power", "dolphins_grace", "bad_omen", "hero_of_the_village", "darkness",
	}
	for _, v := range Versions() {
		n := For(v)
		for _, id := range want {
			if !n.Has(Effect, id) {
				t.Errorf("%s: effect %s missing", v, id)
			}
		}
		for _, id := range n.List(Effect) {
			if strings.ToLower(id) != id || strings.ContainsAny(id, " '") {
				t.Errorf("%s: effect %q is not a command id", v, id)
			}
		}
		if n.Has(Effect, "bad_luck") {
			t.Errorf("%s: bad_luck is minecraft-data's name; the id is unluck", v)
		}
	}
	n := For("1.21")
	for _, id := range []string{"trial_omen", "raid_omen", "wind_charged", "weaving", "oozing", "infested"} {
		if !n.Has(Effect, id) {
			t.Errorf("1.21: effect %s missing", id)
		}
	}
}

// Every kind has the names a streamer uses most, in every release.
func TestEveryKindFilled(t *testing.T) {
	common := map[Kind][]string{
		Command:     {"summon", "give", "execute", "effect", "say", "tellraw", "title", "kill", "tp", "ban-ip", "save-all"},
		Entity:      {"creeper", "zombie", "tnt", "lightning_bolt", "wither", "ender_dragon", "chicken", "firework_rocket"},
		Item:        {"diamond", "golden_apple", "cookie", "diamond_sword", "totem_of_undying", "tnt"},
		Block:       {"stone", "tnt", "chest", "air", "water", "lava", "diamond_block"},
		Effect:      {"speed", "levitation"},
		Particle:    {"flame", "heart", "explosion", "dust", "totem_of_undying"},
		Sound:       {"entity.creeper.primed", "entity.generic.explode", "entity.player.levelup", "ui.toast.challenge_complete"},
		Enchantment: {"sharpness", "unbreaking", "mending", "binding_curse"},
	}
	for _, v := range append(Versions(), "") {
		n := For(v)
		for k, names := range common {
			if len(n.List(k)) < len(names) {
				t.Errorf("%q: only %d %v names", v, len(n.List(k)), k)
			}
			for _, name := range names {
				if !n.Has(k, name) || !n.Has(k, "minecraft:"+name) {
					t.Errorf("%q: %v %s missing", v, k, name)
				}
			}
		}
	}
}

func TestFor(t *testing.T) {
	for _, tc := range []struct {
		in, version, notice string
	}{
		{"1.21.4", "1.21.4", ""},
		{" 1.21.4 ", "1.21.4", ""},
		{"1.21", "1.21", ""},
		{"1.21.0", "1.21", ""},
		{"26.1", "26.1", ""},
		{"26.1.0", "26.1", ""},
		{"", "", ""},
		{"26.2", "26.1", "newer than"},
		{"27.1", "26.1", "newer than"},
		{"1.22", "26.1", "newer than"},
		{"1.21.12", "26.1", "newer than"},
		{"26.1.1", "26.1", "newer than"},
		{"1.20.7", "1.20.6", "does not know Minecraft 1.20.7"},
		{"1.19.4", "1.20", "older than"},
		{"banana", "", "is not a Minecraft Java release"},
	} {
		n := For(tc.in)
		if n.Version() != tc.version {
			t.Errorf("For(%q).Version() = %q, want %q", tc.in, n.Version(), tc.version)
		}
		if tc.notice == "" && n.Notice() != "" || !strings.Contains(n.Notice(), tc.notice) {
			t.Errorf("For(%q).Notice() = %q, want %q", tc.in, n.Notice(), tc.notice)
		}
	}
	// An unknown newer release is checked with the newest names.
	if !For("26.2").Has(Command, "swing") || !For("1.22").Has(Entity, "nautilus") {
		t.Error("a newer release does not get the newest names")
	}
}

func TestListIsACopy(t *testing.T) {
	n := For("1.21.4")
	l := n.List(Entity)
	l[0] = "zzz"
	if n.List(Entity)[0] == "zzz" {
		t.Fatal("List returned the Names' own slice")
	}
	if !slices.IsSorted(n.List(Sound)) {
		t.Fatal("List is not sorted")
	}
	if n.List(Kind(200)) != nil || n.Has(Kind(200), "x") || n.Suggest(Kind(200), "x") != nil {
		t.Fatal("an unknown kind has names")
	}
}

func TestParseTableErrors(t *testing.T) {
	for _, src := range []string{
		"",
		"[entity]\ncreeper\n",
		"versions 1.20\n[nope]\nx\n",
		"versions 1.20 1.21\n[entity]\nzombie\ncreeper\n",
		"versions 1.20 1.21\n[entity]\ncreeper 1.22-\n",
		"versions 1.20 1.21\nx\n",
	} {
		if _, err := parseTable(src); err == nil {
			t.Errorf("parseTable(%q) accepted it", src)
		}
	}
	tab, err := parseTable("# c\nversions 1.20 1.21 1.22\n\n[entity]\na -1.20\nb 1.21-\nc 1.20,1.22\nd\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []uint64{0b001, 0b110, 0b101, 0b111}
	for i, e := range tab.names[Entity] {
		if e.in != want[i] {
			t.Errorf("%s: %03b, want %03b", e.name, e.in, want[i])
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"creper", "creeper", 1},
		{"creeepr", "creeper", 1}, // one swap
		{"crxxper", "creeper", 2},
		{"ab", "ba", 1},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"kitten", "sitting", 3},
	} {
		if got := distance(tc.a, tc.b, 10); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := distance("aaaaaaaa", "bbbbbbbb", 2); got != 3 {
		t.Errorf("capped distance = %d, want 3", got)
	}
}

func TestKindString(t *testing.T) {
	if Entity.String() != "entity" || Kind(99).String() != "Kind(99)" || len(Kinds()) != int(numKinds) {
		t.Fatal(Entity.String(), Kind(99).String(), Kinds())
	}
}

func BenchmarkCheck(b *testing.B) {
	n := For("1.21.4")
	cmd := "execute as @a at @s positioned ~ ~2 ~ run summon creeper ~ ~ ~ {powered:1b,CustomName:'\"{nickname}\"'}"
	for b.Loop() {
		n.Check(cmd)
	}
}

func BenchmarkFor(b *testing.B) {
	for b.Loop() {
		For("1.21.4")
	}
}
