package sim_test

// These tests drive the simulator with plain HTTP and WebSocket calls and
// package webcast's frames, not with package tiktok: the client's own tests
// rely on the simulator behaving like TikTok, so its behaviour is pinned
// down here independently of the client.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// testTimeout only stops a hung test; nothing is asserted about speed.
const testTimeout = 30 * time.Second

const ua = "Mozilla/5.0 (sim test)"

func startSim(t *testing.T, o sim.Options) (*sim.Server, context.Context) {
	t.Helper()
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return s, ctx
}

func get(t *testing.T, ctx context.Context, u string, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func getJSON(t *testing.T, ctx context.Context, u string) map[string]any {
	t.Helper()
	resp, body := get(t, ctx, u, nil)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: HTTP %d, not JSON: %v\n%s", u, resp.StatusCode, err, body)
	}
	return v
}

// signed is one successful answer of the sign server.
type signed struct {
	res    *pb.ProtoMessageFetchResult
	cookie string // "ttwid=..." as the Cookie header carries it
}

func sign(t *testing.T, ctx context.Context, s *sim.Server, room, cursor string) signed {
	t.Helper()
	resp, body := signRaw(t, ctx, s, room, cursor, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign: HTTP %d: %s", resp.StatusCode, body)
	}
	var res pb.ProtoMessageFetchResult
	if err := proto.Unmarshal(body, &res); err != nil {
		t.Fatalf("sign answer is not a fetch result: %v", err)
	}
	cookie, _, _ := strings.Cut(resp.Header.Get("X-Set-TT-Cookie"), ";")
	if !strings.HasPrefix(cookie, "ttwid=") {
		t.Fatalf("sign answer carries cookie %q", resp.Header.Get("X-Set-TT-Cookie"))
	}
	if resp.Header.Get("X-Room-Id") != room {
		t.Fatalf("X-Room-Id %q, want %q", resp.Header.Get("X-Room-Id"), room)
	}
	return signed{res: &res, cookie: cookie}
}

func signRaw(t *testing.T, ctx context.Context, s *sim.Server, room, cursor string, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	q := url.Values{"user_agent": {ua}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return get(t, ctx, s.URL()+"/webcast/rooms/"+room+"/connect?"+q.Encode(), hdr)
}

// dial opens the push socket the way a client does with a signed answer.
func (sg signed) dial(ctx context.Context, room, userAgent, cookie string) (*websocket.Conn, *http.Response, error) {
	u, err := url.Parse(sg.res.GetPushServer())
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{"room_id": {room}, "compress": {"gzip"}, "cursor": {sg.res.GetCursor()}}
	for k, v := range sg.res.GetRouteParams() {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	h := http.Header{}
	h.Set("User-Agent", userAgent)
	h.Set("Cookie", cookie)
	return websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPHeader: h})
}

func (sg signed) enter(t *testing.T, ctx context.Context, room string) *websocket.Conn {
	t.Helper()
	c, resp, err := sg.dial(ctx, room, ua, sg.cookie)
	if err != nil {
		t.Fatalf("dial: %v (handshake %q %q)", err, header(resp, "Handshake-Status"), header(resp, "Handshake-Msg"))
	}
	t.Cleanup(func() { c.CloseNow() })
	send(t, ctx, c, must(webcast.EnterRoomFrame(roomID(t, room), 0)))
	return c
}

func header(resp *http.Response, k string) string {
	if resp == nil {
		return ""
	}
	return resp.Header.Get(k)
}

func roomID(t *testing.T, room string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(room, &id); err != nil {
		t.Fatalf("room id %q: %v", room, err)
	}
	return id
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func send(t *testing.T, ctx context.Context, c *websocket.Conn, b []byte) {
	t.Helper()
	if err := c.Write(ctx, websocket.MessageBinary, b); err != nil {
		t.Fatal(err)
	}
}

// read returns the next frame and its events.
func read(t *testing.T, ctx context.Context, c *websocket.Conn) (webcast.Frame, []tikcraft.Event) {
	t.Helper()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageBinary {
		t.Fatalf("got a %v message, want binary", typ)
	}
	f, evs, err := webcast.NewDecoder(webcast.Limits{}).DecodeFrame(b)
	if err != nil {
		t.Fatalf("simulator sent an unreadable frame: %v", err)
	}
	return f, evs
}

func chat(id, text string) *tikcraft.ChatEvent {
	return &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{ID: "1", UniqueID: "anna"}, Text: text}
}

