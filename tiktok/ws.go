package tiktok

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// session runs one connection: sign, open the WebSocket, enter the room,
// then read until the LIVE ends or is suspended, the socket drops or goes
// silent, or ctx is done. connected reports whether the socket was open
// (and ConnectEvent sent).
//
// Three goroutines share the work so that none waits for another: this one
// sends heartbeats and watches for silence, the reader reads, decodes and
// ACKs every frame and puts its events in the handlers' buffer, and Run's
// dispatcher runs the handlers.
func (r *runner) session(ctx context.Context, rm room) (connected bool, err error) {
	r.stateLog(slog.LevelInfo, fmt.Sprintf("@%s is live; connecting", r.user), "room", rm.ID)
	r.setState(State{Phase: PhaseConnecting, RoomID: rm.ID})
	// Like the Node peer, every connection starts from the cursor the
	// fresh signature gives; what was missed in between comes in its
	// initial batch, and the dedupe drops what was already delivered.
	s, err := r.sign(ctx, rm.ID, "")
	if err != nil {
		return false, err
	}
	r.signedOnce = true
	roomNum, err := strconv.ParseInt(s.roomID, 10, 64)
	if err != nil {
		return false, fmt.Errorf("room id %q is not a number", s.roomID)
	}
	wsURL, err := buildWSURL(s.result, s.roomID)
	if err != nil {
		return false, fmt.Errorf("the sign server %s %w", r.signHost, err)
	}
	r.jar.set(s.cookie)
	conn, err := r.dial(ctx, wsURL, r.jar.header())
	if err != nil {
		return false, err
	}
	defer conn.CloseNow()
	// The reader enforces MaxFrameBytes itself, skipping what is over it
	// instead of letting the library drop the connection.
	conn.SetReadLimit(-1)

	enter, err := webcast.EnterRoomFrame(roomNum, rand.Int64())
	if err != nil {
		return false, err
	}
	if err := write(ctx, conn, enter); err != nil {
		return false, fmt.Errorf("entering the room: %w", describeNet(err, hostOf(mustURL(wsURL))))
	}

	r.connects.Add(1)
	r.stateLog(slog.LevelInfo, fmt.Sprintf("connected to @%s's LIVE", r.user), "room", s.roomID)
	r.setState(State{Phase: PhaseConnected, RoomID: s.roomID})
	if s.decodeErr != nil {
		r.log.Warn("skipped unreadable messages in the first batch; the LIVE goes on", "error", s.decodeErr.Error())
	}

	// The reader does not use ctx: cancelling a read makes the library
	// drop the socket, and shutdown should close it properly instead.
	rctx, stopRead := context.WithCancel(context.WithoutCancel(ctx))
	rd := &reader{runner: r, conn: conn, done: make(chan error, 1)}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		rd.done <- rd.run(rctx, s)
	}()
	reason := "connection lost"
	defer func() {
		stopRead()
		conn.CloseNow()
		<-readDone
		// After the reader: the disconnect comes after every event.
		r.emit(&tikcraft.DisconnectEvent{Reason: reason})
	}()

	hb := time.NewTicker(r.cfg.Heartbeat)
	defer hb.Stop()
	watchdog := time.NewTimer(r.cfg.Watchdog)
	defer watchdog.Stop()
	var seq int64
	for {
		select {
		case <-ctx.Done():
			reason = "stopped"
			closeConn(conn, "")
			return true, ctx.Err()
		case err := <-rd.done:
			switch {
			case errors.Is(err, errStreamEnded):
				reason = "stream ended"
				closeConn(conn, "stream ended")
			case errors.Is(err, errSuspended):
				reason = webcast.ReasonSuspended
				closeConn(conn, "")
			}
			return true, err
		case <-hb.C:
			seq++
			f, err := webcast.HeartbeatFrame(roomNum, seq)
			if err == nil {
				err = write(ctx, conn, f)
			}
			if err != nil {
				return true, fmt.Errorf("sending a heartbeat: %w", describeNet(err, hostOf(mustURL(wsURL))))
			}
		case <-watchdog.C:
			idle, waiting := rd.idle()
			if waiting && idle >= r.cfg.Watchdog {
				r.stalls.Add(1)
				reason = "TikTok went silent"
				return true, fmt.Errorf("TikTok sent nothing for %s although the connection was open", friendlyDuration(idle))
			}
			// Not waiting (reading a message, or the handlers are
			// behind) or not long enough: look again later.
			watchdog.Reset(r.cfg.Watchdog - min(idle, r.cfg.Watchdog-time.Millisecond))
		}
	}
}

