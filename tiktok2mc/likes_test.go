package tiktok2mc

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
)

// Tiktok2Mc took a like rule only with an id that is text, seen first,
// and ran its function only when it was exactly a trigger of actions.mca
// as Tiktok2Mc read them: "Likes" never ran likes, nor "likes2" likes_2.
// Those rules are left out with the reason, as tikcraft, which compares
// names as it compares gifts, would run them.
func TestLikeRulesRunOnlyWhatTiktok2McRan(t *testing.T) {
	res := convertFolder(t, map[string]string{
		"config/config.yaml": "rcon: {password: pw-long-enough}\nlike_goal:\n  triggers:\n" +
			"    - {id: a, every: 100, function: Likes}\n    - {id: b, every: 100, function: likes}\n    - {id: c, every: 100, function: heart me}\n" +
			"    - {id: d, every: 100, function: likes2}\n    - {every: 100, function: likes}\n    - {id: 5, every: 100, function: likes}\n" +
			"    - {id: e, every: 100, function: subscribe}\n    - {id: b, every: 200, function: likes}\n    - {id: f, every: 100, function: nothing}\n" +
			"    - {id: g, every: 100, function: likes, payload: 7}\n    - {id: \"  \", every: 100, function: likes}\n    - {id: h, every: 100, function: likes, payload: null}\n",
		"data/actions.mca": "likes:/say likes\nlikes_2:/say l2\n'Heart Me':/say hm\nsubscribe:/say sub\n",
	})
	if want := "  triggers:   # like_goal.triggers\n    - {id: \"b\", every: 100, function: \"likes\", payload: \"\", enable: true}\n    - {id: \"f\", every: 100, function: \"nothing\", payload: \"\", enable: true}\n"; !strings.Contains(res.Config, want) {
		t.Errorf("tikcraft.yaml lacks %q:\n%s", want, res.Config)
	}
	report := strings.Join(res.Left, "\n")
	for _, want := range []string{
		`like_goal.triggers a: Tiktok2Mc never ran it, because it compared the function with the triggers of actions.mca as it read them (lower case, spaces as _, other signs dropped), and "Likes" is not "likes"; write function: likes if you meant it`,
		`like_goal.triggers c: Tiktok2Mc never ran it, because it compared the function with the triggers of actions.mca as it read them (lower case, spaces as _, other signs dropped), and "heart me" is not "heart_me"; write function: heart_me if you meant it`,
		"like_goal.triggers d: Tiktok2Mc never ran it, because actions.mca has no rule likes2 as Tiktok2Mc read its triggers, and tikcraft would run likes_2 for it; write function: likes_2 if you meant that",
		"like_goal.triggers[4]: Tiktok2Mc skipped it, as it has no id",
		"like_goal.triggers[10]: Tiktok2Mc skipped it, as its id is blank",
		"like_goal.triggers h: Tiktok2Mc skipped it, as its payload is empty (null), not text",
		"like_goal.triggers 5: Tiktok2Mc skipped it, as its id is 5, not text",
		"like_goal.triggers e: the line of subscribe is left out of actions.mca (see below), so it has no rule to run",
		"like_goal.triggers b: a like rule with this id came first, and Tiktok2Mc skipped this one",
		"like_goal.triggers g: Tiktok2Mc skipped it, as its payload is 7, not text",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// likeCommands loads the converted setup as tikcraft does and returns,
// for each enabled like rule, the commands one firing of it sends, and
// under "$random" the commands of every rule $random may pick.
func likeCommands(t *testing.T, res *Result) map[string][]string {
	t.Helper()
	t.Setenv(config.EnvRCONPassword, "")
	cfg, diags, err := config.Load(config.Layer{Name: "tikcraft.yaml", Data: []byte(res.Config)})
	if err != nil {
		t.Fatalf("tikcraft.yaml: %v\n%s", diags, res.Config)
	}
	f, _ := actions.Parse("actions.mca", []byte(res.Actions), actions.Options{LikeFunctions: cfg.LikeFunctions(), HTTPAllow: cfg.HTTP.Allow, RandomOnly: cfg.Random.Only, RandomNever: cfg.Random.Never})
	out := map[string][]string{}
	for _, lt := range cfg.Likes.Triggers {
		r := f.Lookup(lt.Function)
		if !lt.Enabled() || r == nil {
			continue
		}
		for _, a := range f.Fire(r, actions.Vars{User: "anna"}, nil) {
			out[lt.ID] = append(out[lt.ID], fmt.Sprint(a))
		}
	}
	for _, r := range f.RandomPicks() {
		if !slices.ContainsFunc(f.Rules(), (*actions.Rule).UsesRandom) {
			break
		}
		for _, a := range f.Fire(r, actions.Vars{User: "anna"}, nil) {
			out["$random"] = append(out["$random"], fmt.Sprint(a))
		}
	}
	return out
}

// A like rule ran only the commands of its rule in actions.mca: not what
// migrate adds to that rule from http_actions.txt or event_commands.yaml,
// and nothing at all when actions.mca had no such rule and migrate makes
// one.
func TestLikeRulesRunNoCommandsFromOtherFiles(t *testing.T) {
	res := convertFolder(t, map[string]string{
		"config/config.yaml": "rcon: {password: pw-long-enough}\nlike_goal:\n  triggers:\n" +
			"    - {id: a, every: 100, function: lion}\n    - {id: b, every: 100, function: \"6369\"}\n    - {id: c, every: 100, function: follow}\n" +
			"    - {id: d, every: 100, function: nothing}\n",
		"data/actions.mca":         "lion:/say lion\n",
		"data/http_actions.txt":    "6369:curl http://localhost:29191/add?amount=2\n",
		"data/event_commands.yaml": "event_commands:\n  tiktok.follow:\n    - {target: timer, command: add_time, args: {seconds: 30}}\n",
	})
	got := likeCommands(t, res)
	if want := map[string][]string{"a": {"say lion"}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("like rules run %v, want %v\nactions.mca:\n%s\ntikcraft.yaml:\n%s", got, want, res.Actions, res.Config)
	}
	if !strings.Contains(res.Actions, "lion:/say lion; $wins +2\n") {
		t.Errorf("a Lion no longer runs the http_actions.txt line:\n%s", res.Actions)
	}
	report := strings.Join(res.Left, "\n")
	for _, want := range []string{
		"like_goal.triggers b: actions.mca had no rule 6369 as Tiktok2Mc read it, so Tiktok2Mc ran nothing for it; migrate made 6369: from http_actions.txt, which tikcraft would run every 100 likes",
		"like_goal.triggers c: actions.mca had no rule follow as Tiktok2Mc read it, so Tiktok2Mc ran nothing for it; migrate made follow: from event_commands.yaml, which tikcraft would run every 100 likes",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(res.Config, `function: "nothing"`) {
		t.Errorf("the rule whose function names no rule is gone:\n%s", res.Config)
	}
}

// With $random in the file, and in random.only, the like rule and $random
// run the same stand-in: lion's own commands.
func TestLikeRuleAndRandomShareAStandIn(t *testing.T) {
	for _, hook := range []string{"", "mode: allow-only\ntriggers: [lion, boom]\n"} {
		files := map[string]string{
			"config/config.yaml":    "config_version: 1.0\nrcon: {password: pw-long-enough}\nlike_goal:\n  triggers:\n    - {id: a, every: 100, function: lion}\n",
			"data/actions.mca":      "lion:/say lion\nrose:$random\nboom:/say boom\n",
			"data/http_actions.txt": "6369:curl http://localhost:29191/add?amount=2\n",
		}
		want := map[string][]string{"a": {"say lion"}, "$random": {"say boom"}}
		if hook != "" {
			files["hooks/random/config.yaml"] = hook
			want["$random"] = []string{"say boom", "say lion"}
		}
		res := convertFolder(t, files)
		if got := likeCommands(t, res); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("hook %q: like rules and $random run %v, want %v\nactions.mca:\n%s\ntikcraft.yaml:\n%s", hook, got, want, res.Actions, res.Config)
		}
		if !strings.Contains(res.Actions, "\nlion_likes:/say lion\n") || !strings.Contains(res.Config, `function: "lion_likes"`) {
			t.Errorf("no stand-in lion_likes:\n%s\n%s", res.Actions, res.Config)
		}
	}
}

// A function naming one of tikcraft's events with no line of its own in
// actions.mca runs nothing in either: it stays, and the report does not
// speak of a line left out.
func TestLikeRuleNamingAnEventWithoutALine(t *testing.T) {
	res := convertFolder(t, map[string]string{
		"config/config.yaml": "rcon: {password: pw-long-enough}\nlike_goal:\n  triggers:\n    - {id: a, every: 100, function: timer_end}\n",
		"data/actions.mca":   "lion:/say lion\n",
	})
	if report := strings.Join(res.Left, "\n"); strings.Contains(report, "timer_end") {
		t.Errorf("the report speaks of timer_end:\n%s", report)
	}
	if !strings.Contains(res.Config, `function: "timer_end"`) {
		t.Errorf("the like rule is gone:\n%s", res.Config)
	}
}
