// Package webcasttest makes Webcast traffic shaped like a busy TikTok LIVE's,
// for benchmarks and equivalence tests of package webcast.
//
// The frames follow the published schema (tiktok-live-proto v3, the one
// TikTok-Live-Connector 2.5.0 uses) down to the fields tikcraft ignores:
// users carry an avatar with signed CDN URLs, badges and follow counts,
// gifts their images and monitor data, every message its display text. So a
// decoder that reads everything (the Node peer) pays what it pays on a real
// stream, and one that skips what it does not need is measured skipping it.
// The mix is roughly that of a busy room: chat and likes first, then joins
// and gift streaks, some follows and shares, viewer counts with the top
// viewers, a few subscriptions and messages tikcraft does not use. A few
// viewers have hostile names (invalid UTF-8, control characters, HTML,
// U+2028) and some chat lines are hostile too. Viewers' audience flags
// come as TikTok sends them: follow_info.follow_status (0 to 2), badges of
// every scene (1 admin, 4 and 7 subscriber), user_attr.is_admin for one
// viewer in 25, and a UserIdentity with gifts and chat.
//
// Everything is deterministic for a given seed.
package webcasttest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
)

// Frames returns n "msg" push frames from a fresh Traffic with this seed.
func Frames(n int, seed uint64, compress bool) [][]byte {
	t := NewTraffic(seed)
	out := make([][]byte, n)
	for i := range out {
		out[i] = t.Frame(compress)
	}
	return out
}

// Traffic generates the frames of one simulated LIVE, one at a time.
type Traffic struct {
	rng     *rand.Rand
	users   [][]byte // encoded User messages, reused as TikTok repeats them
	host    []byte
	now     int64 // ms since the epoch, grows with every message
	logID   int64
	msgID   int64
	likes   int64
	viewers int64
	streaks []*streak
	groupID int64
	zbuf    bytes.Buffer
	zw      *gzip.Writer
}

type streak struct {
	user  int
	gift  gift
	group int64
	count int32
	last  int32
}

type gift struct {
	id       int64
	name     string
	typ      int32 // 1 = streakable
	diamonds int32
}

var gifts = []gift{
	{5655, "Rose", 1, 1},
	{5269, "TikTok", 1, 1},
	{5487, "Finger Heart", 1, 5},
	{6064, "GG", 1, 1},
	{5827, "Ice Cream Cone", 1, 1},
	{7934, "Heart Me", 1, 1},
	{6369, "Lion", 2, 29999},
	{5879, "Doughnut", 2, 30},
	{6890, "Love you", 2, 1},
	{7312, "TikTok Universe", 2, 44999},
}

var chats = []string{
	"hello from Brazil 🇧🇷", "gg", "first time here!", "can you build a castle?", "lol 😂😂😂",
	"spawn a creeper pls", "who else is watching at 3am", "❤️❤️❤️", "that was insane", "hiii",
	"what version is this?", "TNT TNT TNT", "how do i join the server", "W stream", "🔥🔥",
	"/op me; say \"hi\"", "<script>alert(1)</script> & <b>bold</b>", "line\u2028separator\u2029",
	"tab\there\nnewline", "nul\x00byte \x1b[31mred", "bad utf8 \xff\xfe here", "\"quoted\" \\backslash\\",
}

var nicknames = []string{
	"Anna 🌹", "bob", "Minecraft Fan", "ミク", "Олег", "محمد", "ᴅᴀʀᴋ ʟᴏʀᴅ", "xX_Sniper_Xx", "Lena✨",
	"Bob <b>&\"quotes\"", "\xff\xfebroken", "new\u2028line", "ctrl\x01\x7f", "", "Zoë", "李华",
}

// NewTraffic starts a LIVE with 2,000 viewers.
func NewTraffic(seed uint64) *Traffic {
	t := &Traffic{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:     1767225600000, // 2026-01-01T00:00:00Z
		logID:   7450000000000000000,
		msgID:   7450000000000000000,
		viewers: 1800,
	}
	t.host = t.user(6800000000000000000, "the_streamer", "The Streamer 🎮", false)
	for i := range 2000 {
		id := int64(6900000000000000000) + int64(t.rng.Uint64N(1e17))
		handle := fmt.Sprintf("user%d_%s", i, strconv.FormatUint(t.rng.Uint64N(1<<30), 36))
		nick := nicknames[t.rng.IntN(len(nicknames))]
		if t.rng.IntN(3) == 0 {
			nick = handle
		}
		t.users = append(t.users, t.user(id, handle, nick, i%25 == 7))
	}
	return t
}

