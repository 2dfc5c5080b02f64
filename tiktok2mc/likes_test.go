package tiktok2mc

import (
	"strings"
	"testing"
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
			"    - {id: g, every: 100, function: likes, payload: 7}\n",
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
		"like_goal.triggers likes_5: Tiktok2Mc skipped it, as it has no id",
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
