package webcast

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// matchReference decodes every frame with DecodeFrame (the fast path) on
// one Decoder and with decodeFrameRef on another, and fails on the first
// difference in the frame, the events, the error or, at the end, the stats.
func matchReference(t testing.TB, lim Limits, frames ...[]byte) {
	t.Helper()
	fast, ref := NewDecoder(lim), NewDecoder(lim)
	for i, b := range frames {
		ff, fevs, ferr := fast.DecodeFrame(b)
		rf, revs, rerr := ref.decodeFrameRef(b)
		if diff := frameDiff(ff, rf); diff != "" {
			t.Fatalf("frame %d: %s\nframe %x", i, diff, b)
		}
		if !reflect.DeepEqual(fevs, revs) {
			t.Fatalf("frame %d: events differ\nfast %s\n ref %s\nframe %x", i, describeEvents(fevs), describeEvents(revs), b)
		}
		if (ferr == nil) != (rerr == nil) || (ferr != nil && ferr.Error() != rerr.Error()) ||
			errors.Is(ferr, ErrTooLarge) != errors.Is(rerr, ErrTooLarge) || errors.Is(ferr, errNoGiftDetails) != errors.Is(rerr, errNoGiftDetails) {
			t.Fatalf("frame %d: errors differ\nfast %v\n ref %v\nframe %x", i, ferr, rerr, b)
		}
	}
	if fs, rs := fast.Stats(), ref.Stats(); !reflect.DeepEqual(fs, rs) {
		t.Fatalf("stats differ\nfast %+v\n ref %+v", fs, rs)
	}
}

func frameDiff(a, b Frame) string {
	switch {
	case a.SeqID != b.SeqID || a.LogID != b.LogID || a.PayloadType != b.PayloadType || a.Compressed != b.Compressed:
		return "header fields differ: " + describeFrame(a) + " vs " + describeFrame(b)
	case !bytes.Equal(a.Payload, b.Payload):
		return "payloads differ"
	case (a.Result == nil) != (b.Result == nil):
		return "one result is nil: " + describeFrame(a) + " vs " + describeFrame(b)
	case a.Result != nil && !proto.Equal(a.Result, b.Result):
		return "results differ"
	}
	return ""
}

func describeFrame(f Frame) string {
	return strings.Join([]string{f.PayloadType, boolString(f.Compressed), boolString(f.Result != nil)}, "/")
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func describeEvents(evs []tikcraft.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString(describeEvent(ev))
		b.WriteString("; ")
	}
	return b.String()
}

func describeEvent(ev tikcraft.Event) string {
	if ev == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s %+v", ev.Type(), ev)
}

// requireFast fails unless every frame, and every message in it, is decoded
// by the fast path itself: an equivalence test that the fast path passes by
// always falling back would prove nothing.
func requireFast(t *testing.T, frames [][]byte) {
	t.Helper()
	var d Decoder
	for i, b := range frames {
		r, ok := d.decodeFrameFast(b)
		if !ok {
			t.Fatalf("frame %d fell back to the reference decoder", i)
		}
		for j, m := range r.frame.Result.GetMessages() {
			if _, _, sure, _ := scanMessage(m.GetMethod(), m.GetPayload()); !sure {
				t.Fatalf("frame %d message %d (%s) fell back to the reference decoder", i, j, m.GetMethod())
			}
		}
	}
}

func fixtureFrames(t testing.TB) [][]byte {
	var frames [][]byte
	for _, fx := range loadFixtures(t) {
		b, err := base64.StdEncoding.DecodeString(fx.Frame)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, b)
	}
	return frames
}

func TestFastPathMatchesReferenceOnFixtures(t *testing.T) {
	frames := fixtureFrames(t)
	requireFast(t, frames)
	matchReference(t, Limits{}, frames...)
}

func TestFastPathMatchesReferenceOnTraffic(t *testing.T) {
	for _, compress := range []bool{true, false} {
		frames := webcasttest.Frames(100, 7, compress)
		requireFast(t, frames)
		matchReference(t, Limits{}, frames...)
	}
}

