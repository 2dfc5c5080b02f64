package webcast

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// The fast path of DecodeFrame. It reads the wire format directly
// (protowire) instead of unmarshalling into the generated types, takes only
// the fields tikcraft uses, and unpacks gzip with its own decoder
// (inflate.go) or pooled gzip readers; decodeFrameRef is the
// reference it must agree with, byte for byte and count for count
// (scan_test.go checks that on the fixtures, on generated traffic and by
// fuzzing).
//
// It copies what proto.Unmarshal checks, not just what it keeps: every field
// the schema declares, even one tikcraft ignores (to_user, at_user, the
// display text's pattern...), must have valid wire data and, for strings,
// valid UTF-8, or the reference rejects the message. Whatever it is not sure
// to handle exactly as proto.Unmarshal does (a declared field with an
// unexpected wire type, a message field that appears twice and would be
// merged, groups, route params, broken gzip, anything over a limit) it does
// not handle at all: the frame, or the one message, goes to the reference
// decoder instead, before anything was counted. Real traffic never takes
// that way; hostile or broken input does, and then costs a second decode.

// fastState is the fast path's part of a Decoder.
type fastState struct {
	inflaters sync.Pool // *inflater
	// payloads, when set, gives the buffers gunzip unpacks into. Only
	// DecodeCapture sets it: it knows when a frame's payload is no longer
	// used, DecodeFrame's callers keep theirs.
	payloads *sync.Pool // *[]byte
}

// inflater is kept between frames: the tables of gunzipWhole, and a gzip
// reader for the streams it leaves (a new one per frame allocates and
// clears its 32 KiB window every time).
type inflater struct {
	tables flateTables // for gunzipWhole (inflate.go)
	src    bytes.Reader
	zr     *gzip.Reader
}

type decodedFrame struct {
	frame  Frame
	events []tikcraft.Event
	err    error
}

// decodeFrameFast is DecodeFrame's fast path; ok is false when b must be
// decoded by decodeFrameRef, and then nothing was counted.
func (d *Decoder) decodeFrameFast(b []byte) (r decodedFrame, ok bool) {
	lim := d.limits.withDefaults()
	if len(b) > lim.MaxBytes {
		return r, false
	}
	f, payload, ok := scanPushFrame(b)
	if !ok {
		return r, false
	}
	if isGzip(payload) { // by content, as decodeFrameRef
		if f.Payload, ok = d.gunzip(payload, lim.MaxBytes); !ok {
			return r, false
		}
		f.Compressed = true
	} else {
		f.Payload = bytes.Clone(payload)
		if len(f.Payload) == 0 {
			f.Payload = nil // as proto.Unmarshal leaves an empty bytes field
		}
	}
	if f.PayloadType != PayloadMsg {
		d.countFrame(true)
		return decodedFrame{frame: f}, true
	}
	if f.Result, ok = scanFetchResult(f.Payload, lim); !ok {
		return r, false
	}
	d.countFrame(true)
	evs, err := d.eventsFast(f.Result.Messages)
	return decodedFrame{frame: f, events: evs, err: err}, true
}

// gunzip unpacks p with a pooled inflater: gunzipWhole for the usual
// stream, else compress/gzip. It gives up (false) on anything but a clean
// stream of at most limit bytes; the reference then reports it.
func (d *Decoder) gunzip(p []byte, limit int) ([]byte, bool) {
	z, _ := d.fast.inflaters.Get().(*inflater)
	if z == nil {
		z = new(inflater)
	}
	defer d.fast.inflaters.Put(z)
	var buf []byte
	if d.fast.payloads != nil {
		if b, _ := d.fast.payloads.Get().(*[]byte); b != nil {
			buf = *b
		}
	}
	if out, ok := z.tables.gunzipWhole(p, limit, buf); ok {
		return out, true
	}

	z.src.Reset(p)
	if z.zr == nil {
		zr, err := gzip.NewReader(&z.src)
		if err != nil {
			return nil, false
		}
		z.zr = zr
	} else if err := z.zr.Reset(&z.src); err != nil {
		return nil, false
	}
	// The trailer's ISIZE is the unpacked size (mod 2^32) of a one-member
	// stream: allocate once for the usual case, grow for the others.
	size := 512
	if len(p) >= 18 {
		if n := int(binary.LittleEndian.Uint32(p[len(p)-4:])); n > 0 && n <= limit && n <= 1032*len(p) {
			size = n + 1 // room to see EOF without growing
		}
	}
	out := buf[:0]
	if cap(out) < size {
		out = make([]byte, 0, size)
	}
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := z.zr.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if len(out) > limit {
			return nil, false
		}
		if errors.Is(err, io.EOF) {
			return out, true
		}
		if err != nil {
			return nil, false
		}
	}
}

