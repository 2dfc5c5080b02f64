package tiktok2mc

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/tiktok"
)

func TestConvertCurl(t *testing.T) {
	m := &converter{t2m: &Config{OverlayPorts: map[string]int{"Timer": 7777, "WinCounter": 7778, "DeathCounter": 7779}}}
	cases := map[string]string{
		"curl -X POST http://localhost:7777/add?amount=60":        "$timer +60s",
		"curl -X POST 'http://localhost:7777/subtract?amount=15'": "$timer -15s",
		"curl -X POST http://localhost:7777/pause":                "$timer pause",
		"curl -X POST http://localhost:7778/add?amount=2":         "$wins +2",
		"curl -X POST http://localhost:7778/remove":               "$wins -1",
		"curl -X POST http://localhost:7779/add":                  "$deaths +1",
		"curl http://localhost:9000/timer/add?amount=5":           "$timer +5s",
		`curl -d "{\"a\":1}" http://localhost:8080/x`:             `$http POST http://localhost:8080/x {"a":1}`,
		"curl -s https://example.com/ping":                        "$http GET https://example.com/ping",
	}
	for in, want := range cases {
		if got, _, why := m.convertCurl(in); got != want || why != "" {
			t.Errorf("%s\n got %q (%s)\nwant %q", in, got, why, want)
		}
	}
}

func FuzzConvertHTTPActions(f *testing.F) {
	for _, s := range []string{
		"5655:curl -X POST http://localhost:7777/add?amount=30", "rose:curl -X POST http://localhost:7777/add?amount=30",
		"//define p = 7777\n5655:curl http://localhost:{p}/add # a comment\n5655:curl http://localhost:{p}/reset",
		"6369:curl -d '{\"x\":\"y\"}' http://localhost:8080/h; curl http://localhost:7778/reset",
		"9101:curl \"unterminated", "5655:curl -X", ":curl http://x", "7934:curl http://[::1]:7777/add?amount=-5", "a:curl http://localhost:7777/add",
	} {
		f.Add(s)
	}
	// Rules of the gifts those ids name, one of a name several gifts share.
	const rules = "rose:/say rose\nlion:/say lion\n'Heart Me':/say heart\ntiktok_universe[cooldown=5s]:/say universe # ignore-lag\ngift:/say any\n"
	f.Fuzz(func(t *testing.T, src string) {
		m := &converter{t2m: &Config{OverlayPorts: map[string]int{"Timer": 7777, "WinCounter": 7778}}}
		lines := m.convertShellFile("http_actions.txt", src, true)
		for _, r := range lines {
			if !isGiftID(r.trigger) {
				t.Fatalf("%q: a line for %q, which is no gift id", src, r.trigger)
			}
			line := r.trigger + ":" + strings.Join(r.commands, "; ") + "\n"
			if strings.ContainsAny(line[:len(line)-1], "\r\n") {
				t.Fatalf("a command spans lines: %q", line)
			}
			_, diags := actions.Parse("a.mca", []byte(line), actions.Options{HTTPAllow: m.httpAllow})
			for _, d := range diags {
				if d.Severity == actions.Error {
					t.Fatalf("%q converted to %q: %s", src, line, d)
				}
			}
		}
		merged, _, _ := m.mergeGiftLines(rules, lines, "http_actions.txt")
		f, diags := actions.Parse("a.mca", []byte(merged), actions.Options{HTTPAllow: m.httpAllow})
		for _, d := range diags {
			if d.Severity == actions.Error {
				t.Fatalf("%q merged into\n%s\nwith %s", src, merged, d)
			}
		}
		checkGiftsRunLines(t, m, f, lines, merged)
	})
}