// TestFastPathMatchesReferenceOnMutatedTraffic: realistic frames with
// random damage (flipped, dropped and inserted bytes, truncation, spliced
// fields) must decode the same on both paths, with the same errors and
// counts. Uncompressed, so that the damage reaches the messages.
func TestFastPathMatchesReferenceOnMutatedTraffic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := webcasttest.Frames(100, 3, false)
	var frames [][]byte
	for range 1500 {
		frames = append(frames, mutate(rng, base[rng.IntN(len(base))]))
	}
	matchReference(t, Limits{}, frames...)
	matchReference(t, Limits{MaxBytes: 16 << 10, MaxMessages: 5}, frames...)
}

func mutate(rng *rand.Rand, b []byte) []byte {
	b = bytes.Clone(b)
	for range 1 + rng.IntN(4) {
		if len(b) == 0 {
			break
		}
		i := rng.IntN(len(b))
		switch rng.IntN(5) {
		case 0:
			b[i] ^= byte(1 << rng.IntN(8))
		case 1:
			b[i] = byte(rng.IntN(256))
		case 2:
			b = append(b[:i], b[i+1:]...)
		case 3:
			b = append(b[:i], append([]byte{byte(rng.IntN(256))}, b[i:]...)...)
		case 4:
			b = b[:i]
		}
	}
	return b
}