// reader reads one socket. It is the only goroutine that reads conn.
type reader struct {
	*runner
	conn *websocket.Conn
	done chan error
	// waitingSince is when the reader began waiting for the next message
	// (Unix nanoseconds), 0 while it is not waiting: while it reads a
	// message or waits for the handlers, silence is not TikTok's doing.
	waitingSince atomic.Int64
}

// idle reports how long the reader has been waiting for TikTok, if it is.
func (rd *reader) idle() (time.Duration, bool) {
	since := rd.waitingSince.Load()
	if since == 0 {
		return 0, false
	}
	return time.Since(time.Unix(0, since)), true
}

// keepFrameBuffer is the most the reader's frame buffer keeps between
// frames (TikTok's are a few KiB gzipped).
const keepFrameBuffer = 256 << 10

// run delivers the signed initial batch, then every frame until the
// socket ends or a frame ends or suspends the LIVE.
func (rd *reader) run(ctx context.Context, s signed) error {
	rd.emit(&tikcraft.ConnectEvent{RoomID: s.roomID})
	if err := endErr(rd.deliver(s.events)); err != nil {
		return err
	}
	limit := int64(rd.cfg.MaxFrameBytes)
	// One buffer for every frame: nothing keeps a frame's bytes past
	// handleFrame (events copy what they use), and a busy LIVE sends a
	// thousand frames a second. One that grew for a rare huge frame is
	// let go.
	var buf bytes.Buffer
	for {
		if buf.Cap() > keepFrameBuffer {
			buf = bytes.Buffer{}
		}
		buf.Reset()
		rd.waitingSince.Store(time.Now().UnixNano())
		typ, msg, err := rd.conn.Reader(ctx)
		rd.waitingSince.Store(0)
		if err != nil {
			return describeClose(err)
		}
		if _, err := buf.ReadFrom(io.LimitReader(msg, limit+1)); err != nil {
			return describeClose(err)
		}
		b := buf.Bytes()
		if int64(len(b)) > limit {
			// Read the rest without keeping it: the connection and the
			// frames after this one are fine.
			n, err := io.Copy(io.Discard, msg)
			if err != nil {
				return describeClose(err)
			}
			rd.oversized.Add(1)
			rd.tooBig.Log("size", sizeText(int64(len(b))+n), "limit", sizeText(limit))
			continue
		}
		if typ != websocket.MessageBinary {
			continue
		}
		end, err := rd.handleFrame(ctx, b)
		if err != nil {
			return err
		}
		if err := endErr(end); err != nil {
			return err
		}
	}
}

func endErr(k endKind) error {
	switch k {
	case endEnded:
		return errStreamEnded
	case endSuspended:
		return errSuspended
	}
	return nil
}

// handleFrame records, decodes and acknowledges one received frame, then
// hands its events to the handlers. A frame that cannot be read is logged
// and skipped. The ACK goes out before the events wait for the handlers.
func (rd *reader) handleFrame(ctx context.Context, b []byte) (endKind, error) {
	rd.capture(b)
	f, evs, decErr := rd.dec.DecodeFrame(b)
	if decErr != nil {
		rd.unreadable.Log("error", decErr.Error())
	}
	if f.NeedAck() {
		// As the Node peer: no ACK without an internal_ext to send back.
		if ext := f.InternalExt(); ext == "" {
			rd.log.Debug("TikTok asked for an ACK but gave no internal_ext; not sending one", "log_id", f.LogID)
		} else {
			ack, err := webcast.AckFrame(f.LogID, ext)
			if err == nil {
				err = write(ctx, rd.conn, ack)
			}
			if err != nil {
				return endNone, fmt.Errorf("acknowledging a message: %w", describeNet(err, "TikTok's live server"))
			}
		}
	}
	return rd.deliver(evs), nil
}

// sizeText writes a byte count for the streamer: 512 KiB, 3.5 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(math.Round(float64(n)/(1<<20)*10)/10, 'f', -1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}

