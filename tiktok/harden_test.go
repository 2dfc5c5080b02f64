package tiktok_test

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/webcast"
)

// stateLog records what OnState reported.
type stateLog struct {
	mu     sync.Mutex
	states []tiktok.State
}

func (l *stateLog) add(s tiktok.State) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states = append(l.states, s)
}

func (l *stateLog) all() []tiktok.State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]tiktok.State(nil), l.states...)
}

func gift(id string) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: id}, User: anna(), Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1}
}

// api-live's "user_not_found" is one failed route: TikTok says it of
// accounts that exist and are live, and the sign server's lookup finds them.
func TestAPILiveUserNotFoundFallsBack(t *testing.T) {
	h := start(t, sim.Options{BlockPage: true, APILiveNotFound: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if l := h.srv.Snapshot().Lookups; l["api-live"] == 0 || l["room_id"] == 0 {
		t.Fatalf("lookups %v: the sign server's route should have been asked", l)
	}
}

// The payload's magic bytes decide, not the compress_type label: every
// mislabelled frame still gives its event and its ACK.
func TestMislabelledGzipFrames(t *testing.T) {
	h := start(t, sim.Options{MislabelGzip: true, NeedAck: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	for i := range 4 {
		h.push(gift(fmt.Sprint(300 + i)))
		if g := nextOf[*tikcraft.GiftEvent](h); g.MsgID != fmt.Sprint(300+i) {
			t.Fatalf("got gift %s, want %d", g.MsgID, 300+i)
		}
	}
	h.waitSim(func(s sim.Snapshot) bool { return len(s.Acks) >= 4 })
	if st := h.client.Stats(); st.BadFrames != 0 || st.Connects != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// A handler that blocks holds up neither the socket nor TikTok: frames are
// still read and ACKed, heartbeats go on, the connection stays up, and once
// the handler returns every event arrives, in order, once.
func TestBlockedHandlerDoesNotStallTheSocket(t *testing.T) {
	const buffer, n = 4, 20
	h := start(t, sim.Options{NeedAck: true}, func(c *tiktok.Config) {
		c.Heartbeat = 2 * time.Millisecond
		c.EventBuffer = buffer
		// Shorter than the wait below: it would fire if waiting for the
		// handlers counted as silence.
		c.Watchdog = 150 * time.Millisecond
	})
	release := make(chan struct{})
	blocked := make(chan struct{})
	var once sync.Once
	h.client.OnGift(func(*tikcraft.GiftEvent) {
		once.Do(func() { close(blocked) })
		<-release // stands in for a handler stuck for 30 s
	})
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	for i := range n {
		h.push(gift(fmt.Sprint(1000 + i)))
	}
	<-blocked
	// One gift in the handler, a full buffer, one more read and waiting:
	// all of them were ACKed although no handler returned.
	h.waitSim(func(s sim.Snapshot) bool { return len(s.Acks) >= buffer+2 })
	h.logs.wait(t, h.ctx, "WARN the event handlers are 4 events behind", "nothing is dropped")
	h.srv.Mark()
	// 100 heartbeats 2 ms apart: longer than the watchdog.
	h.waitSim(func(s sim.Snapshot) bool { return s.HeartbeatsAfter >= 100 })
	if snap := h.srv.Snapshot(); len(snap.Connections) != 1 || snap.Drops != 0 || len(snap.CloseCodes) != 0 {
		t.Fatalf("the connection did not stay up: %+v", snap)
	}
	close(release)
	for i := range n {
		if g := nextOf[*tikcraft.GiftEvent](h); g.MsgID != fmt.Sprint(1000+i) {
			t.Fatalf("gift %d is %s", i, g.MsgID)
		}
	}
	h.waitSim(func(s sim.Snapshot) bool { return len(s.Acks) >= n })
	if st := h.client.Stats(); st.Connects != 1 || st.Stalls != 0 || st.Duplicates != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// An over-limit frame is counted and skipped; the connection and the
// frames after it are fine.
func TestOversizedFrameIsSkipped(t *testing.T) {
	h := start(t, sim.Options{}, func(c *tiktok.Config) { c.MaxFrameBytes = 64 << 10 })
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if err := h.srv.PushPadded(100<<10, gift("1")); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.PushPadded(32<<10, gift("2")); err != nil {
		t.Fatal(err)
	}
	if g := nextOf[*tikcraft.GiftEvent](h); g.MsgID != "2" {
		t.Fatalf("got gift %s, want the one under the limit", g.MsgID)
	}
	h.logs.wait(t, h.ctx, "WARN skipped a TikTok message over the size limit; the LIVE goes on", "size=100 KiB", "limit=64 KiB")
	if st := h.client.Stats(); st.Oversized != 1 || st.Connects != 1 {
		t.Fatalf("stats %+v: want one oversized frame and no reconnect", st)
	}
}

// Frames the peers accept are read by default: 5 MiB is over the old 4 MiB
// read limit, which dropped the socket and fetched the same frame again.
func TestLargeFrameIsRead(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	if err := h.srv.PushPadded(5<<20, gift("1")); err != nil {
		t.Fatal(err)
	}
	if g := nextOf[*tikcraft.GiftEvent](h); g.MsgID != "1" {
		t.Fatalf("got %+v", g)
	}
	if st := h.client.Stats(); st.Oversized != 0 || st.Connects != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Suspended (control action 4) while the room stays live: back into the
// same room after the backoff. Ended (action 3) waits for a new room:
// TestStreamEndThenNextLive.
func TestSuspendedGoesBackIntoTheSameRoom(t *testing.T) {
	h := start(t, sim.Options{History: 3}, nil)
	h.run()
	first := nextOf[*tikcraft.ConnectEvent](h)
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, Text: "before"})
	nextOf[*tikcraft.ChatEvent](h)
	if err := h.srv.Suspend(); err != nil {
		t.Fatal(err)
	}
	d, ok := h.next().(*tikcraft.DisconnectEvent)
	if !ok || d.Reason != webcast.ReasonSuspended {
		t.Fatalf("want DisconnectEvent{%s}, got %+v", webcast.ReasonSuspended, d)
	}
	h.logs.wait(t, h.ctx, "WARN TikTok suspended @sim_streamer's LIVE; going back in if it is still live")
	second := nextOf[*tikcraft.ConnectEvent](h)
	if second.RoomID != first.RoomID {
		t.Fatalf("went to room %s, want the same room %s", second.RoomID, first.RoomID)
	}
	h.push(&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "2"}, Text: "after"})
	if c := nextOf[*tikcraft.ChatEvent](h); c.Text != "after" {
		t.Fatalf("got %q", c.Text)
	}
	// The suspension in the second socket's history was not taken again.
	if st := h.client.Stats(); st.Connects != 2 {
		t.Fatalf("%d connections, want 2", st.Connects)
	}
	if len(h.events) != 0 {
		t.Fatalf("unexpected event %+v", <-h.events)
	}
}

// A gift whose gift struct is missing is still a gift, matched by its id.
func TestGiftWithoutDetails(t *testing.T) {
	h := start(t, sim.Options{StripGiftDetails: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.push(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7"}, User: anna(), Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, GroupID: "9"})
	g := nextOf[*tikcraft.GiftEvent](h)
	if g.Gift.ID != 5655 || !g.Gift.Combo || g.RepeatCount != 3 || g.GroupID != "9" || g.User != anna() {
		t.Fatalf("got %+v", g)
	}
	if st := h.client.Stats(); len(st.Malformed) != 0 {
		t.Fatalf("counted as malformed: %v", st.Malformed)
	}
}

// As the Node peer: no ACK for a frame that asks for one without an
// internal_ext (tikcraft used to send "-").
func TestNoAckWithoutInternalExt(t *testing.T) {
	h := start(t, sim.Options{NeedAck: true, EmptyInternalExt: true}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.push(gift("1"), gift("2"))
	nextOf[*tikcraft.GiftEvent](h)
	nextOf[*tikcraft.GiftEvent](h)
	h.stop()
	snap := h.waitSim(func(s sim.Snapshot) bool { return len(s.CloseCodes) > 0 })
	if len(snap.Acks) != 0 {
		t.Fatalf("acks %+v sent without an internal_ext", snap.Acks)
	}
}

// The socket carries the user agent as a query parameter and the sign
// server's cookie as the Node peer sends them.
func TestSocketLooksLikeThePeer(t *testing.T) {
	h := start(t, sim.Options{}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	c := h.srv.Snapshot().Connections[0]
	if c.UserAgentParam == "" || c.UserAgentParam != c.UserAgent {
		t.Fatalf("User-Agent parameter %q, header %q", c.UserAgentParam, c.UserAgent)
	}
	if !strings.HasPrefix(c.Cookie, "ttwid=") || strings.Contains(c.Cookie, ";") {
		t.Fatalf("Cookie %q: want the first pair of X-Set-TT-Cookie only", c.Cookie)
	}
}

// When the LIVE page and api-live disagree, TikTok's room info decides.
func TestPageAndAPILiveDisagree(t *testing.T) {
	t.Run("page says offline, room is live", func(t *testing.T) {
		h := start(t, sim.Options{PageDisagrees: true}, nil)
		h.run()
		c := nextOf[*tikcraft.ConnectEvent](h)
		if snap := h.srv.Snapshot(); c.RoomID != snap.RoomID || snap.Lookups["room_info"] == 0 {
			t.Fatalf("connected to %s, lookups %v", c.RoomID, snap.Lookups)
		}
	})
	t.Run("page says live, LIVE is over", func(t *testing.T) {
		h := start(t, sim.Options{PageDisagrees: true}, nil)
		if err := h.srv.EndStream(); err != nil {
			t.Fatal(err)
		}
		h.run()
		h.logs.wait(t, h.ctx, "@sim_streamer is not live right now")
		h.waitSim(func(s sim.Snapshot) bool { return s.Lookups["room_info"] >= 3 })
		if snap := h.srv.Snapshot(); len(snap.Signs) != 0 {
			t.Fatalf("signed %d times for a room that is not live", len(snap.Signs))
		}
	})
}

// A socket that stays open but says nothing (no message, no heartbeat
// answer) is replaced; one that answers heartbeats is left alone however
// quiet the LIVE is.
func TestWatchdogReplacesASilentSocket(t *testing.T) {
	h := start(t, sim.Options{}, func(c *tiktok.Config) {
		c.Heartbeat = 5 * time.Millisecond
		c.Watchdog = 500 * time.Millisecond
	})
	h.run()
	first := nextOf[*tikcraft.ConnectEvent](h)
	// Well over a watchdog period of heartbeats and answers, no message.
	h.waitSim(func(s sim.Snapshot) bool { return s.HeartbeatCount >= 200 })
	if st := h.client.Stats(); st.Connects != 1 || st.Stalls != 0 {
		t.Fatalf("a quiet socket that answers heartbeats was replaced: %+v", st)
	}
	h.srv.Silence()
	h.logs.wait(t, h.ctx, "WARN lost the connection to @sim_streamer's LIVE", "TikTok sent nothing for")
	if d := nextOf[*tikcraft.DisconnectEvent](h); d.Reason != "TikTok went silent" {
		t.Fatalf("disconnect %+v", d)
	}
	if c := nextOf[*tikcraft.ConnectEvent](h); c.RoomID != first.RoomID {
		t.Fatalf("reconnected to %s", c.RoomID)
	}
	h.push(gift("1"))
	nextOf[*tikcraft.GiftEvent](h)
	if st := h.client.Stats(); st.Stalls != 1 || st.Connects != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// Once a connection worked, even a sign server refusal is retried: Run
// does not end a LIVE on its own.
func TestRefusalAfterSuccessIsRetried(t *testing.T) {
	h := start(t, sim.Options{SignFailures: []sim.SignFailure{{OK: true}, {Status: 401, Message: "Invalid API key"}}}, nil)
	h.run()
	nextOf[*tikcraft.ConnectEvent](h)
	h.waitSim(func(s sim.Snapshot) bool { return len(s.EnterRooms) == 1 }) // the simulator knows the socket
	h.srv.Drop()
	h.logs.wait(t, h.ctx, "WARN could not connect to @sim_streamer's LIVE; trying again in", "HTTP 401")
	nextOf[*tikcraft.ConnectEvent](h)
	if n := len(h.srv.Snapshot().Signs); n != 3 {
		t.Fatalf("%d signs, want 3", n)
	}
}

// The sign server may echo the API key in its errors: neither the log, nor
// Run's error, nor the state ever shows it.
func TestEchoedAPIKeyNeverLeaks(t *testing.T) {
	const right, wrong = "sk-right-KEY-0001", `sk-wrong-"KEY"/0002`
	for _, tc := range []struct {
		name  string
		opts  sim.Options
		key   string
		fatal bool
	}{
		{"refused key", sim.Options{APIKey: right, EchoAPIKey: true}, wrong, true},
		{"refused key on the lookup too", sim.Options{APIKey: right, EchoAPIKey: true, BlockPage: true, BlockAPILive: true}, wrong, false},
		{"server error", sim.Options{EchoAPIKey: true, SignFailures: []sim.SignFailure{{Status: 503, Message: "overloaded"}, {Status: 429, Message: "slow down", RetryAfter: "0"}}}, right, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var states stateLog
			h := start(t, tc.opts, func(c *tiktok.Config) { c.APIKey = tc.key; c.OnState = states.add })
			h.run()
			var err error
			if tc.fatal {
				err = h.wait()
				if err == nil || !strings.Contains(err.Error(), "[redacted]") {
					t.Fatalf("Run = %v, want the refusal with the echoed key masked", err)
				}
			} else {
				h.logs.wait(t, h.ctx, "[redacted]")
				err = h.stop()
			}
			texts := []string{h.logs.all(), fmt.Sprint(err)}
			for _, st := range states.all() {
				texts = append(texts, st.String())
			}
			for _, text := range texts {
				for _, leak := range []string{tc.key, "KEY-0001", `KEY\"/0002`, "KEY%22%2F0002"} {
					if strings.Contains(text, leak) {
						t.Fatalf("the API key leaked: %s", text)
					}
				}
			}
		})
	}
}

// The connection state goes connecting (looking up) → waiting →
// connecting → connected → reconnecting → connecting → connected →
// stopped, with the cause of the reconnect.
func TestStateReportsEachPhase(t *testing.T) {
	var states stateLog
	h := start(t, sim.Options{Offline: true}, func(c *tiktok.Config) { c.OnState = states.add })
	h.run()
	h.logs.wait(t, h.ctx, "is not live right now")
	room := h.srv.GoLive()
	nextOf[*tikcraft.ConnectEvent](h)
	h.waitSim(func(s sim.Snapshot) bool { return len(s.EnterRooms) == 1 }) // the simulator knows the socket
	h.srv.Drop()
	nextOf[*tikcraft.ConnectEvent](h)
	h.stop()
	var got []string
	for _, st := range states.all() {
		if len(got) == 0 || got[len(got)-1] != string(st.Phase) {
			got = append(got, string(st.Phase))
		}
	}
	if want := "connecting waiting connecting connected reconnecting connecting connected stopped"; strings.Join(got, " ") != want {
		t.Fatalf("phases %v, want %s", got, want)
	}
	for _, st := range states.all() {
		switch st.Phase {
		case tiktok.PhaseConnected:
			if st.RoomID != room || st.String() != "connected to @sim_streamer's LIVE (room "+room+")" {
				t.Errorf("connected state %+v: %s", st, st)
			}
		case tiktok.PhaseReconnecting:
			if st.Err == nil || !st.Lost || !strings.HasPrefix(st.String(), "lost the connection to @sim_streamer's LIVE (") || !strings.Contains(st.String(), "closed the connection); reconnecting in") {
				t.Errorf("reconnecting state %s", st)
			}
		case tiktok.PhaseStopped:
			if st.Err != nil || st.String() != "stopped" {
				t.Errorf("stopped state %s", st)
			}
		}
	}
	if st := h.client.State(); st.Phase != tiktok.PhaseStopped {
		t.Fatalf("State() = %+v after Run", st)
	}
}

// Network failures are one short sentence, cause first, once.
func TestUnreachableIsShortAndCauseFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var states stateLog
	h := start(t, sim.Options{}, func(c *tiktok.Config) {
		c.WebBase, c.SignServer, c.OnState = "http://"+addr, "http://"+addr, states.add
	})
	h.run()
	h.logs.wait(t, h.ctx, "could not check whether @sim_streamer is live")
	h.stop()
	for _, st := range states.all() {
		if st.Phase == tiktok.PhaseReconnecting {
			if want := addr + " refused the connection"; st.Err.Error() != want {
				t.Fatalf("error %q, want %q", st.Err, want)
			}
			return
		}
	}
	t.Fatalf("no reconnecting state in %v", states.all())
}
