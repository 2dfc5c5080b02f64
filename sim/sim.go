// Package sim is a local stand-in for TikTok LIVE at the wire level: one
// HTTP server on 127.0.0.1 that answers like www.tiktok.com (the LIVE page
// and api-live lookups), like a Euler Stream sign server (room lookup and
// signed connect) and like TikTok's push server (a WebSocket speaking the
// Webcast protocol with frames built by package webcast).
//
// Point a client's web base and sign server at URL(). Events given to Push
// or Play go out to every connected client as they would on a real LIVE.
// Options and the GoLive, EndStream, Suspend, Silence and Drop methods
// create the situations a client must survive (offline streamer, rate
// limits, dropped sockets, re-sent messages, mislabelled or oversized
// frames, a stalled socket, lookups that contradict each other), and
// Snapshot/Wait show what the client did (ACKs, heartbeats, entering the
// room, the headers it sent).
//
// Like TikTok's push server, the simulator answers every heartbeat with one
// of its own, so a quiet LIVE is not a silent socket.
package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// DefaultUser is the streamer the simulator plays when Options.User is "".
const DefaultUser = "sim_streamer"

// firstRoomID is the id of the first LIVE; each GoLive adds one, as TikTok
// gives every LIVE a new room.
const firstRoomID = 7300000000000000001

// firstMsgID numbers the messages of events pushed without a MsgID: TikTok
// gives every message one, and clients rely on it to drop duplicates.
const firstMsgID = 7400000000000000001

// maxHeartbeats bounds the recorded heartbeats; HeartbeatCount keeps going.
const maxHeartbeats = 1000

// Options set up a Server. The zero value is a live streamer DefaultUser
// with a well-behaved sign server.
type Options struct {
	// User is the account the simulator streams as; lookups of any other
	// name answer "user not found".
	User string
	// Offline starts the streamer offline; GoLive starts the LIVE.
	Offline bool
	// NeedAck asks the client to acknowledge every message frame.
	NeedAck bool
	// History is how many past messages the sign server's first answer for
	// a client carries (TikTok sends recent history).
	History int
	// ResendOnReconnect makes the sign server's answer to a client that
	// comes back with a cursor repeat this many messages it already got,
	// so that the client must drop duplicates.
	ResendOnReconnect int
	// DropAfterFrames closes each WebSocket abruptly after it sent this
	// many message frames (0: never). MaxDrops limits how many sockets are
	// dropped that way (0: all).
	DropAfterFrames int
	MaxDrops        int
	// SignFailures answer the first sign requests, one each, in order;
	// later requests succeed.
	SignFailures []SignFailure
	// APIKey, if set, is required in X-Api-Key by the sign server
	// (HTTP 401 otherwise).
	APIKey string
	// BlockPage and BlockAPILive make those lookups fail as they do when
	// TikTok shows a captcha or blocks the network, so that clients must
	// fall back to the next lookup.
	BlockPage, BlockAPILive bool
	// BlockSockets refuses the first this many WebSocket handshakes with
	// DEVICE_BLOCKED, as TikTok does when it distrusts the network or the
	// signature.
	BlockSockets int
	// APILiveNotFound makes api-live answer "user_not_found" for the
	// streamer too, as TikTok does at times for accounts that exist and are
	// live; the other lookups still find the room.
	APILiveNotFound bool
	// PageDisagrees makes the LIVE page report the opposite of the truth
	// (live while offline, offline while live), as a cached page does.
	// api-live and the room info route tell the truth.
	PageDisagrees bool
	// MislabelGzip gives message frames a compress_type header that
	// contradicts the payload: odd frames are sent plain but labelled
	// "gzip", even ones gzipped but labelled "none".
	MislabelGzip bool
	// EmptyInternalExt sends message frames with an empty internal_ext
	// (with NeedAck, frames that ask for an ACK they give nothing for).
	EmptyInternalExt bool
	// EchoAPIKey makes the sign server's error messages repeat the
	// X-Api-Key it received, as a careless server might.
	EchoAPIKey bool
	// StripGiftDetails sends gift messages without the nested gift struct:
	// only the gift id, the counts and the user are left.
	StripGiftDetails bool
	// PerFrame packs up to this many waiting messages into one frame, as
	// TikTok does on a busy LIVE (0 or 1: one message per frame). A padded
	// message (PushPadded) always has a frame of its own.
	PerFrame int
	// Log receives the simulator's own messages; nil discards them.
	Log *slog.Logger
}