// Tiktok2Mc looked the lines of http_actions.txt up by the id of each gift
// sent and made the call besides the gift's rule, name rule or not: so a
// line goes into the id's rule and the rule named after that gift, unless
// tikcraft runs that rule for other gifts too. A line keyed by a name
// never ran, nor one keyed "05655"; of two lines of one id, the last ran.
func TestGiftIDLinesRunForEveryGiftOfTheirID(t *testing.T) {
	res := convertFolder(t, map[string]string{
		"config.yaml":      "RCON: {Password: pw-long-enough}\nWinCounter: {Port: 7778}\n",
		"data/actions.mca": "rose:/say rose\nTikTok Universe:/say universe\nlion:/say lion\n",
		"data/http_actions.txt": "5655:curl -X POST http://localhost:7778/add # the Rose\nrose:curl -X POST http://localhost:7778/add?amount=5\n" +
			"9101:curl -X POST http://localhost:7778/remove?amount=1000\n6369:curl -X POST http://localhost:7778/add?amount=2\n6369:curl -X POST http://localhost:7778/add?amount=3\n05655:curl http://localhost:7778/reset\n" +
			"999999:curl -X POST http://localhost:7778/reset\n",
	})
	for _, want := range []string{
		"rose:/say rose; $wins +1\ntiktok_universe:/say universe\nlion:/say lion; $wins +3\n",
		"\n5655:$wins +1\n9101:$wins -1000\n6369:$wins +3\n999999:$wins reset\n",
	} {
		if !strings.Contains(res.Actions, want) {
			t.Errorf("actions.mca lacks %q:\n%s", want, res.Actions)
		}
	}
	if strings.Contains(res.Actions, "$wins +5") || strings.Count(res.Actions, "reset") != 1 {
		t.Errorf("a line Tiktok2Mc never ran is carried over:\n%s", res.Actions)
	}
	report := strings.Join(append(append(res.Carried, res.Left...), res.Notes...), "\n")
	for _, want := range []string{
		"http_actions.txt line 1 (5655:curl -X POST http://localhost:7778/add): 5655:$wins +1, also added to rose:, the rule a Rose (5655) fires",
		`http_actions.txt line 2 (rose:curl -X POST http://localhost:7778/…): Tiktok2Mc looked up the lines of http_actions.txt by the id of each gift sent, so a line keyed "rose" never ran (write 5655: if you meant the Rose); left out`,
		"http_actions.txt line 3 (9101:curl -X POST http://localhost:7778/…): not added to tiktok_universe:, which tikcraft runs for every gift called TikTok Universe (9101, 7312), while Tiktok2Mc made this call for 9101 alone",
		"http_actions.txt line 4 (6369:curl -X POST http://localhost:7778/…): replaced by line 5, as Tiktok2Mc kept one line per gift id, the last",
		`http_actions.txt line 6 (05655:curl http://localhost:7778/reset): Tiktok2Mc looked up the lines of http_actions.txt by the id of each gift sent, so a line keyed "05655" never ran; left out`,
		"http_actions.txt line 7 (999999:curl -X POST http://localhost:777…): gift 999999 is not in tikcraft's gift list, so migrate cannot tell which rule of actions.mca is named after it; if one is, add $wins reset to it too",
		"http_actions.txt (gift 5655, 9101, 6369, 999999): Tiktok2Mc made these calls once per gift message, so a streak of 5 Rose gifts made one; tikcraft runs them with the gift's rule, once per gift sent (5 times)",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// checkGiftsRunLines checks that a gift of each line's id fires, in the
// engine, a rule that runs the line's commands, or that the report says
// why not (a name several gifts share).
func checkGiftsRunLines(t *testing.T, m *converter, f *actions.File, lines []giftLine, merged string) {
	t.Helper()
	for _, l := range lines {
		id, _ := strconv.ParseInt(l.trigger, 10, 64)
		g, ok := m.giftList().ByID(id)
		if !ok {
			g = tiktok.GiftInfo{ID: id}
		}
		r := f.MatchGift(g.Name, g.ID, g.Diamonds)
		if r == nil {
			t.Fatalf("gift %d fires no rule in\n%s", id, merged)
		}
		got := strings.Split(merged, "\n")[r.Line-1]
		want := strings.Join(l.commands, "; ")
		if !strings.Contains(got, want) && !slices.ContainsFunc(m.left, func(s string) bool { return strings.HasPrefix(s, l.where+": not added to") }) {
			t.Errorf("a %s (%d) fires %s (%s), which does not run %s:\n%s", g.Name, id, r.Trigger, got, want, merged)
		}
	}
}

// A gift id line runs with whichever rule the engine fires for that gift:
// its name rule (with conditions, quoted, named with _ or -), else its id
// rule, ahead of a coin range or the gift catch-all.
func TestGiftIDLinesJoinTheRuleTheGiftFires(t *testing.T) {
	for _, src := range []string{
		"lion[cooldown=5s]:/say lion\n",
		"'Lion':/say lion # ignore-lag\n",
		"LI_ON:/say lion\n",
		"coins 1-100000:/say coins\ngift:/say any\n",
		"6369:/say id\nlion:/say name\n",
		"command lion:/say chat\nkeyword lion:/say chat\n",
		"follow:/say follow\nshare:/say share\n",
	} {
		m := &converter{t2m: &Config{OverlayPorts: map[string]int{"WinCounter": 7778}}}
		lines := m.convertShellFile("http_actions.txt", "6369:curl -X POST http://localhost:7778/add?amount=2\n", false)
		merged, _, _ := m.mergeGiftLines(src, lines, "http_actions.txt")
		f, diags := actions.Parse("a.mca", []byte(merged), actions.Options{})
		for _, d := range diags {
			if d.Severity == actions.Error {
				t.Fatalf("%q merged into\n%s\nwith %s", src, merged, d)
			}
		}
		checkGiftsRunLines(t, m, f, lines, merged)
		if notes := strings.Join(m.notes, "\n"); !strings.Contains(notes, "so a streak of 5 Lion gifts made one") {
			t.Errorf("the notes do not name the Lion:\n%s", notes)
		}
	}
}
