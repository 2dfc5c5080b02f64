package tiktok2mc

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// The plugins' config.yaml files as Tiktok2Mc 1.0 ships them.
const (
	likegoalPlugin   = "enabled: false\ndisplay_text: \"Like Goal\"\ninitial_goal: 100_000\ngoal_multiplier: 1\ntriggers:\n  - {id: likes_standard, every: 100, function: likes, payload: Community, enabled: true}\n  - {id: likes_100k, every: 100_000, function: like_2, payload: Community, enabled: true}\ntheme:\n  background: \"#050505\"\n  text: \"#ffffff\"\n"
	overlaytxtPlugin = "enabled: false\ndisplay_mode: overwrite\nfade_in: 500\nfade_out: 500\nmax_fails: 3\ncooldown: 10\noverlays:\n  - name: \"default\"\ntheme:\n  background: \"#00FF00\"\n  text: \"#ffffff\"\n"
)

// TestEveryKeyIsReported enumerates the keys of Tiktok2Mc folders that
// hold every key Tiktok2Mc ships (config.yaml 1.0 and 0.x, the plugins'
// config.yaml files): each one is named in the report, carried over or
// left with its reason, in a form migrate writes (named). The same
// folders with a key Tiktok2Mc does not know added to every mapping check
// that each section accounts for its keys, not only for those it reads.
func TestEveryKeyIsReported(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		extra   map[string]string
	}{
		{"testdata/t2m10", map[string]string{"plugins/likegoal/config.yaml": likegoalPlugin, "plugins/overlaytxt/config.yaml": overlaytxtPlugin}},
		{"testdata/t2m", nil},
	} {
		for _, unknown := range []bool{false, true} {
			name := tc.fixture
			if unknown {
				name += " with an unknown key in every mapping"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				if err := os.CopyFS(dir, os.DirFS(tc.fixture)); err != nil {
					t.Fatal(err)
				}
				for p, s := range tc.extra {
					writeT(t, filepath.Join(dir, filepath.FromSlash(p)), s)
				}
				files, _ := filepath.Glob(filepath.Join(dir, "plugins", "*", "config.yaml"))
				files = append([]string{filepath.Join(dir, "config", "config.yaml")}, files...)
				if unknown {
					for _, p := range files {
						addUnknownKeys(t, p)
					}
				}
				res, err := Convert(dir)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, res)
				report := slices.Concat(res.Carried, res.Left, res.Notes)
				var keys []fileKey
				for i, p := range files {
					file := ""
					if i > 0 {
						rel, _ := filepath.Rel(dir, p)
						file = filepath.ToSlash(rel)
					}
					keys = append(keys, fileKeys(t, p, file)...)
				}
				if len(keys) < 20 {
					t.Fatalf("only %d keys: %v", len(keys), keys)
				}
				unknowns := 0
				for _, k := range keys {
					if k.path[len(k.path)-1] == unknownKey {
						unknowns++
					}
					if !named(report, res.Left, k) {
						t.Errorf("%s is neither carried over nor left in the report", k)
					}
				}
				if unknown && unknowns < 10 {
					t.Fatalf("only %d unknown keys added", unknowns)
				}
				if t.Failed() {
					t.Logf("report:\n%s", strings.Join(report, "\n"))
				}
			})
		}
	}
}

const unknownKey = "zz_unknown"

