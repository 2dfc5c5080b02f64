package tiktok2mc

import (
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/tiktok"
)

// A rule named after a trigger tikcraft fires for an event of its own
// (gift, subscribe, first_gift, timer_end...) ran in Tiktok2Mc only for a
// gift of that exact name, a like rule naming it or $random: migrate
// leaves it as a comment, with the reason, so that tikcraft does not run it
// for every gift, subscription or timer end. Tiktok2Mc's own events (follow,
// join, share, comment) stay as they are.
func TestTikcraftEventNamesStayComments(t *testing.T) {
	const cfg = "config_version: 1.0\nrcon: {password: pw-long-enough, port: 25575}\ntiktok:\n  user: anna\n"
	res := convertFolder(t, map[string]string{
		"config/config.yaml": cfg,
		"data/actions.mca": "gift:/say every gift\n'Gift':/say quoted\nSubscribe:/say sub\nfirst_gift:/say fg\nfollow_milestone:/say fm\nviewers_milestone:/say vm\n" +
			"timer_end:/say te\nlikegoal_reached:/say lg\ngoal_subs_reached:/say gs\nsub-scribe:/say dash\n" +
			"follow:/say follow\njoin:/say join\nshare:/say share\ncomment:/say comment\nrose:/say rose\n",
		"data/event_commands.yaml": "event_commands:\n  timer.zero:\n    - {target: win-counter, command: add_win, args: {amount: 3}}\n  tiktok.subscribe:\n    - {target: timer, command: add_time, args: {seconds: 30}}\n",
		"hooks/random/config.yaml": "mode: allow-only\ntriggers: [subscribe, rose]\n",
	})
	for _, want := range []string{
		"# tikcraft migrate: not carried over, Tiktok2Mc ran gift only for a gift of that name (TikTok has none), by a like rule naming it or through $random; tikcraft runs gift: for every gift that has no rule of its own (remove the # if you meant that; if a like rule or $random ran it, give it another name here and there):\n# gift:/say every gift\n",
		"\n# 'Gift':/say quoted\n", "\n# Subscribe:/say sub\n", "\n# first_gift:/say fg\n", "\n# follow_milestone:/say fm\n", "\n# viewers_milestone:/say vm\n",
		"tikcraft runs timer_end: for the timer overlay reaching zero", "\n# timer_end:/say te\n", "\n# likegoal_reached:/say lg\n", "\n# goal_subs_reached:/say gs\n",
		"tikcraft runs sub_scribe: for every subscription", "\n# sub-scribe:/say dash\n",
		"\nfollow:/say follow\njoin:/say join\nshare:/say share\ncomment:/say comment\nrose:/say rose\n",
		// The timer's end of event_commands.yaml is a rule of its own, not
		// the commented line's.
		"\ntimer_end:$wins +3\n",
	} {
		if !strings.Contains(res.Actions, want) {
			t.Errorf("actions.mca lacks %q:\n%s", want, res.Actions)
		}
	}
	report := strings.Join(append(append(res.Carried, res.Left...), res.Notes...), "\n")
	for _, want := range []string{
		"actions.mca line 1 (gift:/say every gift): Tiktok2Mc ran gift only for a gift of that name",
		"actions.mca line 3 (Subscribe:/say sub): Tiktok2Mc ran subscribe only",
		"actions.mca line 7 (timer_end:/say te): Tiktok2Mc ran timer_end only",
		`hooks/random/config.yaml: "subscribe": its line of actions.mca is left as a comment, as tikcraft would run subscribe: for every subscription`,
		"event_commands.yaml tiktok.subscribe → timer add_time: Tiktok2Mc published no tiktok.subscribe event, so the mapping never ran",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(res.Config, "only: [rose]") || strings.Contains(res.Actions, "subscribe:$timer") {
		t.Errorf("subscribe carried over:\n%s\n%s", res.Config, res.Actions)
	}
}

// A gift that has such a name (none of the built-in list does) gets its
// rule by its id, which names that gift alone in tikcraft; when its id has
// a rule of its own, the line stays a comment.
func TestTikcraftEventNameOfAGiftBecomesItsID(t *testing.T) {
	list := tiktok.NewGiftList([]tiktok.GiftInfo{{ID: 901, Name: "Gift"}, {ID: 902, Name: "Subscribe"}, {ID: 903, Name: "Timer End"}}, tiktok.GiftsBuiltIn, time.Time{}, "test")
	m := &converter{t2m: &Config{Layout: Layout10}, gifts: list}
	out := m.convertActions("actions.mca", "gift:/say gift # the Gift\nsubscribe:/say sub\n902:/say 902\nTimer End:/say te\nfirst_gift:/say fg\n")
	for _, want := range []string{"\n901:/say gift # the Gift\n", "\n# subscribe:/say sub\n902:/say 902\n", "\n903:/say te\n", "\n# first_gift:/say fg\n"} {
		if !strings.Contains("\n"+out, want) {
			t.Errorf("actions.mca lacks %q:\n%s", want, out)
		}
	}
	report := strings.Join(append(m.carried, m.left...), "\n")
	for _, want := range []string{
		"actions.mca line 1: trigger gift is now 901, the id of the gift Gift, which Tiktok2Mc ran it for (tikcraft's gift: runs for every gift that has no rule of its own)",
		"Tiktok2Mc ran subscribe only for the gift Subscribe (902), whose id has a rule of its own",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}