// Frame returns the next "msg" frame: 1 to 40 messages, 8 on average.
func (t *Traffic) Frame(compress bool) []byte {
	n := 1 + int(t.rng.ExpFloat64()*7)
	if n > 40 {
		n = 40
	}
	var res []byte
	for range n {
		res = t.message(res)
	}
	t.logID++
	res = str(res, 2, "t-"+strconv.FormatInt(t.now, 10)+"_r-"+strconv.FormatInt(t.logID, 10)+"_d-1_u-1")
	res = varint(res, 3, 1000)
	res = varint(res, 4, uint64(t.now))
	res = str(res, 5, "internal_src:dim|wss_push_room_id:7450000000000000001|wss_push_did:7451234567890123456|first_req_ms:"+
		strconv.FormatInt(t.now-60000, 10)+"|fetch_time:"+strconv.FormatInt(t.now, 10)+"|seq:"+strconv.FormatInt(t.logID%100000, 10)+
		"|wss_info:0-"+strconv.FormatInt(t.now, 10)+"-0-0|wrds_v:7451234567890123456")
	res = varint(res, 8, 10000)
	res = varint(res, 9, 1)

	payload := res
	var frame []byte
	frame = varint(frame, 1, uint64(t.logID%1000000))
	frame = varint(frame, 2, uint64(t.logID))
	frame = varint(frame, 3, 5)
	frame = varint(frame, 4, 8)
	if compress {
		frame = header(frame, "compress_type", "gzip")
		payload = t.gzip(res)
	}
	frame = header(frame, "im-cursor", "t-"+strconv.FormatInt(t.now, 10)+"_r-1_d-1_u-1")
	frame = header(frame, "im-internal_ext", "internal_src:dim|first_req_ms:"+strconv.FormatInt(t.now, 10))
	frame = header(frame, "im-now", strconv.FormatInt(t.now, 10))
	frame = str(frame, 6, "pb")
	frame = str(frame, 7, "msg")
	frame = bytesField(frame, 8, payload)
	return frame
}

func (t *Traffic) gzip(b []byte) []byte {
	t.zbuf.Reset()
	if t.zw == nil {
		t.zw = gzip.NewWriter(&t.zbuf)
	} else {
		t.zw.Reset(&t.zbuf)
	}
	// Writing to a bytes.Buffer cannot fail.
	_, _ = t.zw.Write(b)
	_ = t.zw.Close()
	return bytes.Clone(t.zbuf.Bytes())
}

// message appends one BaseProtoMessage (field 1 of the fetch result).
func (t *Traffic) message(res []byte) []byte {
	t.now += int64(t.rng.IntN(120))
	t.msgID += 1 + int64(t.rng.IntN(1000))
	var method string
	var p []byte
	switch r := t.rng.IntN(1000); {
	case r < 300:
		method, p = "WebcastChatMessage", t.chat()
	case r < 540:
		method, p = "WebcastLikeMessage", t.like()
	case r < 720:
		method, p = "WebcastMemberMessage", t.member()
	case r < 870:
		method, p = "WebcastGiftMessage", t.gift()
	case r < 920:
		method, p = "WebcastSocialMessage", t.social()
	case r < 950:
		method, p = "WebcastRoomUserSeqMessage", t.roomUserSeq()
	case r < 955:
		method, p = "WebcastSubNotifyMessage", t.subNotify()
	case r < 980:
		method, p = "WebcastInRoomBannerMessage", t.banner()
	default:
		method, p = "WebcastRankUpdateMessage", t.rankUpdate()
	}
	var m []byte
	m = str(m, 1, method)
	m = bytesField(m, 2, p)
	m = varint(m, 3, uint64(t.msgID))
	m = varint(m, 5, uint64(t.logID))
	return bytesField(res, 1, m)
}

