package webcast

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// resultOf encodes events into a fetch result, failing the test on error.
func resultOf(t testing.TB, evs ...tikcraft.Event) *pb.ProtoMessageFetchResult {
	t.Helper()
	res := &pb.ProtoMessageFetchResult{Cursor: "c1", InternalExt: "ext1"}
	for _, ev := range evs {
		m, err := EncodeEvent(ev)
		if err != nil {
			t.Fatalf("EncodeEvent(%T): %v", ev, err)
		}
		res.Messages = append(res.Messages, m)
	}
	return res
}

func frameOf(t testing.TB, res *pb.ProtoMessageFetchResult, compress bool) []byte {
	t.Helper()
	b, err := EncodeFrame(res, 42, compress)
	if err != nil {
		t.Fatalf("EncodeFrame: %v", err)
	}
	return b
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	anna = tikcraft.User{ID: "7234567890123456789", UniqueID: "anna_123", Nickname: "Anna 🌹"}
	t0   = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
)

func follower(u tikcraft.User) tikcraft.User {
	u.Follower = true
	return u
}

func TestDecodeFrameEvents(t *testing.T) {
	tests := []struct {
		name string
		ev   tikcraft.Event
	}{
		{"gift streak update", &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "101", Time: t0}, User: anna,
			Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, GroupID: "1700000000123"}},
		{"gift streak end", &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "102", Time: t0}, User: anna,
			Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 5, RepeatEnd: true, GroupID: "1700000000123"}},
		{"gift non-combo", &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "103"}, User: anna,
			Gift: tikcraft.Gift{ID: 6369, Name: "Lion", Diamonds: 29999}, RepeatCount: 1}},
		{"like", &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "104", Time: t0}, User: anna, Count: 15, Total: 4821}},
		{"follow", &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "105"}, User: follower(anna)}},
		{"gift from a subscribed moderator", &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "112"}, User: tikcraft.User{ID: "5", Subscriber: true, Moderator: true},
			Gift: tikcraft.Gift{ID: 6369, Name: "Lion", Diamonds: 29999}, RepeatCount: 1}},
		{"chat from a follower", &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "113"}, User: follower(anna), Text: "gg"}},
		{"join of a moderator", &tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "114"}, User: tikcraft.User{UniqueID: "mod", Moderator: true}}},
		{"like of a subscribing follower", &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "115"}, User: tikcraft.User{UniqueID: "fan", Follower: true, Subscriber: true}, Count: 3}},
		{"share", &tikcraft.ShareEvent{Meta: tikcraft.Meta{MsgID: "106"}, User: tikcraft.User{ID: "sec-not-numeric", Nickname: "x"}}},
		{"join", &tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "107"}, User: anna}},
		{"subscribe", &tikcraft.SubscribeEvent{Meta: tikcraft.Meta{MsgID: "108"}, User: anna}},
		{"chat", &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "109"}, User: anna, Text: "/op me; \"hi\"\n<b>"}},
		{"viewers", &tikcraft.ViewersEvent{Meta: tikcraft.Meta{MsgID: "110"}, Count: 1234}},
		{"stream end", &tikcraft.StreamEndEvent{Meta: tikcraft.Meta{MsgID: "111", Time: t0}}},
		{"no meta at all", &tikcraft.LikeEvent{Count: 1}},
	}
	for _, tt := range tests {
		for _, compress := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", tt.name, compress), func(t *testing.T) {
				var d Decoder
				f, evs, err := d.DecodeFrame(frameOf(t, resultOf(t, tt.ev), compress))
				if err != nil {
					t.Fatalf("DecodeFrame: %v", err)
				}
				if f.LogID != 42 || f.PayloadType != PayloadMsg || f.Compressed != compress || f.Cursor() != "c1" || f.InternalExt() != "ext1" {
					t.Errorf("frame = %+v, cursor %q, ext %q", f, f.Cursor(), f.InternalExt())
				}
				if len(evs) != 1 {
					t.Fatalf("got %d events, want 1", len(evs))
				}
				assertEventEqual(t, evs[0], tt.ev)
			})
		}
	}
}

