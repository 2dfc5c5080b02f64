package tiktok

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/webcast/pb"
)

func TestNormalizeUser(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "@anna_123", want: "anna_123"},
		{in: "  anna.b  ", want: "anna.b"},
		{in: "@anna/live", want: "anna"},
		{in: "https://www.tiktok.com/@anna/live", want: "anna"},
		{in: "https://www.tiktok.com/@anna/live?lang=en#x", want: "anna"},
		{in: "www.tiktok.com/@anna", want: "anna"},
		{in: "tiktok.com/@Anna_B/", want: "Anna_B"},
		{in: "https://m.tiktok.com/@anna/video/123", want: "anna"},
		{in: "", err: "tiktok.user is empty"},
		{in: "@", err: "no name after the @"},
		{in: "anna b", err: "not a TikTok name"},
		{in: "anna\"; rm", err: "not a TikTok name"},
		{in: "https://vm.tiktok.com/ZMabc/", err: "without an @name"},
		{in: "https://evil.example/@anna", err: "not a tiktok.com link"},
		{in: "https://tiktok.com.evil.example/@anna", err: "not a tiktok.com link"},
		{in: strings.Repeat("a", maxUserLen+1), err: "too long"},
	} {
		got, err := NormalizeUser(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("NormalizeUser(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeUser(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzNormalizeUser(f *testing.F) {
	for _, s := range []string{"@anna", "https://www.tiktok.com/@a.b/live", "tiktok.com/@x?y", "a b", "@", "https://vm.tiktok.com/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := NormalizeUser(s)
		if err != nil {
			return
		}
		if name == "" || len(name) > maxUserLen {
			t.Fatalf("NormalizeUser(%q) = %q", s, name)
		}
		for _, r := range name {
			if !isNameRune(r) {
				t.Fatalf("NormalizeUser(%q) = %q contains %q", s, name, r)
			}
		}
		if again, err := NormalizeUser(name); err != nil || again != name {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, name, again, err)
		}
	})
}

func sigiPage(js string) string {
	return `<html><head><script>var x="</script>";</script><script id="SIGI_STATE" type="application/json">` + js + `</script></head></html>`
}

func TestParseSIGIState(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		want       room
		err        error
		errText    string
	}{
		{name: "live, Node's path", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"7301","status":4},"liveRoom":{"status":2}}}}`), want: room{ID: "7301", Live: true}},
		{name: "offline, Node's path wins over user.status", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"7301","status":2},"liveRoom":{"status":4}}}}`), want: room{ID: "7301"}},
		{name: "live, Python's path", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":7301,"status":2}}}}`), want: room{ID: "7301", Live: true}},
		{name: "status as text", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"1","status":"4"}}}}`), want: room{ID: "1"}},
		{name: "live without room id counts as offline", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"","status":2}}}}`), want: room{}},
		{name: "room id 0", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"0","status":2}}}}`), want: room{ID: "0"}},
		{name: "captcha page", page: `<html>verify you are human</html>`, err: errNoSIGIState},
		{name: "unterminated", page: `<script id="SIGI_STATE" type="application/json">{"a":1}`, err: errNoSIGIState},
		{name: "bad JSON", page: sigiPage(`{"LiveRoom":`), errText: "unreadable room data"},
		{name: "no LiveRoom", page: sigiPage(`{"AppContext":{}}`), err: ErrUserNotFound},
		{name: "no status", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"5"}}}}`), err: errNoStatus},
		{name: "room id with path", page: sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"5/../x","status":2}}}}`), errText: "not a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSIGIState([]byte(tc.page))
			switch {
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			case tc.errText != "":
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err = %v, want %q", err, tc.errText)
				}
			case err != nil || got != tc.want:
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// checkRoom is what every lookup parser promises: a live room has a usable
// id, and any id is digits only (it goes into a URL path).
func checkRoom(t *testing.T, rm room, err error) {
	t.Helper()
	if err != nil {
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("error breaks a log line: %q", err)
		}
		return
	}
	if rm.Live && !flexID(rm.ID).present() {
		t.Fatalf("live without a room id: %+v", rm)
	}
	if flexID(rm.ID).check() != nil {
		t.Fatalf("room id %q passed the check", rm.ID)
	}
}

func FuzzParseSIGIState(f *testing.F) {
	f.Add([]byte(sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":"7301","status":2},"liveRoom":{"status":2}}}}`)))
	f.Add([]byte(sigiPage(`{"LiveRoom":{"liveRoomUserInfo":{"user":{"roomId":7301,"status":"4"}}}}`)))
	f.Add([]byte(sigiPage(`{"LiveRoom":null}`)))
	f.Add([]byte(`<script id="SIGI_STATE" type="application/json">`))
	f.Fuzz(func(t *testing.T, page []byte) {
		rm, err := parseSIGIState(page)
		checkRoom(t, rm, err)
	})
}