// wire walks the fields of one message. Methods that meet something the
// fast path does not copy set unsure, after which next returns false.
type wire struct {
	b      []byte
	num    protowire.Number
	typ    protowire.Type
	unsure bool
}

// next reads the next tag, as proto.Unmarshal does: field numbers 1 to
// 2^29-1, and an end-group tag outside a group is an error.
func (w *wire) next() bool {
	if w.unsure || len(w.b) == 0 {
		return false
	}
	var v uint64
	if w.b[0] < 0x80 {
		v = uint64(w.b[0])
		w.b = w.b[1:]
	} else {
		var n int
		v, n = protowire.ConsumeVarint(w.b)
		if n < 0 {
			w.unsure = true
			return false
		}
		w.b = w.b[n:]
	}
	num := v >> 3
	w.num, w.typ = protowire.Number(num), protowire.Type(v&7)
	if num < uint64(protowire.MinValidNumber) || num > uint64(protowire.MaxValidNumber) || w.typ == protowire.EndGroupType {
		w.unsure = true
		return false
	}
	return true
}

// ok reports whether the walk ended cleanly.
func (w *wire) ok() bool { return !w.unsure && len(w.b) == 0 }

func (w *wire) varint() uint64 {
	if w.typ != protowire.VarintType {
		w.unsure = true
		return 0
	}
	if len(w.b) > 0 && w.b[0] < 0x80 {
		v := uint64(w.b[0])
		w.b = w.b[1:]
		return v
	}
	v, n := protowire.ConsumeVarint(w.b)
	if n < 0 {
		w.unsure = true
		return 0
	}
	w.b = w.b[n:]
	return v
}

func (w *wire) int64() int64 { return int64(w.varint()) }
func (w *wire) int32() int32 { return int32(w.varint()) }

func (w *wire) bytes() []byte {
	if w.typ != protowire.BytesType {
		w.unsure = true
		return nil
	}
	v, n := protowire.ConsumeBytes(w.b)
	if n < 0 {
		w.unsure = true
		return nil
	}
	w.b = w.b[n:]
	return v
}

// str is a proto3 string field: the reference rejects invalid UTF-8.
func (w *wire) str() []byte {
	v := w.bytes()
	if !utf8.Valid(v) {
		w.unsure = true
	}
	return v
}

// msg is a singular message field; a second occurrence would be merged into
// the first by proto.Unmarshal, which the fast path does not copy.
func (w *wire) msg(seen *bool) []byte {
	if *seen {
		w.unsure = true
		return nil
	}
	*seen = true
	return w.bytes()
}

// skip passes over a field the schema does not declare.
func (w *wire) skip() {
	n := protowire.ConsumeFieldValue(w.num, w.typ, w.b)
	if n < 0 {
		w.unsure = true
		return
	}
	w.b = w.b[n:]
}