// common is the CommonMessageData of a message. With a display key it
// carries the display text, whose first piece repeats the user, as TikTok's
// does.
func (t *Traffic) common(method, key, pattern string, user []byte) []byte {
	var c []byte
	c = str(c, 1, method)
	c = varint(c, 2, uint64(t.msgID))
	c = varint(c, 3, 7450000000000000001)
	c = varint(c, 4, uint64(t.now))
	c = varint(c, 6, 1)
	if key != "" {
		var txt []byte
		txt = str(txt, 1, key)
		txt = str(txt, 2, pattern)
		var format []byte
		format = str(format, 1, "#FF36D5E7")
		format = varint(format, 4, 400)
		format = varint(format, 6, 14)
		txt = bytesField(txt, 3, format)
		if user != nil {
			var pu []byte
			pu = bytesField(pu, 1, user)
			var piece []byte // TextPiece of type 11: the {0:user} argument
			piece = varint(piece, 1, 11)
			piece = bytesField(piece, 2, format)
			piece = bytesField(piece, 21, pu)
			txt = bytesField(txt, 4, piece)
		}
		c = bytesField(c, 8, txt)
	}
	c = varint(c, 11, uint64(t.rng.IntN(100)))
	c = str(c, 12, "20260101000000"+strconv.FormatUint(t.rng.Uint64(), 16))
	c = str(c, 15, "useast2a")
	return c
}

func (t *Traffic) viewer() []byte { return t.users[t.rng.IntN(len(t.users))] }

func (t *Traffic) chat() []byte {
	var m []byte
	m = bytesField(m, 1, t.common("WebcastChatMessage", "", "", nil))
	m = bytesField(m, 2, t.viewer())
	m = str(m, 3, chats[t.rng.IntN(len(chats))])
	m = str(m, 14, []string{"en", "es", "pt", "de", "ja"}[t.rng.IntN(5)])
	m = bytesField(m, 18, identity(t.rng))
	return m
}

func (t *Traffic) like() []byte {
	n := 1 + t.rng.IntN(15)
	t.likes += int64(n)
	u := t.viewer()
	var m []byte
	m = bytesField(m, 1, t.common("WebcastLikeMessage", "pm_mt_msg_viewer_like", "{0:user} liked the LIVE", u))
	m = varint(m, 2, uint64(n))
	m = varint(m, 3, uint64(t.likes))
	m = varint(m, 4, uint64(t.rng.IntN(7)))
	m = bytesField(m, 5, u)
	m = str(m, 6, "https://p16-webcast.tiktokcdn.com/img/alisg/webcast-sg/tiktok_like_icon_v2.png~tplv-obj.image")
	return m
}

func (t *Traffic) member() []byte {
	t.viewers += int64(t.rng.IntN(3))
	u := t.viewer()
	var m []byte
	m = bytesField(m, 1, t.common("WebcastMemberMessage", "live_room_enter_toast", "{0:user} joined", u))
	m = bytesField(m, 2, u)
	m = varint(m, 3, uint64(t.viewers))
	m = varint(m, 9, 1)
	m = varint(m, 10, 1) // joined
	m = str(m, 11, "live_room_enter_toast")
	m = str(m, 19, "homepage_hot-live_cell")
	return m
}

func (t *Traffic) social() []byte {
	key, pattern := "pm_main_follow_message_viewer_2", "{0:user} followed the LIVE creator"
	if t.rng.IntN(3) == 0 {
		key, pattern = "pm_mt_guidance_share", "{0:user} shared the LIVE"
	}
	u := t.viewer()
	var m []byte
	m = bytesField(m, 1, t.common("WebcastSocialMessage", key, pattern, u))
	m = bytesField(m, 2, u)
	m = varint(m, 4, 1)
	m = varint(m, 6, uint64(120000+t.rng.IntN(1000)))
	return m
}

