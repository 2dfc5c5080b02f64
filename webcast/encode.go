package webcast

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// Display keys TikTok uses for follow and share social messages; the decoder
// only looks for "follow" and "share" in them.
const (
	FollowDisplayKey = "pm_main_follow_message_viewer_2"
	ShareDisplayKey  = "pm_mt_guidance_share"
)

// AckFrame builds the client's ACK of a "msg" frame whose NeedAck was true:
// the frame's log id and its internal_ext. The peers disagree on an empty
// internal_ext (Node sends nothing, Python sends "-"); that choice is the
// caller's.
func AckFrame(logID int64, internalExt string) ([]byte, error) {
	return marshalFrame(&pb.WebcastPushFrame{
		LogId:           logID,
		PayloadEncoding: "pb",
		PayloadType:     PayloadAck,
		Payload:         []byte(internalExt),
	})
}

// HeartbeatFrame builds the client's keep-alive; seq starts at 1 after
// entering a room and grows by one per heartbeat.
func HeartbeatFrame(roomID, seq int64) ([]byte, error) {
	return payloadFrame(PayloadHeartbeat, &pb.HeartBeatMessage{RoomId: roomID, SendPacketSeqId: seq})
}

// EnterRoomFrame builds the frame a client sends right after the WebSocket
// opens, with the values both peers send. enterUniqueID may be 0.
func EnterRoomFrame(roomID, enterUniqueID int64) ([]byte, error) {
	return payloadFrame(PayloadEnterRoom, &pb.WebcastImEnterRoomMessage{
		RoomId:           roomID,
		LiveId:           12,
		Identity:         "audience",
		EnterUniqueId:    enterUniqueID,
		FilterWelcomeMsg: "0",
	})
}

// EncodeFrame builds a server "msg" frame carrying res, gzipped with the
// compress_type header when compress is true, as TikTok does when the client
// asked for compress=gzip.
func EncodeFrame(res *pb.ProtoMessageFetchResult, logID int64, compress bool) ([]byte, error) {
	var e FrameEncoder
	return e.Encode(res, logID, compress)
}

// FrameEncoder is EncodeFrame for a stream of frames: it keeps its gzip
// writer (whose setup costs more than compressing a small batch) from one
// frame to the next. Not safe for concurrent use; the zero value is ready.
type FrameEncoder struct {
	zw  *gzip.Writer
	buf bytes.Buffer
}

// Encode builds one frame, like EncodeFrame.
func (e *FrameEncoder) Encode(res *pb.ProtoMessageFetchResult, logID int64, compress bool) ([]byte, error) {
	payload, err := proto.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encode message batch: %w", err)
	}
	f := &pb.WebcastPushFrame{
		LogId:           logID,
		PayloadEncoding: "pb",
		PayloadType:     PayloadMsg,
		Payload:         payload,
	}
	if compress {
		e.buf.Reset()
		if e.zw == nil {
			e.zw = gzip.NewWriter(&e.buf)
		} else {
			e.zw.Reset(&e.buf)
		}
		if _, err := e.zw.Write(payload); err != nil {
			return nil, fmt.Errorf("gzip message batch: %w", err)
		}
		if err := e.zw.Close(); err != nil {
			return nil, fmt.Errorf("gzip message batch: %w", err)
		}
		f.Payload = e.buf.Bytes() // marshalFrame copies it
		f.Headers = []*pb.PushHeader{{Key: "compress_type", Value: "gzip"}}
	}
	return marshalFrame(f)
}

func payloadFrame(payloadType string, m proto.Message) ([]byte, error) {
	payload, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s frame: %w", payloadType, err)
	}
	return marshalFrame(&pb.WebcastPushFrame{PayloadEncoding: "pb", PayloadType: payloadType, Payload: payload})
}

func marshalFrame(f *pb.WebcastPushFrame) ([]byte, error) {
	b, err := proto.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode %s frame: %w", f.GetPayloadType(), err)
	}
	return b, nil
}

// ErrNotWebcast is returned by EncodeEvent for events that exist only inside
// tikcraft (connect, disconnect) and have no Webcast message.
var ErrNotWebcast = errors.New("event has no Webcast message")