func texts(evs []tikcraft.Event) []string {
	var out []string
	for _, ev := range evs {
		if c, ok := ev.(*tikcraft.ChatEvent); ok {
			out = append(out, c.Text)
		} else {
			out = append(out, string(ev.Type()))
		}
	}
	return out
}

func TestLookupsReportLiveAndOffline(t *testing.T) {
	s, ctx := startSim(t, sim.Options{Offline: true})
	// Offline before the first LIVE: no room yet.
	if v := getJSON(t, ctx, s.URL()+"/webcast/anchors/sim_streamer/room_id"); v["is_live"] != false {
		t.Fatalf("euler lookup while offline: %v", v)
	}
	room := s.GoLive()
	if again := s.GoLive(); again != room {
		t.Fatalf("GoLive while live started room %s after %s", again, room)
	}

	_, page := get(t, ctx, s.URL()+"/@SIM_STREAMER/live", nil)
	_, state, ok := strings.Cut(string(page), `<script id="SIGI_STATE" type="application/json">`)
	state, _, _ = strings.Cut(state, "</script>")
	var sigi struct {
		LiveRoom struct {
			LiveRoomUserInfo struct {
				User struct {
					RoomID string `json:"roomId"`
					Status int    `json:"status"`
				} `json:"user"`
			} `json:"liveRoomUserInfo"`
		}
	}
	if err := json.Unmarshal([]byte(state), &sigi); !ok || err != nil {
		t.Fatalf("page state %q: %v", state, err)
	}
	if u := sigi.LiveRoom.LiveRoomUserInfo.User; u.RoomID != room || u.Status != 2 {
		t.Fatalf("page says room %q status %d, want %s live (2)", u.RoomID, u.Status, room)
	}

	api := getJSON(t, ctx, s.URL()+"/api-live/user/room/?uniqueId=sim_streamer")
	data := api["data"].(map[string]any)
	if data["user"].(map[string]any)["roomId"] != room || data["liveRoom"].(map[string]any)["status"] != float64(2) {
		t.Fatalf("api-live answer %v", api)
	}
	if v := getJSON(t, ctx, s.URL()+"/webcast/anchors/sim_streamer/room_id"); v["room_id"] != room || v["is_live"] != true {
		t.Fatalf("euler lookup %v", v)
	}

	if err := s.EndStream(); err != nil {
		t.Fatal(err)
	}
	// Offline after a LIVE: the last room, not live.
	if v := getJSON(t, ctx, s.URL()+"/webcast/anchors/sim_streamer/room_id"); v["room_id"] != room || v["is_live"] != false {
		t.Fatalf("euler lookup after the end %v", v)
	}
	api = getJSON(t, ctx, s.URL()+"/api-live/user/room/?uniqueId=sim_streamer")
	if st := api["data"].(map[string]any)["liveRoom"].(map[string]any)["status"]; st != float64(4) {
		t.Fatalf("api-live status after the end %v, want 4", st)
	}
	if snap := s.Snapshot(); snap.Lookups["page"] != 1 || snap.Lookups["api-live"] != 2 || snap.Lookups["room_id"] != 3 || snap.Live {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestLookupsOfUnknownAndBlocked(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	if v := getJSON(t, ctx, s.URL()+"/api-live/user/room/?uniqueId=someone_else"); v["message"] != "user_not_found" {
		t.Fatalf("api-live for an unknown user: %v", v)
	}
	if v := getJSON(t, ctx, s.URL()+"/webcast/anchors/someone_else/room_id"); v["code"] != float64(404) || v["ok"] != false {
		t.Fatalf("euler lookup for an unknown user: %v", v)
	}
	if _, page := get(t, ctx, s.URL()+"/@someone_else/live", nil); strings.Contains(string(page), "LiveRoom") {
		t.Fatalf("page for an unknown user shows a room: %s", page)
	}

	b, ctx := startSim(t, sim.Options{BlockPage: true, BlockAPILive: true})
	if _, page := get(t, ctx, b.URL()+"/@sim_streamer/live", nil); strings.Contains(string(page), "SIGI_STATE") {
		t.Fatalf("blocked page carries the state: %s", page)
	}
	if v := getJSON(t, ctx, b.URL()+"/api-live/user/room/?uniqueId=sim_streamer"); v["statusCode"] == float64(0) {
		t.Fatalf("blocked api-live answered %v", v)
	}
	if v := getJSON(t, ctx, b.URL()+"/webcast/anchors/sim_streamer/room_id"); v["is_live"] != true {
		t.Fatalf("the sign server's lookup is never blocked: %v", v)
	}
}

func TestStreamToARawClient(t *testing.T) {
	s, ctx := startSim(t, sim.Options{History: 2, NeedAck: true})
	room := s.GoLive()
	if err := s.Push(chat("1", "old"), chat("2", "recent a"), chat("3", "recent b")); err != nil {
		t.Fatal(err)
	}
	sg := sign(t, ctx, s, room, "")
	initial, err := webcast.NewDecoder(webcast.Limits{}).Events(sg.res.GetMessages())
	if err != nil || strings.Join(texts(initial), ",") != "recent a,recent b" {
		t.Fatalf("initial batch %v, %v: want the last two messages", texts(initial), err)
	}
	if sg.res.GetCursor() != "3" || !sg.res.GetIsFirst() {
		t.Fatalf("sign answer cursor %q first %v", sg.res.GetCursor(), sg.res.GetIsFirst())
	}

	c := sg.enter(t, ctx, room)
	// Nothing the client already has is sent again on the socket.
	if err := s.Push(chat("4", "live 1"), &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "5"}, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true}, RepeatCount: 2, GroupID: "9"}); err != nil {
		t.Fatal(err)
	}
	f, evs := read(t, ctx, c)
	if strings.Join(texts(evs), ",") != "live 1" || !f.Compressed || !f.NeedAck() || f.Result.GetCursor() != "4" {
		t.Fatalf("first frame %+v with %v: want the chat, gzipped, asking for an ACK", f, texts(evs))
	}
	send(t, ctx, c, must(webcast.AckFrame(f.LogID, f.Result.GetInternalExt())))
	f2, evs := read(t, ctx, c)
	if g, ok := evs[0].(*tikcraft.GiftEvent); len(evs) != 1 || !ok || g.Gift.Name != "Rose" || g.RepeatCount != 2 || f2.LogID == f.LogID {
		t.Fatalf("second frame %+v: %v", f2, evs)
	}
	for i := range 2 {
		send(t, ctx, c, must(webcast.HeartbeatFrame(roomID(t, room), int64(i+1))))
	}
	// A frame is counted just after it is written, so wait for the count too.
	snap, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return len(sn.Acks) == 1 && sn.HeartbeatCount == 2 && sn.FramesSent == 2 })
	if err != nil {
		t.Fatalf("acks %v, heartbeats %v", snap.Acks, snap.Heartbeats)
	}
	if a := snap.Acks[0]; a.LogID != f.LogID || a.InternalExt != f.Result.GetInternalExt() {
		t.Fatalf("recorded ack %+v", a)
	}
	if hb := snap.Heartbeats[1]; fmt.Sprint(hb.RoomID) != room || hb.Seq != 2 {
		t.Fatalf("recorded heartbeat %+v", hb)
	}
	conn := snap.Connections[0]
	if conn.RoomID != room || conn.UserAgent != ua || conn.Cookie != sg.cookie || !conn.Gzip || conn.Rejected != "" || conn.Cursor != "3" {
		t.Fatalf("recorded connection %+v", conn)
	}
	if len(snap.EnterRooms) != 1 || snap.Messages != 5 || snap.Signs[0].UserAgent != ua {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestNothingIsSentBeforeEnteringTheRoom(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	room := s.GoLive()
	sg := sign(t, ctx, s, room, "")
	c, _, err := sg.dial(ctx, room, ua, sg.cookie)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := s.Push(chat("1", "hello")); err != nil {
		t.Fatal(err)
	}
	// Entering another room does not count either.
	send(t, ctx, c, must(webcast.EnterRoomFrame(roomID(t, room)+1, 0)))
	if _, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return len(sn.EnterRooms) == 1 }); err != nil {
		t.Fatal(err)
	}
	if n := s.Snapshot().FramesSent; n != 0 {
		t.Fatalf("%d frames sent before the client entered its room", n)
	}
	send(t, ctx, c, must(webcast.EnterRoomFrame(roomID(t, room), 0)))
	if _, evs := read(t, ctx, c); strings.Join(texts(evs), ",") != "hello" {
		t.Fatalf("after entering: %v", texts(evs))
	}
}

