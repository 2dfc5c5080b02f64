package tiktok

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// session runs one connection: sign, open the WebSocket, enter the room,
// then read until the LIVE ends, the socket drops or ctx is done.
// connected reports whether the socket was open (and ConnectEvent sent).
func (r *runner) session(ctx context.Context, rm room) (connected bool, err error) {
	if r.cursorRoom != rm.ID {
		r.cursor, r.cursorRoom = "", rm.ID
	}
	r.log.Info(fmt.Sprintf("@%s is live; connecting", r.user), "room", rm.ID)
	s, err := r.sign(ctx, rm.ID, r.cursor)
	if err != nil {
		return false, err
	}
	roomNum, err := strconv.ParseInt(s.roomID, 10, 64)
	if err != nil {
		return false, fmt.Errorf("room id %q is not a number", s.roomID)
	}
	wsURL, err := buildWSURL(s.result, s.roomID)
	if err != nil {
		return false, fmt.Errorf("the sign server %s: %w", r.signHost, err)
	}
	conn, err := r.dial(ctx, wsURL, s.cookies)
	if err != nil {
		return false, err
	}
	defer conn.CloseNow()
	// TikTok frames are bigger than the library's 32 KiB default; the
	// decoder applies its own limit after gunzip.
	conn.SetReadLimit(int64(webcast.DefaultMaxBytes))

	enter, err := webcast.EnterRoomFrame(roomNum, rand.Int64())
	if err != nil {
		return false, err
	}
	if err := write(ctx, conn, enter); err != nil {
		return false, fmt.Errorf("entering the room: %w", err)
	}

	r.connects.Add(1)
	r.log.Info(fmt.Sprintf("connected to @%s's LIVE", r.user), "room", s.roomID)
	r.dispatch(&tikcraft.ConnectEvent{RoomID: s.roomID})
	reason := "connection lost"
	defer func() { r.dispatch(&tikcraft.DisconnectEvent{Reason: reason}) }()

	if c := s.result.GetCursor(); c != "" {
		r.cursor = c
	}
	if s.decodeErr != nil {
		r.log.Warn("skipped unreadable messages in the first batch; the LIVE goes on", "error", s.decodeErr.Error())
	}
	if r.deliver(s.events) {
		reason = "stream ended"
		closeConn(conn, "stream ended")
		return true, errStreamEnded
	}

	frames := make(chan []byte)
	readErr := make(chan error, 1)
	// The reader does not use ctx: cancelling a read makes the library
	// drop the socket, and shutdown should close it properly instead.
	rctx, stopRead := context.WithCancel(context.WithoutCancel(ctx))
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			typ, b, err := conn.Read(rctx)
			if err != nil {
				readErr <- err
				return
			}
			if typ != websocket.MessageBinary {
				continue
			}
			select {
			case frames <- b:
			case <-rctx.Done():
				return
			}
		}
	}()
	defer func() {
		stopRead()
		conn.CloseNow()
		<-readDone
	}()

	hb := time.NewTicker(r.cfg.Heartbeat)
	defer hb.Stop()
	var seq int64
	for {
		select {
		case <-ctx.Done():
			reason = "stopped"
			closeConn(conn, "")
			return true, ctx.Err()
		case err := <-readErr:
			return true, describeClose(err)
		case b := <-frames:
			ended, err := r.handleFrame(ctx, conn, b)
			if ended {
				reason = "stream ended"
				closeConn(conn, "stream ended")
				return true, errStreamEnded
			}
			if err != nil {
				return true, err
			}
		case <-hb.C:
			seq++
			f, err := webcast.HeartbeatFrame(roomNum, seq)
			if err == nil {
				err = write(ctx, conn, f)
			}
			if err != nil {
				return true, fmt.Errorf("sending a heartbeat: %w", err)
			}
		}
	}
}

// handleFrame records, decodes and acknowledges one received frame, then
// delivers its events. A frame that cannot be read is logged and skipped.
func (r *runner) handleFrame(ctx context.Context, conn *websocket.Conn, b []byte) (ended bool, err error) {
	r.capture(b)
	f, evs, decErr := r.dec.DecodeFrame(b)
	if decErr != nil {
		r.log.Warn("skipped an unreadable part of a TikTok message; the LIVE goes on", "error", decErr.Error())
	}
	if f.Result != nil {
		if c := f.Cursor(); c != "" {
			r.cursor = c
		}
		if f.NeedAck() {
			// Python sends "-" for an empty internal_ext; Node sends
			// nothing, which leaves the server waiting for its ACK.
			ext := f.InternalExt()
			if ext == "" {
				ext = "-"
			}
			ack, err := webcast.AckFrame(f.LogID, ext)
			if err == nil {
				err = write(ctx, conn, ack)
			}
			if err != nil {
				return false, fmt.Errorf("acknowledging a message: %w", err)
			}
		}
	}
	return r.deliver(evs), nil
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
			return nil, fmt.Errorf("TikTok refused the live connection (%s, status %s): TikTok may be blocking this network or the sign server's signature; if it keeps happening, try another network", clip(msg), clip(resp.Header.Get("Handshake-Status")))
		}
		return nil, fmt.Errorf("TikTok's live server answered HTTP %d instead of opening the connection", resp.StatusCode)
	}
	return nil, fmt.Errorf("cannot open the live connection to TikTok: %w", stripURL(err))
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
			return fmt.Errorf("TikTok closed the connection (%d: %s)", ce.Code, clip(ce.Reason))
		}
		return fmt.Errorf("TikTok closed the connection (%d)", ce.Code)
	}
	return fmt.Errorf("the connection to TikTok broke: %w", err)
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
		return "", fmt.Errorf("sent a WebSocket address with the unknown scheme %q", clip(u.Scheme))
	}
	q := u.Query()
	for _, kv := range wsDefaults {
		q.Set(kv[0], kv[1])
	}
	q.Set("last_rtt", strconv.Itoa(100+rand.IntN(100)))
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
