package tiktok2mc

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/yamldepth"
)

// TestConvert10Fixture converts a Tiktok2Mc 1.0 folder (its own defaults
// plus a streamer's edits) and checks each file's part of the result.
func TestConvert10Fixture(t *testing.T) {
	res, err := Convert("testdata/t2m10")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, p := range res.Read {
		read = append(read, filepath.ToSlash(strings.TrimPrefix(p, filepath.FromSlash("testdata/t2m10/"))))
	}
	if got := strings.Join(read, " "); got != "config/config.yaml data/comment_commands.yaml data/event_commands.yaml hooks/random/config.yaml plugins/deathcounter/config.yaml plugins/spotify/config.yaml plugins/timer/config.yaml plugins/wincounter/config.yaml data/actions.mca data/shell_actions.txt" {
		t.Errorf("read %s", got)
	}
	for _, want := range []string{
		`user: "@nova_builds"`, "retry_offline: 20s", "address: 127.0.0.1:25581", `password: "s3cret-Creeper-42"`,
		"remember: forever",
		`{id: "likes_standard", every: 500, function: "likes", payload: "Community", enable: true}`,
		`{id: "likes_100k", every: 100000, function: "like_2", payload: "Community", enable: false}`,
		"never: [7168, 18508, 9101]",
		"    - prefix: \"#\"\n      roles: [moderators]\n      commands: [give]\n      user_cooldown: 5s\n",
		"    - prefix: \"#\"\n      roles: [moderators, subscribers]\n      commands: [say]\n",
		"      handler: http\n      url: \"http://127.0.0.1:8090/chat?user={user}&text={text}\"\n      cooldown: 3s\n      comment_rule: false\n",
		"alerts: {display_mode: queue, fade_in: 250, fade_out: 500}",
		"timer: {start: 15m, reset_on_death: false, win_on_end: true}",
		`- "127.0.0.1:8090"`,
	} {
		if !strings.Contains(res.Config, want) {
			t.Errorf("tikcraft.yaml lacks %q:\n%s", want, res.Config)
		}
	}
	for _, bad := range []string{"execute", "spotify_port", "allow-all", "op, stop"} {
		if strings.Contains(res.Config, bad) {
			t.Errorf("tikcraft.yaml holds %q:\n%s", bad, res.Config)
		}
	}
	for _, want := range []string{
		"comment:>>{user} wrote:|{comment}|3\n",
		"16111:/give {user} minecraft:cookie 4 !rc\n",
		"Rosa:/give @a minecraft:poppy 3; @alerts>>Rosa!|from {user}|4\n",
		"'Tom the Tomato':$random\n",
		"##like_2:/clear @a *; /kill @a\n",
		"16071:$random; $wins -10\n",
		"# tikcraft migrate: taken out of the next line: $confetti (a Tiktok2Mc hook, which tikcraft does not have)\n6064:/say confetti for {user} !rc; >>Confetti!|{user}|3\n",
		"5760:$wins +1\n", "5827:$timer +60s; /say more time\n",
		"# 7934:&notepad.exe\n", "# 8244:$spotify_play\n",
		"18508:$wins +10\n9101:$wins -1000\n",
		"share:$timer +30s\n",
	} {
		if !strings.Contains(res.Actions, want) {
			t.Errorf("actions.mca lacks %q:\n%s", want, res.Actions)
		}
	}
	report := strings.Join(append(append(res.Carried, res.Left...), res.Notes...), "\n")
	for _, want := range []string{
		"config.yaml comment_commands: superseded by comment_commands.yaml",
		"the command execute runs other commands",
		"mode allow-all let viewers run every command but op, stop",
		"event_commands.yaml minecraft.player_death → spotify-control pause: tikcraft does not control Spotify",
		"event_commands.yaml timer.zero → win-counter add_win: overlays.timer.win_on_end: true",
		"$confetti (a Tiktok2Mc hook, which tikcraft does not have) taken out; the rest of the line is kept",
		"plugins/spotify/config.yaml: tikcraft does not control Spotify",
		"shutdown: tikcraft does not shut anything down",
		"java: tikcraft does not start the Minecraft server",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// Every line with {user} in this file has !rc or is an alert: no note.
	if strings.Contains(report, "put @a in its place") {
		t.Errorf("{user} note for a 1.0 file whose commands all have !rc:\n%s", report)
	}
	checkResult(t, res)
}

// checkResult loads the converted files as tikcraft would: no errors.
func checkResult(t *testing.T, res *Result) {
	t.Helper()
	t.Setenv(config.EnvRCONPassword, "")
	cfg, diags, err := config.Load(config.Layer{Name: "tikcraft.yaml", Data: []byte(res.Config)})
	if err != nil {
		t.Fatalf("tikcraft.yaml: %v\n%s", diags, res.Config)
	}
	_, adiags := actions.Parse("actions.mca", []byte(res.Actions), actions.Options{LikeFunctions: cfg.LikeFunctions(), HTTPAllow: cfg.HTTP.Allow, RandomOnly: cfg.Random.Only, RandomNever: cfg.Random.Never})
	for _, d := range adiags {
		if d.Severity == actions.Error {
			t.Errorf("%s\n%s", d, res.Actions)
		}
	}
}

// convertFolder writes files (path: content) into a temporary folder and
// converts it.
func convertFolder(t *testing.T, files map[string]string) *Result {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		writeT(t, filepath.Join(dir, filepath.FromSlash(p)), s)
	}
	res, err := Convert(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	return res
}

func TestConvert10Variants(t *testing.T) {
	const cfg = "config_version: 1.0\nrcon: {password: pw-long-enough, port: 25575}\ntiktok:\n  user: anna\n"
	tests := []struct {
		name      string
		files     map[string]string
		config    []string // in tikcraft.yaml
		notConfig []string
		actions   []string // in actions.mca
		report    []string
		notReport []string
	}{
		{"follow tracking per_stream", map[string]string{"config/config.yaml": cfg + "  follow_tracking: {mode: per_stream}\n"},
			[]string{"once_per_user: true", "remember: live"}, []string{"forever"}, nil, []string{"per_stream"}, nil},
		{"follow tracking unset is all_time", map[string]string{"config/config.yaml": cfg},
			[]string{"remember: forever"}, nil, nil, []string{"Tiktok2Mc's default"}, nil},
		{"comment commands off stay off", map[string]string{"config/config.yaml": cfg,
			"data/comment_commands.yaml": "comment_commands:\n  enabled: false\n  groups:\n    - {prefix: \"#\", allowed_roles: [moderator, superfan], mode: deny-all, commands: [say, give]}\n"},
			[]string{"# chat_commands:", "#       commands: [say, give]"}, []string{"\nchat_commands:"}, nil, []string{"written commented out because they were off"}, nil},
		{"random allow-only", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: [a, 'Tom the Tomato']\n",
			"data/actions.mca": "a:/say a\nb:/say b\n'Tom the Tomato':/say tom\nrose:$random\n"},
			[]string{"only: [a, tom_the_tomato]"}, nil, nil, []string{"random.only: a, tom_the_tomato"}, nil},
		{"0.x random lists", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough}\nGifts: {random_included: [a], random_exclude: [b]}\n"},
			[]string{"only: [a]", "never: [b]"}, nil, nil, nil, nil},
		{"0.x like goal with a goal that is no number", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough}\nLikeGoal: {InitialGoal: lots, DisplayText: null, GoalMultiplier: 3}\n"},
			[]string{"initial_goal: 100000\n    multiplier: 3"}, nil, nil,
			[]string{"LikeGoal InitialGoal: lots is not a whole number; overlays.likegoal keeps its default", `overlays.likegoal: "Like Goal", first goal 100000 likes, multiplier 3 (LikeGoal GoalMultiplier)`},
			[]string{"migrate knows"}},
		{"0.x Overlaytxt is named by its own keys", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough}\nOverlaytxt: {DisplayMode: queue, FadeIn: soon, FadeOut: 300, Overlays: [{name: Side}]}\n"},
			[]string{"alerts: {display_mode: queue, fade_out: 300}   # config.yaml Overlaytxt DisplayMode, FadeOut"}, nil, nil,
			[]string{"overlays.alerts: display_mode: queue, fade_out: 300 (config.yaml Overlaytxt DisplayMode, FadeOut)", "config.yaml Overlaytxt FadeIn: soon is not a number of milliseconds",
				"named overlays (config.yaml Overlaytxt Overlays): @NAME>> alerts show on /overlay/alerts?name=side"},
			[]string{"display_mode,", "fade_in:", "Overlaytxt overlays"}},
		{"an alerts display mode that is neither", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough}\nOverlaytxt: {DisplayMode: fancy}\n"},
			nil, []string{"alerts:"}, nil, []string{`config.yaml Overlaytxt DisplayMode "fancy": not overwrite or queue`}, []string{"map["}},
		{"0.x RCON off", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough, Enable: false}\n"}, nil, nil, nil,
			[]string{"RCON.Enable was false: tikcraft sends everything over RCON, so server.properties needs enable-rcon=true"}, []string{"RCON.Enable: true"}},
		{"1.0 RCON on", map[string]string{"config/config.yaml": "rcon: {password: pw-long-enough, enabled: true}\n"}, nil, nil, nil,
			[]string{"rcon.enabled: true, as tikcraft sends every command over RCON"}, []string{"was false"}},
		{"0.x comment commands", map[string]string{"config.yaml": "RCON: {Password: pw-long-enough}\nCommentCommands:\n  Enable: true\n  Prefix: \"#\"\n  AllowedRoles: [moderator]\n  Whitelist: [say, give, op]\n  Blacklist: [op]\n"},
			[]string{"prefix: \"#\"\n      roles: [moderators]\n      commands: [say, give]"}, nil, nil, nil, nil},
		{"events: nothing mapped", map[string]string{"config/config.yaml": cfg + "timer: {start_time: 5}\n", "data/event_commands.yaml": "event_commands: {}\n"},
			[]string{"timer: {start: 5m, reset_on_death: false, win_on_end: false}"}, nil, nil, []string{"no mappings"}, nil},
		{"events: reset on death, more wins at zero, hostile", map[string]string{"config/config.yaml": cfg,
			"data/event_commands.yaml": "event_commands:\n  minecraft.player_death:\n    - {target: timer, command: reset}\n    - {target: win-counter, command: remove_win}\n  timer.zero:\n    - {target: win-counter, command: add_win, args: {amount: 3}}\n    - {target: timer, command: set_time, args: {seconds: 60}}\n  tiktok.follow:\n    - {target: death-counter, command: add_death}\n  win.milestone:\n    - {target: timer, command: pause}\n"},
			[]string{"reset_on_death: true", "win_on_end: false"}, nil, []string{"timer_end:$wins +3\n", "follow:$deaths +1\n"},
			[]string{"remove_win: tikcraft fires no rule when player_death happens", "set_time: tikcraft's timer cannot be set", "win.milestone → timer pause: tikcraft has no event win.milestone"}, nil},
		{"chat: http group with Spotify port, plugin group, per-command cooldown", map[string]string{"config/config.yaml": cfg,
			"data/comment_commands.yaml": "comment_commands:\n  enabled: true\n  cooldown: 4\n  groups:\n    - {prefix: \"$\", allowed_roles: [all], commands: [play], handler: http, url: \"http://127.0.0.1:{spotify_port}/comment?text={text}\"}\n    - {prefix: \"!\", handler: plugin, plugin_name: points, commands: [points]}\n    - prefix: \"#\"\n      allowed_roles: [fanclub, nobody]\n      commands: [say, tp]\n      commands_config:\n        tp: {cooldown: 60, points_cost: 5}\n"},
			[]string{"cooldown: 4s", "roles: [fan_club]\n      commands: [tp]\n      cooldown: 60s", "roles: [fan_club]\n      commands: [say]"}, []string{"spotify", "points"},
			nil, []string{"it called Tiktok2Mc's Spotify plugin", "Tiktok2Mc plugin points", "role \"nobody\"", "points_cost 5: tikcraft has no channel points"}, nil},
		{"{user} without !rc gets the 1.0 note", map[string]string{"config/config.yaml": cfg, "data/actions.mca": "rose:/give {user} cookie\nlion:!tnt 2 {user} !rc\n"},
			nil, nil, []string{"rose:/give {user} cookie\n"}, []string{"Tiktok2Mc 1.0 put @a in its place (in ! commands, and in / commands without !rc)", "line 1, 2"}, nil},
		{"a key or a password in an address is not repeated in the report", map[string]string{"config/config.yaml": cfg,
			"data/comment_commands.yaml": "comment_commands:\n  enabled: true\n  groups:\n    - {prefix: \"$\", allowed_roles: [all], commands: [play], handler: http, url: \"http://admin:TOPSECRETPW@127.0.0.1:8090/chat?key=SUPERSECRETKEY123&text={text}\"}\n",
			"data/http_actions.txt":      "5655:curl -X POST 'http://127.0.0.1:8091/x?key=SUPERSECRETKEY123'\n6369:curl http://admin:TOPSECRETPW@127.0.0.1:8091/y?key=SUPERSECRETKEY123\n"},
			nil, nil, []string{"5655:$http POST http://127.0.0.1:8091/x?key=SUPERSECRETKEY123\n"},
			[]string{`group 1 ($): url: write no user or password in the URL`,
				"5655:$http POST http://127.0.0.1:8091/x?key=[redacted]", "(6369:curl http://[redacted]@127.0.0.1:80", `bad $http URL: write no user or password in the URL`},
			[]string{"TOPSECRETPW", "SUPERSECRETKEY123", "admin"}},
		{"the overlaytxt plugin keeps config.yaml's named overlays", map[string]string{"config/config.yaml": cfg + "overlay_text:\n  display_mode: queue\n  port: 29186\n  overlays:\n    - name: default\n    - name: alerts\n",
			"plugins/overlaytxt/config.yaml": overlaytxtPlugin},
			[]string{"alerts: {display_mode: overwrite, fade_in: 500, fade_out: 500}   # plugins/overlaytxt/config.yaml display_mode, fade_in, fade_out"}, nil, nil,
			[]string{"named overlays (config.yaml overlay_text overlays; plugins/overlaytxt/config.yaml overlays): @NAME>> alerts show on /overlay/alerts?name=alerts;",
				"config.yaml overlay_text display_mode: superseded by plugins/overlaytxt/config.yaml display_mode", "overlay_text.port: the port of Tiktok2Mc's overlay text program"}, nil},
		{"named overlays differing in case are one", map[string]string{"config/config.yaml": cfg + "overlay_text:\n  overlays:\n    - name: Alerts\n    - name: DEFAULT\n",
			"plugins/overlaytxt/config.yaml": "overlays:\n  - name: alerts\n  - name: Side\n"}, nil, nil, nil,
			[]string{"named overlays (config.yaml overlay_text overlays; plugins/overlaytxt/config.yaml overlays): @NAME>> alerts show on /overlay/alerts?name=alerts, /overlay/alerts?name=side; >> alerts on /overlay/alerts"}, nil},
		{"the overlaytxt plugin's default overlay alone", map[string]string{"config/config.yaml": cfg, "plugins/overlaytxt/config.yaml": "overlays:\n  - name: default\n"}, nil, nil, nil,
			[]string{"overlays (plugins/overlaytxt/config.yaml overlays): default only, whose >> alerts show on /overlay/alerts"}, []string{"named overlays"}},
		{"overlays that are no list", map[string]string{"config/config.yaml": cfg, "plugins/overlaytxt/config.yaml": "overlays: side\n"}, nil, nil, nil,
			[]string{"plugins/overlaytxt/config.yaml overlays: side is not a list of overlays"}, nil},
		{"like triggers in config.yaml and in the likegoal plugin", map[string]string{"config/config.yaml": cfg + "like_goal:\n  enabled: true\n  triggers:\n    - {id: a, every: 100, function: likes}\n",
			"plugins/likegoal/config.yaml": "triggers:\n  - {id: b, every: 200, function: like_2}\n  - {every: 300, function: likes}\n"},
			[]string{`{id: "a", every: 100, function: "likes"`}, []string{`every: 200`, `every: 300`}, nil,
			[]string{"plugins/likegoal/config.yaml triggers: b (every 200 likes runs like_2), with no id (every 300 likes runs likes) left out: the like rules of like_goal.triggers are carried over instead",
				"like_goal.enabled: tikcraft always serves /overlay/likegoal"}, nil},
		{"like triggers in the likegoal plugin only", map[string]string{"config/config.yaml": cfg, "plugins/likegoal/config.yaml": "triggers:\n  - {id: b, every: 200, function: like_2}\n"},
			[]string{`{id: "b", every: 200, function: "like_2"`}, nil, nil, []string{"likes.triggers: b (every 200 likes runs like_2) (plugins/likegoal/config.yaml triggers)"}, []string{"left out"}},
		{"timer settings in config.yaml and the timer plugin", map[string]string{"config/config.yaml": cfg + "timer: {start_time: 5, port: 29189, enabled: true}\n",
			"plugins/timer/config.yaml": "enabled: true\nstart_time: 90\npause_on_death: false\n"},
			[]string{"timer: {start: 1m30s, reset_on_death: false}"}, nil, nil,
			[]string{"timer.start_time: superseded by plugins/timer/config.yaml start_time", "pause_on_death: false (a death did not stop Tiktok2Mc's timer)", "timer.port: the port of Tiktok2Mc's timer program"}, nil},
		{"a trigger Tiktok2Mc ran for no gift stays a comment", map[string]string{"config/config.yaml": cfg,
			"data/actions.mca":       "🌹Rose 🌹:/say emoji rose\nrose:/say rose\nHeartMe:/say heart\n",
			"data/shell_actions.txt": "Rose_:curl -X POST http://localhost:29191/add\n"},
			nil, nil, []string{"# tikcraft migrate: not carried over, Tiktok2Mc read the trigger as rose_, not rose, so it never ran it for the gift Rose; tikcraft ignores _ and - in names and would run it for every Rose (write rose: if you meant that):\n# 🌹Rose 🌹:/say emoji rose\nrose:/say rose\n# tikcraft migrate",
				"\n# HeartMe:/say heart\n"},
			[]string{"actions.mca line 1 (🌹Rose 🌹:/say emoji rose): Tiktok2Mc read the trigger as rose_", "actions.mca line 3 (HeartMe:/say heart): Tiktok2Mc read the trigger as heartme, not heart_me",
				`shell_actions.txt line 1 (Rose_:curl -X POST http://localhost:2919…): Tiktok2Mc looked up the lines of shell_actions.txt by the id of each gift sent, so a line keyed "Rose_" never ran (write 5655: if you meant the Rose); left out`}, []string{"$wins"}},
		{"a name of $random's lists that Tiktok2Mc read as no gift's", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: ['🌹Rose 🌹', lion]\n",
			"data/actions.mca": "🌹Rose 🌹:/say emoji\nrose:/say rose\nlion:/say lion\nconfetti:$random\n"},
			[]string{"only: [lion]"}, []string{"rose"}, []string{"\n# 🌹Rose 🌹:/say emoji\n"},
			[]string{`hooks/random/config.yaml: "🌹Rose 🌹": Tiktok2Mc read the trigger as rose_, not rose, so it never ran it for the gift Rose`}, nil},
		{"$random's only list with no name carried over", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: ['🌹Rose 🌹']\n",
			"data/actions.mca": "rose:/say rose\nconfetti:$random\n"},
			nil, []string{"random:"}, nil, []string{"hooks/random/config.yaml: none of the rules it lists is carried over, so $random picks from every rule"}, nil},
		{"a name of $random's never list that Tiktok2Mc read as no gift's", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: deny-all\ntriggers: [HeartMe, lion]\n",
			"data/actions.mca": "heart me:/say heart\nlion:/say lion\nconfetti:$random\n"},
			[]string{"never: [lion]"}, []string{"heart"}, nil,
			[]string{`hooks/random/config.yaml: "HeartMe": Tiktok2Mc read the trigger as heartme, not heart_me`}, nil},
		{"a rule that got a shell line: $random picks its stand-in", map[string]string{"config/config.yaml": cfg,
			"data/actions.mca": "lion:/say lion # ignore-lag\nrose:$random\nboom:/say boom\n", "data/shell_actions.txt": "6369:curl -X POST http://localhost:29191/add?amount=2\n5827:curl http://localhost:29191/add\n"},
			[]string{"random:   # 6369, 5827 come from a shell file, which Tiktok2Mc never ran through $random; lion got commands from other files, which Tiktok2Mc's $random never ran: it picks their stand-ins\n  never: [6369, 5827, lion]   #"}, nil,
			[]string{"lion:/say lion; $wins +2 # ignore-lag\n", "\n6369:$wins +2\n5827:$wins +1\n# what $random or a like rule runs in place of the rules above that got commands from other files: their own commands (tikcraft migrate)\nlion_random:/say lion # ignore-lag\n"},
			[]string{"lion_random:/say lion: what $random picks in place of lion, whose line now also runs what shell_actions.txt added; Tiktok2Mc's $random ran only its actions.mca commands"}, nil},
		{"a rule that got a shell line, in random.only", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: [lion, boom]\n",
			"data/actions.mca": "lion:/say lion\nlion_random:/say taken\nrose:$random\nboom:/say boom\n", "data/shell_actions.txt": "6369:curl -X POST http://localhost:29191/add?amount=2\n"},
			[]string{"only: [lion_random_2, boom]"}, []string{"never:"}, []string{"\nlion_random_2:/say lion\n"}, []string{"random.only: lion_random_2, boom"}, nil},
		{"a quoted rule that got a shell line", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: ['Go for it!']\n",
			"data/actions.mca": "'Go for it!':/say go\nrose:$random\n", "data/shell_actions.txt": "15341:curl http://localhost:29191/add\n"},
			[]string{"only: [go_for_it_random]"}, nil, []string{"'Go for it!':/say go; $wins +1\n", "\ngo_for_it_random:/say go\n"},
			[]string{"go_for_it_random:/say go: what $random picks in place of 'Go for it!', whose line now also runs what shell_actions.txt added; Tiktok2Mc's $random ran only its actions.mca commands"}, []string{"Go_for_it"}},
		{"a rule that got an event mapping, in random.only", map[string]string{"config/config.yaml": cfg, "hooks/random/config.yaml": "mode: allow-only\ntriggers: [share]\n",
			"data/actions.mca": "share:/say share\nrose:$random\n", "data/event_commands.yaml": "event_commands:\n  tiktok.share:\n    - {target: timer, command: add_time, args: {seconds: 30}}\n"},
			[]string{"only: [share_random]"}, nil, []string{"share:/say share; $timer +30s\n", "\nshare_random:/say share\n"}, []string{"whose line now also runs what event_commands.yaml added"}, nil},
		{"a rule that got a shell line, in a file without $random", map[string]string{"config/config.yaml": cfg,
			"data/actions.mca": "lion:/say lion\n", "data/shell_actions.txt": "6369:curl -X POST http://localhost:29191/add?amount=2\n"},
			[]string{"never: [6369]"}, nil, []string{"lion:/say lion; $wins +2\n", "\n6369:$wins +2\n"}, nil, []string{"_random"}},
		{"a tikcraft.yaml is refused", nil, nil, nil, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.files == nil {
				dir := t.TempDir()
				writeT(t, filepath.Join(dir, "config.yaml"), "rcon: {address: 127.0.0.1:25575}\ntiktok: {user: \"@anna\"}\n")
				if _, err := Convert(dir); err == nil || !strings.Contains(err.Error(), "is a tikcraft.yaml") {
					t.Fatalf("got %v", err)
				}
				return
			}
			res := convertFolder(t, tt.files)
			report := strings.Join(append(append(res.Carried, res.Left...), res.Notes...), "\n")
			for _, w := range tt.config {
				if !strings.Contains(res.Config, w) {
					t.Errorf("tikcraft.yaml lacks %q:\n%s", w, res.Config)
				}
			}
			for _, w := range tt.notConfig {
				if strings.Contains(res.Config, w) {
					t.Errorf("tikcraft.yaml holds %q:\n%s", w, res.Config)
				}
			}
			for _, w := range tt.actions {
				if !strings.Contains(res.Actions, w) {
					t.Errorf("actions.mca lacks %q:\n%s", w, res.Actions)
				}
			}
			for _, w := range tt.report {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
			for _, w := range tt.notReport {
				if strings.Contains(report, w) {
					t.Errorf("report holds %q:\n%s", w, report)
				}
			}
		})
	}
}

