package webcast

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// Push frame payload types (WebcastPushFrame.payload_type).
const (
	PayloadMsg           = "msg"                // server: a ProtoMessageFetchResult
	PayloadAck           = "ack"                // client: acknowledges a "msg" frame
	PayloadHeartbeat     = "hb"                 // client: keep-alive
	PayloadEnterRoom     = "im_enter_room"      // client: join a room
	PayloadEnterRoomResp = "im_enter_room_resp" // server: answer to im_enter_room
)

// Message methods (BaseProtoMessage.method) that become events.
const (
	MethodGift        = "WebcastGiftMessage"
	MethodLike        = "WebcastLikeMessage"
	MethodSocial      = "WebcastSocialMessage"
	MethodMember      = "WebcastMemberMessage"
	MethodChat        = "WebcastChatMessage"
	MethodRoomUserSeq = "WebcastRoomUserSeqMessage"
	MethodControl     = "WebcastControlMessage"
	MethodSubNotify   = "WebcastSubNotifyMessage"
)

// Default limits. A real frame is a few kilobytes and carries tens of
// messages; the limits only stop hostile or broken input from eating memory.
// DefaultMaxBytes is what the peers accept (the Node client's WebSocket
// library refuses messages over 100 MiB): any frame a peer decodes, tikcraft
// decodes too. It bounds the frame and, separately, its payload after
// gunzip, so a gzip bomb stops at 100 MiB; frames are decoded one at a time.
const (
	DefaultMaxBytes    = 100 << 20
	DefaultMaxMessages = 10_000
)

// Fixed caps on repeated fields that a real peer keeps tiny; each entry costs
// far more memory decoded than on the wire, so they are bounded too.
const (
	maxHeaders     = 256
	maxRouteParams = 1024
	// maxTrackedMethods bounds the per-method stats: method names come from
	// the server, and a flood of made-up names must not grow memory.
	maxTrackedMethods = 256
)

// OtherMethods is the Stats key that counts the methods seen after 256
// distinct ones were already counted.
const OtherMethods = "(other)"

// ErrTooLarge marks input refused because it exceeds a Limits value.
var ErrTooLarge = errors.New("too large")

// Limits bound what a Decoder accepts. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps both a raw frame and its payload after gunzip.
	MaxBytes int
	// MaxMessages caps the messages in one fetch result.
	MaxMessages int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxMessages <= 0 {
		l.MaxMessages = DefaultMaxMessages
	}
	return l
}

// Frame is what a Decoder learned from one push frame, filled as far as
// decoding got.
type Frame struct {
	SeqID       int64
	LogID       int64 // echo it in the ACK
	PayloadType string
	Compressed  bool   // the payload was gzipped
	Payload     []byte // after gunzip
	// Result is the decoded payload of a "msg" frame; nil for other types
	// or when the payload could not be read.
	Result *pb.ProtoMessageFetchResult
}

// NeedAck reports whether the server asked for an ACK of this frame
// (see AckFrame).
func (f Frame) NeedAck() bool { return f.Result.GetNeedAck() }

// InternalExt is the opaque string to send back in the ACK.
func (f Frame) InternalExt() string { return f.Result.GetInternalExt() }

// Cursor is the server's position in the room's message stream.
func (f Frame) Cursor() string { return f.Result.GetCursor() }

// MessageError reports one message of a frame that could not be read. The
// frame's other messages were still decoded.
type MessageError struct {
	Index  int    // position in the frame
	Method string // e.g. "WebcastGiftMessage"
	MsgID  int64
	Err    error
}

func (e *MessageError) Error() string {
	return fmt.Sprintf("skipped unreadable TikTok message #%d (%q, id %d): %v", e.Index, e.Method, e.MsgID, e.Err)
}

func (e *MessageError) Unwrap() error { return e.Err }

// Stats counts what a Decoder has seen.
type Stats struct {
	Frames    int64            // push frames read
	BadFrames int64            // push frames that could not be read at all
	Events    int64            // events produced
	Messages  map[string]int64 // messages seen, by method, including skipped methods
	Malformed map[string]int64 // messages whose payload could not be read, by method
}

