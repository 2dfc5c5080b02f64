package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
)

const testToken = "test-token-0123456789abcdef"

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fakeControl struct {
	mu      sync.Mutex
	fired   []Fire
	paused  bool
	reloads int
	hooks   []string
	reload  error
}

func (f *fakeControl) Fire(_ context.Context, x Fire) (Fired, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if x.Trigger == "nosuch" {
		return Fired{}, fmt.Errorf("%w: no trigger %q in actions.mca", ErrNotFound, x.Trigger)
	}
	f.fired = append(f.fired, x)
	return Fired{Trigger: x.Trigger, Kind: "gift", User: x.User, Count: x.Count, Actions: []string{"say hi"}}, nil
}
func (f *fakeControl) Pause()  { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeControl) Resume() { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeControl) Reload(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloads++
	return f.reload
}
func (f *fakeControl) Webhook(_ context.Context, body []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hooks = append(f.hooks, string(body))
	return "death", nil
}

type testServer struct {
	*Server
	ctl  *fakeControl
	dash *Dashboard
	logs *syncBuffer
	base string // http://127.0.0.1:PORT
}

// start runs a server with fakes behind it; with sets more options.
func start(t *testing.T, with ...func(*Options)) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	ctl := &fakeControl{}
	dash := NewDashboard("demo")
	o := Options{
		Listen: "127.0.0.1:0", Token: testToken, Dashboard: dash,
		Log:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Injector: ctl, Pauser: ctl, Reloader: ctl, Webhook: ctl,
	}
	for _, w := range with {
		w(&o)
	}
	s, err := Listen(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Serve()
	t.Cleanup(func() { s.Close() })
	return &testServer{Server: s, ctl: ctl, dash: dash, logs: logs, base: strings.TrimSuffix(s.URL(), "/")}
}

type req struct {
	method, path, body string
	header             map[string]string
	host               string
}