func TestPluginOp(t *testing.T) {
	for _, c := range []struct {
		plugin, cmd string
		args        map[string]any
		op, why     string
	}{
		{"win-counter", "add_win", nil, "$wins +1", ""},
		{"win-counter", "add_win", map[string]any{"amount": "3"}, "$wins +3", ""},
		{"win-counter", "remove_win", map[string]any{"amount": 2}, "$wins -2", ""},
		{"death-counter", "add_death", nil, "$deaths +1", ""},
		{"death-counter", "reset", nil, "$deaths reset", ""},
		{"timer", "add_time", map[string]any{"seconds": -30}, "$timer -30s", ""},
		{"timer", "pause", nil, "$timer pause", ""},
		{"timer", "start", nil, "$timer resume", ""},
		{"timer", "set_time", nil, "", "cannot be set"},
		{"win-counter", "dance", nil, "", "has no tikcraft equivalent"},
		{"win-counter", "add_win", map[string]any{"amount": 99999999}, "", "$wins +99999999"},
		{"spotify-control", "play", nil, "", ""},
	} {
		op, why := pluginOp(c.plugin, c.cmd, c.args)
		if op != c.op || !strings.Contains(why, c.why) || (c.why == "") != (why == "") {
			t.Errorf("%s %s %v: got %q %q", c.plugin, c.cmd, c.args, op, why)
		}
	}
}