// Decoder turns Webcast frames into tikcraft events and counts what it saw.
// It is safe for concurrent use. The zero Decoder uses the default limits.
type Decoder struct {
	limits Limits
	fast   fastState // see scan.go

	mu    sync.Mutex
	stats Stats
}

// NewDecoder returns a Decoder with the given limits.
func NewDecoder(l Limits) *Decoder { return &Decoder{limits: l} }

// Stats returns a copy of the counters.
func (d *Decoder) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.Messages = copyCounts(d.stats.Messages)
	s.Malformed = copyCounts(d.stats.Malformed)
	return s
}

func copyCounts(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// DecodeFrame reads one binary WebSocket message.
//
// For a "msg" frame it returns the events of the messages it recognises, in
// order. Messages of other methods are counted and skipped without decoding.
// A message that cannot be read is skipped on its own: the error then joins
// one *MessageError per skipped message and the events of the others are
// still returned. Any other error means the frame as a whole was unreadable
// and there are no events. Frames of other payload types ("hb",
// "im_enter_room_resp", ...) give no events and no error.
func (d *Decoder) DecodeFrame(b []byte) (Frame, []tikcraft.Event, error) {
	if r, ok := d.decodeFrameFast(b); ok {
		return r.frame, r.events, r.err
	}
	return d.decodeFrameRef(b)
}

// decodeFrameRef is DecodeFrame with the generated types: the reference the
// fast path (scan.go) falls back to and is tested against.
func (d *Decoder) decodeFrameRef(b []byte) (Frame, []tikcraft.Event, error) {
	lim := d.limits.withDefaults()
	f, err := readPushFrame(b, lim)
	if err == nil && f.PayloadType == PayloadMsg {
		f.Result, err = readFetchResult(f.Payload, lim)
	}
	d.countFrame(err == nil)
	if err != nil || f.Result == nil {
		return f, nil, err
	}
	evs, err := d.Events(f.Result.GetMessages())
	return f, evs, err
}

// DecodeFetchResult reads a bare ProtoMessageFetchResult, as the sign
// server returns it, and the events of its initial messages. Errors are as
// for DecodeFrame.
func (d *Decoder) DecodeFetchResult(b []byte) (*pb.ProtoMessageFetchResult, []tikcraft.Event, error) {
	lim := d.limits.withDefaults()
	if len(b) > lim.MaxBytes {
		return nil, nil, fmt.Errorf("TikTok response is %d bytes, more than the %d-byte limit: %w", len(b), lim.MaxBytes, ErrTooLarge)
	}
	res, err := readFetchResult(b, lim)
	if err != nil {
		return nil, nil, err
	}
	evs, err := d.Events(res.GetMessages())
	return res, evs, err
}

func readPushFrame(b []byte, lim Limits) (Frame, error) {
	if len(b) > lim.MaxBytes {
		return Frame{}, fmt.Errorf("TikTok frame is %d bytes, more than the %d-byte limit: %w", len(b), lim.MaxBytes, ErrTooLarge)
	}
	if err := capRepeated(b, 5, maxHeaders, "frame headers"); err != nil {
		return Frame{}, err
	}
	var pf pb.WebcastPushFrame
	if err := unmarshalPart(b, &pf); err != nil {
		return Frame{}, fmt.Errorf("not a TikTok push frame: %w", err)
	}
	f := Frame{
		SeqID:       pf.GetSeqId(),
		LogID:       pf.GetLogId(),
		PayloadType: pf.GetPayloadType(),
		Payload:     pf.GetPayload(),
	}
	if isGzip(f.Payload) {
		p, err := gunzip(f.Payload, lim.MaxBytes)
		switch {
		case err == nil:
			f.Payload, f.Compressed = p, true
		case f.PayloadType == PayloadMsg:
			return f, fmt.Errorf("TikTok message frame: %w", err)
		}
		// Other frame types carry nothing we act on; a bad payload there
		// is not worth an error on the streamer's screen.
	}
	return f, nil
}

// isGzip decides by content, as the Node peer does, and ignores TikTok's
// compress_type header: a mislabelled frame must still be read. This is
// safe because a protobuf message can never start with 0x1f (field 3 with
// the invalid wire type 7).
func isGzip(p []byte) bool {
	return len(p) >= 2 && p[0] == 0x1f && p[1] == 0x8b
}

func gunzip(b []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not valid gzip: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("not valid gzip: %w", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("unpacks to more than the %d-byte limit: %w", limit, ErrTooLarge)
	}
	return out, nil
}

func readFetchResult(b []byte, lim Limits) (*pb.ProtoMessageFetchResult, error) {
	if err := capRepeated(b, 1, lim.MaxMessages, "messages"); err != nil {
		return nil, err
	}
	if err := capRepeated(b, 7, maxRouteParams, "route params"); err != nil {
		return nil, err
	}
	res := new(pb.ProtoMessageFetchResult)
	if err := unmarshalPart(b, res); err != nil {
		return nil, fmt.Errorf("TikTok message batch is unreadable: %w", err)
	}
	return res, nil
}

// capRepeated refuses b when its top-level field num occurs more than max
// times. Malformed wire data is left for proto.Unmarshal to report.
func capRepeated(b []byte, num protowire.Number, max int, what string) error {
	n := 0
	for len(b) > 0 {
		got, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return nil
		}
		b = b[l:]
		l = protowire.ConsumeFieldValue(got, typ, b)
		if l < 0 {
			return nil
		}
		b = b[l:]
		if got == num {
			if n++; n > max {
				return fmt.Errorf("TikTok sent more than %d %s in one frame: %w", max, what, ErrTooLarge)
			}
		}
	}
	return nil
}