func TestHandshakeRefusals(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	room := s.GoLive()
	for _, tc := range []struct {
		name, room, ua, cookie, status, msg string
	}{
		{"other user agent", room, "curl/8", "", "415", "DEVICE_BLOCKED"},
		{"no cookie", room, ua, "-", "417", "illegal secret key"},
		{"other room", "7300000000000000099", ua, "", "400", "room mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sg := sign(t, ctx, s, room, "")
			cookie := sg.cookie
			if tc.cookie == "-" {
				cookie = ""
			}
			c, resp, err := sg.dial(ctx, tc.room, tc.ua, cookie)
			if err == nil {
				c.CloseNow()
				t.Fatal("the socket opened")
			}
			if header(resp, "Handshake-Status") != tc.status || header(resp, "Handshake-Msg") != tc.msg {
				t.Fatalf("refused with %q %q, want %s %s", header(resp, "Handshake-Status"), header(resp, "Handshake-Msg"), tc.status, tc.msg)
			}
			// A signed URL works once, even when it was refused.
			if c, resp, err := sg.dial(ctx, room, ua, sg.cookie); err == nil || header(resp, "Handshake-Msg") != "illegal secret key" {
				if c != nil {
					c.CloseNow()
				}
				t.Fatalf("reusing the signed URL: %v %q", err, header(resp, "Handshake-Msg"))
			}
		})
	}
	snap := s.Snapshot()
	if len(snap.Connections) != 6 || snap.Connections[0].Rejected != "DEVICE_BLOCKED" {
		t.Fatalf("connections %+v", snap.Connections)
	}
}

