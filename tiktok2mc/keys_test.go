package tiktok2mc

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The plugins' config.yaml files as Tiktok2Mc 1.0 ships them.
const (
	likegoalPlugin   = "enabled: false\ndisplay_text: \"Like Goal\"\ninitial_goal: 100_000\ngoal_multiplier: 1\ntriggers:\n  - {id: likes_standard, every: 100, function: likes, payload: Community, enabled: true}\n  - {id: likes_100k, every: 100_000, function: like_2, payload: Community, enabled: true}\ntheme:\n  background: \"#050505\"\n  text: \"#ffffff\"\n"
	overlaytxtPlugin = "enabled: false\ndisplay_mode: overwrite\nfade_in: 500\nfade_out: 500\nmax_fails: 3\ncooldown: 10\noverlays:\n  - name: \"default\"\ntheme:\n  background: \"#00FF00\"\n  text: \"#ffffff\"\n"
)

// TestEveryKeyIsReported enumerates the keys of Tiktok2Mc folders that
// hold every key Tiktok2Mc ships (config.yaml 1.0 and 0.x, the plugins'
// config.yaml files): each one is named in the report, carried over or
// left with its reason. A key is named when a line of the report names
// its section and the key, or leaves the whole section.
func TestEveryKeyIsReported(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		extra   map[string]string
	}{
		{"testdata/t2m10", map[string]string{"plugins/likegoal/config.yaml": likegoalPlugin, "plugins/overlaytxt/config.yaml": overlaytxtPlugin}},
		{"testdata/t2m", nil},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(tc.fixture)); err != nil {
				t.Fatal(err)
			}
			for p, s := range tc.extra {
				writeT(t, filepath.Join(dir, filepath.FromSlash(p)), s)
			}
			res, err := Convert(dir)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res)
			report := slices.Concat(res.Carried, res.Left, res.Notes)
			keys := fileKeys(t, filepath.Join(dir, "config", "config.yaml"), "")
			plugins, _ := filepath.Glob(filepath.Join(dir, "plugins", "*", "config.yaml"))
			for _, p := range plugins {
				rel, _ := filepath.Rel(dir, p)
				keys = append(keys, fileKeys(t, p, filepath.ToSlash(rel))...)
			}
			if len(keys) < 20 {
				t.Fatalf("only %d keys: %v", len(keys), keys)
			}
			for _, k := range keys {
				if !named(report, res.Left, k[0], k[1]) {
					t.Errorf("%s %s is neither carried over nor left in the report", k[0], k[1])
				}
			}
			if t.Failed() {
				t.Logf("report:\n%s", strings.Join(report, "\n"))
			}
		})
	}
}

// fileKeys lists the keys of a YAML file as {section, key}: for a
// config.yaml each top-level key is a section (a scalar one has no key),
// each key of its mapping a key; for a plugin's file (section given) each
// top-level key.
func fileKeys(t *testing.T, path, section string) [][2]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeYAML(path, b)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, it := range orderedItems(doc) {
		if section != "" {
			out = append(out, [2]string{section, it.key})
			continue
		}
		inner := orderedItems(it.value)
		if len(inner) == 0 {
			out = append(out, [2]string{it.key, ""})
		}
		for _, in := range inner {
			out = append(out, [2]string{it.key, in.key})
		}
	}
	return out
}

// named reports whether a line of left leaves the whole section ("java:
// ...", "config.yaml comment_commands: superseded ...") or a line of the
// report names both the section and the key as words.
func named(report, left []string, section, key string) bool {
	word := func(s string) *regexp.Regexp {
		return regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(s) + `($|[^A-Za-z0-9_])`)
	}
	whole := regexp.MustCompile(`^(config\.yaml )?` + regexp.QuoteMeta(section) + `:`)
	for _, l := range left {
		if whole.MatchString(l) {
			return true
		}
	}
	for _, l := range report {
		if key != "" && word(section).MatchString(l) && word(key).MatchString(l) {
			return true
		}
	}
	return false
}

func TestNamed(t *testing.T) {
	left := []string{"java: tikcraft does not start Minecraft", "config.yaml comment_commands: superseded by x"}
	report := append([]string{"overlays.timer: start: 5m (timer start_time)", "rcon: 127.0.0.1:25575"}, left...)
	for _, c := range []struct {
		section, key string
		want         bool
	}{
		{"java", "xms", true}, {"timer", "start_time", true}, {"timer", "port", false}, {"comment_commands", "groups", true},
		{"start", "", false}, {"overlays", "", false}, {"rcon", "port", false},
	} {
		if got := named(report, left, c.section, c.key); got != c.want {
			t.Errorf("named(%q, %q) = %t", c.section, c.key, got)
		}
	}
}