func assertEventEqual(t *testing.T, got, want tikcraft.Event) {
	t.Helper()
	// Every event type is a flat struct of comparable fields.
	if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) || !eventsEqual(got, want) {
		t.Errorf("event:\n got %T %+v\nwant %T %+v", got, got, want, want)
	}
}

func eventsEqual(a, b tikcraft.Event) bool {
	switch a := a.(type) {
	case *tikcraft.GiftEvent:
		b, ok := b.(*tikcraft.GiftEvent)
		return ok && *a == *b
	case *tikcraft.LikeEvent:
		b, ok := b.(*tikcraft.LikeEvent)
		return ok && *a == *b
	case *tikcraft.FollowEvent:
		b, ok := b.(*tikcraft.FollowEvent)
		return ok && *a == *b
	case *tikcraft.ShareEvent:
		b, ok := b.(*tikcraft.ShareEvent)
		return ok && *a == *b
	case *tikcraft.JoinEvent:
		b, ok := b.(*tikcraft.JoinEvent)
		return ok && *a == *b
	case *tikcraft.SubscribeEvent:
		b, ok := b.(*tikcraft.SubscribeEvent)
		return ok && *a == *b
	case *tikcraft.ChatEvent:
		b, ok := b.(*tikcraft.ChatEvent)
		return ok && *a == *b
	case *tikcraft.ViewersEvent:
		b, ok := b.(*tikcraft.ViewersEvent)
		return ok && *a == *b
	case *tikcraft.StreamEndEvent:
		b, ok := b.(*tikcraft.StreamEndEvent)
		return ok && *a == *b
	case *tikcraft.DisconnectEvent:
		b, ok := b.(*tikcraft.DisconnectEvent)
		return ok && *a == *b
	}
	return false
}

// msg wraps a raw payload the way TikTok does.
func msg(method string, id int64, payload []byte) *pb.BaseProtoMessage {
	return &pb.BaseProtoMessage{Method: method, MsgId: id, Payload: payload}
}