// scanPushFrame reads a WebcastPushFrame; payload is the raw payload field.
func scanPushFrame(b []byte) (f Frame, payload []byte, ok bool) {
	w := wire{b: b}
	headers := 0
	var typ []byte
	for w.next() {
		switch w.num {
		case 1:
			f.SeqID = w.int64()
		case 2:
			f.LogID = w.int64()
		case 3, 4:
			w.varint()
		case 5:
			if headers++; headers > maxHeaders || !scanHeader(w.bytes()) {
				return f, nil, false
			}
		case 6:
			w.str()
		case 7:
			typ = w.str()
		case 8:
			payload = w.bytes()
		default:
			w.skip()
		}
	}
	if !w.ok() {
		return f, nil, false
	}
	f.PayloadType = payloadType(typ)
	return f, payload, true
}

func scanHeader(b []byte) bool {
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 1, 2:
			w.str()
		default:
			w.skip()
		}
	}
	return w.ok()
}

func payloadType(b []byte) string {
	switch string(b) { // no allocation for the usual values
	case PayloadMsg:
		return PayloadMsg
	case PayloadHeartbeat:
		return PayloadHeartbeat
	case PayloadAck:
		return PayloadAck
	case PayloadEnterRoomResp:
		return PayloadEnterRoomResp
	case "":
		return ""
	}
	return string(b)
}

// scanFetchResult reads a ProtoMessageFetchResult. Its messages alias b.
func scanFetchResult(b []byte, lim Limits) (*pb.ProtoMessageFetchResult, bool) {
	res := new(pb.ProtoMessageFetchResult)
	n := 0
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 1:
			if n++; n > lim.MaxMessages {
				return nil, false
			}
			w.skip() // read below, once they are counted
		case 2:
			res.Cursor = string(w.str())
		case 3:
			res.FetchInterval = w.int64()
		case 4:
			res.Now = w.int64()
		case 5:
			res.InternalExt = string(w.str())
		case 6:
			res.FetchType = w.int32()
		case 8:
			res.HeartbeatDuration = w.int64()
		case 9:
			res.NeedAck = w.varint() != 0
		case 10:
			res.PushServer = string(w.str())
		case 11:
			res.IsFirst = w.varint() != 0
		case 12:
			res.HistoryCommentCursor = string(w.str())
		case 13:
			res.HistoryNoMore = w.varint() != 0
		case 7: // route params, a map: left to the reference
			return nil, false
		default:
			w.skip()
		}
	}
	if !w.ok() {
		return nil, false
	}
	if n == 0 {
		return res, true
	}
	msgs := make([]pb.BaseProtoMessage, n)
	res.Messages = make([]*pb.BaseProtoMessage, n)
	i := 0
	w = wire{b: b}
	for w.next() {
		if w.num != 1 {
			w.skip()
			continue
		}
		m := &msgs[i]
		if w.typ != protowire.BytesType || !scanBaseMessage(w.bytes(), m) {
			return nil, false
		}
		res.Messages[i] = m
		i++
	}
	return res, w.ok()
}

func scanBaseMessage(b []byte, m *pb.BaseProtoMessage) bool {
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 1:
			m.Method = methodName(w.str())
		case 2:
			m.Payload = w.bytes()
			if len(m.Payload) == 0 {
				m.Payload = nil
			}
		case 3:
			m.MsgId = w.int64()
		case 4:
			m.MsgType = w.int32()
		case 5:
			m.Offset = w.int64()
		case 6:
			m.IsHistory = w.varint() != 0
		case 7:
			m.SampleFlag = w.int32()
		default:
			w.skip()
		}
	}
	return w.ok()
}

func methodName(b []byte) string {
	switch string(b) { // no allocation for the methods we decode
	case MethodGift:
		return MethodGift
	case MethodLike:
		return MethodLike
	case MethodSocial:
		return MethodSocial
	case MethodMember:
		return MethodMember
	case MethodChat:
		return MethodChat
	case MethodRoomUserSeq:
		return MethodRoomUserSeq
	case MethodControl:
		return MethodControl
	case MethodSubNotify:
		return MethodSubNotify
	}
	return string(b)
}