// Hand-made frames for what the fast path leaves to the reference, and for
// what it must copy exactly.
func TestFastPathMatchesReferenceOnOddFrames(t *testing.T) {
	user := func(extra ...[]byte) []byte {
		u := marshal(t, &pb.User{Id: 6811, Nickname: []byte("Anna"), DisplayId: []byte("anna_123")})
		for _, e := range extra {
			u = append(u, e...)
		}
		return u
	}
	field := func(num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), v)
	}
	vfield := func(num protowire.Number, v uint64) []byte {
		return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
	}
	common := marshal(t, &pb.CommonMessageData{MsgId: 1, CreateTime: 1767225600000, DisplayText: &pb.Text{Key: "pm_main_follow_message_viewer_2"}})
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	payloads := map[string][]byte{
		"chat":                       cat(field(1, common), field(2, user()), field(3, []byte("hi"))),
		"chat with invalid text":     cat(field(1, common), field(2, user()), field(3, []byte("\xff<\u2028>"))),
		"chat twice the user":        cat(field(1, common), field(2, user()), field(2, marshal(t, &pb.User{Nickname: []byte("other")}))),
		"chat twice the content":     cat(field(1, common), field(3, []byte("one")), field(3, nil)),
		"chat content as varint":     cat(field(1, common), vfield(3, 5)),
		"chat bad at_user":           cat(field(1, common), field(12, []byte{0x0a, 0x05})),
		"chat at_user invalid utf8":  cat(field(1, common), field(12, field(46, []byte("\xff")))),
		"chat user invalid sec_uid":  cat(field(1, common), field(2, user(field(46, []byte("\xc3"))))),
		"chat user with a group":     cat(field(1, common), field(2, user(protowire.AppendTag(nil, 100, protowire.StartGroupType), protowire.AppendTag(nil, 100, protowire.EndGroupType)))),
		"chat stray end group":       cat(field(1, common), protowire.AppendTag(nil, 9, protowire.EndGroupType)),
		"chat field number 0":        cat(field(1, common), []byte{0x02, 0x00}),
		"chat huge field number":     cat(field(1, common), protowire.AppendVarint(nil, uint64(protowire.MaxValidNumber+1)<<3), []byte{1}),
		"chat common twice":          cat(field(1, common), field(1, marshal(t, &pb.CommonMessageData{MsgId: 2}))),
		"chat common invalid method": cat(field(1, field(1, []byte("\xff")))),
		"chat display text twice":    cat(field(1, cat(common, field(8, field(2, []byte("p")))))),
		"chat 64-bit fields":         cat(field(1, cat(vfield(2, 1<<63), vfield(4, 1<<62))), field(2, user(vfield(1, 1<<63)))),
		"chat negative time":         cat(field(1, vfield(4, uint64(1<<64-5)))),
		"chat id_str only":           cat(field(2, marshal(t, &pb.User{IdStr: "6811", Nickname: []byte("x")}))),
		"gift":                       cat(field(1, common), vfield(2, 5655), vfield(5, 3), field(7, user()), vfield(11, 17), field(15, marshal(t, &pb.Gift{Id: 5655, Name: "Rose", Type: 1, DiamondCount: 1}))),
		"gift without details":       cat(field(1, common), vfield(2, 5655), vfield(5, 3), vfield(9, 1), field(7, user())),
		"gift without details or id": cat(field(1, common), vfield(5, 3), field(7, user())),
		"gift with empty details":    cat(field(1, common), field(15, nil)),
		"gift details twice":         cat(field(15, marshal(t, &pb.Gift{Id: 1})), field(15, marshal(t, &pb.Gift{Name: "x"}))),
		"gift name invalid utf8":     cat(field(15, field(16, []byte("\xff")))),
		"gift repeat over int32":     cat(vfield(2, 1), vfield(5, 1<<40), vfield(9, 1<<33)),
		"like":                       cat(field(1, common), vfield(2, 15), vfield(3, 4821), field(5, user())),
		"like count negative":        cat(vfield(2, uint64(1<<64-1)), field(5, user())),
		"social follow":              cat(field(1, common), field(2, user())),
		"social share upper":         cat(field(1, field(8, field(1, []byte("PM_MT_SHARE")))), field(2, user())),
		"social unicode key":         cat(field(1, field(8, field(1, []byte("ＦＯＬＬＯＷ \u212a")))), field(2, user())),
		"social share_target bad":    cat(field(1, common), field(5, []byte("\xff"))),
		"member join":                cat(field(1, common), field(2, user()), vfield(10, 1)),
		"member subscribe":           cat(field(2, user()), vfield(10, 3)),
		"member other":               cat(field(2, user()), vfield(10, 7)),
		"member operator bad":        cat(field(2, user()), vfield(10, 1), field(4, []byte{0xff})),
		"viewers":                    cat(field(1, common), vfield(3, 1234), field(4, []byte("1.2K"))),
		"viewers ranks unknown":      cat(field(2, user()), vfield(3, 1)),
		"control ended":              cat(field(1, common), vfield(2, 3)),
		"control suspended":          cat(vfield(2, 4)),
		"control paused":             cat(vfield(2, 1), field(3, []byte("tips"))),
		"control action 2^32+3":      cat(vfield(2, 1<<32+3)),
		"subnotify":                  cat(field(1, common), field(2, user()), vfield(4, 2), field(14, []byte("pkg"))),
		"empty":                      nil,
		"garbage":                    []byte("\x0a\x0a\x0a"),
	}
	// The audience flags (issue 16): follow_info, user_attr, badge_list in
	// the user, UserIdentity in gifts (32) and chat (18).
	flagged := user(field(22, vfield(3, 1)), field(32, vfield(2, 1)), field(64, vfield(3, 4)), field(64, vfield(3, 1)))
	for name, p := range map[string][]byte{
		"flags all":                    cat(field(1, common), field(2, flagged), field(3, []byte("hi")), field(18, cat(vfield(2, 1), vfield(5, 1))), field(7, flagged), field(32, vfield(4, 1))),
		"flags follow_info twice":      cat(field(2, user(field(22, vfield(3, 1)), field(22, vfield(3, 0))))),
		"flags follow_info merged":     cat(field(2, user(field(22, vfield(3, 2)), field(22, vfield(1, 7))))),
		"flags user_attr twice":        cat(field(2, user(field(32, vfield(2, 1)), field(32, nil))), field(7, user(field(32, vfield(2, 1)), field(32, vfield(2, 0))))),
		"flags identity twice":         cat(field(2, user()), field(18, vfield(4, 1)), field(18, vfield(2, 1)), field(32, vfield(5, 1)), field(32, vfield(5, 0))),
		"flags scene twice in a badge": cat(field(2, user(field(64, cat(vfield(3, 4), vfield(3, 6)))))),
		"flags scene over int32":       cat(field(2, user(field(64, vfield(3, 1<<32+4)), field(64, vfield(3, 1<<33+1))))),
		"flags follow_status negative": cat(field(2, user(field(22, vfield(3, 1<<64-1))))),
		"flags follow_status huge":     cat(field(2, user(field(22, vfield(3, 1<<40))))),
		"flags is_admin 2":             cat(field(2, user(field(32, vfield(2, 2))))),
		"flags follow_info as varint":  cat(field(2, user(vfield(22, 1)))),
		"flags user_attr as varint":    cat(field(2, user(vfield(32, 1)))),
		"flags badge as varint":        cat(field(2, user(vfield(64, 4)))),
		"flags badge cut short":        cat(field(2, user(field(64, []byte{0x18})))),
		"flags user_attr cut short":    cat(field(2, user(field(32, []byte{0x10, 0xff})))),
		"flags follow_info bad field":  cat(field(2, user(field(22, []byte{0x1a, 0x05})))),
		"flags identity cut short":     cat(field(2, user()), field(18, []byte{0x28}), field(32, []byte{0x20})),
		"flags identity as bytes":      cat(field(2, user()), field(18, field(4, []byte("x"))), field(32, field(2, nil))),
		"flags scene as bytes":         cat(field(2, user(field(64, field(3, []byte{1}))))),
		"flags unknown in nested":      cat(field(2, user(field(22, cat(vfield(1, 5), field(99, []byte("x")), vfield(3, 1))), field(64, cat(field(10, []byte("url")), vfield(3, 7)))))),
		"flags bad to_user":            cat(field(8, user(field(22, []byte{0x18}))), field(12, user(field(64, []byte{0x18})))),
		"flags operator twice attr":    cat(field(2, user()), vfield(10, 1), field(4, user(field(32, nil), field(32, nil)))),
		"flags mutual only":            cat(field(2, user()), field(18, vfield(3, 1)), field(32, vfield(3, 1))),
		"flags follow of non-follower": cat(field(1, common), field(2, user(field(22, vfield(3, 0))))),
	} {
		payloads[name] = p
	}
	methods := []string{MethodGift, MethodLike, MethodSocial, MethodMember, MethodChat, MethodRoomUserSeq, MethodControl, MethodSubNotify, "WebcastOther"}
	var msgs []*pb.BaseProtoMessage
	id := int64(100)
	for _, p := range payloads {
		for _, m := range methods {
			id++
			msgs = append(msgs, &pb.BaseProtoMessage{Method: m, Payload: p, MsgId: id})
		}
	}
	var frames [][]byte
	for i := 0; i < len(msgs); i += 7 {
		res := &pb.ProtoMessageFetchResult{Messages: msgs[i:min(i+7, len(msgs))], Cursor: "c", InternalExt: "e", NeedAck: true}
		frames = append(frames, frameOf(t, res, i%2 == 0))
	}
	fetch := func(res ...[]byte) []byte { return bytes.Join(res, nil) }
	ok := marshal(t, &pb.ProtoMessageFetchResult{Messages: msgs[:3]})
	push := func(payload []byte, extra ...[]byte) []byte {
		b := marshal(t, &pb.WebcastPushFrame{LogId: 9, PayloadType: PayloadMsg, Payload: payload})
		return append(b, bytes.Join(extra, nil)...)
	}
	frames = append(frames,
		push(ok),
		push(gz(t, ok)),
		push(ok, field(5, marshal(t, &pb.PushHeader{Key: "compress_type", Value: "gzip"}))),        // labelled, not gzipped
		push(gz(t, ok), field(5, marshal(t, &pb.PushHeader{Key: "compress_type", Value: "none"}))), // gzipped, labelled none
		push(append(gz(t, ok), gz(t, nil)...)),                                                     // two gzip members
		push(append(gz(t, ok), 0x00)),                                                              // trailing garbage after gzip
		push(gz(t, ok)[:30]),                                                                       // truncated gzip
		push([]byte{0x1f, 0x8b, 0x08}),                                                             // magic only
		push([]byte{0x1f, 0x8b}),                                                                   // two bytes of magic, nothing else
		push(gz(t, make([]byte, 64<<10))),                                                          // over the small limit unpacked
		push(fetch(ok, field(7, field(1, []byte("k"))))),                                           // route params
		push(fetch(ok, vfield(1, 3))),                                                              // messages as a varint
		push(fetch(ok, field(2, []byte("\xff")))),                                                  // invalid cursor
		push(fetch(ok, field(1, field(1, []byte("\xff"))))),                                        // invalid method
		push(fetch(ok, field(1, field(2, nil)))),                                                   // empty message
		push(fetch(ok, vfield(99, 1), field(100, []byte("new")))),                                  // fields TikTok may add
		push(fetch(ok), field(5, field(1, []byte("\xff")))),                                        // invalid header key
		push(fetch(ok), vfield(5, 1)),                                                              // header as a varint
		push(fetch(ok), field(7, []byte("\xff"))),                                                  // invalid payload type
		push(fetch(ok), field(7, []byte(PayloadHeartbeat))),                                        // last payload type wins
		marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadHeartbeat, Payload: gz(t, []byte("x"))}),
		marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadHeartbeat, Payload: []byte{0x1f, 0x8b, 0x08, 0x00}}),
		marshal(t, &pb.WebcastPushFrame{PayloadType: "custom"}),
		nil,
		[]byte{0x0a},
	)
	matchReference(t, Limits{}, frames...)
	matchReference(t, Limits{MaxBytes: 1 << 10, MaxMessages: 3}, frames...)
}