func TestDecodeMessageRules(t *testing.T) {
	user := &pb.User{Id: 7, Nickname: []byte("n"), DisplayId: []byte("h")}
	tests := []struct {
		name string
		m    proto.Message
		want tikcraft.Event // nil: no event
	}{
		{"member subscribed", &pb.WebcastMemberMessage{User: user, Action: pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_SUBSCRIBED},
			&tikcraft.SubscribeEvent{User: tikcraft.User{ID: "7", UniqueID: "h", Nickname: "n"}}},
		{"member other action", &pb.WebcastMemberMessage{User: user, Action: 2}, nil},
		{"member unknown action", &pb.WebcastMemberMessage{User: user}, nil},
		{"control paused", &pb.WebcastControlMessage{Action: pb.ControlAction_CONTROL_ACTION_STREAM_PAUSED}, nil},
		{"control unpaused", &pb.WebcastControlMessage{Action: pb.ControlAction_CONTROL_ACTION_STREAM_UNPAUSED}, nil},
		{"control ended", &pb.WebcastControlMessage{Action: pb.ControlAction_CONTROL_ACTION_STREAM_ENDED}, &tikcraft.StreamEndEvent{}},
		// Suspended is not ended: the client goes back into the room.
		{"control suspended", &pb.WebcastControlMessage{Action: pb.ControlAction_CONTROL_ACTION_STREAM_SUSPENDED}, &tikcraft.DisconnectEvent{Reason: ReasonSuspended}},
		{"social follow key variant", &pb.WebcastSocialMessage{Common: &pb.CommonMessageData{DisplayText: &pb.Text{Key: "pm_main_FOLLOW_message"}}, User: user},
			&tikcraft.FollowEvent{User: tikcraft.User{ID: "7", UniqueID: "h", Nickname: "n", Follower: true}}},
		{"social share key variant", &pb.WebcastSocialMessage{Common: &pb.CommonMessageData{DisplayText: &pb.Text{Key: "pm_mt_guidance_viewer_10_share"}}, User: user},
			&tikcraft.ShareEvent{User: tikcraft.User{ID: "7", UniqueID: "h", Nickname: "n"}}},
		{"social unclassified", &pb.WebcastSocialMessage{Common: &pb.CommonMessageData{DisplayText: &pb.Text{Key: "pm_other"}}}, nil},
		{"social without display text", &pb.WebcastSocialMessage{User: user}, nil},
		{"gift type 4 is not a combo", &pb.WebcastGiftMessage{Gift: &pb.Gift{Id: 1, Type: 4}, RepeatCount: 1},
			&tikcraft.GiftEvent{Gift: tikcraft.Gift{ID: 1}, RepeatCount: 1}},
		{"gift id from the message when gift.id is missing", &pb.WebcastGiftMessage{GiftId: 9, Gift: &pb.Gift{Type: 1, Name: "Rose"}},
			&tikcraft.GiftEvent{Gift: tikcraft.Gift{ID: 9, Name: "Rose", Combo: true}}},
		{"gift without gift details is a combo matched by id", &pb.WebcastGiftMessage{GiftId: 5655, RepeatCount: 2, GroupId: 8, User: user},
			&tikcraft.GiftEvent{Gift: tikcraft.Gift{ID: 5655, Combo: true}, RepeatCount: 2, GroupID: "8", User: tikcraft.User{ID: "7", UniqueID: "h", Nickname: "n"}}},
		{"invalid UTF-8 in viewer text", &pb.WebcastChatMessage{User: &pb.User{Nickname: []byte("a\xffb"), DisplayId: []byte("\xed\xa0\x80x")}, Content: []byte("hi\xc0")},
			&tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "\uFFFDx", Nickname: "a\uFFFDb"}, Text: "hi\uFFFD"}},
		{"id_str when the numeric id is missing", &pb.WebcastLikeMessage{User: &pb.User{IdStr: "123"}},
			&tikcraft.LikeEvent{User: tikcraft.User{ID: "123"}}},
		{"msg id and time from common", &pb.WebcastRoomUserSeqMessage{Common: &pb.CommonMessageData{MsgId: 77, CreateTime: t0.UnixMilli()}, Total: 5},
			&tikcraft.ViewersEvent{Meta: tikcraft.Meta{MsgID: "77", Time: t0}, Count: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "Webcast" + strings.TrimPrefix(string(tt.m.ProtoReflect().Descriptor().Name()), "Webcast")
			var d Decoder
			evs, err := d.Events([]*pb.BaseProtoMessage{msg(method, 0, marshal(t, tt.m))})
			if err != nil {
				t.Fatalf("Events: %v", err)
			}
			if tt.want == nil {
				if len(evs) != 0 {
					t.Fatalf("got %d events (%+v), want none", len(evs), evs[0])
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			assertEventEqual(t, evs[0], tt.want)
		})
	}
}

func TestOuterMsgIDWins(t *testing.T) {
	p := marshal(t, &pb.WebcastChatMessage{Common: &pb.CommonMessageData{MsgId: 1}, Content: []byte("x")})
	var d Decoder
	evs, err := d.Events([]*pb.BaseProtoMessage{msg(MethodChat, 2, p)})
	if err != nil || len(evs) != 1 {
		t.Fatalf("Events = %v, %v", evs, err)
	}
	if got := evs[0].EventMeta().MsgID; got != "2" {
		t.Errorf("MsgID = %q, want the outer id 2", got)
	}
}