func (t *Traffic) roomUserSeq() []byte {
	var m []byte
	m = bytesField(m, 1, t.common("WebcastRoomUserSeqMessage", "", "", nil))
	for i := range 3 {
		var c []byte
		c = varint(c, 1, uint64(50000/(i+1)))
		c = bytesField(c, 2, t.viewer())
		c = varint(c, 3, uint64(i+1))
		m = bytesField(m, 2, c)
	}
	m = varint(m, 3, uint64(t.viewers))
	m = str(m, 4, strconv.FormatInt(t.viewers, 10))
	m = varint(m, 6, uint64(t.viewers*3))
	m = varint(m, 7, uint64(t.viewers*11))
	return m
}

func (t *Traffic) subNotify() []byte {
	u := t.viewer()
	var m []byte
	m = bytesField(m, 1, t.common("WebcastSubNotifyMessage", "ttlive_subscribe_notify", "{0:user} just subscribed to the host", u))
	m = bytesField(m, 2, u)
	m = varint(m, 4, uint64(1+t.rng.IntN(12)))
	m = varint(m, 5, 1)
	return m
}

func (t *Traffic) banner() []byte {
	var m []byte
	m = bytesField(m, 1, t.common("WebcastInRoomBannerMessage", "", "", nil))
	m = str(m, 3, `{"banner_list":[{"id":"7450000000000000123","schema_url":"sslocal://webcast_lynxview?url=https%3A%2F%2Flf16-gecko-source.tiktokcdn.com%2Fobj%2Fbyte-gurd-source-sg%2Fwebcast%2Fmono%2Flynx%2Fbanner%2Fpages%2Fbanner%2Ftemplate.js","height":88,"width":88}]}`)
	return m
}

func (t *Traffic) rankUpdate() []byte {
	var m []byte
	m = bytesField(m, 1, t.common("WebcastRankUpdateMessage", "", "", nil))
	for range 2 {
		var u []byte
		u = varint(u, 1, uint64(t.rng.IntN(10)))
		u = varint(u, 2, 8)
		u = varint(u, 6, uint64(t.rng.IntN(100)))
		m = bytesField(m, 2, u)
	}
	m = varint(m, 3, 1)
	return m
}

// gift continues a streak, starts one, or sends a gift that does not streak.
func (t *Traffic) gift() []byte {
	var s *streak
	if len(t.streaks) > 0 && t.rng.IntN(4) != 0 {
		s = t.streaks[t.rng.IntN(len(t.streaks))]
	} else {
		t.groupID++
		s = &streak{user: t.rng.IntN(len(t.users)), gift: gifts[t.rng.IntN(len(gifts))], group: 1767225600000000 + t.groupID}
		s.last = 1
		if s.gift.typ == 1 {
			s.last = int32(1 + t.rng.IntN(30))
			t.streaks = append(t.streaks, s)
		}
	}
	s.count++
	end := s.count >= s.last
	if end {
		for i, o := range t.streaks {
			if o == s {
				t.streaks = append(t.streaks[:i], t.streaks[i+1:]...)
				break
			}
		}
	}
	var m []byte
	m = bytesField(m, 1, t.common("WebcastGiftMessage", "pm_mt_gift_msg", "{0:user} sent {1:gift} × {2:string}", t.users[s.user]))
	m = varint(m, 2, uint64(s.gift.id))
	m = varint(m, 3, uint64(s.gift.diamonds))
	m = varint(m, 4, 1)
	m = varint(m, 5, uint64(s.count))
	m = varint(m, 6, uint64(s.count))
	m = bytesField(m, 7, t.users[s.user])
	m = bytesField(m, 8, t.host)
	if end && s.gift.typ == 1 {
		m = varint(m, 9, 1)
	}
	m = varint(m, 11, uint64(s.group))
	m = bytesField(m, 15, giftStruct(s.gift))
	m = str(m, 16, "20260101000000"+strconv.FormatUint(t.rng.Uint64(), 16))
	m = str(m, 22, `{"anchor_id":6800000000000000000,"from_source":"","from_user_id":`+strconv.Itoa(s.user)+
		`,"gift_id":`+strconv.FormatInt(s.gift.id, 10)+`,"gift_source":"","gift_type":`+strconv.Itoa(int(s.gift.typ))+
		`,"is_anchor":false,"is_linkmic":false,"repeat_count":`+strconv.Itoa(int(s.count))+`,"room_id":7450000000000000001}`)
	m = bytesField(m, 32, identity(t.rng))
	return m
}

