package tiktok_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/webcast"
)

// testTimeout only stops a hung test; nothing is asserted about speed.
const testTimeout = 30 * time.Second

// logRecorder is a slog.Handler that keeps every record as one line of
// text and lets a test wait for a line.
type logRecorder struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func newLogRecorder() *logRecorder { return &logRecorder{changed: make(chan struct{})} }

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, b.String())
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
	return nil
}

// count is how many lines contain part.
func (l *logRecorder) count(part string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, part) {
			n++
		}
	}
	return n
}

// wait returns the first line containing every part.
func (l *logRecorder) wait(t *testing.T, ctx context.Context, parts ...string) string {
	t.Helper()
	for {
		l.mu.Lock()
		lines, ch := l.lines, l.changed
		l.mu.Unlock()
	next:
		for _, line := range lines {
			for _, p := range parts {
				if !strings.Contains(line, p) {
					continue next
				}
			}
			return line
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no log line with %q; got:\n%s", parts, strings.Join(lines, "\n"))
		case <-ch:
		}
	}
}

func (l *logRecorder) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type harness struct {
	t      *testing.T
	ctx    context.Context // the test's deadline, for every wait
	srv    *sim.Server
	client *tiktok.Client
	logs   *logRecorder
	events chan tikcraft.Event
	runCtx context.Context    // Run's context, a child of ctx
	cancel context.CancelFunc // stops Run
	ended  chan struct{}      // closed when Run has returned
	runErr error              // what Run returned; read only after ended
}