// eventsFast is Events with fastMessage.
func (d *Decoder) eventsFast(msgs []*pb.BaseProtoMessage) ([]tikcraft.Event, error) {
	var (
		evs  []tikcraft.Event
		errs []error
	)
	for i, m := range msgs {
		ev, known, err := fastMessage(m.Method, m.Payload)
		d.countMessage(m.Method, err != nil)
		switch {
		case err != nil:
			errs = append(errs, &MessageError{Index: i, Method: m.Method, MsgID: m.MsgId, Err: err})
			continue
		case !known || ev == nil:
			continue
		}
		if m.MsgId != 0 {
			ev.EventMeta().MsgID = strconv.FormatInt(m.MsgId, 10)
		}
		evs = append(evs, ev)
	}
	d.countEvents(len(evs))
	return evs, errors.Join(errs...)
}

// fastMessage is decodeMessage reading the wire format directly; a message
// it is not sure about is decoded by decodeMessage.
func fastMessage(method string, p []byte) (ev tikcraft.Event, known bool, err error) {
	ev, known, sure, err := scanMessage(method, p)
	if !sure {
		return decodeMessage(method, p)
	}
	return ev, known, err
}

// scanMessage is fastMessage without the fallback: sure is false when p
// must be decoded by decodeMessage.
func scanMessage(method string, p []byte) (ev tikcraft.Event, known, sure bool, err error) {
	switch method {
	case MethodGift:
		ev, sure, err = scanGift(p)
	case MethodLike:
		ev, sure = scanLike(p)
	case MethodSocial:
		ev, sure = scanSocial(p)
	case MethodMember:
		ev, sure = scanMember(p)
	case MethodChat:
		ev, sure = scanChat(p)
	case MethodRoomUserSeq:
		ev, sure = scanRoomUserSeq(p)
	case MethodControl:
		ev, sure = scanControl(p)
	case MethodSubNotify:
		ev, sure = scanSubNotify(p)
	default:
		return nil, false, true, nil
	}
	return ev, true, sure, err
}

// commonData is what tikcraft uses of a CommonMessageData.
type commonData struct {
	msgID      int64
	createTime int64
	key        []byte // display_text.key
}

func (c *commonData) meta() tikcraft.Meta {
	var m tikcraft.Meta
	if c.msgID != 0 {
		m.MsgID = strconv.FormatInt(c.msgID, 10)
	}
	if c.createTime > 0 {
		m.Time = time.UnixMilli(c.createTime).UTC()
	}
	return m
}

func scanCommon(b []byte, c *commonData) bool {
	w := wire{b: b}
	seenText := false
	for w.next() {
		switch w.num {
		case 1, 7:
			w.str()
		case 2:
			c.msgID = w.int64()
		case 3, 5, 6:
			w.varint()
		case 4:
			c.createTime = w.int64()
		case 8:
			if t := w.msg(&seenText); !w.unsure && !scanText(t, c) {
				return false
			}
		default:
			w.skip()
		}
	}
	return w.ok()
}

func scanText(b []byte, c *commonData) bool {
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 1:
			c.key = w.str()
		case 2:
			w.str()
		default:
			w.skip()
		}
	}
	return w.ok()
}

// userData is what tikcraft uses of a User.
type userData struct {
	id                         int64
	nickname, displayID, idStr []byte
	followStatus               int64 // follow_info.follow_status
	admin                      bool  // user_attr.is_admin
	// The flags the badges stand for, from all of them (see applyBadge).
	badges tikcraft.User
}

// user is the event's user; id is the message's UserIdentity, zero when it
// has none.
func (u *userData) user(id identityData) tikcraft.User {
	v := tikcraft.User{UniqueID: viewerText(u.displayID), Nickname: viewerText(u.nickname)}
	if u.id != 0 {
		v.ID = strconv.FormatInt(u.id, 10)
	} else if len(u.idStr) > 0 {
		v.ID = string(u.idStr)
	}
	// As user and withIdentity in decode.go.
	v.Follower = u.followStatus >= followStatusFollows || id.follower || id.mutual
	v.Subscriber = u.badges.Subscriber || id.subscriber
	v.Moderator = u.admin || u.badges.Moderator || id.moderator
	v.FanClub = u.badges.FanClub
	return v
}