// SignFailure is one bad answer of the sign server.
type SignFailure struct {
	OK         bool   // answer normally: places failures after a success
	Status     int    // HTTP status; 0 means 200 with the problem below
	Message    string // sent as the JSON body {"message": ...}
	RetryAfter string // the Retry-After header, if not ""
	EmptyBody  bool   // 200 with no body
	NoCookie   bool   // 200 without X-Set-TT-Cookie
}

// Snapshot is what the simulator has seen so far.
type Snapshot struct {
	Live           bool
	RoomID         string         // the current (or last) LIVE's room id
	Lookups        map[string]int // by route: "page", "api-live", "room_id", "room_info"
	Signs          []SignRequest
	Connections    []Connection
	EnterRooms     []int64 // room ids of the im_enter_room frames received
	Acks           []Ack
	Heartbeats     []Heartbeat // the first maxHeartbeats
	HeartbeatCount int
	// AcksAfter and HeartbeatsAfter count what arrived after the last
	// call to Mark, for tests that must see traffic go on.
	AcksAfter, HeartbeatsAfter int
	FramesSent                 int   // message frames sent on all sockets
	Drops                      int   // sockets closed by DropAfterFrames or Drop
	CloseCodes                 []int // WebSocket close codes received from clients
	Messages                   int   // messages pushed into the current LIVE
}

// SignRequest is one request to the sign server's connect route.
type SignRequest struct {
	RoomID    string
	Cursor    string
	UserAgent string // the user_agent parameter the URL is signed for
	KeyOK     bool   // X-Api-Key matched Options.APIKey (always true without one)
	Status    int    // the HTTP status answered
}

// Connection is one WebSocket handshake.
type Connection struct {
	RoomID    string
	Cursor    string // the cursor parameter of the URL
	UserAgent string
	// UserAgentParam is the URL's User-Agent parameter (the Node peer
	// sends one).
	UserAgentParam string
	Cookie         string
	Gzip           bool   // compress=gzip was asked for
	Rejected       string // why the handshake was refused; "" if accepted
}

// Ack is one "ack" frame from a client.
type Ack struct {
	LogID       int64
	InternalExt string
}

// Heartbeat is one "hb" frame from a client.
type Heartbeat struct {
	RoomID int64
	Seq    int64
}

// Server is a running simulator. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	url  string
	log  *slog.Logger
	srv  *http.Server
	ln   net.Listener

	ctx    context.Context // ends with Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // socket goroutines

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	live     *liveRoom     // nil while offline
	last     *liveRoom     // the current or last LIVE
	nextRoom int64
	nextMsg  int64
	pending  []entry // pushed while offline
	signs    int     // sign requests answered, for SignFailures
	sockets  int     // handshakes seen, for BlockSockets
	tokens   map[string]*grant
	conns    map[*websocket.Conn]*socket
	logID    int64
	snap     Snapshot
}

// liveRoom is one LIVE: what it sent, in order. A client's cursor is an
// index into msgs.
type liveRoom struct {
	id    int64
	msgs  []entry
	ended bool
}

// entry is a message, or a raw frame from InjectFrame.
type entry struct {
	msg *pb.BaseProtoMessage
	raw []byte
	pad int // bytes of padding in the frame (PushPadded)
}

// socket is the state of one open WebSocket.
type socket struct {
	silent bool // Silence: send nothing more
}

// grant is a signed connect: one WebSocket may use it, once.
type grant struct {
	room   *liveRoom
	cursor int
	ua     string
	cookie string
}