// start runs a client against a fresh simulator. The client's waits are
// made tiny so that retries happen at once; the test only ever waits on
// channels and the simulator's Wait.
func start(t *testing.T, so sim.Options, edit func(*tiktok.Config)) *harness {
	t.Helper()
	srv, err := sim.Start(so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	logs := newLogRecorder()
	cfg := tiktok.Config{
		User:         "@" + srv.User(),
		SignServer:   srv.URL(),
		WebBase:      srv.URL(),
		RetryOffline: time.Millisecond,
		Heartbeat:    time.Hour,
		ReconnectMin: time.Millisecond,
		ReconnectMax: 4 * time.Millisecond,
		Log:          slog.New(logs),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := tiktok.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stopWaiting := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(stopWaiting)
	runCtx, cancel := context.WithCancel(ctx)
	return &harness{t: t, ctx: ctx, runCtx: runCtx, srv: srv, client: c, logs: logs, events: make(chan tikcraft.Event, 10000), cancel: cancel, ended: make(chan struct{})}
}

// run starts the client. The harness's own handler is registered last, so
// a test that has received an event from h.events may read whatever its
// own handlers recorded for it: handlers run in order on one goroutine.
func (h *harness) run() {
	h.client.OnEvent(func(ev tikcraft.Event) { h.events <- ev })
	go func() {
		defer close(h.ended)
		h.runErr = h.client.Run(h.runCtx)
	}()
	h.t.Cleanup(func() { h.stop() })
}

// wait returns what Run returned, failing the test if it keeps running.
func (h *harness) wait() error {
	h.t.Helper()
	select {
	case <-h.ended:
		return h.runErr
	case <-h.ctx.Done():
		h.t.Fatalf("Run did not return; log:\n%s", h.logs.all())
		return nil
	}
}

// stop cancels Run and returns what it returned.
func (h *harness) stop() error {
	h.cancel()
	<-h.ended
	return h.runErr
}

// next returns the next event, failing on a hang or an early Run return.
func (h *harness) next() tikcraft.Event {
	h.t.Helper()
	select {
	case ev := <-h.events:
		return ev
	default:
	}
	select {
	case ev := <-h.events:
		return ev
	case <-h.ended:
		// Run dispatches every event before it returns.
		select {
		case ev := <-h.events:
			return ev
		default:
		}
		h.t.Fatalf("Run returned %v while an event was expected; log:\n%s", h.runErr, h.logs.all())
	case <-h.ctx.Done():
		h.t.Fatalf("no event; log:\n%s", h.logs.all())
	}
	return nil
}

// nextOf skips events of other types.
func nextOf[E tikcraft.Event](h *harness) E {
	h.t.Helper()
	for {
		if e, ok := h.next().(E); ok {
			return e
		}
	}
}

func (h *harness) waitSim(cond func(sim.Snapshot) bool) sim.Snapshot {
	h.t.Helper()
	snap, err := h.srv.Wait(h.ctx, cond)
	if err != nil {
		h.t.Fatalf("simulator never reached the expected state: %+v; log:\n%s", snap, h.logs.all())
	}
	return snap
}

func (h *harness) push(evs ...tikcraft.Event) {
	h.t.Helper()
	if err := h.srv.Push(evs...); err != nil {
		h.t.Fatal(err)
	}
}

// follower is u as a follow decodes it: a follower by definition.
func follower(u tikcraft.User) tikcraft.User {
	u.Follower = true
	return u
}

func anna() tikcraft.User {
	return tikcraft.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna ✨"}
}

func TestConnectAndReceiveTypedEvents(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	var gifts, follows []string
	h.client.OnGift(func(g *tikcraft.GiftEvent) { gifts = append(gifts, g.Gift.Name) })
	h.client.OnFollow(func(f *tikcraft.FollowEvent) { follows = append(follows, f.User.Name()) })
	h.run()

	conn := nextOf[*tikcraft.ConnectEvent](h)
	if conn.RoomID != h.srv.Snapshot().RoomID {
		t.Fatalf("connected to room %q, simulator streams %q", conn.RoomID, h.srv.Snapshot().RoomID)
	}
	sent := []tikcraft.Event{
		&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "101"}, User: anna(), Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, RepeatEnd: true, GroupID: "77"},
		&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "102"}, User: follower(anna())},
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "103"}, User: anna(), Count: 15, Total: 300},
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "104"}, User: anna(), Text: "hi \"}] /op me"},
		&tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "105"}, User: anna()},
		&tikcraft.ShareEvent{Meta: tikcraft.Meta{MsgID: "106"}, User: anna()},
		&tikcraft.SubscribeEvent{Meta: tikcraft.Meta{MsgID: "107"}, User: anna()},
		&tikcraft.ViewersEvent{Meta: tikcraft.Meta{MsgID: "108"}, Count: 120},
	}
	h.push(sent...)
	for _, want := range sent {
		got := h.next()
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	}
	if len(gifts) != 1 || gifts[0] != "Rose" || len(follows) != 1 || follows[0] != "anna_123" {
		t.Fatalf("typed handlers got gifts %v, follows %v", gifts, follows)
	}
	snap := h.srv.Snapshot()
	c := snap.Connections[0]
	if c.Rejected != "" || !c.Gzip || c.UserAgent != snap.Signs[0].UserAgent || !strings.Contains(c.Cookie, "ttwid=") {
		t.Fatalf("handshake %+v, signed for %q", c, snap.Signs[0].UserAgent)
	}
	if len(snap.EnterRooms) != 1 || fmt.Sprint(snap.EnterRooms[0]) != conn.RoomID {
		t.Fatalf("entered rooms %v, want [%s]", snap.EnterRooms, conn.RoomID)
	}
	if st := h.client.Stats(); st.Connects != 1 || st.Events != int64(len(sent)) {
		t.Fatalf("stats %+v", st)
	}
}

func TestInitialBatchIsDelivered(t *testing.T) {
	h := start(t, sim.Options{History: 2}, nil)
	h.push(
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: anna(), Text: "too old"},
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "2"}, User: anna(), Text: "recent 1"},
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "3"}, User: anna(), Text: "recent 2"},
	)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	for _, want := range []string{"recent 1", "recent 2"} {
		if got := h.next().(*tikcraft.ChatEvent).Text; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestAckSentWhenAsked(t *testing.T) {
	h := start(t, sim.Options{NeedAck: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	for i := range 3 {
		h.push(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(200 + i)}, Count: 1})
		nextOf[*tikcraft.LikeEvent](h)
	}
	snap := h.waitSim(func(s sim.Snapshot) bool { return len(s.Acks) >= 3 })
	seen := map[int64]bool{}
	for i, a := range snap.Acks {
		want := fmt.Sprintf("sim_ext:room=%s:cursor=%d", snap.RoomID, i+1)
		if a.InternalExt != want || a.LogID == 0 || seen[a.LogID] {
			t.Fatalf("ack %d = %+v, want internal_ext %q and a new log id", i, a, want)
		}
		seen[a.LogID] = true
	}
}

func TestNoAckUnlessAsked(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.push(&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "1"}, Count: 1})
	nextOf[*tikcraft.LikeEvent](h)
	// A clean close is written after everything else the client sent, so
	// once the simulator has read it, an ACK would have been recorded.
	h.stop()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	snap, err := h.srv.Wait(ctx, func(s sim.Snapshot) bool { return len(s.CloseCodes) > 0 })
	if err != nil {
		t.Fatal("the client did not close the socket")
	}
	if len(snap.Acks) != 0 {
		t.Fatalf("acks %+v sent without need_ack", snap.Acks)
	}
}

