package actions

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

func parseOK(t *testing.T, src string) *File {
	t.Helper()
	f, diags := Parse("actions.mca", []byte(src), Options{HTTPAllow: []string{"localhost:8080"}})
	for _, d := range diags {
		if d.Severity == Error {
			t.Fatalf("unexpected %s", d)
		}
	}
	return f
}

func TestNewFormsParse(t *testing.T) {
	f := parseOK(t, `coins 1-9:/say small
coins 10 - 99:/say medium
coins 100+[subscribers]:/say big {coins}
gift:/say thanks {user}
command tnt[cooldown=30s, user_cooldown=2m, followers]:/summon tnt
Command !Boom:/say boom
keyword creeper:/summon creeper
follow[user_cooldown=10m]:/say hi
rose[top_gifter, min_coins=100, moderators]:/say top
first_gift:/say first
likes:/say a; $wait 2s; /say b x3 over 10s
hook:$http POST http://localhost:8080/gift/{user}?g={gift} {"user":"{user}","coins":{coins},"msg":"{message}"}
`)
	cases := []struct {
		trigger string
		kind    TriggerKind
	}{
		{"coins 1-9", CoinRange}, {"coins 10-99", CoinRange}, {"coins 100+", CoinRange}, {"gift", AnyGift},
		{"command tnt", ChatCommand}, {"command boom", ChatCommand}, {"keyword creeper", ChatKeyword},
		{"follow", Named}, {"rose", Named}, {"first_gift", Named},
	}
	for _, c := range cases {
		r := f.Lookup(c.trigger)
		if r == nil || r.Kind != c.kind {
			t.Fatalf("Lookup(%q) = %+v, want kind %d", c.trigger, r, c.kind)
		}
	}
	tnt := f.Lookup("command tnt").Conditions
	if tnt != (tikcraft.Conditions{Cooldown: 30 * time.Second, UserCooldown: 2 * time.Minute, Followers: true}) {
		t.Errorf("command tnt conditions %+v", tnt)
	}
	rose := f.Lookup("rose").Conditions
	if !rose.TopGifter || rose.MinCoins != 100 || !rose.Moderators {
		t.Errorf("rose conditions %+v", rose)
	}
	if f.Lookup("coins 100+").Conditions != (tikcraft.Conditions{Subscribers: true}) {
		t.Errorf("coins 100+ conditions %+v", f.Lookup("coins 100+").Conditions)
	}
	for _, r := range f.RandomPicks() {
		if IsEventTrigger(r.Trigger) {
			t.Errorf("$random may pick %s", r.Trigger)
		}
	}
}