func scanUser(b []byte, u *userData) bool {
	w := wire{b: b}
	var seenFollow, seenAttr bool
	for w.next() {
		switch w.num {
		case 1:
			u.id = w.int64()
		case 3:
			u.nickname = w.bytes()
		case 22:
			if p := w.msg(&seenFollow); !w.unsure && !scanFollowInfo(p, u) {
				return false
			}
		case 32:
			if p := w.msg(&seenAttr); !w.unsure && !scanUserAttr(p, u) {
				return false
			}
		case 38:
			u.displayID = w.bytes()
		case 46:
			w.str()
		case 64: // repeated: every badge counts, none is merged
			if w.typ != protowire.BytesType {
				w.unsure = true
			} else if !scanBadge(w.bytes(), u) {
				return false
			}
		case 1028:
			u.idStr = w.str()
		default:
			w.skip()
		}
	}
	return w.ok()
}

// scanFollowInfo, scanUserAttr and scanBadge read the one varint field
// each declares (follow_status, is_admin, scene_type).
func scanFollowInfo(b []byte, u *userData) bool {
	v, ok := lastVarint(b, 3)
	u.followStatus = int64(v)
	return ok
}

func scanUserAttr(b []byte, u *userData) bool {
	v, ok := lastVarint(b, 2)
	u.admin = v != 0
	return ok
}

func scanBadge(b []byte, u *userData) bool {
	v, ok := lastVarint(b, 3)
	applyBadge(&u.badges, int32(v))
	return ok
}

// lastVarint walks a message whose only declared field is the varint num,
// as wire does but in one tight loop (every user carries these, several
// badges each), and returns num's last value, 0 when absent. ok is false
// for anything wire would be unsure of: broken wire data, a group end
// outside a group, num with another wire type.
func lastVarint(b []byte, num protowire.Number) (v uint64, ok bool) {
	for len(b) > 0 {
		var tag uint64
		if b[0] < 0x80 {
			tag, b = uint64(b[0]), b[1:]
		} else {
			t, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return 0, false
			}
			tag, b = t, b[n:]
		}
		got, typ := protowire.Number(tag>>3), protowire.Type(tag&7)
		if tag>>3 < uint64(protowire.MinValidNumber) || tag>>3 > uint64(protowire.MaxValidNumber) || typ == protowire.EndGroupType {
			return 0, false
		}
		switch {
		case typ == protowire.VarintType:
			var x uint64
			if len(b) > 0 && b[0] < 0x80 {
				x, b = uint64(b[0]), b[1:]
			} else {
				y, n := protowire.ConsumeVarint(b)
				if n < 0 {
					return 0, false
				}
				x, b = y, b[n:]
			}
			if got == num {
				v = x
			}
		case got == num:
			return 0, false
		case typ == protowire.BytesType:
			l, n := protowire.ConsumeVarint(b)
			if n < 0 || l > uint64(len(b)-n) {
				return 0, false
			}
			b = b[n+int(l):]
		default:
			n := protowire.ConsumeFieldValue(got, typ, b)
			if n < 0 {
				return 0, false
			}
			b = b[n:]
		}
	}
	return v, true
}

// viewerText is text() without the copy strings.ToValidUTF8 makes of
// invalid input.
func viewerText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// scanOtherUser checks a declared User field tikcraft does not use
// (to_user, operator, at_user).
func scanOtherUser(b []byte) bool {
	var u userData
	return scanUser(b, &u)
}

// identityData is what tikcraft uses of a UserIdentity.
type identityData struct {
	subscriber, mutual, follower, moderator bool
}