func TestHeartbeats(t *testing.T) {
	h := start(t, sim.Options{}, func(c *tiktok.Config) { c.Heartbeat = time.Millisecond })
	h.run()
	conn := nextOf[*tikcraft.ConnectEvent](h)
	snap := h.waitSim(func(s sim.Snapshot) bool { return s.HeartbeatCount >= 3 })
	for i, hb := range snap.Heartbeats[:3] {
		if fmt.Sprint(hb.RoomID) != conn.RoomID || hb.Seq != int64(i+1) {
			t.Fatalf("heartbeat %d = %+v, want room %s seq %d", i, hb, conn.RoomID, i+1)
		}
	}
}

func TestReconnectLosesNothingAndDeliversOnce(t *testing.T) {
	// A reconnect starts from the fresh signature's cursor, as the Node
	// peer does: what was sent in between comes back in the initial batch
	// (TikTok's recent history) and the duplicates are dropped.
	h := start(t, sim.Options{DropAfterFrames: 3, MaxDrops: 2, History: 3}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	var order []string
	connects, disconnects := 1, 0
	const n = 10
	for i := range n + 1 { // the last one is a sentinel: duplicates would come before it
		id := fmt.Sprint(1000 + i)
		h.push(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: id}, User: anna(), Gift: tikcraft.Gift{ID: 1, Name: "Lion", Diamonds: 29999}})
		for {
			ev := h.next()
			switch e := ev.(type) {
			case *tikcraft.ConnectEvent:
				connects++
				continue
			case *tikcraft.DisconnectEvent:
				disconnects++
				if e.Reason == "" {
					t.Error("disconnect without a reason")
				}
				continue
			}
			order = append(order, ev.EventMeta().MsgID)
			break
		}
		if got := order[len(order)-1]; got != id {
			t.Fatalf("after pushing %s got %s; all so far %v", id, got, order)
		}
	}
	snap := h.srv.Snapshot()
	if snap.Drops != 2 || connects != 3 || disconnects != 2 {
		t.Fatalf("drops %d, connects %d, disconnects %d; want 2, 3, 2", snap.Drops, connects, disconnects)
	}
	if d := h.client.Stats().Duplicates; d < 2 {
		t.Fatalf("%d duplicates dropped; the simulator re-sent at least 2", d)
	}
	// Every reconnect signed again and used its URL once.
	if len(snap.Signs) != 3 || len(snap.Connections) != 3 {
		t.Fatalf("%d signs, %d connections; want 3 each", len(snap.Signs), len(snap.Connections))
	}
	for _, c := range snap.Connections {
		if c.Rejected != "" {
			t.Fatalf("connection rejected: %+v", c)
		}
	}
	for i, sg := range snap.Signs {
		if sg.Cursor != "" || snap.Connections[i].Cursor == "" {
			t.Fatalf("sign %d asked for cursor %q, socket used %q: want an empty one for the sign server and its fresh cursor on the socket", i, sg.Cursor, snap.Connections[i].Cursor)
		}
	}
}