func TestParseAPILive(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       room
		err        error
		errText    string
	}{
		{name: "live", body: `{"statusCode":0,"data":{"user":{"roomId":"42","status":2},"liveRoom":{"status":2}}}`, want: room{ID: "42", Live: true}},
		{name: "offline", body: `{"statusCode":0,"data":{"user":{"roomId":"42","status":2},"liveRoom":{"status":4}}}`, want: room{ID: "42"}},
		{name: "user status only", body: `{"data":{"user":{"roomId":"42","status":4}}}`, want: room{ID: "42"}},
		{name: "not found", body: `{"statusCode":19881007,"message":"user_not_found","data":{}}`, err: ErrUserNotFound},
		{name: "api error", body: `{"statusCode":10101,"message":"bad\nthing"}`, errText: "TikTok error 10101 (bad thing)"},
		{name: "no data", body: `{"statusCode":0}`, err: errNoLiveRoom},
		{name: "not JSON", body: `<html>`, errText: "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAPILive([]byte(tc.body))
			switch {
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			case tc.errText != "":
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err = %v, want %q", err, tc.errText)
				}
			case err != nil || got != tc.want:
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func FuzzParseAPILive(f *testing.F) {
	f.Add([]byte(`{"statusCode":0,"data":{"user":{"roomId":"42","status":2},"liveRoom":{"status":2}}}`))
	f.Add([]byte(`{"statusCode":"5","message":"user_not_found"}`))
	f.Add([]byte(`{"data":{"user":{"roomId":1e3,"status":null}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rm, err := parseAPILive(b)
		checkRoom(t, rm, err)
	})
}

func TestParseEulerRoom(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       room
		errText    string
	}{
		{name: "live", body: `{"code":200,"ok":true,"room_id":"99","is_live":true}`, want: room{ID: "99", Live: true}},
		{name: "numeric id", body: `{"code":200,"ok":true,"room_id":99,"is_live":false}`, want: room{ID: "99"}},
		{name: "no permission", body: `{"code":402,"ok":false,"message":"premium"}`, errText: "no permission"},
		{name: "not ok", body: `{"code":500,"ok":false,"message":"upstream down"}`, errText: "upstream down"},
		{name: "not found", body: `{"code":404,"ok":false,"message":"user not found"}`, errText: "TikTok has no account"},
		{name: "no status", body: `{"code":200,"ok":true,"room_id":"99"}`, errText: "no live status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseEulerRoom([]byte(tc.body))
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err = %v, want %q", err, tc.errText)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func FuzzParseEulerRoom(f *testing.F) {
	f.Add([]byte(`{"code":200,"ok":true,"room_id":"99","is_live":true}`))
	f.Add([]byte(`{"code":"403"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rm, err := parseEulerRoom(b)
		checkRoom(t, rm, err)
	})
}

// The Node peer reads X-Set-TT-Cookie as one Set-Cookie: the first pair,
// URI-decoded, kept in a jar across reconnects and sent URI-encoded.
func TestSetTTCookieLikeNode(t *testing.T) {
	for _, tc := range []struct {
		in   []string // successive sign answers
		want string
	}{
		{[]string{"ttwid=1%7Cabc"}, "ttwid=1%7Cabc"},
		{[]string{"ttwid=abc; Path=/; Domain=.tiktok.com; Secure; HttpOnly"}, "ttwid=abc"},
		{[]string{"ttwid=a; tt_csrf_token=b"}, "ttwid=a"},
		{[]string{"ttwid=a", "other=x", "ttwid=b"}, "ttwid=b; other=x"},
		{[]string{"sessionid=secret", "tt-target-idc=useast1a", "ttwid=a"}, "ttwid=a"},
		{[]string{"odd name=a b\"c,d"}, "odd%20name=a%20b%22c%2Cd"},
		{[]string{"ttwid=a=b%ZZ"}, "ttwid=a%3Db%25ZZ"},
		{[]string{"=x", "novalue"}, "novalue="},
	} {
		var j jar
		for _, h := range tc.in {
			if c, ok := parseSetTTCookie(h); ok {
				j.set(c)
			}
		}
		if got := j.header(); got != tc.want {
			t.Errorf("cookies from %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseSetTTCookie(f *testing.F) {
	f.Add("ttwid=abc; Path=/; Domain=.tiktok.com")
	f.Add("a=b%3Bc=d")
	f.Add("x=\"y\"\r\nX: 1")
	f.Fuzz(func(t *testing.T, h string) {
		c, ok := parseSetTTCookie(h)
		var j jar
		if ok {
			j.set(c)
		}
		got := j.header()
		// One pair at most, and nothing that could end the header or
		// start another cookie.
		if strings.ContainsAny(got, "\r\n\x00,\"; ") {
			t.Fatalf("Cookie header %q from %q could break the request", got, h)
		}
		if got != "" {
			req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
			req.Header.Set("Cookie", got)
			if n := len(req.Cookies()); n > 1 {
				t.Fatalf("Go reads %d cookies from the Cookie header %q, want 1", n, got)
			}
		}
	})
}

func TestParseRoomInfo(t *testing.T) {
	for _, tc := range []struct {
		body    string
		live    bool
		errText string
	}{
		{`{"status_code":0,"data":{"status":2,"id_str":"1"}}`, true, ""},
		{`{"status_code":0,"data":{"status":4}}`, false, ""},
		{`{"status_code":0,"data":{"status":"4"}}`, false, ""},
		{`{"status_code":10011,"data":{"message":"Request params error"}}`, false, "TikTok error 10011"},
		{`{"status_code":0,"data":{"prompts":"age"}}`, false, "no live status"},
		{`<html>`, false, "not valid JSON"},
	} {
		live, err := parseRoomInfo([]byte(tc.body))
		if tc.errText != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("%s: err = %v, want %q", tc.body, err, tc.errText)
			}
			continue
		}
		if err != nil || live != tc.live {
			t.Errorf("%s: live %v, %v; want %v", tc.body, live, err, tc.live)
		}
	}
}

func FuzzParseRoomInfo(f *testing.F) {
	f.Add([]byte(`{"status_code":0,"data":{"status":2}}`))
	f.Add([]byte(`{"status_code":"1","data":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if live, err := parseRoomInfo(b); err != nil && live {
			t.Fatal("an error must not report the room live")
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"42"}}, 42 * time.Second},
		{http.Header{"Retry-After": {"-3"}}, 0},
		{http.Header{"Retry-After": {"999999999999"}}, maxRetryAfter},
		{http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{http.Header{"X-Ratelimit-Reset": {"1735787065"}}, 20 * time.Second},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	} {
		if got := retryAfter(tc.h, now); got != tc.want {
			t.Errorf("retryAfter(%v) = %s, want %s", tc.h, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := newBackoff(time.Second, 10*time.Second)
	top := func(n int64) int64 { return n - 1 }
	bottom := func(int64) int64 { return 0 }
	b.randN = top
	var highs []time.Duration
	for range 6 {
		highs = append(highs, b.next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i := range want {
		if highs[i] != want[i] {
			t.Fatalf("upper waits = %v, want %v", highs, want)
		}
	}
	b.reset()
	b.randN = bottom
	if got := b.next(); got != 500*time.Millisecond {
		t.Fatalf("lowest first wait = %s, want 500ms", got)
	}
	// Many attempts must neither overflow nor leave the bounds.
	b.randN = top
	for range 200 {
		if d := b.next(); d <= 0 || d > 10*time.Second {
			t.Fatalf("wait %s out of bounds", d)
		}
	}
}

func TestBuildWSURL(t *testing.T) {
	res := &pb.ProtoMessageFetchResult{
		PushServer:  "https://push.example/webcast/im/push/v2/?existing=1",
		Cursor:      "c1",
		InternalExt: "ext&x=1",
		RouteParams: map[string]string{"wrss": "tok", "room_id": "override", "empty": ""},
	}
	got, err := buildWSURL(res, "77")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "wss://push.example/webcast/im/push/v2/?") || !strings.HasSuffix(got, "&version_code=270000") {
		t.Fatalf("url = %s", got)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, want := range map[string]string{"existing": "1", "compress": "gzip", "cursor": "c1", "internal_ext": "ext&x=1", "wrss": "tok", "room_id": "override", "aid": "1988", "User-Agent": browserUserAgent} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if _, ok := q["empty"]; ok {
		t.Error("empty route param was sent")
	}
	if v := q["version_code"]; len(v) != 2 || v[1] != "270000" {
		t.Errorf("version_code = %v, want the default and 270000", v)
	}
	for _, bad := range []string{"", "ftp://x/", "wss://", "::"} {
		if _, err := buildWSURL(&pb.ProtoMessageFetchResult{PushServer: bad}, "1"); err == nil {
			t.Errorf("push_server %q accepted", bad)
		}
	}
}

func TestFriendlyDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "30s", time.Minute: "1m", 90 * time.Second: "1m30s", 2 * time.Hour: "2h", 5 * time.Millisecond: "5ms",
	} {
		if got := friendlyDuration(d); got != want {
			t.Errorf("friendlyDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