// Start listens on a random loopback port and serves until Close.
func Start(o Options) (*Server, error) {
	if o.User == "" {
		o.User = DefaultUser
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("simulator: cannot listen on 127.0.0.1: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:     o,
		url:      "http://" + ln.Addr().String(),
		log:      o.Log,
		ln:       ln,
		ctx:      ctx,
		cancel:   cancel,
		changed:  make(chan struct{}),
		nextRoom: firstRoomID,
		nextMsg:  firstMsgID,
		tokens:   map[string]*grant{},
		conns:    map[*websocket.Conn]*socket{},
		snap:     Snapshot{Lookups: map[string]int{}},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if !o.Offline {
		s.GoLive()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{user}/live", s.handlePage)
	mux.HandleFunc("GET /api-live/user/room/", s.handleAPILive)
	mux.HandleFunc("GET /webcast/anchors/{user}/room_id", s.handleEulerRoom)
	mux.HandleFunc("GET /webcast/rooms/{room}/connect", s.handleSign)
	mux.HandleFunc("GET /webcast/room/info/", s.handleRoomInfo)
	mux.HandleFunc("GET "+pushPath, s.handleSocket)
	mux.HandleFunc("GET /webcast/gift/list/", s.handleGiftList)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the base URL of every endpoint, e.g. http://127.0.0.1:41234: give
// it to the client as both the TikTok web base and the sign server.
func (s *Server) URL() string { return s.url }

// User is the account the simulator streams as.
func (s *Server) User() string { return s.opts.User }

// Close stops the server and closes every socket.
func (s *Server) Close() {
	s.cancel()
	s.srv.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.CloseNow()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// GoLive starts a new LIVE with a new room id and returns the id. Events
// pushed while offline are its first messages. It does nothing but return
// the id if the streamer is live already.
func (s *Server) GoLive() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		s.live = &liveRoom{id: s.nextRoom, msgs: s.pending}
		s.nextRoom++
		s.pending = nil
		s.last = s.live
		s.changedLocked()
	}
	return strconv.FormatInt(s.live.id, 10)
}

// EndStream ends the LIVE as the streamer does: clients get a stream-end
// control message, their sockets are closed and the streamer is offline
// until GoLive.
func (s *Server) EndStream() error { return s.Push(&tikcraft.StreamEndEvent{}) }

// Push sends events to the LIVE in order. Pushed while offline, they wait
// for the next GoLive. A StreamEndEvent ends the LIVE. ConnectEvent and
// DisconnectEvent have no TikTok message and are skipped; an event that
// cannot be encoded (a non-numeric MsgID) is an error and nothing after it
// is pushed.
func (s *Server) Push(evs ...tikcraft.Event) error { return s.push(0, evs) }

func (s *Server) push(pad int, evs []tikcraft.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range evs {
		m, err := webcast.EncodeEvent(ev)
		if errors.Is(err, webcast.ErrNotWebcast) && ev != nil {
			continue
		}
		if err != nil {
			return fmt.Errorf("simulator: %w", err)
		}
		if m.GetMsgId() == 0 {
			// The outer id is the one clients read.
			m.MsgId = s.nextMsg
			s.nextMsg++
		}
		if s.opts.StripGiftDetails && m.GetMethod() == webcast.MethodGift {
			if m, err = stripGift(m); err != nil {
				return fmt.Errorf("simulator: %w", err)
			}
		}
		if s.live == nil {
			s.pending = append(s.pending, entry{msg: m, pad: pad})
			continue
		}
		s.live.msgs = append(s.live.msgs, entry{msg: m, pad: pad})
		if ev.Type() == tikcraft.TypeStreamEnd {
			s.live.ended = true
			s.live = nil
		}
	}
	s.changedLocked()
	return nil
}

// Suspend sends the control message "stream suspended" (action 4), as
// TikTok's moderation does, while the room stays live: a client should come
// back into the same room.
func (s *Server) Suspend() error {
	payload, err := proto.Marshal(&pb.WebcastControlMessage{
		Common: &pb.CommonMessageData{Method: webcast.MethodControl},
		Action: pb.ControlAction_CONTROL_ACTION_STREAM_SUSPENDED,
	})
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		return errors.New("simulator: cannot suspend a LIVE while offline")
	}
	m := &pb.BaseProtoMessage{Method: webcast.MethodControl, Payload: payload, MsgId: s.nextMsg}
	s.nextMsg++
	s.live.msgs = append(s.live.msgs, entry{msg: m})
	s.changedLocked()
	return nil
}

// PushPadded is Push with every message sent in a frame padded by pad
// bytes (an unknown field that clients skip), to test frame size limits.
func (s *Server) PushPadded(pad int, evs ...tikcraft.Event) error { return s.push(pad, evs) }

// Silence makes every socket open now stop sending anything (messages,
// heartbeat answers) while staying open, as a stalled connection does.
// Sockets opened later behave normally.
func (s *Server) Silence() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, so := range s.conns {
		so.silent = true
	}
	s.changedLocked()
}

// Mark starts the AcksAfter and HeartbeatsAfter counts from zero.
func (s *Server) Mark() {
	s.record(func(sn *Snapshot) { sn.AcksAfter, sn.HeartbeatsAfter = 0, 0 })
}

// InjectFrame sends b as it is, as one binary WebSocket message, to the
// clients of the current LIVE (after any messages before it); a client that
// connects later does not get it. For testing clients against broken
// frames. Offline, it waits for the next GoLive like Push.
func (s *Server) InjectFrame(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := entry{raw: append([]byte(nil), b...)}
	if s.live == nil {
		s.pending = append(s.pending, e)
	} else {
		s.live.msgs = append(s.live.msgs, e)
	}
	s.changedLocked()
}

// Play pushes the events in order, the ith at pace×i after the first (an
// absolute schedule, so that the rate holds however long each push takes),
// until they run out (nil) or ctx ends.
func (s *Server) Play(ctx context.Context, events iter.Seq[tikcraft.Event], pace time.Duration) error {
	start := time.Now()
	i := 0
	for ev := range events {
		if d := time.Until(start.Add(time.Duration(i) * pace)); i > 0 && d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		i++
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.Push(ev); err != nil {
			return err
		}
	}
	return nil
}

// Drop closes every open WebSocket abruptly, as a network failure would.
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.CloseNow()
		s.snap.Drops++
	}
	s.changedLocked()
}