// FuzzConvertActions: whatever a Tiktok2Mc actions.mca holds, what
// migrate writes passes tikcraft's check.
func FuzzConvertActions(f *testing.F) {
	if b, err := os.ReadFile("testdata/t2m10/data/actions.mca"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{"r:&curl http://x/a; /say b", "r:$hook; $random", "Heart Me:/x", "'a b':/x !rc; @n>>t", "r:&curl -d '{' http://localhost:1/x", "a:&\nb:$",
		"gift:/say g\n'Sub Scribe':/say s\n902:/say x\ntimer_end:$random # a\nfirst_gift:/say f"} {
		f.Add(s)
	}
	// Gifts named like tikcraft's events, which the built-in list has none
	// of, so that their lines are written as the gift's id too.
	gifts := tiktok.NewGiftList([]tiktok.GiftInfo{{ID: 901, Name: "Gift"}, {ID: 902, Name: "Sub scribe"}, {ID: 5655, Name: "Timer End"}}, tiktok.GiftsBuiltIn, time.Time{}, "test").WithFallback(builtinGifts())
	f.Fuzz(func(t *testing.T, src string) {
		m := &converter{t2m: &Config{Layout: Layout10, OverlayPorts: map[string]int{"WinCounter": 29191}}, gifts: gifts}
		text, _, err := decodeFile("actions.mca", []byte(src)) // as readFile gives it
		if err != nil {
			return // refused, not converted
		}
		out := m.convertActions("actions.mca", string(text))
		_, diags := actions.Parse("actions.mca", []byte(out), actions.Options{HTTPAllow: m.httpAllow})
		for _, d := range diags {
			if d.Severity == actions.Error {
				t.Fatalf("%q became\n%s\nwith %s", src, out, d)
			}
		}
	})
}

// FuzzReadFiles: the parsers of a 1.0 folder's other files never panic,
// and what they read converts.
func FuzzReadFiles(f *testing.F) {
	for _, s := range []string{
		"comment_commands: {enabled: true, groups: [{prefix: '#', commands: [say], commands_config: {say: {cooldown: 3}}}]}",
		"event_commands: {timer.zero: [{target: win-counter, command: add_win, args: {amount: 2}}]}",
		"mode: deny-all\ntriggers: [a, 1]", "mode: allow-only\ntriggers: ['🌹Rose 🌹', HeartMe]", "start_time: 600\nauto_win: true", "triggers: [{id: a, every: 5, function: b}]",
		"event_commands: {x: 3}", "comment_commands: {groups: [1]}", "comment_commands: {enabled: true, prefix: '!', mode: deny-all, commands: [say, 3], url: x}", "[", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		c := &Config{Layout: Layout10}
		if cc, err := ReadCommentCommands("c.yaml", b); err == nil {
			c.Comments = cc
		}
		if ev, err := ReadEventCommands("e.yaml", b); err == nil {
			c.Events = ev
		}
		if p, err := ReadRandomHook("r.yaml", b); err == nil {
			c.Random = p
		}
		for _, plugin := range []string{"timer", "likegoal", "overlaytxt", "wincounter", "x"} {
			_ = c.ReadPlugin("p.yaml", plugin, b)
		}
		m := &converter{t2m: c, eventsRead: true}
		m.convertEvents()
		m.pool = m.newRandomFilter() // as Convert does
		cfg := m.config()
		if _, diags, err := config.Load(config.Layer{Name: "tikcraft.yaml", Data: []byte(cfg)}); err != nil {
			t.Fatalf("%q became\n%s\n%v", s, cfg, diags)
		}
	})
}