// dial opens the WebSocket with the user agent the URL was signed for and
// the sign server's cookies. TikTok refuses a socket by answering 200 with
// handshake-status and handshake-msg headers.
func (r *runner) dial(ctx context.Context, wsURL, cookies string) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	h := http.Header{}
	h.Set("User-Agent", browserUserAgent)
	h.Set("Cookie", cookies)
	conn, resp, err := websocket.Dial(dctx, wsURL, &websocket.DialOptions{HTTPClient: r.http, HTTPHeader: h})
	if err == nil {
		return conn, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if resp != nil {
		if resp.Body != nil {
			resp.Body.Close()
		}
		if msg := resp.Header.Get("Handshake-Msg"); msg != "" || resp.Header.Get("Handshake-Status") != "" {
			return nil, fmt.Errorf("TikTok refused the live connection (%s, status %s): TikTok may be blocking this network or the sign server's signature; if it keeps happening, try another network", serverText(msg), serverText(resp.Header.Get("Handshake-Status")))
		}
		return nil, fmt.Errorf("TikTok's live server answered HTTP %d instead of opening the connection", resp.StatusCode)
	}
	return nil, describeNet(err, hostOf(mustURL(wsURL)))
}

func write(ctx context.Context, conn *websocket.Conn, b []byte) error {
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return conn.Write(wctx, websocket.MessageBinary, b)
}

// closeConn says goodbye properly but gives up after closeTimeout, since
// TikTok may never answer the close frame.
func closeConn(conn *websocket.Conn, reason string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.Close(websocket.StatusNormalClosure, reason)
	}()
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		conn.CloseNow()
		<-done
	}
}

func describeClose(err error) error {
	if ce, ok := errors.AsType[websocket.CloseError](err); ok {
		if ce.Reason != "" {
			return fmt.Errorf("TikTok closed the connection (%d: %s)", ce.Code, serverText(ce.Reason))
		}
		return fmt.Errorf("TikTok closed the connection (%d)", ce.Code)
	}
	return fmt.Errorf("the connection to TikTok broke: %w", describeNet(err, "TikTok's live server"))
}

// wsDefaults are the query parameters both peers send on the WebSocket
// URL, with the fingerprint of browserUserAgent. Node's values win where
// the peers differ.
var wsDefaults = [][2]string{
	{"version_code", "180800"}, {"aid", "1988"}, {"app_language", "en"}, {"app_name", "tiktok_web"},
	{"browser_platform", "Win32"}, {"browser_language", "en-GB"}, {"browser_name", "Mozilla"},
	{"browser_version", strings.TrimPrefix(browserUserAgent, "Mozilla/")}, {"browser_online", "true"},
	{"cookie_enabled", "true"}, {"tz_name", "Europe/London"}, {"device_platform", "web"},
	{"identity", "audience"}, {"live_id", "12"}, {"webcast_language", "en"}, {"ws_direct", "0"},
	{"sup_ws_ds_opt", "1"}, {"update_version_code", "2.0.0"}, {"did_rule", "3"},
	{"screen_height", "1080"}, {"screen_width", "1920"}, {"heartbeat_duration", "0"},
	{"resp_content_type", "protobuf"}, {"history_comment_count", "6"}, {"client_enter", "1"},
}

// buildWSURL makes the socket address as the peers do: push_server plus
// the defaults, then compress/room/cursor/internal_ext, then every non-empty
// signed route parameter, and Node's literal second version_code.
func buildWSURL(res *pb.ProtoMessageFetchResult, roomID string) (string, error) {
	u, err := url.Parse(res.GetPushServer())
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("sent an unusable WebSocket address")
	}
	switch u.Scheme {
	case "wss", "ws":
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	default:
		return "", fmt.Errorf("sent a WebSocket address with the unknown scheme %q", serverText(u.Scheme))
	}
	q := u.Query()
	for _, kv := range wsDefaults {
		q.Set(kv[0], kv[1])
	}
	q.Set("last_rtt", strconv.Itoa(100+rand.IntN(100)))
	// The Node peer sends its user agent as a query parameter too.
	q.Set("User-Agent", browserUserAgent)
	q.Set("compress", "gzip")
	q.Set("room_id", roomID)
	q.Set("cursor", res.GetCursor())
	q.Set("internal_ext", res.GetInternalExt())
	for k, v := range res.GetRouteParams() {
		if v != "" {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode() + "&version_code=270000"
	u.Fragment = ""
	return u.String(), nil
}