// EncodeEvent builds the Webcast message TikTok would send for ev, such that
// decoding it gives ev back. Follows and shares become social messages with
// FollowDisplayKey or ShareDisplayKey, joins member messages, subscriptions
// SubNotify messages, stream ends control messages with "stream ended".
// Meta.MsgID, User.ID and GiftEvent.GroupID must be decimal numbers or
// empty; a non-numeric User.ID is carried in the id_str field instead.
// The user's flags travel as TikTok sends them (see pbUser), also in a
// UserIdentity for gifts and chat; a follow always decodes with
// User.Follower set, whatever ev says.
func EncodeEvent(ev tikcraft.Event) (*pb.BaseProtoMessage, error) {
	if ev == nil {
		return nil, fmt.Errorf("encode event: no event: %w", ErrNotWebcast)
	}
	c, err := common(ev.EventMeta())
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", ev.Type(), err)
	}
	var m proto.Message
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		c.Method = MethodGift
		m, err = giftMessage(c, e)
	case *tikcraft.LikeEvent:
		c.Method = MethodLike
		var n int32
		if n, err = toInt32("like count", e.Count); err == nil {
			m = &pb.WebcastLikeMessage{Common: c, User: pbUser(e.User), Count: n, Total: e.Total}
		}
	case *tikcraft.FollowEvent:
		c.Method = MethodSocial
		c.DisplayText = &pb.Text{Key: FollowDisplayKey, DefaultPattern: "{0:user} followed the LIVE creator"}
		m = &pb.WebcastSocialMessage{Common: c, User: pbUser(e.User)}
	case *tikcraft.ShareEvent:
		c.Method = MethodSocial
		c.DisplayText = &pb.Text{Key: ShareDisplayKey, DefaultPattern: "{0:user} shared the LIVE"}
		m = &pb.WebcastSocialMessage{Common: c, User: pbUser(e.User)}
	case *tikcraft.JoinEvent:
		c.Method = MethodMember
		m = &pb.WebcastMemberMessage{Common: c, User: pbUser(e.User), Action: pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_JOINED}
	case *tikcraft.SubscribeEvent:
		c.Method = MethodSubNotify
		m = &pb.WebcastSubNotifyMessage{Common: c, User: pbUser(e.User)}
	case *tikcraft.ChatEvent:
		c.Method = MethodChat
		m = &pb.WebcastChatMessage{Common: c, User: pbUser(e.User), Content: []byte(e.Text), UserIdentity: pbIdentity(e.User)}
	case *tikcraft.ViewersEvent:
		c.Method = MethodRoomUserSeq
		m = &pb.WebcastRoomUserSeqMessage{Common: c, Total: e.Count}
	case *tikcraft.StreamEndEvent:
		c.Method = MethodControl
		m = &pb.WebcastControlMessage{Common: c, Action: pb.ControlAction_CONTROL_ACTION_STREAM_ENDED}
	default:
		err = ErrNotWebcast
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", ev.Type(), err)
	}
	payload, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", ev.Type(), err)
	}
	return &pb.BaseProtoMessage{Method: c.GetMethod(), Payload: payload, MsgId: c.GetMsgId()}, nil
}

func giftMessage(c *pb.CommonMessageData, e *tikcraft.GiftEvent) (*pb.WebcastGiftMessage, error) {
	repeat, err := toInt32("gift repeat count", e.RepeatCount)
	if err != nil {
		return nil, err
	}
	diamonds, err := toInt32("gift diamonds", e.Gift.Diamonds)
	if err != nil {
		return nil, err
	}
	group, err := parseID("gift group id", e.GroupID)
	if err != nil {
		return nil, err
	}
	g := &pb.Gift{Id: e.Gift.ID, Name: e.Gift.Name, Combo: e.Gift.Combo, DiamondCount: diamonds, Type: 2}
	if e.Gift.Combo {
		g.Type = 1
	}
	m := &pb.WebcastGiftMessage{
		Common:       c,
		GiftId:       e.Gift.ID,
		RepeatCount:  repeat,
		User:         pbUser(e.User),
		GroupId:      group,
		Gift:         g,
		UserIdentity: pbIdentity(e.User),
	}
	if e.RepeatEnd {
		m.RepeatEnd = 1
	}
	return m, nil
}

func common(meta *tikcraft.Meta) (*pb.CommonMessageData, error) {
	id, err := parseID("msg id", meta.MsgID)
	if err != nil {
		return nil, err
	}
	c := &pb.CommonMessageData{MsgId: id}
	if !meta.Time.IsZero() {
		c.CreateTime = meta.Time.UnixMilli()
	}
	return c, nil
}

// pbUser carries the flags in the User fields TikTok uses for them:
// follow_info.follow_status 1 for a follower, user_attr.is_admin for a
// moderator, a badge of scene 4 (SUBSCRIBER) for a subscriber. A user with
// no flag encodes exactly as before the flags existed.
func pbUser(u tikcraft.User) *pb.User {
	p := &pb.User{Nickname: []byte(u.Nickname), DisplayId: []byte(u.UniqueID)}
	if id, err := parseID("", u.ID); err == nil && id != 0 {
		p.Id = id
	} else {
		p.IdStr = u.ID
	}
	if u.Follower {
		p.FollowInfo = &pb.FollowInfo{FollowStatus: followStatusFollows}
	}
	if u.Moderator {
		p.UserAttr = &pb.UserAttr{IsAdmin: true}
	}
	if u.Subscriber {
		p.BadgeList = []*pb.BadgeStruct{{SceneType: badgeSceneSubscriber}}
	}
	if u.FanClub {
		p.BadgeList = append(p.BadgeList, &pb.BadgeStruct{SceneType: badgeSceneFans})
	}
	return p
}

// pbIdentity is the UserIdentity of a gift or chat message from u, nil when
// u has no flag.
func pbIdentity(u tikcraft.User) *pb.UserIdentity {
	if !u.Follower && !u.Subscriber && !u.Moderator {
		return nil
	}
	return &pb.UserIdentity{IsFollowerOfAnchor: u.Follower, IsSubscriberOfAnchor: u.Subscriber, IsModeratorOfAnchor: u.Moderator}
}

func parseID(what, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	// Only the canonical spelling is accepted so that decoding gives the
	// same string back ("007" would come back as "7").
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != s {
		return 0, fmt.Errorf("%s %q is not a plain decimal number", what, s)
	}
	return n, nil
}

func toInt32(what string, n int64) (int32, error) {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, fmt.Errorf("%s %d does not fit TikTok's 32-bit field", what, n)
	}
	return int32(n), nil
}
