package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// pushPath is where the simulated push server listens, as TikTok's does.
const pushPath = "/webcast/im/push/v2/"

// TikTok's room status values (live and offline).
const (
	statusLive    = 2
	statusOffline = 4
)

// roomState is what the lookups report: the current or last room id, and
// whether it is live. Must hold s.mu.
func (s *Server) roomStateLocked() (id string, live bool) {
	if s.last != nil {
		id = strconv.FormatInt(s.last.id, 10)
	}
	return id, s.live != nil
}

func (s *Server) isUser(name string) bool { return strings.EqualFold(name, s.opts.User) }

func statusOf(live bool) int {
	if live {
		return statusLive
	}
	return statusOffline
}

// handlePage answers GET /@user/live with a page carrying SIGI_STATE.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.PathValue("user"), "@")
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.snap.Lookups["page"]++
	id, live := s.roomStateLocked()
	s.changedLocked()
	s.mu.Unlock()
	if s.opts.PageDisagrees {
		live = !live
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if s.opts.BlockPage {
		fmt.Fprint(w, "<!doctype html><html><body><p>Please verify you are a human.</p></body></html>")
		return
	}
	var state any = map[string]any{"AppContext": map[string]any{}}
	if s.isUser(name) {
		st := statusOf(live)
		state = map[string]any{"LiveRoom": map[string]any{"liveRoomUserInfo": map[string]any{
			"user":     map[string]any{"roomId": id, "uniqueId": s.opts.User, "status": st},
			"liveRoom": map[string]any{"status": st},
		}}}
	}
	// json.Marshal escapes <, > and &, so the JSON cannot end the script.
	js, err := json.Marshal(state)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, `<!doctype html><html><head><script id="SIGI_STATE" type="application/json">%s</script></head><body></body></html>`, js)
}

// handleAPILive answers GET /api-live/user/room/?uniqueId=...
func (s *Server) handleAPILive(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.snap.Lookups["api-live"]++
	id, live := s.roomStateLocked()
	s.changedLocked()
	s.mu.Unlock()
	switch {
	case s.opts.BlockAPILive:
		writeJSON(w, http.StatusOK, map[string]any{"statusCode": 10222, "message": "blocked"})
	case !s.isUser(r.URL.Query().Get("uniqueId")) || s.opts.APILiveNotFound:
		writeJSON(w, http.StatusOK, map[string]any{"statusCode": 19881007, "message": "user_not_found", "data": map[string]any{}})
	default:
		st := statusOf(live)
		writeJSON(w, http.StatusOK, map[string]any{"statusCode": 0, "message": "", "data": map[string]any{
			"user":     map[string]any{"roomId": id, "uniqueId": s.opts.User, "status": st},
			"liveRoom": map[string]any{"status": st},
		}})
	}
}

// handleEulerRoom answers the sign server's GET /webcast/anchors/{user}/room_id.
func (s *Server) handleEulerRoom(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.snap.Lookups["room_id"]++
	id, live := s.roomStateLocked()
	s.changedLocked()
	s.mu.Unlock()
	switch {
	case !s.keyOK(r):
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "ok": false, "message": s.echo(r, "Invalid API key")})
	case !s.isUser(r.PathValue("user")):
		writeJSON(w, http.StatusOK, map[string]any{"code": 404, "ok": false, "message": "user not found"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"code": 200, "ok": true, "message": "", "room_id": id, "is_live": live})
	}
}

func (s *Server) keyOK(r *http.Request) bool {
	return s.opts.APIKey == "" || r.Header.Get("X-Api-Key") == s.opts.APIKey
}

// echo adds the received API key to an error message when EchoAPIKey is
// set, in the ways a careless server might: in the text, quoted, in a URL.
func (s *Server) echo(r *http.Request, msg string) string {
	if !s.opts.EchoAPIKey {
		return msg
	}
	k := r.Header.Get("X-Api-Key")
	return fmt.Sprintf("%s (X-Api-Key: %s, %q, see https://example.invalid/keys?k=%s)", msg, k, k, url.QueryEscape(k))
}