// Snapshot returns a copy of what the simulator has seen.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked()
}

func (s *Server) snapshotLocked() Snapshot {
	c := s.snap
	c.Live = s.live != nil
	if s.last != nil {
		c.RoomID = strconv.FormatInt(s.last.id, 10)
		c.Messages = len(s.last.msgs)
	}
	c.Lookups = make(map[string]int, len(s.snap.Lookups))
	for k, v := range s.snap.Lookups {
		c.Lookups[k] = v
	}
	c.Signs = append([]SignRequest(nil), s.snap.Signs...)
	c.Connections = append([]Connection(nil), s.snap.Connections...)
	c.EnterRooms = append([]int64(nil), s.snap.EnterRooms...)
	c.Acks = append([]Ack(nil), s.snap.Acks...)
	c.Heartbeats = append([]Heartbeat(nil), s.snap.Heartbeats...)
	c.CloseCodes = append([]int(nil), s.snap.CloseCodes...)
	return c
}

// Wait blocks until cond holds for a snapshot, or ctx ends. It re-checks
// after every change, so tests need no sleeps.
func (s *Server) Wait(ctx context.Context, cond func(Snapshot) bool) (Snapshot, error) {
	for {
		s.mu.Lock()
		snap, ch := s.snapshotLocked(), s.changed
		s.mu.Unlock()
		if cond(snap) {
			return snap, nil
		}
		select {
		case <-ctx.Done():
			return snap, ctx.Err()
		case <-ch:
		}
	}
}

func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) record(f func(*Snapshot)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.snap)
	s.changedLocked()
}

// stripGift drops the nested gift struct, keeping the gift id.
func stripGift(m *pb.BaseProtoMessage) (*pb.BaseProtoMessage, error) {
	var g pb.WebcastGiftMessage
	if err := proto.Unmarshal(m.GetPayload(), &g); err != nil {
		return nil, err
	}
	if g.GiftId == 0 {
		g.GiftId = g.GetGift().GetId()
	}
	g.Gift = nil
	payload, err := proto.Marshal(&g)
	if err != nil {
		return nil, err
	}
	return &pb.BaseProtoMessage{Method: m.GetMethod(), Payload: payload, MsgId: m.GetMsgId()}, nil
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