// addUnknownKeys adds unknownKey to every mapping of the YAML file at
// path that is not in a list.
func addUnknownKeys(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(b, &doc, yaml.UseOrderedMap()); err != nil {
		t.Fatal(err)
	}
	var add func(m yaml.MapSlice) yaml.MapSlice
	add = func(m yaml.MapSlice) yaml.MapSlice {
		for i, it := range m {
			if inner, ok := it.Value.(yaml.MapSlice); ok {
				m[i].Value = add(inner)
			}
		}
		return append(m, yaml.MapItem{Key: unknownKey, Value: 1})
	}
	out, err := yaml.Marshal(add(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fileKey is a key of a Tiktok2Mc file: file is "" for config.yaml, the
// plugin's file (plugins/timer/config.yaml) otherwise; path leads to the
// key through the mappings holding it.
type fileKey struct {
	file string
	path []string
}

func (k fileKey) String() string {
	return strings.TrimSpace(k.file + " " + strings.Join(k.path, "."))
}

// fileKeys lists the keys of a YAML file that hold no mapping: the others
// are named through theirs.
func fileKeys(t *testing.T, path, file string) []fileKey {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeYAML(path, b)
	if err != nil {
		t.Fatal(err)
	}
	var out []fileKey
	var walk func(v any, at []string)
	walk = func(v any, at []string) {
		for _, it := range orderedItems(v) {
			p := append(slices.Clone(at), it.key)
			if len(orderedItems(it.value)) == 0 {
				out = append(out, fileKey{file, p})
			}
			walk(it.value, p)
		}
	}
	walk(doc, nil)
	return out
}

// form is a regexp of the ways the report names the key at path of file:
// a key of config.yaml as section.key ("(tiktok.user)", "timer.port: ...",
// "LikeGoal.Enable: ...", "tiktok.follow_tracking.file: ...") or as the
// section, a space and a list of keys that holds it ("like_goal
// display_text, initial_goal: ..."); a plugin's key after the file's name
// ("plugins/timer/config.yaml start_time (seconds)"); a top-level key of
// config.yaml, or a plugin's file with no path, by itself.
func form(file string, path []string) string {
	if len(path) == 0 {
		return regexp.QuoteMeta(file)
	}
	key := regexp.QuoteMeta(path[len(path)-1])
	section := strings.TrimSpace(file + " " + strings.Join(path[:len(path)-1], "."))
	if section == "" {
		return key
	}
	return regexp.QuoteMeta(section) + `[. ]([A-Za-z0-9_]+(, | and ))*` + key
}

// named reports whether a line of left leaves the key, or a mapping that
// holds it, whole ("java: ...", "config.yaml comment_commands: superseded
// ...", "plugins/spotify/config.yaml: ...", "plugins/timer/config.yaml
// theme: ..."), or a line of the report names the key (form). A section
// inside a path (timer in plugins/timer/config.yaml) is not one.
func named(report, left []string, k fileKey) bool {
	first := 0
	if k.file == "" {
		first = 1
	}
	for i := first; i <= len(k.path); i++ {
		whole := regexp.MustCompile(`^(config\.yaml )?` + form(k.file, k.path[:i]) + `:`)
		for _, l := range left {
			if whole.MatchString(l) {
				return true
			}
		}
	}
	if k.file == "" && len(k.path) == 1 {
		return false
	}
	full := regexp.MustCompile(`(^|[ (])` + form(k.file, k.path) + `([:;,). ]|$)`)
	for _, l := range report {
		if full.MatchString(l) {
			return true
		}
	}
	return false
}

func TestNamed(t *testing.T) {
	left := []string{"java: tikcraft does not start Minecraft", "config.yaml comment_commands: superseded by x", "plugins/spotify/config.yaml: no Spotify",
		"timer.port: the port", "plugins/timer/config.yaml enabled: always served", "like_goal display_text, initial_goal: superseded by y",
		"plugins/likegoal/config.yaml theme: colours", "tiktok.follow_tracking.file: kept in data_dir", "config_version: its own"}
	report := append([]string{"overlays.timer: start: 5m (plugins/timer/config.yaml start_time (seconds))", "rcon: 127.0.0.1:25575 (port: rcon.port; rcon.enabled: true)",
		"tiktok.user: @a (tiktok.user)", "random (config.yaml Gifts.random_included and random_exclude)", "carried: show_sudo_warning: x"}, left...)
	for _, c := range []struct {
		file string
		path string
		want bool
	}{
		{"", "java.xms", true}, {"", "comment_commands.groups", true}, {"plugins/spotify/config.yaml", "enabled", true},
		{"", "timer.port", true}, {"", "timer.start_time", false}, {"", "timer.enabled", false},
		{"plugins/timer/config.yaml", "start_time", true}, {"plugins/timer/config.yaml", "enabled", true}, {"plugins/timer/config.yaml", "port", false},
		{"plugins/likegoal/config.yaml", "theme.background", true}, {"plugins/timer/config.yaml", "theme.background", false},
		{"", "like_goal.display_text", true}, {"", "like_goal.initial_goal", true}, {"", "like_goal.goal_multiplier", false},
		{"", "rcon.port", true}, {"", "rcon.enabled", true}, {"", "rcon.password", false}, {"", "tiktok.user", true},
		{"", "tiktok.follow_tracking.file", true}, {"", "tiktok.follow_tracking.mode", false},
		{"", "Gifts.random_included", true}, {"", "Gifts.random_exclude", true}, {"", "Gifts.like_triggers", false},
		{"", "config_version", true}, {"", "show_sudo_warning", false}, {"", "start", false},
	} {
		if got := named(report, left, fileKey{c.file, strings.Split(c.path, ".")}); got != c.want {
			t.Errorf("named(%s %s) = %t", c.file, c.path, got)
		}
	}
}
