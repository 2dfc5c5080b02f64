package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/overlay"
)

type fakeOverlays struct {
	mu    sync.Mutex
	wins  int
	reset []string
}

func (f *fakeOverlays) Snapshot() overlay.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return overlay.Snapshot{Wins: int64(f.wins), Feed: []overlay.FeedItem{}}
}

func (f *fakeOverlays) Reset(_ context.Context, parts ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range parts {
		if p == "nope" {
			return fmt.Errorf("%w %q", overlay.ErrUnknownPart, p)
		}
	}
	f.reset = append(f.reset, parts...)
	return nil
}

func (f *fakeOverlays) Deliver(_ context.Context, a tikcraft.Action) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.Command == "wins +1" {
		f.wins++
	}
	return nil
}

func startOverlays(t *testing.T) (*testServer, *fakeOverlays, string) {
	t.Helper()
	return startOverlaysWith(t, nil)
}

// startOverlaysWith is startOverlays with edit applied to the options.
func startOverlaysWith(t *testing.T, edit func(*Options)) (*testServer, *fakeOverlays, string) {
	t.Helper()
	dir := t.TempDir()
	sounds := filepath.Join(dir, "sounds")
	os.Mkdir(sounds, 0o755)
	os.WriteFile(filepath.Join(sounds, "horn.mp3"), []byte("ID3 fake mp3"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.mp3"), []byte("outside the folder"), 0o644)
	os.Mkdir(filepath.Join(sounds, "dir.mp3"), 0o755)
	if err := os.Symlink(filepath.Join(dir, "secret.mp3"), filepath.Join(sounds, "link.mp3")); err != nil {
		t.Log("no symlink:", err)
	}
	// A link that stays in the folder is one of its sounds.
	if err := os.Symlink("horn.mp3", filepath.Join(sounds, "inside.mp3")); err != nil {
		t.Log("no symlink:", err)
	}
	ov := &fakeOverlays{}
	dash := NewDashboard("demo")
	o := Options{
		Listen: "127.0.0.1:0", Token: testToken, Dashboard: dash, Log: slog.New(slog.DiscardHandler),
		Overlays: ov, Sounds: sounds, Goals: []string{"followers", "coins"},
		OverlayStyle: OverlayStyle{Font: "Arial", Color: "#ffffff", Accent: "#fe2c55", Background: "transparent", Size: 48, Align: "center"},
	}
	if edit != nil {
		edit(&o)
	}
	s, err := Listen(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Serve()
	t.Cleanup(func() { s.Close() })
	return &testServer{Server: s, dash: dash, base: strings.TrimSuffix(s.URL(), "/")}, ov, dir
}

func TestOverlayPages(t *testing.T) {
	ts, _, _ := startOverlays(t)
	for _, name := range OverlayNames {
		res, err := http.Get(ts.base + "/overlay/" + name)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("/overlay/%s: %d, CSP %q", name, res.StatusCode, res.Header.Get("Content-Security-Policy"))
		}
	}
	if code, _ := ts.do(t, req{method: "GET", path: "/overlay/nosuch"}); code != 404 {
		t.Errorf("unknown overlay: %d", code)
	}
	if code, body := ts.do(t, req{method: "GET", path: "/overlay/"}); code != 200 || !strings.Contains(body, "/overlay/likegoal") {
		t.Errorf("overlay index: %d %s", code, body)
	}
}

// TestOverlaySounds: only plain sound file names of the sounds folder are
// served; nothing outside it, whatever the name.
func TestOverlaySounds(t *testing.T) {
	ts, _, dir := startOverlays(t)
	if code, body := ts.do(t, req{method: "GET", path: "/overlay/sounds/horn.mp3"}); code != 200 || body != "ID3 fake mp3" {
		t.Fatalf("horn.mp3: %d %q", code, body)
	}
	if _, err := os.Lstat(filepath.Join(dir, "sounds", "inside.mp3")); err == nil {
		if code, body := ts.do(t, req{method: "GET", path: "/overlay/sounds/inside.mp3"}); code != 200 || body != "ID3 fake mp3" {
			t.Errorf("a link to a sound of the folder: %d %q", code, body)
		}
	}
	for _, p := range []string{
		"/overlay/sounds/../secret.mp3", "/overlay/sounds/..%2fsecret.mp3", "/overlay/sounds/%2e%2e%2fsecret.mp3",
		"/overlay/sounds/..%5csecret.mp3", "/overlay/sounds/link.mp3", "/overlay/sounds/dir.mp3",
		"/overlay/sounds/missing.mp3", "/overlay/sounds/secret.txt", "/overlay/sounds/.mp3",
	} {
		res, err := http.Get(ts.base + p)
		if err != nil {
			t.Fatal(err)
		}
		var b [64]byte
		n, _ := res.Body.Read(b[:])
		res.Body.Close()
		if res.StatusCode == 200 || strings.Contains(string(b[:n]), "outside the folder") {
			t.Errorf("%s: %d %q", p, res.StatusCode, b[:n])
		}
	}
}

// TestUnreadableSoundIsSaidOnceThenCounted: the alerts page asks for an
// alert's sound each time it plays; one that cannot be read (here a link
// out of the folder) is said once, then counted, not a line per alert.
func TestUnreadableSoundIsSaidOnceThenCounted(t *testing.T) {
	logs, clk := &logratetest.Records{}, logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	ts, _, dir := startOverlaysWith(t, func(o *Options) { o.Log = slog.New(logs); o.logOpts = []lograte.Option{clk.Option()} })
	if _, err := os.Lstat(filepath.Join(dir, "sounds", "link.mp3")); err != nil {
		t.Fatalf("this test needs a symbolic link in the sounds folder: %v", err)
	}
	for range 30 {
		if code, _ := ts.do(t, req{method: "GET", path: "/overlay/sounds/link.mp3"}); code != 404 {
			t.Fatalf("link.mp3: %d", code)
		}
	}
	if lines := logs.Lines("cannot read an alert sound"); len(lines) != 1 || lines[0].Attrs["file"] != "link.mp3" {
		t.Fatalf("30 requests: %+v, want the first said", lines)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	if lines := logs.Lines("cannot read an alert sound"); len(lines) != 2 || lines[1].Repeated() != 29 {
		t.Fatalf("a minute later: %+v, want one count of the 29 others", lines)
	}
}

func TestOverlayStreamAndControls(t *testing.T) {
	ts, ov, _ := startOverlays(t)
	st := openStream(t, ts.base+"/overlay/stream")
	if typ, data := st.next(t); typ != TypeOverlay || !strings.Contains(data, `"wins":0`) {
		t.Fatalf("first message %s %s", typ, data)
	}
	ts.dash.Event(nil, false)
	ts.dash.Publish(TypeOverlay, map[string]int{"wins": 7})
	if typ, data := st.next(t); typ != TypeOverlay || data != `{"wins":7}` {
		t.Fatalf("update %s %s", typ, data)
	}
	// Changing needs the token.
	if code, _ := ts.do(t, req{method: "POST", path: "/api/overlay/reset", body: `{"parts":["timer"]}`, header: map[string]string{"Content-Type": "application/json"}}); code != 401 {
		t.Fatalf("reset without the token: %d", code)
	}
	if code, body := ts.do(t, req{method: "POST", path: "/api/overlay/reset", body: `{"parts":["timer","wins"]}`, header: bearer}); code != 200 {
		t.Fatalf("reset: %d %s", code, body)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/overlay/reset", body: `{"parts":["nope"]}`, header: bearer}); code != 400 {
		t.Fatalf("unknown part: %d", code)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/overlay/reset?token=" + testToken + "&part=deaths"}); code != 200 {
		t.Fatalf("reset by form: %d", code)
	}
	code, body := ts.do(t, req{method: "POST", path: "/api/overlay/adjust", body: `{"op":"$wins +1"}`, header: bearer})
	var got struct{ Wins int }
	json.Unmarshal([]byte(body), &got)
	if code != 200 || got.Wins != 1 {
		t.Fatalf("adjust: %d %s", code, body)
	}
	if code, _ := ts.do(t, req{method: "POST", path: "/api/overlay/adjust", body: `{"op":"say hi"}`, header: bearer}); code != 400 {
		t.Fatalf("a non-overlay op: %d", code)
	}
	if strings.Join(ov.reset, ",") != "timer,wins,deaths" {
		t.Fatalf("reset %v", ov.reset)
	}
}

// A page that names its part (/overlay/ws?part=wins, as the overlay pages
// do) gets only that part, and only when it changed: the wins page nothing
// while only the feed moves.
func TestOverlayPartsSendOnlyWhatChanged(t *testing.T) {
	ts, _, _ := startOverlays(t)
	ctx := context.Background()
	dial := func(part string) *websocket.Conn {
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.base, "http")+"/overlay/ws?part="+part, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		return c
	}
	read := func(c *websocket.Conn) string {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	wins, feed := dial("wins"), dial("feed")
	if got := read(wins); got != `{"wins":0}` {
		t.Fatalf("the wins page's first message: %s", got)
	}
	if got := read(feed); got != `{"feed":[]}` {
		t.Fatalf("the feed page's first message: %s", got)
	}
	whole := openStream(t, ts.base+"/overlay/stream")
	whole.next(t)
	// What the parts' subscribers are handed, message by message (a page
	// that falls behind gets only the latest, so its socket would not show
	// a message too many).
	winsSub := ts.dash.SubscribeOnly(overlayPartType("wins"))
	defer winsSub.Close()
	feedSub := ts.dash.SubscribeOnly(overlayPartType("feed"))
	defer feedSub.Close()
	item := func(user string) []overlay.FeedItem { return []overlay.FeedItem{{Type: "follow", User: user}} }
	ts.dash.PublishOverlay(overlay.Snapshot{Wins: 1, Feed: item("ann")})
	ts.dash.PublishOverlay(overlay.Snapshot{Wins: 1, Feed: item("bob")}) // the wins stay
	ts.dash.PublishOverlay(overlay.Snapshot{Wins: 2, Feed: item("bob")}) // the feed stays
	handed := func(sub *Subscription) []string {
		var got []string
		for {
			select {
			case m := <-sub.C:
				got = append(got, string(m.Data))
			default:
				return got
			}
		}
	}
	if got := handed(winsSub); !slices.Equal(got, []string{`{"wins":1}`, `{"wins":2}`}) {
		t.Fatalf("the wins part was handed %q; want each change once", got)
	}
	if got := handed(feedSub); len(got) != 2 || !strings.Contains(got[0], `"user":"ann"`) || !strings.Contains(got[1], `"user":"bob"`) || strings.Contains(got[1], "wins") {
		t.Fatalf("the feed part was handed %q; want ann's, then bob's, feed only", got)
	}
	// The pages' sockets end with the last of each.
	for read(wins) != `{"wins":2}` {
	}
	for got := read(feed); !strings.Contains(got, `"user":"bob"`); got = read(feed) {
		if strings.Contains(got, "wins") {
			t.Fatalf("feed page got %s", got)
		}
	}
	// Without a part, the whole state, every time.
	for {
		typ, data := whole.next(t)
		if typ != TypeOverlay || !strings.Contains(data, `"wins"`) || !strings.Contains(data, `"feed"`) {
			t.Fatalf("whole state: %s %s", typ, data)
		}
		if strings.Contains(data, `"wins":2`) {
			break
		}
	}
	// The SSE stream takes a part too, under the same event type.
	st := openStream(t, ts.base+"/overlay/stream?part=wins")
	if typ, data := st.next(t); typ != TypeOverlay || data != `{"wins":0}` {
		t.Fatalf("SSE part: %s %s", typ, data)
	}
	for _, path := range []string{"/overlay/ws?part=nope", "/overlay/stream?part=Wins"} {
		code, body := ts.do(t, req{method: "GET", path: path})
		if code != 400 || !strings.Contains(body, "wins, feed, top") {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	// The dashboard's own streams never carry the overlays' parts.
	if (&subscriber{}).wants(overlayPartType("wins")) {
		t.Error("a dashboard browser would get the overlay parts")
	}
}

// A part nobody listened to is sent to the next page that does at its
// next change, even a change back to what was sent before: that page's
// first message holds the state in between.
func TestOverlayPartAfterNobodyListened(t *testing.T) {
	d := NewDashboard("run")
	sub := d.SubscribeOnly(overlayPartType("wins"))
	d.PublishOverlay(overlay.Snapshot{Wins: 5})
	<-sub.C
	sub.Close()
	d.PublishOverlay(overlay.Snapshot{Wins: 6})    // nobody listens
	sub = d.SubscribeOnly(overlayPartType("wins")) // its page starts from 6
	defer sub.Close()
	d.PublishOverlay(overlay.Snapshot{Wins: 5})
	select {
	case m := <-sub.C:
		if string(m.Data) != `{"wins":5}` {
			t.Fatalf("sent %s", m.Data)
		}
	default:
		t.Fatal("the wins going back to 5 never reached the page that shows 6")
	}
}

// Every overlay page's kind is a part the server knows, so no page asks
// for one it would be refused (overlay.js asks for ?part=KIND).
func TestEveryOverlayPageHasItsPart(t *testing.T) {
	for _, kind := range append(slices.Clone(OverlayNames), "goal") {
		if !slices.Contains(overlayPartNames, kind) {
			t.Errorf("page %s: no such part", kind)
		}
	}
	for _, part := range overlayPartNames {
		if _, ok := overlayPartOf(part, overlay.Snapshot{}); !ok {
			t.Errorf("part %s is listed but has no share of the state", part)
		}
	}
}