func TestNewFormsRejectWithPosition(t *testing.T) {
	allow := Options{HTTPAllow: []string{"localhost:8080"}}
	cases := []struct{ name, src, want string }{
		{"range backwards", "coins 9-1:/say x\n", "actions.mca:1:7: error: coin range \"9-1\" runs backwards"},
		{"range garbage", "coins lots:/say x\n", "actions.mca:1:7: error: bad coin range \"lots\""},
		{"ranges overlap", "coins 1-10:/say a\ncoins 10+:/say b\n", "actions.mca:2:1: error: coins 10+ overlaps coins 1-10 on line 1"},
		{"duplicate range", "coins 1-9:/a\ncoins 1 - 9:/b\n", "actions.mca:2:1: error: duplicate trigger"},
		{"duplicate command", "command tnt:/a\ncommand TNT:/b\n", "actions.mca:2:1: error: duplicate trigger"},
		{"command two words", "command tnt now:/a\n", "actions.mca:1:9: error: command takes one word"},
		{"keyword symbol", "keyword cre$per:/a\n", "actions.mca:1:12: error: keyword \"cre$per\" may only contain"},
		{"unknown condition", "follow[cooldown=1s, vip]:/a\n", "actions.mca:1:21: error: unknown condition \"vip\""},
		{"bad duration", "follow[cooldown=soon]:/a\n", "actions.mca:1:17: error: cooldown needs a duration"},
		{"negative duration", "follow[user_cooldown=-1s]:/a\n", "actions.mca:1:22: error: user_cooldown needs a duration"},
		{"unclosed", "follow[cooldown=1s:/a\n", "actions.mca:1:7: error: the '[' of the conditions is never closed"},
		{"empty", "follow[]:/a\n", "actions.mca:1:7: error: empty conditions"},
		{"twice", "follow[followers,followers]:/a\n", "actions.mca:1:18: error: condition followers is given twice"},
		{"flag with value", "follow[followers=1]:/a\n", "actions.mca:1:8: error: followers takes no value"},
		{"min_coins", "rose[min_coins=lots]:/a\n", "actions.mca:1:6: error: min_coins needs a whole number"},
		{"after bracket", "rose[followers] x:/a\n", "actions.mca:1:17: error: nothing may follow"},
		{"wait bare", "r:/a; $wait\n", "actions.mca:1:7: error: $wait takes one duration"},
		{"wait bad", "r:/a; $wait forever\n", "actions.mca:1:13: error: $wait needs a duration"},
		{"wait repeated", "r:$wait 2s x3\n", "actions.mca:1:3: error: $wait cannot be repeated"},
		{"over bad", "r:/summon zombie x5 over never\n", "actions.mca:1:26: error: over needs a duration"},
		{"http no method", "r:$http http://localhost:8080/\n", "actions.mca:1:9: error: $http needs a method"},
		{"http host not allowed", "r:$http POST https://evil.example/steal\n", "actions.mca:1:14: error: $http may not call evil.example:443"},
		{"http placeholder host", "r:$http POST http://{user}.localhost:8080/\n", "actions.mca:1:14: error: bad $http URL"},
		// A value must never finish an escape the template starts.
		{"http percent before value", "r:$http POST http://localhost:8080/a%2{nickname}\n", "actions.mca:1:14: error: bad $http URL: a % must be followed by two hex digits"},
		{"http percent then value", "r:$http POST http://localhost:8080/a?x=%{count}\n", "actions.mca:1:14: error: bad $http URL: a % must be followed by two hex digits"},
		{"http percent in fragment", "r:$http POST http://localhost:8080#{user}%2{nickname}\n", "actions.mca:1:14: error: bad $http URL: a % must be followed by two hex digits"},
		{"http percent at end", "r:$http POST http://localhost:8080/a%\n", "actions.mca:1:14: error: bad $http URL: a % must be followed by two hex digits"},
		{"http body not json", "r:$http POST http://localhost:8080/ hello\n", "actions.mca:1:37: error: the $http body must be JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Parse("actions.mca", []byte(c.src), allow)
			for _, d := range diags {
				if strings.HasPrefix(d.String(), c.want) {
					return
				}
			}
			t.Fatalf("want %q, got %v", c.want, diags)
		})
	}
}

func TestOverWithoutMultiplierIsText(t *testing.T) {
	f := parseOK(t, "r:/say game over 10s\n")
	acts := f.Fire(f.Lookup("r"), Vars{}, nil)
	if len(acts) != 1 || acts[0].Command != "say game over 10s" || acts[0].Delay != 0 {
		t.Fatalf("%+v", acts)
	}
}

func TestGiftPrecedence(t *testing.T) {
	f := parseOK(t, "gift:/say any\ncoins 100+:/say big\ncoins 1-99:/say small\n5655:/say by id\nrose:/say by name\n")
	cases := []struct {
		name     string
		id, coin int64
		want     string
	}{
		{"Rose", 5655, 1, "rose"},           // name beats id and range
		{"Rosa", 5655, 1, "5655"},           // id beats range
		{"Lion", 6369, 29999, "coins 100+"}, // range
		{"Finger Heart", 5487, 5, "coins 1-99"},
		{"Mystery", 1, 0, "gift"}, // no range holds 0: the catch-all
	}
	for _, c := range cases {
		r := f.MatchGift(c.name, c.id, c.coin)
		if r == nil || r.Trigger != c.want {
			t.Errorf("MatchGift(%q, %d, %d) = %v, want %s", c.name, c.id, c.coin, r, c.want)
		}
	}
	if r := parseOK(t, "rose:/a\n").MatchGift("Lion", 1, 500); r != nil {
		t.Errorf("without range or catch-all a gift matches %s", r.Trigger)
	}
}