func TestCorruptMessageSkippedAlone(t *testing.T) {
	good := resultOf(t,
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, Text: "before"},
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "3"}, Text: "after"},
	)
	res := &pb.ProtoMessageFetchResult{NeedAck: true, InternalExt: "e", Messages: []*pb.BaseProtoMessage{
		good.Messages[0],
		msg(MethodGift, 2, []byte{0x0a, 0x05, 0x01}),                           // length runs past the end
		msg(MethodGift, 4, marshal(t, &pb.WebcastGiftMessage{RepeatCount: 1})), // no gift details
		good.Messages[1],
	}}
	var d Decoder
	f, evs, err := d.DecodeFrame(frameOf(t, res, true))
	if !f.NeedAck() || f.InternalExt() != "e" {
		t.Errorf("the ACK data must survive a bad message: need_ack=%v ext=%q", f.NeedAck(), f.InternalExt())
	}
	if len(evs) != 2 || evs[0].(*tikcraft.ChatEvent).Text != "before" || evs[1].(*tikcraft.ChatEvent).Text != "after" {
		t.Fatalf("events = %+v, want the two good chats in order", evs)
	}
	var me *MessageError
	if !errors.As(err, &me) || me.Index != 1 || me.Method != MethodGift || me.MsgID != 2 {
		t.Fatalf("err = %v, want a *MessageError for message #1", err)
	}
	if !errors.Is(err, errNoGiftDetails) {
		t.Errorf("err = %v, want it to also report the gift without details", err)
	}
	st := d.Stats()
	if st.Malformed[MethodGift] != 2 || st.Messages[MethodGift] != 2 || st.Messages[MethodChat] != 2 || st.Events != 2 || st.Frames != 1 || st.BadFrames != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestUnknownMethodsAreNotDecoded(t *testing.T) {
	// The payload is garbage: parsing it would fail, so no error proves it
	// was never parsed.
	res := &pb.ProtoMessageFetchResult{Messages: []*pb.BaseProtoMessage{
		msg("WebcastEnvelopeMessage", 1, []byte{0xff, 0xff, 0xff}),
		msg("", 2, []byte{0xff}),
	}}
	var d Decoder
	_, evs, err := d.DecodeFrame(frameOf(t, res, false))
	if err != nil || len(evs) != 0 {
		t.Fatalf("DecodeFrame = %v, %v; want no events and no error", evs, err)
	}
	st := d.Stats()
	if st.Messages["WebcastEnvelopeMessage"] != 1 || st.Messages[""] != 1 || len(st.Malformed) != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestNonMsgFrames(t *testing.T) {
	hb, err := HeartbeatFrame(7400, 3)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := AckFrame(99, "ext")
	if err != nil {
		t.Fatal(err)
	}
	enter, err := EnterRoomFrame(7400, 5)
	if err != nil {
		t.Fatal(err)
	}
	resp := marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadEnterRoomResp, Payload: gz(t, []byte("whatever"))})
	tests := []struct {
		name  string
		frame []byte
		check func(t *testing.T, f Frame)
	}{
		{"heartbeat", hb, func(t *testing.T, f Frame) {
			var m pb.HeartBeatMessage
			if err := proto.Unmarshal(f.Payload, &m); err != nil || m.GetRoomId() != 7400 || m.GetSendPacketSeqId() != 3 {
				t.Errorf("heartbeat = %v, %v", &m, err)
			}
		}},
		{"ack", ack, func(t *testing.T, f Frame) {
			if f.LogID != 99 || string(f.Payload) != "ext" {
				t.Errorf("ack = %+v", f)
			}
		}},
		{"enter room", enter, func(t *testing.T, f Frame) {
			var m pb.WebcastImEnterRoomMessage
			if err := proto.Unmarshal(f.Payload, &m); err != nil {
				t.Fatal(err)
			}
			if m.GetRoomId() != 7400 || m.GetLiveId() != 12 || m.GetIdentity() != "audience" || m.GetEnterUniqueId() != 5 || m.GetFilterWelcomeMsg() != "0" {
				t.Errorf("enter room = %v", &m)
			}
		}},
		{"enter room response, gzipped", resp, func(t *testing.T, f Frame) {
			if !f.Compressed || string(f.Payload) != "whatever" {
				t.Errorf("resp = %+v", f)
			}
		}},
		{"server heartbeat with a broken gzip payload", marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadHeartbeat,
			Headers: []*pb.PushHeader{{Key: "compress_type", Value: "gzip"}}, Payload: []byte("raw")}), func(t *testing.T, f Frame) {
			if f.Compressed || string(f.Payload) != "raw" {
				t.Errorf("frame = %+v, want the raw payload", f)
			}
		}},
		{"empty frame", nil, func(t *testing.T, f Frame) {
			if f.PayloadType != "" {
				t.Errorf("frame = %+v", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			f, evs, err := d.DecodeFrame(tt.frame)
			if err != nil || len(evs) != 0 || f.Result != nil || f.NeedAck() {
				t.Fatalf("DecodeFrame = %+v, %v, %v", f, evs, err)
			}
			tt.check(t, f)
		})
	}
}