func writeT(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// convertEncoded converts a copy of testdata/t2m10 whose files (paths
// with "/") encode gives new bytes to, and fails the test unless it
// converts as the fixture itself does. It returns the result.
func convertEncoded(t *testing.T, encode func(name string, b []byte) []byte) *Result {
	t.Helper()
	want, err := Convert("testdata/t2m10")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/t2m10")); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		return os.WriteFile(p, encode(filepath.ToSlash(rel), b), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Convert(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The new tikcraft.yaml names the folder it came from.
	if c := strings.ReplaceAll(got.Config, dir, filepath.Join("testdata", "t2m10")); c != want.Config {
		t.Errorf("tikcraft.yaml differs from the fixture's:\n%s\nwant:\n%s", c, want.Config)
	}
	if got.Actions != want.Actions {
		t.Errorf("actions.mca differs from the fixture's:\n%s\nwant:\n%s", got.Actions, want.Actions)
	}
	checkResult(t, got)
	return got
}

// Any file of a Tiktok2Mc folder saved by Notepad as "Unicode" (UTF-16,
// either byte order) converts as its UTF-8 self, with a note for each; a
// config.yaml so saved was "not valid YAML".
func TestConvertFolderFromUTF16(t *testing.T) {
	orders := map[string]binary.AppendByteOrder{
		"config/config.yaml":         binary.LittleEndian,
		"data/comment_commands.yaml": binary.BigEndian,
		"data/actions.mca":           binary.LittleEndian,
	}
	got := convertEncoded(t, func(name string, b []byte) []byte {
		order, ok := orders[name]
		if !ok {
			return b
		}
		src := order.AppendUint16(nil, 0xfeff)
		for _, u := range utf16.Encode([]rune(string(b))) {
			src = order.AppendUint16(src, u)
		}
		return src
	})
	var notes []string
	for _, n := range got.Notes {
		if strings.Contains(n, "UTF-16") {
			notes = append(notes, filepath.Base(n[:strings.Index(n, " ")]))
		}
	}
	slices.Sort(notes)
	if !slices.Equal(notes, []string{"actions.mca", "comment_commands.yaml", "config.yaml"}) {
		t.Errorf("notes about UTF-16: %q", got.Notes)
	}
}

// Notepad's UTF-8 with a byte order mark: every setting is read. The
// parser took the mark for part of the first key, so a config.yaml that
// starts with tiktok: lost its user, and comment_commands.yaml its groups.
func TestConvertFolderWithByteOrderMarks(t *testing.T) {
	convertEncoded(t, func(_ string, b []byte) []byte { return append([]byte("\xef\xbb\xbf"), b...) })
}

// A YAML error names file:line:col and what to do; a tab is named.
func TestYAMLErrorsSayWhereAndWhat(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"rcon:\n  port: [25581\n", "config.yaml:2:9: not valid YAML: "},
		{"tiktok:\n\tuser: anna\n", "replace the tab with spaces"},
	} {
		_, err := ParseConfig("config.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "then run migrate again") {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}

// A YAML file saved as UTF-16 meets the nesting cap too: in its bytes
// yamldepth saw no nesting at all, and the decoded text went to the
// parser, whose cost grows with the square of it (2 GB for 32,000 levels).
func TestUTF16YAMLNestingIsCapped(t *testing.T) {
	dir := t.TempDir()
	src := binary.LittleEndian.AppendUint16(nil, 0xfeff)
	for _, u := range utf16.Encode([]rune("a: " + strings.Repeat("[", 32000))) {
		src = binary.LittleEndian.AppendUint16(src, u)
	}
	writeT(t, filepath.Join(dir, "config", "config.yaml"), string(src))
	_, err := Convert(dir)
	var deep *yamldepth.TooDeep
	if !errors.As(err, &deep) {
		t.Fatalf("got %v, want the nesting refused", err)
	}
}