func TestStreamEndThenNextLive(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	first := nextOf[*tikcraft.ConnectEvent](h)
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, Text: "bye"})
	nextOf[*tikcraft.ChatEvent](h)
	if err := h.srv.EndStream(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.next().(*tikcraft.StreamEndEvent); !ok {
		t.Fatal("the event after the end is not a StreamEndEvent")
	}
	if d, ok := h.next().(*tikcraft.DisconnectEvent); !ok || d.Reason != "stream ended" {
		t.Fatalf("want DisconnectEvent{stream ended}, got %+v", d)
	}
	h.logs.wait(t, h.ctx, "@sim_streamer's LIVE ended; waiting for the next one")
	// The client keeps checking while offline instead of returning.
	pages := h.srv.Snapshot().Lookups["page"]
	h.waitSim(func(s sim.Snapshot) bool { return s.Lookups["page"] >= pages+3 })
	if len(h.events) != 0 {
		t.Fatalf("event %+v while offline", <-h.events)
	}
	newRoom := h.srv.GoLive()
	second := nextOf[*tikcraft.ConnectEvent](h)
	if second.RoomID != newRoom || second.RoomID == first.RoomID {
		t.Fatalf("reconnected to %q; new LIVE is %q, old was %q", second.RoomID, newRoom, first.RoomID)
	}
	h.push(&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "2"}, User: anna()})
	nextOf[*tikcraft.FollowEvent](h)
	h.waitSim(func(s sim.Snapshot) bool { return len(s.CloseCodes) >= 1 })
	if code := h.srv.Snapshot().CloseCodes[0]; code != 1000 {
		t.Fatalf("first socket closed with %d, want a normal close", code)
	}
}

func TestOfflineWaitsThenConnects(t *testing.T) {
	h := start(t, sim.Options{Offline: true, History: 1}, nil)
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, Text: "first words"})
	h.run()
	h.logs.wait(t, h.ctx, "INFO @sim_streamer is not live right now; waiting — retrying every 1ms")
	h.waitSim(func(s sim.Snapshot) bool { return s.Lookups["page"] >= 3 })
	if snap := h.srv.Snapshot(); len(snap.Signs) != 0 || len(h.events) != 0 {
		t.Fatalf("signed %d times / got events while offline", len(snap.Signs))
	}
	if n := strings.Count(h.logs.all(), "is not live right now"); n != 1 {
		t.Fatalf("the waiting message was logged %d times, want once", n)
	}
	room := h.srv.GoLive()
	if c := nextOf[*tikcraft.ConnectEvent](h); c.RoomID != room {
		t.Fatalf("connected to %q, want %q", c.RoomID, room)
	}
	if got := nextOf[*tikcraft.ChatEvent](h); got.Text != "first words" {
		t.Fatalf("got %q", got.Text)
	}
}

func TestLookupFallsBackToSignServer(t *testing.T) {
	h := start(t, sim.Options{BlockPage: true, BlockAPILive: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	l := h.srv.Snapshot().Lookups
	if l["page"] == 0 || l["api-live"] == 0 || l["room_id"] == 0 {
		t.Fatalf("lookups %v: every route should have been tried in turn", l)
	}
}

// No account on any route: Run says so plainly and keeps checking every
// retry_offline instead of ending the session.
func TestUnknownUserKeepsChecking(t *testing.T) {
	var states stateLog
	h := start(t, sim.Options{}, func(c *tiktok.Config) { c.User = "@nobody_here"; c.OnState = states.add })
	h.run()
	h.logs.wait(t, h.ctx, "WARN TikTok has no account @nobody_here: check tiktok.user (your @handle, not your display name); checking again every 1ms")
	n := h.srv.Snapshot().Lookups["room_id"]
	h.waitSim(func(s sim.Snapshot) bool { return s.Lookups["room_id"] >= n+3 })
	select {
	case <-h.ended:
		t.Fatalf("Run returned %v", h.runErr)
	default:
	}
	st := h.client.State()
	if st.Phase != tiktok.PhaseWaiting || !errors.Is(st.Err, tiktok.ErrUserNotFound) || !strings.Contains(st.String(), "no account @nobody_here") {
		t.Fatalf("state %+v (%s)", st, st)
	}
	if c := strings.Count(h.logs.all(), "has no account"); c != 1 {
		t.Fatalf("logged %d times, want once (then every 10 minutes)", c)
	}
	if err := h.stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

func TestSignServerErrorsAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail sim.SignFailure
		want string
	}{
		{"rate limit", sim.SignFailure{Status: 429, Message: "Too many connections", RetryAfter: "0"}, "is limiting new connections: too many were started (it says: \"Too many connections\")"},
		{"server error", sim.SignFailure{Status: 503, Message: "maintenance"}, "answered HTTP 503 (it says: \"maintenance\")"},
		{"empty body", sim.SignFailure{EmptyBody: true}, "sent an empty answer"},
		{"no cookies", sim.SignFailure{NoCookie: true}, "sent no TikTok cookies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, sim.Options{SignFailures: []sim.SignFailure{tc.fail}}, nil)
			h.run()
			h.logs.wait(t, h.ctx, "WARN could not connect to @sim_streamer's LIVE; trying again in", tc.want)
			nextOf[*tikcraft.ConnectEvent](h)
			if n := len(h.srv.Snapshot().Signs); n != 2 {
				t.Fatalf("%d sign requests, want the failed one and one more", n)
			}
		})
	}
}

