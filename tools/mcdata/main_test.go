package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEffectID(t *testing.T) {
	for in, want := range map[string]string{
		"Speed":               "speed",
		"MiningFatigue":       "mining_fatigue",
		"InstantHealth":       "instant_health",
		"JumpBoost":           "jump_boost",
		"DolphinsGrace":       "dolphins_grace",
		"HeroOfTheVillage":    "hero_of_the_village",
		"BadLuck":             "unluck",
		"Unluck":              "unluck",
		"BreathOfTheNautilus": "breath_of_the_nautilus",
	} {
		if got := effectID(in); got != want {
			t.Errorf("effectID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSpans(t *testing.T) {
	n := len(versions)
	mark := func(idx ...int) []bool {
		in := make([]bool, n)
		for _, i := range idx {
			in[i] = true
		}
		return in
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	last := n - 1
	for _, tc := range []struct {
		in   []bool
		want string
	}{
		{mark(all...), ""},
		{mark(all[5:]...), versions[5] + "-"},
		{mark(all[:3]...), "-" + versions[2]},
		{mark(3, 4), versions[3] + "-" + versions[4]},
		{mark(last), versions[last]},
		{mark(0, 1, last), "-" + versions[1] + "," + versions[last]},
	} {
		if got := spans(tc.in); got != tc.want {
			t.Errorf("spans(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFixCommands(t *testing.T) {
	tree := []string{"say", "random", "tick", "give"}
	before := fixCommands(tree, slices.Index(versions, "1.20.1"))
	if slices.Contains(before, "random") || slices.Contains(before, "tick") || slices.Contains(before, "swing") {
		t.Errorf("1.20.1 has commands of later releases: %v", before)
	}
	later := fixCommands(tree, slices.Index(versions, "1.21.11"))
	for _, c := range []string{"say", "random", "rotate", "dialog", "fetchprofile", "stopwatch"} {
		if !slices.Contains(later, c) {
			t.Errorf("1.21.11 lacks %s: %v", c, later)
		}
	}
	if slices.Contains(later, "swing") {
		t.Errorf("1.21.11 has 26.1's swing: %v", later)
	}
}

// A package with two releases' data, one of them leaving a file out,
// becomes the table mcnames reads.
func TestBuildFromPackage(t *testing.T) {
	paths := map[string]map[string]string{}
	for _, v := range versions {
		paths[v] = map[string]string{}
		for _, k := range kinds {
			paths[v][k.file] = "pc/1.21.4"
		}
	}
	old := paths["1.20"]
	for _, k := range kinds {
		old[k.file] = "pc/1.20"
	}
	delete(paths["1.20.1"], "sounds") // minecraft-data leaves some out
	for _, v := range []string{"1.20.1", "1.20.2", "1.20.3"} {
		for _, k := range kinds {
			if _, ok := paths[v][k.file]; ok {
				paths[v][k.file] = "pc/1.20"
			}
		}
	}
	named := func(names ...string) any {
		var out []map[string]string
		for _, n := range names {
			out = append(out, map[string]string{"name": n})
		}
		return out
	}
	tree := func(names ...string) any {
		var children []map[string]string
		for _, n := range names {
			children = append(children, map[string]string{"type": "literal", "name": n})
		}
		return map[string]any{"root": map[string]any{"children": children}}
	}
	files := map[string]any{
		"dataPaths.json":              map[string]any{"pc": paths},
		"pc/1.20/commands.json":       tree("say", "summon"),
		"pc/1.20/entities.json":       named("creeper", "boat"),
		"pc/1.20/items.json":          named("diamond", "scute"),
		"pc/1.20/blocks.json":         named("stone"),
		"pc/1.20/effects.json":        named("Speed", "BadLuck", "MiningFatigue"),
		"pc/1.20/particles.json":      named("flame"),
		"pc/1.20/sounds.json":         named("entity.creeper.primed", "old.sound"),
		"pc/1.20/enchantments.json":   named("sweeping"),
		"pc/1.21.4/commands.json":     tree("say", "summon", "random", "tick"),
		"pc/1.21.4/entities.json":     named("creeper", "breeze", "oak_boat"),
		"pc/1.21.4/items.json":        named("diamond", "mace", "turtle_scute"),
		"pc/1.21.4/blocks.json":       named("stone"),
		"pc/1.21.4/effects.json":      named("Speed", "Unluck", "MiningFatigue"),
		"pc/1.21.4/particles.json":    named("flame", "gust"),
		"pc/1.21.4/sounds.json":       named("entity.creeper.primed"),
		"pc/1.21.4/enchantments.json": named("sweeping_edge"),
		"pc/1.8/items.json":           named("never_read"),
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, v := range files {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(&tar.Header{Name: dataDir + name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	zw.Close()

	src, err := readPackage(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.files["pc/1.8/items"]; ok {
		t.Error("read a release older than 1.20")
	}
	tab, err := build(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tab.write(&out)
	got := out.String()
	v1204 := versions[slices.Index(versions, "1.20.3")+1]
	for _, want := range []string{
		"versions " + strings.Join(versions, " ") + "\n",
		"\nrandom 1.20.2-\nrotate 1.21.2-\nsay\n",
		"\nsay\n",
		"\nboat -1.20.3\nbreeze " + v1204 + "-\ncreeper\n",
		"\n[effect]\nmining_fatigue\nspeed\nunluck\n",
		// 1.20.1 has no sounds of its own: it gets 1.20's and 1.20.2's.
		"\nold.sound -1.20.3\n",
		"\nsweeping -1.20.3\nsweeping_edge " + v1204 + "-\n",
		"\n[sound]\n",
		"minecraft-data " + packageVersion,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}

	// The command checks the tarball's integrity before reading it.
	dir := t.TempDir()
	tgz := filepath.Join(dir, "fake.tgz")
	os.WriteFile(tgz, buf.Bytes(), 0o644)
	if err := run(filepath.Join(dir, "names.txt"), tgz); err == nil || !strings.Contains(err.Error(), "integrity") {
		t.Fatalf("run on a tarball that is not the pinned one: %v", err)
	}
}
