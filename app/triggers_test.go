package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// The new triggers end to end: a JSONL replay through the engine and the
// durable queue into a real RCON server, and $http into a real web server.
func TestReplayNewTriggers(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var hooks []string
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks = append(hooks, r.URL.RequestURI()+" "+string(b))
		mu.Unlock()
	}))
	defer web.Close()
	u, _ := url.Parse(web.URL)

	actions := fmt.Sprintf(`rose:/say rose {user}
coins 1-99:/say small {coins} from {user}
coins 100+:/say big {coins} from {user}; $http POST %s/big?u={user} {"user":"{user}","coins":{coins}}
gift:/say thanks {user}
first_gift:/say first gift from {user}
command tnt[cooldown=30s]:/summon tnt ~ ~ ~
keyword creeper[user_cooldown=1m]:/summon creeper ~ ~ ~
mine:/say {user} liked 10 times
`, web.URL)
	at := func(s int) string { return fmt.Sprintf("2026-12-03T20:00:%02dZ", s) }
	gift := func(msg string, s int, who, name string, id, diamonds int) string {
		return fmt.Sprintf(`{"type":"gift","msg_id":%q,"time":%q,"user":%s,"gift":{"id":%d,"name":%q,"combo":false,"diamonds":%d},"repeat_count":1,"repeat_end":true}`, msg, at(s), user(who), id, name, diamonds)
	}
	chat := func(msg string, s int, who, text string) string {
		return fmt.Sprintf(`{"type":"chat","msg_id":%q,"time":%q,"user":%s,"text":%q}`, msg, at(s), user(who), text)
	}
	like := func(msg string, s int, who string, n int) string {
		return fmt.Sprintf(`{"type":"like","msg_id":%q,"time":%q,"user":%s,"count":%d}`, msg, at(s), user(who), n)
	}
	events := []string{
		gift("1", 0, "anna", "Rose", 5655, 1),
		gift("2", 1, "anna", "Finger Heart", 5487, 5),
		gift("3", 2, "bob", "Lion", 6369, 29999),
		gift("4", 3, "bob", "Mystery", 1, 0),
		chat("5", 4, "cy", "!TNT please"),
		chat("6", 5, "dee", "!tnt"), // cooling down: skipped
		chat("7", 6, "dee", "a creeper!"),
		chat("8", 7, "dee", "creeper again"), // user cooldown: skipped
		chat("9", 8, "eve", "creeper"),
		like("10", 9, "anna", 6), like("11", 10, "bob", 6), like("12", 11, "anna", 6),
	}
	srv := rcontest.Start(t, testPassword)
	extra := fmt.Sprintf("http:\n  allow: [%q]\nlikes:\n  triggers:\n    - {id: mine, every: 10, function: mine, per_user: true}\n", u.Host)
	p := newProject(t, srv.Addr(), extra, actions, events...)
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatalf("replay: %v\n%s", err, p.stderr)
	}
	want := []string{
		"say first gift from anna", "say rose anna",
		"say small 5 from anna",
		"say first gift from bob", "say big 29999 from bob",
		"say thanks bob",
		"summon tnt ~ ~ ~",
		"summon creeper ~ ~ ~",
		"summon creeper ~ ~ ~",
		"say anna liked 10 times",
	}
	if got := srv.Commands(); !slices.Equal(got, want) {
		t.Fatalf("server received\n %q\nwant\n %q\n%s", got, want, p.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hooks) != 1 {
		t.Fatalf("web server got %q", hooks)
	}
	var body map[string]any
	uri, js, _ := strings.Cut(hooks[0], " ")
	if err := json.Unmarshal([]byte(js), &body); err != nil || uri != "/big?u=bob" || body["user"] != "bob" || body["coins"] != float64(29999) {
		t.Fatalf("web server got %q", hooks[0])
	}
}

// The dashboard's test panel fires the new kinds of rule too: a coin
// range by a gift of its value, chat rules by their message, milestones
// directly; conditions do not hide what the rule does.
func TestTestPanelFiresNewTriggers(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "", "coins 100+[subscribers]:/say big {coins}\ngift:/say any {user}\ncommand tnt[cooldown=1h]:/say boom {user}\nkeyword creeper:/say ssss\nfirst_gift:/say first {user}\n")
	cases := []struct {
		trigger string
		count   int
		want    string
	}{
		{"coins 100+", 1, "[say big 100]"},
		{"gift", 1, "[say any tester]"},
		{"command tnt", 2, "[say boom tester say boom tester]"},
		{"keyword creeper", 1, "[say ssss]"},
		{"first_gift", 1, "[say first tester]"},
	}
	for _, c := range cases {
		code, res := d.call(t, "POST", "/api/trigger", map[string]any{"trigger": c.trigger, "user": "tester", "count": c.count})
		if code != 200 || fmt.Sprint(res["actions"]) != c.want {
			t.Errorf("%s: HTTP %d %v, want %s", c.trigger, code, res["actions"], c.want)
		}
	}
}