func TestBlockedSocketIsRetried(t *testing.T) {
	h := start(t, sim.Options{BlockSockets: 1}, nil)
	h.run()
	h.logs.wait(t, h.ctx, "WARN could not connect to @sim_streamer's LIVE; trying again in", "TikTok refused the live connection (DEVICE_BLOCKED, status 415)", "try another network")
	nextOf[*tikcraft.ConnectEvent](h)
	snap := h.srv.Snapshot()
	if len(snap.Connections) != 2 || snap.Connections[0].Rejected != "DEVICE_BLOCKED" || snap.Connections[1].Rejected != "" || len(snap.Signs) != 2 {
		t.Fatalf("connections %+v, %d signs: want a refused socket, a new signature and an accepted socket", snap.Connections, len(snap.Signs))
	}
}

func TestSignServerRefusalStopsRun(t *testing.T) {
	const key = "sk-live-SECRET-1234"
	for _, tc := range []struct {
		name   string
		opts   sim.Options
		apiKey string
		want   []string
	}{
		{"no key", sim.Options{APIKey: key}, "", []string{"HTTP 401", "needs an API key", tiktok.APIKeyEnv}},
		{"wrong key", sim.Options{APIKey: key}, "sk-wrong-OTHER-99", []string{"refused the API key in " + tiktok.APIKeyEnv, "HTTP 401"}},
		{"paid plan", sim.Options{SignFailures: []sim.SignFailure{{Status: 402, Message: "Premium feature"}}}, "", []string{"needs a paid plan", "Premium feature"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, tc.opts, func(c *tiktok.Config) { c.APIKey = tc.apiKey })
			h.run()
			err := h.wait() // a refusal only the streamer can fix ends Run
			var se *tiktok.SignError
			if !errors.As(err, &se) || !se.Permanent() {
				t.Fatalf("Run = %v, want a permanent *SignError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			for _, secret := range []string{key, tc.apiKey} {
				if secret != "" && (strings.Contains(err.Error(), secret) || strings.Contains(h.logs.all(), secret)) {
					t.Fatal("the API key leaked into the error or the log")
				}
			}
		})
	}
}

func TestAPIKeyIsSent(t *testing.T) {
	h := start(t, sim.Options{APIKey: "k-123"}, func(c *tiktok.Config) { c.APIKey = "k-123" })
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if s := h.srv.Snapshot().Signs[0]; !s.KeyOK {
		t.Fatalf("sign request %+v did not carry the key", s)
	}
}

func TestPanickingHandlerIsIsolated(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	var after []string
	h.client.OnGift(func(g *tikcraft.GiftEvent) { panic("handler bug: " + g.Gift.Name) })
	h.client.OnGift(func(g *tikcraft.GiftEvent) { after = append(after, g.Gift.Name) })
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.push(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: anna(), Gift: tikcraft.Gift{ID: 2, Name: "Galaxy", Diamonds: 1000}})
	if g := nextOf[*tikcraft.GiftEvent](h); g.Gift.Name != "Galaxy" {
		t.Fatalf("OnEvent got %+v", g)
	}
	h.logs.wait(t, h.ctx, "ERROR an event handler crashed", "event=gift", "msg_id=1", "panic=handler bug: Galaxy")
	// The stream goes on.
	h.push(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "2"}, User: anna(), Gift: tikcraft.Gift{ID: 3, Name: "Lion", Diamonds: 29999}})
	nextOf[*tikcraft.GiftEvent](h)
	if strings.Join(after, ",") != "Galaxy,Lion" {
		t.Fatalf("the handler after the panicking one got %v", after)
	}
	// A handler that crashes on every event is said once, then counted.
	if n := h.logs.count("an event handler crashed"); n != 1 {
		t.Fatalf("%d lines for two crashes, want the first only (the rest counted)", n)
	}
}