func TestMislabelledGzipStillDecodes(t *testing.T) {
	res := resultOf(t, &tikcraft.ChatEvent{Text: "hello"})
	for name, frame := range map[string][]byte{
		"labelled gzip, sent plain": marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg,
			Headers: []*pb.PushHeader{{Key: "compress_type", Value: "gzip"}}, Payload: marshal(t, res)}),
		"gzipped, no label": marshal(t, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: gz(t, marshal(t, res))}),
	} {
		for _, decode := range []func(*Decoder, []byte) (Frame, []tikcraft.Event, error){(*Decoder).DecodeFrame, (*Decoder).decodeFrameRef} {
			_, evs, err := decode(new(Decoder), frame)
			if err != nil || len(evs) != 1 || evs[0].(*tikcraft.ChatEvent).Text != "hello" {
				t.Errorf("%s: events %v, error %v; want the chat", name, describeEvents(evs), err)
			}
		}
	}
}

func TestGiftWithoutDetailsIsMatchedByID(t *testing.T) {
	payload := marshal(t, &pb.WebcastGiftMessage{GiftId: 5655, RepeatCount: 2, RepeatEnd: 1, GroupId: 17, User: &pb.User{DisplayId: []byte("anna")}})
	res := &pb.ProtoMessageFetchResult{Messages: []*pb.BaseProtoMessage{{Method: MethodGift, Payload: payload, MsgId: 7}}}
	want := &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7"}, User: tikcraft.User{UniqueID: "anna"},
		Gift: tikcraft.Gift{ID: 5655, Combo: true}, RepeatCount: 2, RepeatEnd: true, GroupID: "17"}
	for _, decode := range []func(*Decoder, []byte) (Frame, []tikcraft.Event, error){(*Decoder).DecodeFrame, (*Decoder).decodeFrameRef} {
		d := new(Decoder)
		_, evs, err := decode(d, frameOf(t, res, true))
		if err != nil || len(evs) != 1 || !reflect.DeepEqual(evs[0], want) {
			t.Errorf("events %s, error %v; want %s", describeEvents(evs), err, describeEvent(want))
		}
		if st := d.Stats(); st.Malformed[MethodGift] != 0 {
			t.Errorf("counted as malformed: %+v", st)
		}
	}
}