// handleRoomInfo answers TikTok's GET /webcast/room/info/?room_id=... with
// the room's status (2 live, 4 offline), as webcast.tiktok.com does.
func (s *Server) handleRoomInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.snap.Lookups["room_info"]++
	live := s.live != nil && strconv.FormatInt(s.live.id, 10) == r.URL.Query().Get("room_id")
	s.changedLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status_code": 0, "data": map[string]any{"id_str": r.URL.Query().Get("room_id"), "status": statusOf(live)}})
}

// handleSign answers GET /webcast/rooms/{room}/connect like Euler Stream: a
// raw ProtoMessageFetchResult with the push server, the signed route
// parameters and recent messages, and cookies in X-Set-TT-Cookie.
func (s *Server) handleSign(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := SignRequest{RoomID: r.PathValue("room"), Cursor: q.Get("cursor"), UserAgent: q.Get("user_agent"), KeyOK: s.keyOK(r)}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changedLocked()
	answer := func(status int) {
		req.Status = status
		s.snap.Signs = append(s.snap.Signs, req)
	}
	if !req.KeyOK {
		answer(http.StatusUnauthorized)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": s.echo(r, "Invalid API key")})
		return
	}
	var fail *SignFailure
	if s.signs < len(s.opts.SignFailures) && !s.opts.SignFailures[s.signs].OK {
		fail = &s.opts.SignFailures[s.signs]
	}
	s.signs++
	if fail != nil && fail.Status != 0 && fail.Status != http.StatusOK {
		answer(fail.Status)
		if fail.RetryAfter != "" {
			w.Header().Set("Retry-After", fail.RetryAfter)
		}
		writeJSON(w, fail.Status, map[string]any{"message": s.echo(r, fail.Message)})
		return
	}
	if fail != nil && !fail.NoCookie {
		answer(http.StatusOK)
		return // 200 with an empty body
	}
	rm := s.live
	if rm == nil || strconv.FormatInt(rm.id, 10) != req.RoomID {
		answer(http.StatusNotFound)
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "This room is not live."})
		return
	}
	cur := len(rm.msgs)
	start := cur - s.opts.History
	if c, err := strconv.Atoi(req.Cursor); err == nil && c >= 0 && c <= cur {
		start = c - s.opts.ResendOnReconnect
	}
	start = max(start, 0)
	token, cookie := randomToken(), randomToken()
	s.tokens[token] = &grant{room: rm, cursor: cur, ua: req.UserAgent, cookie: cookie}
	var batch []*pb.BaseProtoMessage
	for _, e := range rm.msgs[start:cur] {
		if e.msg != nil {
			batch = append(batch, e.msg)
		}
	}
	res := &pb.ProtoMessageFetchResult{
		Messages:          batch,
		Cursor:            strconv.Itoa(cur),
		InternalExt:       s.internalExt(rm, cur),
		PushServer:        "ws" + strings.TrimPrefix(s.url, "http") + pushPath,
		RouteParams:       map[string]string{"wrss": token},
		FetchInterval:     1000,
		Now:               time.Now().UnixMilli(),
		HeartbeatDuration: 10000,
		IsFirst:           true,
	}
	body, err := proto.Marshal(res)
	if err != nil {
		answer(http.StatusInternalServerError)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	answer(http.StatusOK)
	if fail == nil {
		w.Header().Set("X-Set-TT-Cookie", "ttwid="+cookie+"; Path=/; Domain=.tiktok.com; Secure; HttpOnly")
	}
	w.Header().Set("X-Room-Id", req.RoomID)
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(body)
}

func (s *Server) internalExt(rm *liveRoom, cursor int) string {
	if s.opts.EmptyInternalExt {
		return ""
	}
	return fmt.Sprintf("sim_ext:room=%d:cursor=%d", rm.id, cursor)
}