func TestMalformedFrameIsSkipped(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.srv.InjectFrame([]byte("\xff\xffnot a frame"))
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "9"}, Text: "still here"})
	if got := h.next(); got.(*tikcraft.ChatEvent).Text != "still here" {
		t.Fatalf("got %+v", got)
	}
	h.logs.wait(t, h.ctx, "WARN skipped an unreadable part of a TikTok message; the LIVE goes on")
	if st := h.client.Stats(); st.BadFrames != 1 || st.Connects != 1 {
		t.Fatalf("stats %+v: want one bad frame and no reconnect", st)
	}
}

// TestUnreadableFramesAreSaidOnceThenCounted: when TikTok changes its
// format every frame is unreadable; the log says the first, then a count
// once a minute, not a line per frame.
func TestUnreadableFramesAreSaidOnceThenCounted(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	clk := logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	tiktok.SetLogOptions(h.client, clk.Option())
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	for range 30 {
		h.srv.InjectFrame([]byte("\xff\xffnot a frame"))
	}
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "9"}, Text: "still here"})
	if got := h.next(); got.(*tikcraft.ChatEvent).Text != "still here" {
		t.Fatalf("got %+v", got)
	}
	if st := h.client.Stats(); st.BadFrames != 30 {
		t.Fatalf("stats %+v: want 30 bad frames", st)
	}
	if n := h.logs.count("skipped an unreadable part"); n != 1 {
		t.Fatalf("30 unreadable frames: %d lines, want the first said", n)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	h.logs.wait(t, h.ctx, "WARN skipped an unreadable part of a TikTok message; the LIVE goes on", "repeated=29")
	if n := h.logs.count("skipped an unreadable part"); n != 2 {
		t.Fatalf("a minute later: %d lines, want one more with the count", n)
	}
}

func TestCaptureRecordsFrames(t *testing.T) {
	var buf bytes.Buffer
	h := start(t, sim.Options{History: 1}, func(c *tiktok.Config) { c.Capture = webcast.NewCaptureWriter(&buf) })
	h.push(&tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: anna()})
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	nextOf[*tikcraft.JoinEvent](h)
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "2"}, User: anna(), Text: "captured"})
	nextOf[*tikcraft.ChatEvent](h)
	if err := h.stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}

	// Replaying the capture gives the same events.
	r := webcast.NewCaptureReader(&buf, "test.capture")
	dec := webcast.NewDecoder(webcast.Limits{})
	var got []string
	for {
		frame, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		_, evs, err := dec.DecodeFrame(frame)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			got = append(got, string(ev.Type())+":"+ev.EventMeta().MsgID)
		}
	}
	if strings.Join(got, " ") != "join:1 chat:2" {
		t.Fatalf("capture replays as %v", got)
	}
}

func TestShutdownClosesCleanly(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if err := h.stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if d, ok := h.next().(*tikcraft.DisconnectEvent); !ok || d.Reason != "stopped" {
		t.Fatalf("want DisconnectEvent{stopped}, got %+v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	snap, err := h.srv.Wait(ctx, func(s sim.Snapshot) bool { return len(s.CloseCodes) > 0 })
	if err != nil || snap.CloseCodes[0] != 1000 {
		t.Fatalf("close codes %v, %v: want a normal close (1000)", snap.CloseCodes, err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  tiktok.Config
		want string
	}{
		{tiktok.Config{}, "tiktok.user is empty"},
		{tiktok.Config{User: "@a b"}, "tiktok.user"},
		{tiktok.Config{User: "@a", SignServer: "api.eulerstream.com"}, "tiktok.sign_server must be a web address"},
		{tiktok.Config{User: "@a", SignServer: "ftp://x"}, "tiktok.sign_server"},
		{tiktok.Config{User: "@a", WebBase: "::"}, "tiktok.web_base"},
		{tiktok.Config{User: "@a", RetryOffline: -time.Second}, "tiktok.retry_offline"},
	} {
		if _, err := tiktok.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	c, err := tiktok.New(tiktok.Config{User: "https://www.tiktok.com/@anna/live"})
	if err != nil || c.User() != "anna" {
		t.Fatalf("New = %v, %v", c, err)
	}
}

func TestRunTwiceAtOnce(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if err := h.client.Run(h.ctx); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second Run = %v", err)
	}
}