func giftStruct(g gift) []byte {
	img := image("webcast-va/eba3a9bb85c33e017f3648eaf88d7189~tplv-obj", "Jk3vQm9sX2pL8wR4tYb1nE6cA0", 1)
	var b []byte
	b = bytesField(b, 1, img)
	b = str(b, 2, "sent "+g.name)
	b = varint(b, 4, 1000)
	b = varint(b, 5, uint64(g.id))
	if g.typ == 1 {
		b = varint(b, 10, 1)
	}
	b = varint(b, 11, uint64(g.typ))
	b = varint(b, 12, uint64(g.diamonds))
	b = varint(b, 13, 1)
	b = str(b, 16, g.name)
	b = bytesField(b, 21, img)
	return b
}

func identity(rng *rand.Rand) []byte {
	var b []byte
	for f := protowire.Number(1); f <= 4; f++ {
		if rng.IntN(3) == 0 {
			b = varint(b, f, 1)
		}
	}
	if rng.IntN(40) == 0 {
		b = varint(b, 5, 1) // is_moderator_of_anchor
	}
	return b
}

// user encodes a viewer the way TikTok sends one in every message; admin
// marks a moderator in user_attr.
func (t *Traffic) user(id int64, handle, nick string, admin bool) []byte {
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		var v uint64
		for i := range b {
			if i%16 == 0 {
				v = t.rng.Uint64()
			}
			b[i] = digits[v&15]
			v >>= 4
		}
		return string(b)
	}
	avatar := "tos-maliva-avt-0068/" + hex(32)
	var u []byte
	u = varint(u, 1, uint64(id))
	u = str(u, 3, nick)
	u = bytesField(u, 9, image(avatar+"~tplv-tiktokx-cropcenter:100:100", hex(28), 3))
	var follow []byte
	follow = varint(follow, 1, uint64(t.rng.IntN(5000)))
	follow = varint(follow, 2, uint64(t.rng.IntN(100000)))
	follow = varint(follow, 3, uint64(t.rng.IntN(3)))
	u = bytesField(u, 22, follow)
	if admin {
		var attr []byte
		attr = varint(attr, 2, 1) // is_admin
		u = bytesField(u, 32, attr)
	}
	u = str(u, 38, handle)
	u = str(u, 46, "MS4wLjABAAAA"+hex(52))
	for range t.rng.IntN(3) {
		var badge []byte
		badge = varint(badge, 1, 1)
		badge = varint(badge, 2, uint64(1+t.rng.IntN(20)))
		badge = varint(badge, 3, uint64(1+t.rng.IntN(8)))
		badge = str(badge, 10, "sslocal://webcast_lynxview_popup?url=https%3A%2F%2Flf16-gecko-source.tiktokcdn.com%2Fobj%2Fbyte-gurd-source-sg%2Fwebcast%2Fmono%2Flynx%2Fbadge%2Ftemplate.js&type=popup")
		badge = varint(badge, 11, 1)
		u = bytesField(u, 64, badge)
	}
	u = str(u, 1028, strconv.FormatInt(id, 10))
	return u
}

// image is an ImageModel with n signed CDN URLs.
func image(uri, sig string, n int) []byte {
	var b []byte
	for i := range n {
		host := []string{"p16-sign-va.tiktokcdn.com", "p19-sign.tiktokcdn-us.com", "p77-sign-va.tiktokcdn.com"}[i%3]
		b = str(b, 1, "https://"+host+"/"+uri+".webp?dr=14579&refresh_token=8c5a4b2e&x-expires=1767312000&x-signature="+sig+"%3D&t=4d5b0474&ps=13740610&shp=a5d48078&shcp=fdd36af4&idc=maliva")
	}
	b = str(b, 2, uri)
	b = varint(b, 3, 100)
	b = varint(b, 4, 100)
	b = str(b, 5, "#A3A3A3")
	return b
}

func header(b []byte, key, value string) []byte {
	var h []byte
	h = str(h, 1, key)
	h = str(h, 2, value)
	return bytesField(b, 5, h)
}

func varint(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func str(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func bytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}