func TestBlockSockets(t *testing.T) {
	s, ctx := startSim(t, sim.Options{BlockSockets: 1})
	room := s.GoLive()
	sg := sign(t, ctx, s, room, "")
	if c, resp, err := sg.dial(ctx, room, ua, sg.cookie); err == nil || header(resp, "Handshake-Msg") != "DEVICE_BLOCKED" {
		if c != nil {
			c.CloseNow()
		}
		t.Fatalf("first socket: %v %q, want DEVICE_BLOCKED", err, header(resp, "Handshake-Msg"))
	}
	sign(t, ctx, s, room, "").enter(t, ctx, room)
}

func TestSignServerAnswers(t *testing.T) {
	s, ctx := startSim(t, sim.Options{
		APIKey: "k-1",
		SignFailures: []sim.SignFailure{
			{Status: 429, Message: "Too many connections", RetryAfter: "7"},
			{EmptyBody: true},
			{NoCookie: true},
		},
	})
	room := s.GoLive()
	key := http.Header{"X-Api-Key": {"k-1"}}

	resp, body := signRaw(t, ctx, s, room, "", http.Header{"X-Api-Key": {"wrong"}})
	if resp.StatusCode != 401 || !strings.Contains(string(body), "Invalid API key") {
		t.Fatalf("wrong key: HTTP %d %s", resp.StatusCode, body)
	}
	// A refused key does not use up a planned failure.
	resp, body = signRaw(t, ctx, s, room, "", key)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || !strings.Contains(string(body), "Too many connections") {
		t.Fatalf("first failure: HTTP %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body = signRaw(t, ctx, s, room, "", key); resp.StatusCode != 200 || len(body) != 0 {
		t.Fatalf("second failure: HTTP %d, %d bytes, want an empty 200", resp.StatusCode, len(body))
	}
	resp, body = signRaw(t, ctx, s, room, "", key)
	if resp.StatusCode != 200 || resp.Header.Get("X-Set-TT-Cookie") != "" || proto.Unmarshal(body, &pb.ProtoMessageFetchResult{}) != nil {
		t.Fatalf("third failure: HTTP %d, cookie %q", resp.StatusCode, resp.Header.Get("X-Set-TT-Cookie"))
	}
	if resp, _ = signRaw(t, ctx, s, room, "", key); resp.StatusCode != 200 || resp.Header.Get("X-Set-TT-Cookie") == "" {
		t.Fatalf("after the failures: HTTP %d", resp.StatusCode)
	}
	if resp, _ = signRaw(t, ctx, s, "7300000000000000099", "", key); resp.StatusCode != 404 {
		t.Fatalf("signing a room that is not live: HTTP %d", resp.StatusCode)
	}
	var statuses []int
	for _, sr := range s.Snapshot().Signs {
		statuses = append(statuses, sr.Status)
	}
	if fmt.Sprint(statuses) != "[401 429 200 200 200 404]" {
		t.Fatalf("recorded sign statuses %v", statuses)
	}
}

func TestReconnectWithCursorResends(t *testing.T) {
	s, ctx := startSim(t, sim.Options{ResendOnReconnect: 2})
	room := s.GoLive()
	if err := s.Push(chat("1", "a"), chat("2", "b"), chat("3", "c"), chat("4", "d")); err != nil {
		t.Fatal(err)
	}
	// A client that got up to cursor 3 comes back: it gets 2 of its
	// messages again, plus the one it missed.
	sg := sign(t, ctx, s, room, "3")
	evs, err := webcast.NewDecoder(webcast.Limits{}).Events(sg.res.GetMessages())
	if err != nil || strings.Join(texts(evs), ",") != "b,c,d" {
		t.Fatalf("resumed batch %v, %v", texts(evs), err)
	}
	// A cursor from the future or of another LIVE is ignored.
	sg = sign(t, ctx, s, room, "99")
	if n := len(sg.res.GetMessages()); n != 0 {
		t.Fatalf("%d messages for an unknown cursor", n)
	}
}

func TestDropAfterFrames(t *testing.T) {
	s, ctx := startSim(t, sim.Options{DropAfterFrames: 2, MaxDrops: 1})
	room := s.GoLive()
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	if err := s.Push(chat("1", "a"), chat("2", "b"), chat("3", "c")); err != nil {
		t.Fatal(err)
	}
	read(t, ctx, c)
	read(t, ctx, c)
	_, _, err := c.Read(ctx)
	if err == nil || websocket.CloseStatus(err) != -1 {
		t.Fatalf("after two frames: %v, want the socket cut without a close frame", err)
	}
	// MaxDrops reached: the next socket gets everything after its cursor.
	sg := sign(t, ctx, s, room, "2")
	c = sg.enter(t, ctx, room)
	if err := s.Push(chat("4", "d"), chat("5", "e")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 2 {
		_, evs := read(t, ctx, c)
		got = append(got, texts(evs)...)
	}
	if strings.Join(got, ",") != "d,e" || s.Snapshot().Drops != 1 {
		t.Fatalf("second socket got %v, drops %d", got, s.Snapshot().Drops)
	}
	// Drop cuts every open socket.
	s.Drop()
	if _, _, err := c.Read(ctx); err == nil {
		t.Fatal("socket still open after Drop")
	}
	if d := s.Snapshot().Drops; d != 2 {
		t.Fatalf("drops %d, want 2", d)
	}
}

func TestEndStreamAndNextLive(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	room := s.GoLive()
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	if err := s.EndStream(); err != nil {
		t.Fatal(err)
	}
	if _, evs := read(t, ctx, c); len(evs) != 1 || evs[0].Type() != tikcraft.TypeStreamEnd {
		t.Fatalf("got %v, want the stream end", texts(evs))
	}
	_, _, err := c.Read(ctx)
	if ce, ok := errors.AsType[websocket.CloseError](err); !ok || ce.Code != websocket.StatusNormalClosure || ce.Reason != "stream ended" {
		t.Fatalf("after the end: %v, want a normal close", err)
	}
	if resp, _ := signRaw(t, ctx, s, room, "", nil); resp.StatusCode != 404 {
		t.Fatalf("signing the ended room: HTTP %d", resp.StatusCode)
	}

	// Pushed while offline: the first messages of the next LIVE, for a
	// client that asks for history.
	if err := s.Push(chat("10", "early")); err != nil {
		t.Fatal(err)
	}
	if s.Snapshot().Live {
		t.Fatal("live after the end")
	}
	next := s.GoLive()
	if next == room {
		t.Fatalf("the next LIVE reuses room %s", room)
	}
	sg := sign(t, ctx, s, next, "0")
	if evs, _ := webcast.NewDecoder(webcast.Limits{}).Events(sg.res.GetMessages()); strings.Join(texts(evs), ",") != "early" {
		t.Fatalf("the next LIVE starts with %v", texts(evs))
	}
}

func TestPushNumbersMessagesAndRejectsBadIDs(t *testing.T) {
	s, ctx := startSim(t, sim.Options{History: 10})
	room := s.GoLive()
	// Connect and disconnect events have no TikTok message.
	err := s.Push(&tikcraft.ConnectEvent{}, chat("", "no id"), chat("", "no id either"), &tikcraft.DisconnectEvent{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Push(chat("abc", "bad"), chat("7", "after the bad one")); err == nil || !strings.Contains(err.Error(), "abc") {
		t.Fatalf("Push with a non-numeric id = %v", err)
	}
	evs, err := webcast.NewDecoder(webcast.Limits{}).Events(sign(t, ctx, s, room, "").res.GetMessages())
	if err != nil || len(evs) != 2 {
		t.Fatalf("history %v, %v: want the two chats and nothing after the bad one", texts(evs), err)
	}
	a, b := evs[0].EventMeta().MsgID, evs[1].EventMeta().MsgID
	if a == "" || b == "" || a == b {
		t.Fatalf("message ids %q, %q: want two distinct ids", a, b)
	}
}

func TestInjectFrameIsSentAsIs(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	room := s.GoLive()
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	s.InjectFrame([]byte("\xff\xffgarbage"))
	if err := s.Push(chat("1", "after")); err != nil {
		t.Fatal(err)
	}
	if _, b, err := c.Read(ctx); err != nil || string(b) != "\xff\xffgarbage" {
		t.Fatalf("got %q, %v", b, err)
	}
	if _, evs := read(t, ctx, c); strings.Join(texts(evs), ",") != "after" {
		t.Fatalf("after the garbage: %v", texts(evs))
	}
}

func TestPlayStopsWithContext(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	events := func(yield func(tikcraft.Event) bool) {
		for i := 0; ; i++ {
			if !yield(chat(fmt.Sprint(i+1), "x")) {
				return
			}
		}
	}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Play(pctx, events, time.Millisecond) }()
	if _, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return sn.Messages >= 3 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Play = %v", err)
	}
	// A finite scenario ends with nil.
	finite := func(yield func(tikcraft.Event) bool) { yield(chat("100", "last")) }
	if err := s.Play(ctx, finite, time.Hour); err != nil {
		t.Fatalf("Play = %v", err)
	}
}

func TestCloseEndsSockets(t *testing.T) {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	room := s.GoLive()
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	if _, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return len(sn.EnterRooms) == 1 }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, _, err := c.Read(ctx); err == nil {
		t.Fatal("socket still open after Close")
	}
	if _, err := http.Get(s.URL() + "/webcast/anchors/sim_streamer/room_id"); err == nil {
		t.Fatal("server still answering after Close")
	}
}

// TestViewersFlagsReachTheClient: the simulated viewers' audience flags
// travel over the socket and decode back, and the mix is deterministic.
func TestViewersFlagsReachTheClient(t *testing.T) {
	vs := sim.Viewers(1, 200)
	if !reflect.DeepEqual(vs, sim.Viewers(1, 200)) || reflect.DeepEqual(vs, sim.Viewers(2, 200)) {
		t.Fatal("Viewers is not a function of its seed")
	}
	var f, sub, mod int
	for _, v := range vs {
		if v.Follower {
			f++
		}
		if v.Subscriber {
			sub++
		}
		if v.Moderator {
			mod++
			if !v.Follower {
				t.Errorf("moderator %s does not follow", v.UniqueID)
			}
		}
	}
	if f == 0 || f == len(vs) || sub == 0 || sub == len(vs) || mod == 0 || mod == len(vs) {
		t.Fatalf("%d followers, %d subscribers, %d moderators of %d: want some of each, not all", f, sub, mod, len(vs))
	}

	s, ctx := startSim(t, sim.Options{})
	room := s.GoLive()
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	var want []tikcraft.Event
	for i, v := range vs[:40] {
		id := fmt.Sprint(100 + i)
		switch i % 3 {
		case 0:
			want = append(want, &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: id}, User: v, Text: "hi"})
		case 1:
			want = append(want, &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: id}, User: v, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 1, RepeatEnd: true})
		default:
			want = append(want, &tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: id}, User: v})
		}
	}
	if err := s.Push(want...); err != nil {
		t.Fatal(err)
	}
	var got []tikcraft.Event
	for len(got) < len(want) {
		_, evs := read(t, ctx, c)
		got = append(got, evs...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded events differ from the pushed ones:\n got %+v\nwant %+v", got, want)
	}
}

// PerFrame packs waiting messages into shared frames, in order.
func TestPerFrame(t *testing.T) {
	s, ctx := startSim(t, sim.Options{PerFrame: 3})
	room := s.GoLive()
	sg := sign(t, ctx, s, room, "")
	if err := s.Push(chat("1", "a"), chat("2", "b"), chat("3", "c"), chat("4", "d"), chat("5", "e"), chat("6", "f"), chat("7", "g")); err != nil {
		t.Fatal(err)
	}
	c := sg.enter(t, ctx, room)
	var frames []string
	for n := 0; n < 7; {
		_, evs := read(t, ctx, c)
		n += len(evs)
		frames = append(frames, strings.Join(texts(evs), ""))
	}
	if got := strings.Join(frames, ","); got != "abc,def,g" {
		t.Fatalf("frames %s, want abc,def,g", got)
	}
}