// handleSocket is the push server. It checks the handshake as TikTok
// does, refusing with 200 and handshake-status/handshake-msg headers; a
// signed URL works once.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	info := Connection{
		RoomID:         q.Get("room_id"),
		Cursor:         q.Get("cursor"),
		UserAgent:      r.Header.Get("User-Agent"),
		UserAgentParam: q.Get("User-Agent"),
		Cookie:         r.Header.Get("Cookie"),
		Gzip:           q.Get("compress") == "gzip",
	}
	s.mu.Lock()
	g := s.tokens[q.Get("wrss")]
	status := ""
	s.sockets++
	switch {
	case s.sockets <= s.opts.BlockSockets:
		status, info.Rejected = "415", "DEVICE_BLOCKED"
	case g == nil:
		status, info.Rejected = "417", "illegal secret key"
	case info.UserAgent == "" || info.UserAgent != g.ua:
		status, info.Rejected = "415", "DEVICE_BLOCKED"
	case !hasCookie(r, "ttwid", g.cookie):
		status, info.Rejected = "417", "illegal secret key"
	case info.RoomID != strconv.FormatInt(g.room.id, 10):
		status, info.Rejected = "400", "room mismatch"
	case g.room.ended:
		status, info.Rejected = "400", "room ended"
	}
	delete(s.tokens, q.Get("wrss")) // a signed URL works once
	s.snap.Connections = append(s.snap.Connections, info)
	s.changedLocked()
	s.mu.Unlock()
	if info.Rejected != "" {
		w.Header().Set("Handshake-Status", status)
		w.Header().Set("Handshake-Msg", info.Rejected)
		w.WriteHeader(http.StatusOK)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.log.Warn("simulator: WebSocket handshake failed", "error", err)
		return
	}
	c.SetReadLimit(1 << 20)
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		c.CloseNow()
		return
	}
	so := &socket{}
	s.conns[c] = so
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.CloseNow()
		s.wg.Done()
	}()
	s.serveSocket(c, so, g, info.Gzip)
}

func hasCookie(r *http.Request, name, value string) bool {
	for _, c := range r.Cookies() {
		if c.Name == name && c.Value == value {
			return true
		}
	}
	return false
}