func TestMatchChat(t *testing.T) {
	f := parseOK(t, "command tnt:/a\nkeyword creeper:/b\nkeyword tnt:/c\n")
	cases := map[string]string{
		"!tnt":                 "command tnt",
		"!TNT please":          "command tnt",
		"  !tnt":               "command tnt",
		"!tnts":                "",
		"a CREEPER!":           "keyword creeper",
		"creepers everywhere":  "",
		"supercreeper":         "",
		"creeper creeper":      "keyword creeper",
		"tnt and creeper":      "keyword creeper", // file order
		"I want !tnt":          "keyword tnt",
		"":                     "",
		"!":                    "",
		"¡creeper_":            "",
		"das ist ein Creeper.": "keyword creeper",
	}
	for msg, want := range cases {
		got := ""
		if r := f.MatchChat(msg); r != nil {
			got = r.Trigger
		}
		if got != want {
			t.Errorf("MatchChat(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestWaitAndOverBecomeDelays(t *testing.T) {
	f := parseOK(t, "r:/say a; $wait 2s; /say b x4 over 10s; $wait 1m; >>done|{user}|3\n")
	acts := f.Fire(f.Lookup("r"), Vars{User: "anna"}, nil)
	want := []time.Duration{0, 2 * time.Second, 4500 * time.Millisecond, 7 * time.Second, 9500 * time.Millisecond, 62 * time.Second}
	if len(acts) != len(want) {
		t.Fatalf("%d actions: %+v", len(acts), acts)
	}
	for i, a := range acts {
		if a.Delay != want[i] {
			t.Errorf("action %d (%s) delay %s, want %s", i, a, a.Delay, want[i])
		}
	}
}

func TestNewPlaceholders(t *testing.T) {
	f := parseOK(t, `r:/say {coins} from {user}: {message}`+"\n")
	long := strings.Repeat("é", 100)
	acts := f.Fire(f.Lookup("r"), Vars{User: "anna", Coins: 299, Message: `"}]@a` + "\n" + long}, nil)
	c := acts[0].Command
	if !strings.HasPrefix(c, "say 299 from anna: a ") || strings.ContainsAny(c, "\"}]@\n") {
		t.Fatalf("%q", c)
	}
	msg := strings.TrimPrefix(c, "say 299 from anna: ")
	if n := len([]rune(msg)); n > MaxValueRunes {
		t.Fatalf("{message} is %d characters", n)
	}
}

func TestHTTPExpansionEscapes(t *testing.T) {
	f := parseOK(t, `r:$http POST http://localhost:8080/gift/{nickname}?m={message}&c={count} {"n":"{nickname}","m":{message},"c":{coins},"u":"{user}"}`+"\n")
	nick := `Anna & Bob/..?x=1 #"}`
	acts := f.Fire(f.Lookup("r"), Vars{User: "anna", Nickname: nick, Count: 3, Coins: 30, Message: "hi there & bye"}, nil)
	if len(acts) != 1 || acts[0].Kind != tikcraft.KindHTTP {
		t.Fatalf("%+v", acts)
	}
	method, raw, body := tikcraft.HTTPRequest(acts[0].Command)
	if method != "POST" || strings.Contains(raw, " ") {
		t.Fatalf("method %q url %q", method, raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host != "localhost:8080" {
		t.Fatalf("url %q: %v", raw, err)
	}
	if got := u.Query(); got.Get("m") != "hi there & bye" || got.Get("c") != "3" || len(got) != 2 {
		t.Errorf("query %v", got)
	}
	if p := u.EscapedPath(); !strings.HasPrefix(p, "/gift/") || strings.Count(p, "/") != 2 || u.Fragment != "" {
		t.Errorf("path %q: a nickname added a path segment or a fragment", p)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if v["m"] != "hi there & bye" || v["c"] != float64(30) || v["u"] != "anna" || len(v) != 4 {
		t.Errorf("body %v", v)
	}
	if host, err := HTTPHost(acts[0].Command); err != nil || host != "localhost:8080" {
		t.Errorf("HTTPHost = %q, %v", host, err)
	}
}

func TestHostAllowed(t *testing.T) {
	cases := []struct {
		host  string
		allow []string
		want  bool
	}{
		{"localhost:8080", []string{"localhost:8080"}, true},
		{"localhost:8081", []string{"localhost:8080"}, false},
		{"localhost:9999", []string{"localhost"}, true},
		{"example.com:443", []string{"Example.com:443"}, true},
		{"evil.com:80", nil, false},
		{"[::1]:80", []string{"::1"}, true},
	}
	for _, c := range cases {
		if got := HostAllowed(c.host, c.allow); got != c.want {
			t.Errorf("HostAllowed(%q, %v) = %t", c.host, c.allow, got)
		}
	}
}

// A viewer named ".." or "." must not become a dot-segment: /a/b/{nickname}/c
// would be /a/b/../c, which resolves to /a/c. Neither may a value next to
// the template's own dots (/a/.{nickname}/c with "."), in $http actions and
// in chat command web groups alike.
func TestHTTPPathValueStaysOneSegment(t *testing.T) {
	cases := []struct{ seg, nick string }{
		{"{nickname}", ".."}, {"{nickname}", "."}, {"{nickname}", "..."}, {"{nickname}", "a..b"}, {"{nickname}", ".anna."},
		{".{nickname}", "."}, {"{nickname}.", "."}, {".{nickname}", ""}, {"{nickname}{user}", "."},
		{"x{nickname}y", ".."}, {"{nickname}", "%2e%2E"}, {"{nickname}", "./.."}, {"{nickname}", "a\\b"},
	}
	for _, c := range cases {
		tmpl := "http://localhost:8080/a/b/" + c.seg + "/c?u={user}"
		f := parseOK(t, "r:$http GET "+tmpl+"\n")
		acts := f.Fire(f.Lookup("r"), Vars{User: ".", Nickname: c.nick}, nil)
		_, fromRule, _ := tikcraft.HTTPRequest(acts[0].Command)
		_, fromChat, _ := tikcraft.HTTPRequest(ChatRequest("GET", tmpl, ChatValues{User: ".", Nickname: c.nick}))
		for _, raw := range []string{fromRule, fromChat} {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("%q in %s: url %q: %v", c.nick, c.seg, raw, err)
			}
			segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
			if len(segs) != 4 || segs[0] != "a" || segs[1] != "b" || segs[3] != "c" {
				t.Fatalf("%q in %s: path %q has segments %q", c.nick, c.seg, u.EscapedPath(), segs)
			}
			if segs[2] == "." || segs[2] == ".." {
				t.Errorf("%q in %s: the value became the dot-segment %q in %q", c.nick, c.seg, segs[2], raw)
			}
			if got := u.ResolveReference(&url.URL{}).EscapedPath(); got != u.EscapedPath() {
				t.Errorf("%q in %s: %q resolves to %q", c.nick, c.seg, u.EscapedPath(), got)
			}
			d, err := url.PathUnescape(segs[2])
			if err != nil {
				t.Errorf("%q in %s: the segment %q does not decode: %v", c.nick, c.seg, segs[2], err)
			}
			if (d == "." || d == "..") && strings.Contains(segs[2], ".") {
				t.Errorf("%q in %s: the segment %q reads as %q with a dot left as it is", c.nick, c.seg, segs[2], d)
			}
		}
	}
}

// A '%' of the template must make a whole escape by itself: "%2{nickname}"
// with a viewer named "F" would be "%2F" (a slash), with "n" an address
// that is not valid at all. Whole escapes next to values are fine.
func TestHTTPPercentIsTheTemplatesOwn(t *testing.T) {
	allow := []string{"localhost:8080"}
	for _, tmpl := range []string{"http://localhost:8080/a%2{nickname}", "http://localhost:8080/a?x=%{user}", "http://localhost:8080/a%", "http://localhost:8080/%zz{user}"} {
		if _, err := CheckChatURL(tmpl, allow); err == nil || !strings.Contains(err.Error(), "two hex digits") {
			t.Errorf("CheckChatURL(%q) = %v, want the %% refused", tmpl, err)
		}
	}
	f := parseOK(t, "r:$http GET http://localhost:8080/50%25{nickname}%20x?q=%2F{user}\n")
	for _, nick := range []string{"F", "n", "2F", "%", "%2F"} {
		acts := f.Fire(f.Lookup("r"), Vars{User: "2F", Nickname: nick}, nil)
		if host, err := HTTPHost(acts[0].Command); err != nil || host != "localhost:8080" {
			t.Fatalf("nickname %q: %q: %q, %v", nick, acts[0].Command, host, err)
		}
		_, raw, _ := tikcraft.HTTPRequest(acts[0].Command)
		u, _ := url.Parse(raw)
		if want := "/50%" + nick + " x"; u.Path != want || u.Query().Get("q") != "/2F" {
			t.Errorf("nickname %q: path %q query %v, want %q and q=/2F", nick, u.Path, u.Query(), want)
		}
	}
	if _, err := CheckChatURL("http://localhost:8080/c/{command}%20{args}", allow); err != nil {
		t.Errorf("a whole escape next to a value: %v", err)
	}
}