// Events turns the messages of a fetch result into events, as DecodeFrame
// does, and counts them.
func (d *Decoder) Events(msgs []*pb.BaseProtoMessage) ([]tikcraft.Event, error) {
	var (
		evs  []tikcraft.Event
		errs []error
	)
	for i, m := range msgs {
		method := m.GetMethod()
		ev, known, err := decodeMessage(method, m.GetPayload())
		d.countMessage(method, err != nil)
		switch {
		case err != nil:
			errs = append(errs, &MessageError{Index: i, Method: method, MsgID: m.GetMsgId(), Err: err})
			continue
		case !known || ev == nil:
			continue
		}
		meta := ev.EventMeta()
		if id := m.GetMsgId(); id != 0 {
			meta.MsgID = strconv.FormatInt(id, 10)
		}
		evs = append(evs, ev)
	}
	d.countEvents(len(evs))
	return evs, errors.Join(errs...)
}

// decodeMessage decodes one payload by method. known is false for methods
// we skip, whose payload is not even parsed; ev is nil for known messages
// that mean nothing to us (a pause, a social message that is neither a
// follow nor a share).
func decodeMessage(method string, payload []byte) (ev tikcraft.Event, known bool, err error) {
	switch method {
	case MethodGift:
		return decodeWith(payload, giftEvent)
	case MethodLike:
		return decodeWith(payload, func(m *pb.WebcastLikeMessage) (tikcraft.Event, error) {
			return &tikcraft.LikeEvent{Meta: meta(m.GetCommon()), User: user(m.GetUser()), Count: int64(m.GetCount()), Total: m.GetTotal()}, nil
		})
	case MethodSocial:
		return decodeWith(payload, socialEvent)
	case MethodMember:
		return decodeWith(payload, func(m *pb.WebcastMemberMessage) (tikcraft.Event, error) {
			switch m.GetAction() {
			case pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_JOINED:
				return &tikcraft.JoinEvent{Meta: meta(m.GetCommon()), User: user(m.GetUser())}, nil
			case pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_SUBSCRIBED:
				return &tikcraft.SubscribeEvent{Meta: meta(m.GetCommon()), User: user(m.GetUser())}, nil
			}
			return nil, nil
		})
	case MethodChat:
		return decodeWith(payload, func(m *pb.WebcastChatMessage) (tikcraft.Event, error) {
			u := withIdentity(user(m.GetUser()), m.GetUserIdentity())
			return &tikcraft.ChatEvent{Meta: meta(m.GetCommon()), User: u, Text: text(m.GetContent())}, nil
		})
	case MethodRoomUserSeq:
		return decodeWith(payload, func(m *pb.WebcastRoomUserSeqMessage) (tikcraft.Event, error) {
			return &tikcraft.ViewersEvent{Meta: meta(m.GetCommon()), Count: m.GetTotal()}, nil
		})
	case MethodControl:
		return decodeWith(payload, func(m *pb.WebcastControlMessage) (tikcraft.Event, error) {
			switch m.GetAction() {
			case pb.ControlAction_CONTROL_ACTION_STREAM_ENDED:
				return &tikcraft.StreamEndEvent{Meta: meta(m.GetCommon())}, nil
			case pb.ControlAction_CONTROL_ACTION_STREAM_SUSPENDED:
				// Not an end: the room may go on, and a client should
				// come back to it (see docs/TIKTOK.md).
				return &tikcraft.DisconnectEvent{Meta: meta(m.GetCommon()), Reason: ReasonSuspended}, nil
			}
			return nil, nil
		})
	case MethodSubNotify:
		return decodeWith(payload, func(m *pb.WebcastSubNotifyMessage) (tikcraft.Event, error) {
			return &tikcraft.SubscribeEvent{Meta: meta(m.GetCommon()), User: user(m.GetUser())}, nil
		})
	}
	return nil, false, nil
}