// serveSocket reads the client's frames (recording them) and, once the
// client entered the room, sends every message from the signed cursor on,
// one message per frame.
func (s *Server) serveSocket(c *websocket.Conn, so *socket, g *grant, gzip bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	entered := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer cancel()
		s.readClient(ctx, c, so, g.room.id, entered)
	}()
	defer func() { c.CloseNow(); <-readDone }()

	select {
	case <-entered:
	case <-ctx.Done():
		return
	}
	pos, sent := g.cursor, 0
	var enc webcast.FrameEncoder
	for {
		s.mu.Lock()
		if so.silent {
			// Stalled: the socket stays open and says nothing.
			s.mu.Unlock()
			<-ctx.Done()
			return
		}
		if pos < len(g.room.msgs) {
			e := g.room.msgs[pos]
			pos++
			// More waiting messages share the frame (Options.PerFrame).
			batch := []entry{e}
			for e.msg != nil && e.pad == 0 && len(batch) < s.opts.PerFrame && pos < len(g.room.msgs) {
				next := g.room.msgs[pos]
				if next.msg == nil || next.pad > 0 {
					break
				}
				batch = append(batch, next)
				pos++
			}
			s.logID++
			logID := s.logID
			s.mu.Unlock()
			frame := e.raw
			if e.msg != nil {
				var err error
				frame, err = s.encodeFrame(&enc, batch, g.room, pos, logID, gzip)
				if err != nil {
					s.log.Error("simulator: cannot encode a frame", "error", err)
					return
				}
			}
			if err := c.Write(ctx, websocket.MessageBinary, frame); err != nil {
				return
			}
			sent++
			if s.countFrame(c, sent) {
				return // dropped: the deferred CloseNow cuts the socket
			}
			continue
		}
		if g.room.ended {
			s.mu.Unlock()
			c.Close(websocket.StatusNormalClosure, "stream ended")
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

// encodeFrame builds the frame of the messages of batch (one unless
// Options.PerFrame says more) the way the options say.
func (s *Server) encodeFrame(enc *webcast.FrameEncoder, batch []entry, rm *liveRoom, pos int, logID int64, gzip bool) ([]byte, error) {
	e := batch[0]
	msgs := make([]*pb.BaseProtoMessage, len(batch))
	for i, b := range batch {
		msgs[i] = b.msg
	}
	label := ""
	if s.opts.MislabelGzip {
		if gzip = logID%2 == 0; gzip {
			label = "none"
		} else {
			label = "gzip"
		}
	}
	frame, err := enc.Encode(&pb.ProtoMessageFetchResult{
		Messages:      msgs,
		Cursor:        strconv.Itoa(pos),
		InternalExt:   s.internalExt(rm, pos),
		NeedAck:       s.opts.NeedAck,
		FetchInterval: 1000,
		Now:           time.Now().UnixMilli(),
	}, logID, gzip)
	if err != nil {
		return nil, err
	}
	if label != "" {
		var f pb.WebcastPushFrame
		if err := proto.Unmarshal(frame, &f); err != nil {
			return nil, err
		}
		f.Headers = []*pb.PushHeader{{Key: "compress_type", Value: label}}
		if frame, err = proto.Marshal(&f); err != nil {
			return nil, err
		}
	}
	if e.pad > 0 {
		// Field 15 is unknown to every client: skipped, but counted in the
		// frame's size.
		frame = protowire.AppendTag(frame, 15, protowire.BytesType)
		frame = protowire.AppendBytes(frame, make([]byte, e.pad))
	}
	return frame, nil
}

// countFrame records a sent frame and reports whether DropAfterFrames
// wants this socket dropped now. A socket to drop leaves conns at once, so
// that a Drop racing with its close does not count it a second time.
func (s *Server) countFrame(c *websocket.Conn, sent int) (drop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changedLocked()
	s.snap.FramesSent++
	o := s.opts
	if o.DropAfterFrames > 0 && sent >= o.DropAfterFrames && (o.MaxDrops == 0 || s.snap.Drops < o.MaxDrops) {
		s.snap.Drops++
		delete(s.conns, c)
		return true
	}
	return false
}

// readClient records what the client sends until the socket ends.
func (s *Server) readClient(ctx context.Context, c *websocket.Conn, so *socket, roomID int64, entered chan<- struct{}) {
	in := false
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != -1 {
				s.record(func(sn *Snapshot) { sn.CloseCodes = append(sn.CloseCodes, int(code)) })
			}
			return
		}
		var f pb.WebcastPushFrame
		if err := proto.Unmarshal(b, &f); err != nil {
			s.log.Warn("simulator: client sent a frame that is not a push frame", "error", err)
			continue
		}
		switch f.GetPayloadType() {
		case webcast.PayloadAck:
			s.record(func(sn *Snapshot) {
				sn.Acks = append(sn.Acks, Ack{LogID: f.GetLogId(), InternalExt: string(f.GetPayload())})
				sn.AcksAfter++
			})
		case webcast.PayloadHeartbeat:
			var hb pb.HeartBeatMessage
			if proto.Unmarshal(f.GetPayload(), &hb) != nil {
				continue
			}
			s.record(func(sn *Snapshot) {
				sn.HeartbeatCount++
				sn.HeartbeatsAfter++
				if len(sn.Heartbeats) < maxHeartbeats {
					sn.Heartbeats = append(sn.Heartbeats, Heartbeat{RoomID: hb.GetRoomId(), Seq: hb.GetSendPacketSeqId()})
				}
			})
			s.mu.Lock()
			silent := so.silent
			s.mu.Unlock()
			if !silent {
				// TikTok answers a heartbeat with one of its own.
				if reply, err := webcast.HeartbeatFrame(hb.GetRoomId(), hb.GetSendPacketSeqId()); err == nil {
					c.Write(ctx, websocket.MessageBinary, reply)
				}
			}
		case webcast.PayloadEnterRoom:
			var er pb.WebcastImEnterRoomMessage
			if proto.Unmarshal(f.GetPayload(), &er) != nil {
				continue
			}
			s.record(func(sn *Snapshot) { sn.EnterRooms = append(sn.EnterRooms, er.GetRoomId()) })
			if er.GetRoomId() == roomID && !in {
				in = true
				close(entered)
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