func (ts *testServer) do(t *testing.T, r req) (int, string) {
	t.Helper()
	hr, err := http.NewRequest(r.method, ts.base+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.host != "" {
		hr.Host = r.host
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var bearer = map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}

// TestSecurity: reading needs nothing, changing needs the token; foreign
// Origins and Hosts are refused; bodies are capped; the token never
// reaches the log.
func TestSecurity(t *testing.T) {
	ts := start(t)
	port := ts.port
	tests := []struct {
		name string
		r    req
		want int
	}{
		{"read the state without a token", req{method: "GET", path: "/api/state"}, 200},
		{"the page", req{method: "GET", path: "/"}, 200},
		{"pause without a token", req{method: "POST", path: "/api/pause"}, 401},
		{"pause with a wrong token", req{method: "POST", path: "/api/pause?token=wrong-token-123456789"}, 401},
		{"pause with a wrong bearer", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer nope"}}, 401},
		{"trigger without a token", req{method: "POST", path: "/api/trigger", body: `{"trigger":"rose"}`, header: map[string]string{"Content-Type": "application/json"}}, 401},
		{"webhook without a token", req{method: "POST", path: "/webhook", body: `{"event":"player_death"}`}, 401},
		{"reload without a token", req{method: "POST", path: "/api/reload"}, 401},
		{"pause with the bearer token", req{method: "POST", path: "/api/pause", header: bearer}, 200},
		{"resume with ?token=", req{method: "POST", path: "/api/resume?token=" + testToken}, 200},
		{"webhook with ?token=", req{method: "POST", path: "/webhook?token=" + testToken, body: `{"event":"player_death"}`}, 200},
		{"a foreign Origin, even with the token", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer " + testToken, "Origin": "http://evil.example"}}, 403},
		{"a foreign Origin reading", req{method: "GET", path: "/api/state", header: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"Origin null", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer " + testToken, "Origin": "null"}}, 403},
		{"a cross-site fetch", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer " + testToken, "Sec-Fetch-Site": "cross-site"}}, 403},
		{"our own Origin", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer " + testToken, "Origin": ts.base}}, 200},
		{"localhost Origin", req{method: "POST", path: "/api/pause", header: map[string]string{"Authorization": "Bearer " + testToken, "Origin": "http://localhost:" + port}}, 200},
		{"a foreign Host (DNS rebinding)", req{method: "GET", path: "/api/state", host: "evil.example:" + port}, 421},
		{"a foreign Host with the token", req{method: "POST", path: "/api/pause", host: "rebind.evil.example:" + port, header: bearer}, 421},
		{"the right host on another port", req{method: "GET", path: "/api/state", host: "127.0.0.1:1"}, 421},
		{"localhost Host", req{method: "GET", path: "/api/state", host: "localhost:" + port}, 200},
		{"a body over the cap", req{method: "POST", path: "/webhook?token=" + testToken, body: strings.Repeat("x", maxWebhookBody+1)}, 413},
		{"a JSON body over the cap", req{method: "POST", path: "/api/trigger", header: bearer, body: `{"trigger":"` + strings.Repeat("x", maxAPIBody) + `"}`}, 413},
		{"GET on a POST endpoint", req{method: "GET", path: "/api/pause?token=" + testToken}, 405},
		{"an unknown endpoint", req{method: "GET", path: "/api/nothing"}, 404},
		{"the raw template is not served", req{method: "GET", path: "/assets/index.html"}, 404},
		{"no directory listing", req{method: "GET", path: "/assets/"}, 404},
		{"the script", req{method: "GET", path: "/assets/dashboard.js"}, 200},
	}
	for _, tt := range tests {
		if got, body := ts.do(t, tt.r); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d: %s", tt.name, got, tt.want, body)
		}
	}
	if logs := ts.logs.String(); strings.Contains(logs, testToken) || !strings.Contains(logs, "refused") {
		t.Errorf("the log has the token, or no refusals:\n%s", logs)
	}
	if len(ts.ctl.hooks) != 1 {
		t.Errorf("webhooks passed on: %q", ts.ctl.hooks)
	}
}

// A request for another address (a name, another port) is told which
// address to open instead, in words a streamer can act on.
func TestWrongHostSaysWhichAddressToOpen(t *testing.T) {
	ts := start(t)
	code, body := ts.do(t, req{method: "GET", path: "/", host: "my-pc.local:" + ts.port})
	var got struct{ Error string }
	json.Unmarshal([]byte(body), &got)
	want := "tikcraft answers only at " + ts.URL() + ": open that address instead; to use the dashboard from another device, see web.listen in docs/WEB.md"
	if code != http.StatusMisdirectedRequest || got.Error != want {
		t.Errorf("HTTP %d %q\nwant 421 %q", code, got.Error, want)
	}
}

// A server on every interface (web.listen 0.0.0.0:PORT, for a tablet)
// answers at any IP address of this computer, and a request for a name is
// told to use the computer's IP address: not 127.0.0.1, which on the
// tablet is the tablet. (The test binds loopback only, the server serves
// it as every interface.)
func TestWrongHostOnEveryInterfaceSaysByIPAddress(t *testing.T) {
	ts := start(t, func(o *Options) {
		o.Listen = "0.0.0.0:0"
		o.listen = func(network, _ string) (net.Listener, error) { return net.Listen(network, "127.0.0.1:0") }
	})
	if code, body := ts.do(t, req{method: "GET", path: "/api/state", host: "192.168.1.20:" + ts.port}); code != http.StatusOK {
		t.Fatalf("a LAN address: HTTP %d %s", code, body)
	}
	code, body := ts.do(t, req{method: "GET", path: "/", host: "my-pc.local:" + ts.port})
	var got struct{ Error string }
	json.Unmarshal([]byte(body), &got)
	want := "tikcraft answers only at an IP address of this computer, with port " + ts.port + ", not at a name: open http://<this computer's IP address>:" + ts.port + "/ instead (on Windows, ipconfig shows it as IPv4 Address; docs/WEB.md)"
	if code != http.StatusMisdirectedRequest || got.Error != want {
		t.Errorf("HTTP %d %q\nwant 421 %q", code, got.Error, want)
	}
}

func TestPageHeaders(t *testing.T) {
	ts := start(t)
	res, err := http.Get(ts.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", res.Header)
	}
}

// TestFireValidation: every field is checked before the injector sees it.
func TestFireValidation(t *testing.T) {
	ts := start(t)
	tests := []struct {
		body, ctype string
		want        int
		fire        Fire
		msg         string
	}{
		{`{"trigger":"rose","user":"anna","count":3}`, "application/json", 200, Fire{"rose", "anna", 3}, ""},
		{`{"trigger":"rose"}`, "application/json", 200, Fire{"rose", DefaultTestUser, 1}, ""},
		{`{"trigger":5655,"count":"2"}`, "application/json", 200, Fire{"5655", DefaultTestUser, 2}, ""},
		{`trigger=follow&user=bob`, "application/x-www-form-urlencoded", 200, Fire{"follow", "bob", 1}, ""},
		{`{"trigger":""}`, "application/json", 400, Fire{}, "trigger is missing"},
		{`{"trigger":"rose","count":0.5}`, "application/json", 400, Fire{}, "whole number"},
		{`{"trigger":"rose","count":101}`, "application/json", 400, Fire{}, "from 1 to 100"},
		{`{"trigger":"rose","count":-1}`, "application/json", 400, Fire{}, "from 1 to 100"},
		{`{"trigger":"rose","user":"a\nb"}`, "application/json", 400, Fire{}, "control characters"},
		{`{"trigger":"rose","user":"` + strings.Repeat("x", 65) + `"}`, "application/json", 400, Fire{}, "at most 64"},
		{`{"trigger":["rose"]}`, "application/json", 400, Fire{}, "trigger must be text"},
		{`{"trigger":"rose","colour":"red"}`, "application/json", 400, Fire{}, "unknown field"},
		{`{"trigger":`, "application/json", 400, Fire{}, "not valid"},
		{`{"trigger":"nosuch"}`, "application/json", 404, Fire{}, "no trigger"},
	}
	for _, tt := range tests {
		ts.ctl.fired = nil
		code, body := ts.do(t, req{method: "POST", path: "/api/trigger", body: tt.body, header: map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": tt.ctype}})
		if code != tt.want || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: HTTP %d %s, want %d with %q", tt.body, code, body, tt.want, tt.msg)
			continue
		}
		if tt.want == 200 && (len(ts.ctl.fired) != 1 || ts.ctl.fired[0] != tt.fire) {
			t.Errorf("%s: injector got %+v, want %+v", tt.body, ts.ctl.fired, tt.fire)
		}
		if tt.want != 200 && len(ts.ctl.fired) != 0 {
			t.Errorf("%s: an invalid request reached the injector", tt.body)
		}
	}
}

func TestReloadAnswers(t *testing.T) {
	ts := start(t)
	if code, body := ts.do(t, req{method: "POST", path: "/api/reload", header: bearer}); code != 200 || !strings.Contains(body, `"reloaded": true`) {
		t.Fatalf("HTTP %d %s", code, body)
	}
	ts.ctl.reload = fmt.Errorf("%w: actions.mca:2:1: error: broken", ErrInvalid)
	if code, body := ts.do(t, req{method: "POST", path: "/api/reload", header: bearer}); code != 422 || !strings.Contains(body, "actions.mca:2:1") {
		t.Fatalf("HTTP %d %s", code, body)
	}
}

// sse reads server-sent events from the stream endpoint.
type sse struct {
	res *http.Response
	sc  *bufio.Scanner
}

func openStream(t *testing.T, url string) *sse {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	t.Cleanup(func() { res.Body.Close() })
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	return &sse{res: res, sc: sc}
}

// next returns the next message's type and data.
func (s *sse) next(t *testing.T) (string, string) {
	t.Helper()
	typ, data := "", ""
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			typ = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = line[len("data: "):]
		case line == "" && typ != "":
			return typ, data
		}
	}
	t.Fatalf("stream ended: %v", s.sc.Err())
	return "", ""
}

// TestStreamCatchesUpFromTheCurrentState: a browser that connects gets a
// snapshot of the current state first, then live updates; one that
// reconnects gets a new snapshot, not the session replayed.
func TestStreamCatchesUpFromTheCurrentState(t *testing.T) {
	ts := start(t)
	anna := tikcraft.User{ID: "1", UniqueID: "anna"}
	for i := range 150 {
		ts.dash.Event(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: anna, Text: fmt.Sprint("hello ", i)}, false)
	}
	st := openStream(t, ts.base+"/api/stream")
	typ, data := st.next(t)
	var snap Snapshot
	if err := json.Unmarshal([]byte(data), &snap); typ != TypeState || err != nil {
		t.Fatalf("first message %s %v", typ, err)
	}
	if len(snap.Feed) != feedSize || snap.Feed[len(snap.Feed)-1].Text != "hello 149" || snap.Mode != "demo" {
		t.Fatalf("snapshot has %d feed items, last %+v", len(snap.Feed), snap.Feed[len(snap.Feed)-1])
	}
	ts.dash.Event(&tikcraft.FollowEvent{User: anna}, false)
	typ, data = st.next(t)
	if typ != TypeEvent || !strings.Contains(data, `"type":"follow"`) {
		t.Fatalf("got %s %s", typ, data)
	}
	ts.dash.Flush()
	if typ, _ = st.next(t); typ != TypeState {
		t.Fatalf("got %s after a flush, want the status", typ)
	}
	ts.dash.SetQueue(3, time.Now().Add(-5*time.Second), 0)
	if typ, data = st.next(t); typ != TypeQueue || !strings.Contains(data, `"pending":3`) {
		t.Fatalf("got %s %s", typ, data)
	}

	// Only some types.
	only := openStream(t, ts.base+"/api/stream?types=delivery")
	if typ, _ := only.next(t); typ != TypeState {
		t.Fatalf("filtered stream starts with %s", typ)
	}
	ts.dash.Event(&tikcraft.ShareEvent{User: anna}, false)
	ts.dash.Delivered(Delivery{Item: queue.Item{ID: 9, Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi"}}})
	if typ, data := only.next(t); typ != TypeDelivery || !strings.Contains(data, `"result":"sent"`) {
		t.Fatalf("filtered stream got %s %s", typ, data)
	}
}

// TestSlowBrowserIsDropped: a browser that does not read is dropped once
// its buffer is full, and the dashboard never waits for it.
func TestSlowBrowserIsDropped(t *testing.T) {
	d := NewDashboard("run")
	s := d.subscribe(nil)
	for i := range 2 * clientQueue {
		d.Event(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, Text: "x"}, false)
		if i%feedSize == 0 {
			d.Flush() // a frame's worth
		}
	}
	select {
	case <-s.gone:
	default:
		t.Fatal("a browser that does not read was kept")
	}
}

func TestCloseEndsStreams(t *testing.T) {
	ts := start(t)
	st := openStream(t, ts.base+"/api/stream")
	st.next(t)
	done := make(chan error, 1)
	go func() { done <- ts.Close() }()
	for st.sc.Scan() {
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLinkAndListenErrors(t *testing.T) {
	ts := start(t)
	if l := ts.Link(); !strings.HasPrefix(l, "http://127.0.0.1:"+ts.port+"/?token=") || !strings.HasSuffix(l, testToken) {
		t.Errorf("link %q", l)
	}
	_, err := Listen(Options{Listen: "127.0.0.1:" + ts.port, Token: testToken})
	if err == nil || !strings.Contains(err.Error(), "web.listen") {
		t.Errorf("second server on the same port: %v", err)
	}
	any, err := Listen(Options{Listen: "0.0.0.0:0", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer any.Close()
	if !any.allowedHost("192.168.1.20:"+any.port) || any.allowedHost("tikcraft.example:"+any.port) || !strings.HasPrefix(any.URL(), "http://127.0.0.1:") {
		t.Errorf("on every interface: host checks or URL %s wrong", any.URL())
	}
}

func TestTokenFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	tok, created, err := LoadToken(dir)
	if err != nil || !created || !tokenRE.MatchString(tok) {
		t.Fatalf("%q %t %v", tok, created, err)
	}
	fi, err := os.Stat(filepath.Join(dir, TokenFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	again, created, err := LoadToken(dir)
	if err != nil || created || again != tok {
		t.Fatalf("second load: %q %t %v", again, created, err)
	}
	if NewToken() == tok {
		t.Fatal("tokens repeat")
	}
	os.WriteFile(filepath.Join(dir, TokenFile), []byte("short\n"), 0o600)
	if _, _, err := LoadToken(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged token: %v", err)
	}
}

// TestPageEscapesViewerText: the page the server renders shows a hostile
// name as text.
func TestPageEscapesViewerText(t *testing.T) {
	ts := start(t)
	evil := tikcraft.User{ID: "1", UniqueID: `<script>alert(1)</script>`, Nickname: `<img src=x onerror=alert(1)>`}
	ts.dash.Event(&tikcraft.GiftEvent{User: evil, Gift: tikcraft.Gift{ID: 1, Name: `<b>Rose</b>`, Diamonds: 5}}, false)
	ts.dash.SetRules(Rules{File: "actions.mca", Triggers: []TriggerInfo{{Name: `x"><script>`, Kind: "gift", Commands: []string{"/say <i>"}}}})
	code, body := ts.do(t, req{method: "GET", path: "/"})
	if code != 200 || strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>Rose") || strings.Contains(body, `"><script>`) ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("HTTP %d, viewer text not escaped:\n%s", code, body)
	}
}

// The dashboard says which output actions wait for once one besides
// Minecraft has any: a dead $http target is not read as Minecraft behind.
func TestLaneQueues(t *testing.T) {
	ctx := context.Background()
	q := queue.NewMemory()
	if err := q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say a"}, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say b"}); err != nil {
		t.Fatal(err)
	}
	if n, _, got, err := laneQueues(ctx, q, ""); n != 2 || got != nil || err != nil {
		t.Fatalf("only Minecraft waits: total %d, lanes %+v, %v", n, got, err)
	}
	if err := q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://localhost:9000/x"}); err != nil {
		t.Fatal(err)
	}
	d := NewDashboard("run")
	// The $http request on its way, as deliver's worker notes it, is named
	// once it has taken a second.
	flights := new(deliver.Flights)
	hold := make(chan struct{})
	wq := queue.NewMemory()
	if err := wq.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://localhost:9000/x"}); err != nil {
		t.Fatal(err)
	}
	delivered := make(chan struct{})
	w := &deliver.Worker{Queue: wq, Sink: deliver.Router{HTTP: holdSink(hold)}, Lanes: []queue.Lane{queue.LaneHTTP}, Flights: flights,
		OnDelivery: func(deliver.Delivery) { close(delivered) }}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go w.Run(wctx, nil)
	var since time.Time
	for {
		_, s, ok := flights.InFlight(queue.LaneHTTP)
		if ok {
			since = s
			break
		}
		runtime.Gosched()
	}
	if _, err := d.showQueue(ctx, q, flights, since); err != nil || d.Status().Queue.Lanes[1].Target != "" {
		t.Fatalf("a request just sent names its target: %+v, %v", d.Status().Queue.Lanes, err)
	}
	if _, err := d.showQueue(ctx, q, flights, since.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	got := d.Status().Queue.Lanes
	if len(got) != 2 || got[0].Lane != "minecraft" || got[0].Pending != 2 || got[0].Target != "" ||
		got[1].Lane != "http" || got[1].Pending != 1 || got[1].Target != "localhost:9000" {
		t.Fatalf("lanes %+v; want minecraft 2, http 1 waiting for localhost:9000", got)
	}
	b, err := json.Marshal(d.Status().Queue)
	if err != nil || !strings.Contains(string(b), `"lanes":[{"lane":"minecraft","pending":2,`) || !strings.Contains(string(b), `{"lane":"http","pending":1,`) || !strings.Contains(string(b), `"target":"localhost:9000"`) {
		t.Fatalf("queue status %s %v", b, err)
	}
	// The status lines read the same record.
	if host, _, ok := deliver.SlowHTTP(w, since.Add(2*time.Second)); !ok || host != "localhost:9000" {
		t.Fatalf("deliver.SlowHTTP of the worker = %q, %t", host, ok)
	}
	close(hold)
	<-delivered
	if _, err := d.showQueue(ctx, q, flights, since.Add(time.Minute)); err != nil || d.Status().Queue.Lanes[1].Target != "" {
		t.Fatalf("a request answered still names its target: %+v, %v", d.Status().Queue.Lanes, err)
	}
}

// holdSink delivers once the channel closes.
type holdSink chan struct{}

func (h holdSink) Deliver(ctx context.Context, _ tikcraft.Action) error {
	select {
	case <-h:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