func TestMalformedFrames(t *testing.T) {
	small := Limits{MaxBytes: 1 << 10, MaxMessages: 3}
	chat := resultOf(t, &tikcraft.ChatEvent{Text: "x"})
	tooMany := resultOf(t, &tikcraft.ChatEvent{}, &tikcraft.ChatEvent{}, &tikcraft.ChatEvent{}, &tikcraft.ChatEvent{})
	var headers []*pb.PushHeader
	for range maxHeaders + 1 {
		headers = append(headers, &pb.PushHeader{})
	}
	var params []byte
	for i := range maxRouteParams + 1 {
		entry := protowire.AppendTag(nil, 1, protowire.BytesType)
		entry = protowire.AppendString(entry, fmt.Sprint(i))
		params = protowire.AppendTag(params, 7, protowire.BytesType)
		params = protowire.AppendBytes(params, entry)
	}
	tests := []struct {
		name    string
		limits  Limits
		frame   []byte
		tooBig  bool   // want ErrTooLarge
		errText string // a fragment the streamer-facing error must contain
	}{
		{name: "not protobuf", frame: []byte("hello, world"), errText: "not a TikTok push frame"},
		{name: "truncated", frame: frameOf(t, chat, false)[:20], errText: "not a TikTok push frame"},
		{name: "msg payload not protobuf", frame: marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: []byte{0x0a, 0x7f}}), errText: "message batch is unreadable"},
		{name: "truncated gzip", frame: marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: gz(t, marshal(t, chat))[:15]}), errText: "not valid gzip"},
		{name: "frame over the limit", limits: small, frame: marshal(t, &pb.WebcastPushFrame{Payload: make([]byte, 2<<10)}), tooBig: true},
		{name: "payload over the limit after gunzip", limits: small, frame: marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: gz(t, make([]byte, 1<<10+1))}), tooBig: true},
		{name: "too many messages", limits: small, frame: frameOf(t, tooMany, false), tooBig: true},
		{name: "too many headers", frame: marshal(t, &pb.WebcastPushFrame{Headers: headers}), tooBig: true},
		{name: "too many route params", frame: marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: params}), tooBig: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.limits)
			_, evs, err := d.DecodeFrame(tt.frame)
			if err == nil {
				t.Fatal("DecodeFrame succeeded, want an error")
			}
			if evs != nil {
				t.Errorf("events = %v, want none from a bad frame", evs)
			}
			if errors.Is(err, ErrTooLarge) != tt.tooBig {
				t.Errorf("err = %v, ErrTooLarge want %v", err, tt.tooBig)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("err = %q, want it to contain %q", err, tt.errText)
			}
			var me *MessageError
			if errors.As(err, &me) {
				t.Errorf("a broken frame must not look like a broken message: %v", err)
			}
			if st := d.Stats(); st.Frames != 1 || st.BadFrames != 1 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

// The payload decides, not the compress_type label: a mislabelled frame
// still gives its events and its ACK data.
func TestGzipByContent(t *testing.T) {
	res := resultOf(t, &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "5"}, Text: "hello"})
	res.NeedAck, res.InternalExt = true, "ext"
	plain := marshal(t, res)
	for _, tt := range []struct {
		name    string
		label   string
		payload []byte
		packed  bool
	}{
		{"plain labelled gzip", "gzip", plain, false},
		{"gzip labelled none", "none", gz(t, plain), true},
		{"gzip without a label", "", gz(t, plain), true},
		{"plain labelled GZIP", "GZIP", plain, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pf := &pb.WebcastPushFrame{PayloadType: PayloadMsg, PayloadEncoding: "pb", Payload: tt.payload}
			if tt.label != "" {
				pf.Headers = []*pb.PushHeader{{Key: "compress_type", Value: tt.label}}
			}
			var d Decoder
			f, evs, err := d.DecodeFrame(marshal(t, pf))
			if err != nil || len(evs) != 1 || evs[0].(*tikcraft.ChatEvent).Text != "hello" {
				t.Fatalf("DecodeFrame = %+v, %v", evs, err)
			}
			if !f.NeedAck() || f.InternalExt() != "ext" || f.Compressed != tt.packed {
				t.Fatalf("frame %+v: the ACK data must survive", f)
			}
		})
	}
}

