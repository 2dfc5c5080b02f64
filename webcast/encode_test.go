package webcast

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// randomEvent makes any Webcast event with values the wire can carry: ids
// are empty or canonical non-zero decimals, text is valid UTF-8.
func randomEvent(r *rand.Rand) tikcraft.Event {
	id := func() string {
		if r.IntN(4) == 0 {
			return ""
		}
		return strconv.FormatInt(r.Int64N(math.MaxInt64)+1, 10)
	}
	str := func() string {
		const alphabet = "aZ09_. ;/\"'<>&\n\t\\{}🌹日本é\u200b"
		runes := []rune(alphabet)
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteRune(runes[r.IntN(len(runes))])
		}
		return b.String()
	}
	meta := tikcraft.Meta{MsgID: id()}
	if r.IntN(2) == 0 {
		meta.Time = time.UnixMilli(r.Int64N(4e12) + 1).UTC()
	}
	user := tikcraft.User{ID: id(), UniqueID: str(), Nickname: str()}
	if r.IntN(8) == 0 {
		user.ID = "sec_" + str() // not numeric: travels in id_str
	}
	user.Follower, user.Subscriber, user.Moderator = r.IntN(3) == 0, r.IntN(4) == 0, r.IntN(5) == 0
	i32 := func() int64 { return r.Int64N(math.MaxInt32) }
	switch r.IntN(9) {
	case 0:
		return &tikcraft.GiftEvent{Meta: meta, User: user, Gift: tikcraft.Gift{ID: r.Int64N(1e6) + 1, Name: str(), Combo: r.IntN(2) == 0, Diamonds: i32()},
			RepeatCount: i32(), RepeatEnd: r.IntN(2) == 0, GroupID: id()}
	case 1:
		return &tikcraft.LikeEvent{Meta: meta, User: user, Count: i32(), Total: r.Int64()}
	case 2:
		user.Follower = true // a follow always decodes so
		return &tikcraft.FollowEvent{Meta: meta, User: user}
	case 3:
		return &tikcraft.ShareEvent{Meta: meta, User: user}
	case 4:
		return &tikcraft.JoinEvent{Meta: meta, User: user}
	case 5:
		return &tikcraft.SubscribeEvent{Meta: meta, User: user}
	case 6:
		return &tikcraft.ChatEvent{Meta: meta, User: user, Text: str()}
	case 7:
		return &tikcraft.ViewersEvent{Meta: meta, Count: r.Int64()}
	default:
		return &tikcraft.StreamEndEvent{Meta: meta}
	}
}

// Property: whatever EncodeEvent accepts, DecodeFrame gives back unchanged,
// in order, and the decoder counts each message once.
func TestEncodeDecodeRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var d Decoder
	total := 0
	for round := range 300 {
		evs := make([]tikcraft.Event, r.IntN(8))
		for i := range evs {
			evs[i] = randomEvent(r)
		}
		total += len(evs)
		_, got, err := d.DecodeFrame(frameOf(t, resultOf(t, evs...), round%2 == 0))
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(got) != len(evs) {
			t.Fatalf("round %d: %d events back, want %d", round, len(got), len(evs))
		}
		for i := range evs {
			assertEventEqual(t, got[i], evs[i])
		}
	}
	st := d.Stats()
	var seen int64
	for _, n := range st.Messages {
		seen += n
	}
	if seen != int64(total) || st.Events != int64(total) || st.Frames != 300 || len(st.Malformed) != 0 {
		t.Errorf("stats = %+v, want %d messages and events in 300 frames", st, total)
	}
}