func decodeWith[T any, P interface {
	*T
	proto.Message
}](payload []byte, conv func(P) (tikcraft.Event, error)) (tikcraft.Event, bool, error) {
	m := P(new(T))
	if err := unmarshalPart(payload, m); err != nil {
		return nil, true, err
	}
	ev, err := conv(m)
	return ev, true, err
}

// unmarshalPart drops unknown fields: we never re-encode what we decode, so
// keeping them would only make memory grow with what TikTok adds.
func unmarshalPart(b []byte, m proto.Message) error {
	return proto.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(b, m)
}

// socialEvent classifies by display key as both peers do; the numeric
// action values are not agreed on.
func socialEvent(m *pb.WebcastSocialMessage) (tikcraft.Event, error) {
	key := strings.ToLower(m.GetCommon().GetDisplayText().GetKey())
	switch {
	case strings.Contains(key, "follow"):
		u := user(m.GetUser())
		u.Follower = true // by definition, whatever the user struct says
		return &tikcraft.FollowEvent{Meta: meta(m.GetCommon()), User: u}, nil
	case strings.Contains(key, "share"):
		return &tikcraft.ShareEvent{Meta: meta(m.GetCommon()), User: user(m.GetUser())}, nil
	}
	return nil, nil
}

// ReasonSuspended is the Reason of the DisconnectEvent that a control
// message "stream suspended" (action 4) decodes to.
const ReasonSuspended = "TikTok suspended the LIVE"

// errNoGiftDetails: a gift message with neither the gift struct nor a gift
// id cannot be matched to any rule.
var errNoGiftDetails = errors.New("gift message has neither gift details nor a gift id")

func giftEvent(m *pb.WebcastGiftMessage) (tikcraft.Event, error) {
	g := m.GetGift()
	if g == nil {
		if m.GetGiftId() == 0 {
			return nil, errNoGiftDetails
		}
		// Without gift.type a streak update cannot be told from a
		// finished gift. Counting it as a combo is the safe guess: the
		// engine fires a streak at most up to its highest count, so an
		// update can never fire twice, and a one-shot gift is settled
		// when its streak times out.
		g = &pb.Gift{Type: 1}
	}
	id := g.GetId()
	if id == 0 {
		id = m.GetGiftId()
	}
	ev := &tikcraft.GiftEvent{
		Meta: meta(m.GetCommon()),
		User: withIdentity(user(m.GetUser()), m.GetUserIdentity()),
		Gift: tikcraft.Gift{
			ID:       id,
			Name:     g.GetName(),
			Combo:    g.GetType() == 1,
			Diamonds: int64(g.GetDiamondCount()),
		},
		RepeatCount: int64(m.GetRepeatCount()),
		RepeatEnd:   m.GetRepeatEnd() != 0,
	}
	if gid := m.GetGroupId(); gid != 0 {
		ev.GroupID = strconv.FormatInt(gid, 10)
	}
	return ev, nil
}