func TestGzipBomb(t *testing.T) {
	// gzip readers read concatenated members as one stream, so 64 copies of
	// a packed MiB of zeros unpack to 64 MiB from about 64 KiB.
	member := gz(t, make([]byte, 1<<20))
	bomb := bytes.Repeat(member, 64)
	frame := marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: bomb})
	const limit = 1 << 20

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := NewDecoder(Limits{MaxBytes: limit})
	_, evs, err := d.DecodeFrame(frame)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || evs != nil {
		t.Fatalf("DecodeFrame = %v, %v; want ErrTooLarge", evs, err)
	}
	// Reading stops at the limit: allocations stay a small multiple of it
	// instead of the 64 MiB the bomb unpacks to.
	if got := after.TotalAlloc - before.TotalAlloc; got > 8*limit {
		t.Errorf("decoding the bomb allocated %d bytes, want at most %d", got, 8*limit)
	}
}

func TestDecodeFetchResult(t *testing.T) {
	res := resultOf(t, &tikcraft.ViewersEvent{Count: 3})
	res.PushServer = "wss://example.invalid/webcast/im/push/v2/"
	res.RouteParams = map[string]string{"imprp": "x"}
	var d Decoder
	got, evs, err := d.DecodeFetchResult(marshal(t, res))
	if err != nil {
		t.Fatal(err)
	}
	if got.GetPushServer() != res.PushServer || got.GetRouteParams()["imprp"] != "x" || got.GetCursor() != "c1" {
		t.Errorf("result = %v", got)
	}
	if len(evs) != 1 || evs[0].(*tikcraft.ViewersEvent).Count != 3 {
		t.Errorf("events = %v", evs)
	}
	if _, _, err := NewDecoder(Limits{MaxBytes: 4}).DecodeFetchResult(marshal(t, res)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized result: err = %v, want ErrTooLarge", err)
	}
	if _, _, err := d.DecodeFetchResult([]byte{0xff}); err == nil {
		t.Error("garbage result decoded without error")
	}
}

func TestStatsMethodCap(t *testing.T) {
	var msgs []*pb.BaseProtoMessage
	for i := range maxTrackedMethods + 10 {
		msgs = append(msgs, msg(fmt.Sprintf("WebcastMade%dMessage", i), 0, nil))
	}
	var d Decoder
	if _, err := d.Events(msgs); err != nil {
		t.Fatal(err)
	}
	st := d.Stats()
	if len(st.Messages) != maxTrackedMethods+1 || st.Messages[OtherMethods] != 10 {
		t.Errorf("tracked %d methods, other=%d", len(st.Messages), st.Messages[OtherMethods])
	}
	// Stats is a copy: changing it changes nothing in the decoder.
	st.Messages[OtherMethods] = 0
	if d.Stats().Messages[OtherMethods] != 10 {
		t.Error("Stats returned the decoder's own map")
	}
}

func TestDecoderConcurrentUse(t *testing.T) {
	frame := frameOf(t, resultOf(t, &tikcraft.ChatEvent{Text: "x"}), true)
	var d Decoder
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 50 {
				if _, _, err := d.DecodeFrame(frame); err != nil {
					t.Error(err)
				}
				_ = d.Stats()
			}
		}()
	}
	for range 4 {
		<-done
	}
	if st := d.Stats(); st.Frames != 200 || st.Events != 200 || st.Messages[MethodChat] != 200 {
		t.Errorf("stats = %+v", st)
	}
}

func BenchmarkDecodeFrame(b *testing.B) {
	var evs []tikcraft.Event
	for i := range 20 {
		evs = append(evs, &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i + 1), Time: t0}, User: anna,
			Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: int64(i)})
	}
	for _, compress := range []bool{false, true} {
		frame := frameOf(b, resultOf(b, evs...), compress)
		b.Run(fmt.Sprintf("gzip=%v", compress), func(b *testing.B) {
			var d Decoder
			b.SetBytes(int64(len(frame)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := d.DecodeFrame(frame); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