func scanIdentity(b []byte, id *identityData) bool {
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 1, 6:
			w.varint()
		case 2:
			id.subscriber = w.varint() != 0
		case 3:
			id.mutual = w.varint() != 0
		case 4:
			id.follower = w.varint() != 0
		case 5:
			id.moderator = w.varint() != 0
		default:
			w.skip()
		}
	}
	return w.ok()
}

// scanRoom walks the fields every room message starts with (1 common, and
// the user at userField) and hands the others to field.
func scanRoom(b []byte, userField protowire.Number, c *commonData, u *userData, field func(w *wire) bool) bool {
	w := wire{b: b}
	var seenCommon, seenUser bool
	for w.next() {
		switch w.num {
		case 1:
			if p := w.msg(&seenCommon); !w.unsure && !scanCommon(p, c) {
				return false
			}
		case userField:
			if p := w.msg(&seenUser); !w.unsure && !scanUser(p, u) {
				return false
			}
		default:
			if !field(&w) {
				return false
			}
		}
	}
	return w.ok()
}

func scanGift(b []byte) (tikcraft.Event, bool, error) {
	var (
		c                        commonData
		u                        userData
		giftID, groupID          int64
		repeatCount, repeatEnd   int32
		g                        giftData
		ident                    identityData
		seenTo, seenGift, seenID bool
	)
	ok := scanRoom(b, 7, &c, &u, func(w *wire) bool {
		switch w.num {
		case 2:
			giftID = w.int64()
		case 3, 4, 6, 25:
			w.varint()
		case 5:
			repeatCount = w.int32()
		case 8:
			if p := w.msg(&seenTo); !w.unsure {
				return scanOtherUser(p)
			}
		case 9:
			repeatEnd = w.int32()
		case 11:
			groupID = w.int64()
		case 15:
			if p := w.msg(&seenGift); !w.unsure {
				g.present = true
				return scanGiftStruct(p, &g)
			}
		case 32:
			if p := w.msg(&seenID); !w.unsure {
				return scanIdentity(p, &ident)
			}
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false, nil
	}
	if !g.present {
		if giftID == 0 {
			return nil, true, errNoGiftDetails
		}
		g.typ = 1 // as giftEvent: without details, a combo matched by id
	}
	id := g.id
	if id == 0 {
		id = giftID
	}
	ev := &tikcraft.GiftEvent{
		Meta: c.meta(),
		User: u.user(ident),
		Gift: tikcraft.Gift{
			ID:       id,
			Name:     string(g.name),
			Combo:    g.typ == 1,
			Diamonds: int64(g.diamonds),
		},
		RepeatCount: int64(repeatCount),
		RepeatEnd:   repeatEnd != 0,
	}
	if groupID != 0 {
		ev.GroupID = strconv.FormatInt(groupID, 10)
	}
	return ev, true, nil
}

type giftData struct {
	present       bool
	id            int64
	typ, diamonds int32
	name          []byte
}

func scanGiftStruct(b []byte, g *giftData) bool {
	w := wire{b: b}
	for w.next() {
		switch w.num {
		case 2:
			w.str()
		case 4, 10:
			w.varint()
		case 5:
			g.id = w.int64()
		case 11:
			g.typ = w.int32()
		case 12:
			g.diamonds = w.int32()
		case 16:
			g.name = w.str()
		default:
			w.skip()
		}
	}
	return w.ok()
}

func scanLike(b []byte) (tikcraft.Event, bool) {
	var (
		c     commonData
		u     userData
		count int32
		total int64
	)
	ok := scanRoom(b, 5, &c, &u, func(w *wire) bool {
		switch w.num {
		case 2:
			count = w.int32()
		case 3:
			total = w.int64()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return &tikcraft.LikeEvent{Meta: c.meta(), User: u.user(identityData{}), Count: int64(count), Total: total}, true
}

func scanSocial(b []byte) (tikcraft.Event, bool) {
	var (
		c commonData
		u userData
	)
	ok := scanRoom(b, 2, &c, &u, func(w *wire) bool {
		switch w.num {
		case 3, 4, 6, 8, 13, 14:
			w.varint()
		case 5:
			w.str()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	// As socialEvent: by display key, case-insensitively.
	key := strings.ToLower(string(c.key))
	switch {
	case strings.Contains(key, "follow"):
		fu := u.user(identityData{})
		fu.Follower = true // as socialEvent: by definition
		return &tikcraft.FollowEvent{Meta: c.meta(), User: fu}, true
	case strings.Contains(key, "share"):
		return &tikcraft.ShareEvent{Meta: c.meta(), User: u.user(identityData{})}, true
	}
	return nil, true
}

func scanMember(b []byte) (tikcraft.Event, bool) {
	var (
		c            commonData
		u            userData
		action       int32
		seenOperator bool
	)
	ok := scanRoom(b, 2, &c, &u, func(w *wire) bool {
		switch w.num {
		case 3, 12:
			w.varint()
		case 4:
			if p := w.msg(&seenOperator); !w.unsure {
				return scanOtherUser(p)
			}
		case 10:
			action = w.int32()
		case 11, 19:
			w.str()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	switch pb.MemberMessageAction(action) {
	case pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_JOINED:
		return &tikcraft.JoinEvent{Meta: c.meta(), User: u.user(identityData{})}, true
	case pb.MemberMessageAction_MEMBER_MESSAGE_ACTION_SUBSCRIBED:
		return &tikcraft.SubscribeEvent{Meta: c.meta(), User: u.user(identityData{})}, true
	}
	return nil, true
}

func scanChat(b []byte) (tikcraft.Event, bool) {
	var (
		c              commonData
		u              userData
		content        []byte
		ident          identityData
		seenAt, seenID bool
	)
	ok := scanRoom(b, 2, &c, &u, func(w *wire) bool {
		switch w.num {
		case 3:
			content = w.bytes()
		case 4:
			w.varint()
		case 12:
			if p := w.msg(&seenAt); !w.unsure {
				return scanOtherUser(p)
			}
		case 14:
			w.str()
		case 18:
			if p := w.msg(&seenID); !w.unsure {
				return scanIdentity(p, &ident)
			}
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return &tikcraft.ChatEvent{Meta: c.meta(), User: u.user(ident), Text: viewerText(content)}, true
}

// noUser is the user field number of messages that have none.
const noUser = -1

func scanRoomUserSeq(b []byte) (tikcraft.Event, bool) {
	var (
		c     commonData
		u     userData
		total int64
	)
	ok := scanRoom(b, noUser, &c, &u, func(w *wire) bool {
		switch w.num {
		case 3:
			total = w.int64()
		case 4:
			w.str()
		case 6, 7, 8:
			w.varint()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return &tikcraft.ViewersEvent{Meta: c.meta(), Count: total}, true
}

func scanControl(b []byte) (tikcraft.Event, bool) {
	var (
		c      commonData
		u      userData
		action int32
	)
	ok := scanRoom(b, noUser, &c, &u, func(w *wire) bool {
		switch w.num {
		case 2:
			action = w.int32()
		case 3:
			w.str()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	switch pb.ControlAction(action) {
	case pb.ControlAction_CONTROL_ACTION_STREAM_ENDED:
		return &tikcraft.StreamEndEvent{Meta: c.meta()}, true
	case pb.ControlAction_CONTROL_ACTION_STREAM_SUSPENDED: // as decodeMessage: not an end
		return &tikcraft.DisconnectEvent{Meta: c.meta(), Reason: ReasonSuspended}, true
	}
	return nil, true
}

func scanSubNotify(b []byte) (tikcraft.Event, bool) {
	var (
		c commonData
		u userData
	)
	ok := scanRoom(b, 2, &c, &u, func(w *wire) bool {
		switch w.num {
		case 3, 4, 5, 6, 7, 8, 9, 10, 11:
			w.varint()
		case 14:
			w.str()
		default:
			w.skip()
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return &tikcraft.SubscribeEvent{Meta: c.meta(), User: u.user(identityData{})}, true
}