// meta reads the common part. The caller overrides MsgID with the outer
// BaseProtoMessage id when that is set; both are normally equal.
func meta(c *pb.CommonMessageData) tikcraft.Meta {
	var m tikcraft.Meta
	if id := c.GetMsgId(); id != 0 {
		m.MsgID = strconv.FormatInt(id, 10)
	}
	if ms := c.GetCreateTime(); ms > 0 {
		m.Time = time.UnixMilli(ms).UTC()
	}
	return m
}

func user(u *pb.User) tikcraft.User {
	if u == nil {
		return tikcraft.User{}
	}
	id := u.GetIdStr()
	if n := u.GetId(); n != 0 {
		id = strconv.FormatInt(n, 10)
	}
	v := tikcraft.User{ID: id, UniqueID: text(u.GetDisplayId()), Nickname: text(u.GetNickname())}
	v.Follower = u.GetFollowInfo().GetFollowStatus() >= followStatusFollows
	v.Moderator = u.GetUserAttr().GetIsAdmin()
	for _, b := range u.GetBadgeList() {
		applyBadge(&v, b.GetSceneType())
	}
	return v
}

// What TikTok says about a viewer's relation to the host, read as
// docs/EVENTS.md describes: FollowInfo.follow_status (0 none, 1 follows,
// 2 friends), UserAttr.is_admin, the scene of each badge, and the
// UserIdentity that gift and chat messages carry next to the user.
const (
	followStatusFollows = 1 // follow_status at or above it: a follower

	badgeSceneAdmin         = 1  // BadgeSceneType ADMIN: a moderator
	badgeSceneSubscriber    = 4  // SUBSCRIBER
	badgeSceneNewSubscriber = 7  // NEW_SUBSCRIBER
	badgeSceneFans          = 10 // FANS: a member of the host's fan club (team)
)

// applyBadge sets the flag a badge of this scene stands for.
func applyBadge(u *tikcraft.User, scene int32) {
	switch scene {
	case badgeSceneAdmin:
		u.Moderator = true
	case badgeSceneSubscriber, badgeSceneNewSubscriber:
		u.Subscriber = true
	case badgeSceneFans:
		u.FanClub = true
	}
}

// withIdentity adds the flags of a message's UserIdentity (nil: none) to
// its user. They only ever add: a flag the user struct set stays set.
func withIdentity(u tikcraft.User, id *pb.UserIdentity) tikcraft.User {
	u.Follower = u.Follower || id.GetIsFollowerOfAnchor() || id.GetIsMutualFollowingWithAnchor()
	u.Subscriber = u.Subscriber || id.GetIsSubscriberOfAnchor()
	u.Moderator = u.Moderator || id.GetIsModeratorOfAnchor()
	return u
}

// text turns viewer-chosen bytes into valid UTF-8 (see webcast.proto).
func text(b []byte) string { return strings.ToValidUTF8(string(b), "\uFFFD") }

func (d *Decoder) countFrame(ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.Frames++
	if !ok {
		d.stats.BadFrames++
	}
}

func (d *Decoder) countMessage(method string, malformed bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stats.Messages == nil {
		d.stats.Messages = make(map[string]int64)
		d.stats.Malformed = make(map[string]int64)
	}
	if _, ok := d.stats.Messages[method]; !ok && len(d.stats.Messages) >= maxTrackedMethods {
		method = OtherMethods
	}
	d.stats.Messages[method]++
	if malformed {
		d.stats.Malformed[method]++
	}
}

func (d *Decoder) countEvents(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.Events += int64(n)
}