// FuzzFastPathMatchesReference: on any input the fast path gives what the
// reference gives, and never panics.
func FuzzFastPathMatchesReference(f *testing.F) {
	addFixtureFrames(f)
	for _, b := range webcasttest.Frames(3, 1, false) {
		f.Add(b)
	}
	for _, b := range webcasttest.Frames(2, 2, true) {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		matchReference(t, fuzzLimits, b)
	})
}

// FuzzScanMessage reaches the message decoders directly, which a fuzzer
// working on whole frames rarely does.
func FuzzScanMessage(f *testing.F) {
	methods := []string{MethodGift, MethodLike, MethodSocial, MethodMember, MethodChat, MethodRoomUserSeq, MethodControl, MethodSubNotify}
	for _, p := range flagPayloads(f) {
		for i := range methods {
			f.Add(uint8(i), p)
		}
	}
	var d Decoder
	for _, b := range webcasttest.Frames(4, 5, false) {
		fr, _, _ := d.DecodeFrame(b)
		for _, m := range fr.Result.GetMessages() {
			for i, name := range methods {
				if name == m.GetMethod() {
					f.Add(uint8(i), m.GetPayload())
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, p []byte) {
		method := methods[int(which)%len(methods)]
		fev, fknown, ferr := fastMessage(method, p)
		rev, rknown, rerr := decodeMessage(method, p)
		if fknown != rknown || !reflect.DeepEqual(fev, rev) || (ferr == nil) != (rerr == nil) || (ferr != nil && ferr.Error() != rerr.Error()) {
			t.Fatalf("%s %x:\nfast %s %v %v\n ref %s %v %v", method, p, describeEvent(fev), fknown, ferr, describeEvent(rev), rknown, rerr)
		}
	})
}