// Property: in a frame mixing good, corrupt and unknown messages, every
// message is counted exactly once, corrupt ones also as malformed, and
// the good ones all come out in order.
func TestCountingProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		var (
			d         Decoder
			msgs      []*pb.BaseProtoMessage
			want      []tikcraft.Event
			corrupt   int
			byMethod  = map[string]int64{}
			malformed = map[string]int64{}
		)
		for range r.IntN(12) {
			var m *pb.BaseProtoMessage
			switch r.IntN(3) {
			case 0:
				ev := randomEvent(r)
				m = resultOf(t, ev).Messages[0]
				want = append(want, ev)
			case 1:
				m = msg(MethodChat, 1, []byte{0x0a, 0x09}) // common runs past the end
				corrupt++
				malformed[MethodChat]++
			default:
				m = msg(fmt.Sprintf("WebcastOther%dMessage", r.IntN(3)), 1, []byte{0xff})
			}
			byMethod[m.GetMethod()]++
			msgs = append(msgs, m)
		}
		got, err := d.Events(msgs)
		var errs interface{ Unwrap() []error }
		if corrupt == 0 && err != nil || corrupt > 0 && (!errors.As(err, &errs) || len(errs.Unwrap()) != corrupt) {
			t.Fatalf("round %d: %d corrupt messages, err = %v", round, corrupt, err)
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d events, want %d", round, len(got), len(want))
		}
		for i := range want {
			assertEventEqual(t, got[i], want[i])
		}
		st := d.Stats()
		if fmt.Sprint(st.Messages) != fmt.Sprint(byMethod) || fmt.Sprint(st.Malformed) != fmt.Sprint(malformed) || st.Events != int64(len(want)) {
			t.Fatalf("round %d: stats %+v, want messages %v malformed %v", round, st, byMethod, malformed)
		}
	}
}

func TestEncodeEventErrors(t *testing.T) {
	tests := []struct {
		name    string
		ev      tikcraft.Event
		errText string
	}{
		{"nil", nil, "no event"},
		{"connect", &tikcraft.ConnectEvent{RoomID: "1"}, "no Webcast message"},
		{"disconnect", &tikcraft.DisconnectEvent{}, "no Webcast message"},
		{"msg id not a number", &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "abc"}}, `msg id "abc"`},
		{"msg id not canonical", &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "007"}}, `msg id "007"`},
		{"group id not a number", &tikcraft.GiftEvent{GroupID: "g1"}, `gift group id "g1"`},
		{"repeat count too big", &tikcraft.GiftEvent{RepeatCount: math.MaxInt32 + 1}, "gift repeat count"},
		{"diamonds too big", &tikcraft.GiftEvent{Gift: tikcraft.Gift{Diamonds: math.MaxInt64}}, "gift diamonds"},
		{"like count too big", &tikcraft.LikeEvent{Count: math.MinInt64}, "like count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := EncodeEvent(tt.ev)
			if err == nil {
				t.Fatalf("EncodeEvent = %v, want an error", m)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("err = %q, want it to contain %q", err, tt.errText)
			}
		})
	}
	if _, err := EncodeEvent(&tikcraft.ConnectEvent{}); !errors.Is(err, ErrNotWebcast) {
		t.Errorf("connect: err = %v, want ErrNotWebcast", err)
	}
}

func TestEncodeEventMessageShape(t *testing.T) {
	// What the simulator's peers rely on: TikTok's method names, the outer
	// msg id, and the display keys the peers classify by.
	tests := []struct {
		ev     tikcraft.Event
		method string
	}{
		{&tikcraft.GiftEvent{Gift: tikcraft.Gift{Combo: true}}, MethodGift},
		{&tikcraft.LikeEvent{}, MethodLike},
		{&tikcraft.FollowEvent{}, MethodSocial},
		{&tikcraft.ShareEvent{}, MethodSocial},
		{&tikcraft.JoinEvent{}, MethodMember},
		{&tikcraft.SubscribeEvent{}, MethodSubNotify},
		{&tikcraft.ChatEvent{}, MethodChat},
		{&tikcraft.ViewersEvent{}, MethodRoomUserSeq},
		{&tikcraft.StreamEndEvent{}, MethodControl},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			tt.ev.EventMeta().MsgID = "5"
			m, err := EncodeEvent(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if m.GetMethod() != tt.method || m.GetMsgId() != 5 {
				t.Errorf("method %q msg id %d, want %q 5", m.GetMethod(), m.GetMsgId(), tt.method)
			}
		})
	}
	m, err := EncodeEvent(&tikcraft.GiftEvent{Gift: tikcraft.Gift{Combo: true}, RepeatEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var g pb.WebcastGiftMessage
	if err := unmarshalPart(m.GetPayload(), &g); err != nil {
		t.Fatal(err)
	}
	if g.GetGift().GetType() != 1 || g.GetRepeatEnd() != 1 || g.GetCommon().GetMethod() != MethodGift {
		t.Errorf("gift message = %v", &g)
	}
}
