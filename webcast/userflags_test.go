package webcast

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// flagCase is one message carrying audience flags and the user it must
// decode to, on both paths.
type flagCase struct {
	name   string
	method string
	m      proto.Message
	want   tikcraft.User
}

func flagCases() []flagCase {
	u := func(extra func(*pb.User)) *pb.User {
		p := &pb.User{Id: 7, DisplayId: []byte("h")}
		if extra != nil {
			extra(p)
		}
		return p
	}
	badges := func(scenes ...int32) []*pb.BadgeStruct {
		var b []*pb.BadgeStruct
		for _, s := range scenes {
			b = append(b, &pb.BadgeStruct{SceneType: s})
		}
		return b
	}
	base := tikcraft.User{ID: "7", UniqueID: "h"}
	with := func(f, s, m bool) tikcraft.User {
		v := base
		v.Follower, v.Subscriber, v.Moderator = f, s, m
		return v
	}
	follow := &pb.CommonMessageData{DisplayText: &pb.Text{Key: FollowDisplayKey}}
	share := &pb.CommonMessageData{DisplayText: &pb.Text{Key: ShareDisplayKey}}
	return []flagCase{
		{"no flags", MethodChat, &pb.WebcastChatMessage{User: u(nil)}, base},
		{"follow_status 0", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.FollowInfo = &pb.FollowInfo{FollowStatus: 0} })}, base},
		{"follow_status 1", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.FollowInfo = &pb.FollowInfo{FollowStatus: 1} })}, with(true, false, false)},
		{"follow_status 2 (friends)", MethodMember, &pb.WebcastMemberMessage{User: u(func(p *pb.User) { p.FollowInfo = &pb.FollowInfo{FollowStatus: 2} }), Action: 1}, with(true, false, false)},
		{"follow_status negative", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.FollowInfo = &pb.FollowInfo{FollowStatus: -1} })}, base},
		{"is_admin", MethodSubNotify, &pb.WebcastSubNotifyMessage{User: u(func(p *pb.User) { p.UserAttr = &pb.UserAttr{IsAdmin: true} })}, with(false, false, true)},
		{"badge admin", MethodSocial, &pb.WebcastSocialMessage{Common: share, User: u(func(p *pb.User) { p.BadgeList = badges(1) })}, with(false, false, true)},
		{"badge subscriber", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.BadgeList = badges(4) })}, with(false, true, false)},
		{"badge new subscriber among others", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.BadgeList = badges(8, 6, 7) })}, with(false, true, false)},
		{"badge fans is the fan club", MethodChat, &pb.WebcastChatMessage{User: u(func(p *pb.User) { p.BadgeList = badges(8, 10) })}, tikcraft.User{ID: "7", UniqueID: "h", FanClub: true}},
		{"badges that mean nothing here", MethodLike, &pb.WebcastLikeMessage{User: u(func(p *pb.User) { p.BadgeList = badges(0, 2, 3, 5, 6, 8, 12) })}, base},
		{"everything in the user", MethodChat, &pb.WebcastChatMessage{User: u(func(p *pb.User) {
			p.FollowInfo, p.UserAttr, p.BadgeList = &pb.FollowInfo{FollowStatus: 1}, &pb.UserAttr{IsAdmin: true}, badges(4)
		})}, with(true, true, true)},
		{"chat identity follower", MethodChat, &pb.WebcastChatMessage{User: u(nil), UserIdentity: &pb.UserIdentity{IsFollowerOfAnchor: true}}, with(true, false, false)},
		{"chat identity mutual", MethodChat, &pb.WebcastChatMessage{User: u(nil), UserIdentity: &pb.UserIdentity{IsMutualFollowingWithAnchor: true}}, with(true, false, false)},
		{"chat identity subscriber and moderator", MethodChat, &pb.WebcastChatMessage{User: u(nil), UserIdentity: &pb.UserIdentity{IsSubscriberOfAnchor: true, IsModeratorOfAnchor: true}}, with(false, true, true)},
		{"chat identity gift giver and anchor only", MethodChat, &pb.WebcastChatMessage{User: u(nil), UserIdentity: &pb.UserIdentity{IsGiftGiverOfAnchor: true, IsAnchor: true}}, base},
		{"gift identity", MethodGift, &pb.WebcastGiftMessage{GiftId: 1, User: u(nil), UserIdentity: &pb.UserIdentity{IsFollowerOfAnchor: true, IsModeratorOfAnchor: true}}, with(true, false, true)},
		{"gift identity adds to the user", MethodGift, &pb.WebcastGiftMessage{GiftId: 1, User: u(func(p *pb.User) { p.BadgeList = badges(4) }), UserIdentity: &pb.UserIdentity{IsFollowerOfAnchor: true}}, with(true, true, false)},
		{"gift identity without a user", MethodGift, &pb.WebcastGiftMessage{GiftId: 1, UserIdentity: &pb.UserIdentity{IsSubscriberOfAnchor: true}}, tikcraft.User{Subscriber: true}},
		{"to_user's flags are not the sender's", MethodGift, &pb.WebcastGiftMessage{GiftId: 1, User: u(nil), ToUser: u(func(p *pb.User) {
			p.FollowInfo, p.UserAttr, p.BadgeList = &pb.FollowInfo{FollowStatus: 1}, &pb.UserAttr{IsAdmin: true}, badges(4)
		})}, base},
		{"follow is a follower", MethodSocial, &pb.WebcastSocialMessage{Common: follow, User: u(nil)}, with(true, false, false)},
		{"follow keeps the other flags", MethodSocial, &pb.WebcastSocialMessage{Common: follow, User: u(func(p *pb.User) { p.BadgeList = badges(1, 7) })}, with(true, true, true)},
	}
}

// TestUserFlags: the mapping of docs/EVENTS.md, on the reference and on the
// fast path, which must decode these itself.
func TestUserFlags(t *testing.T) {
	for _, tc := range flagCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := marshal(t, tc.m)
			ev, _, err := decodeMessage(tc.method, p)
			if err != nil || ev == nil {
				t.Fatalf("reference: %v, %v", ev, err)
			}
			fev, _, sure, ferr := scanMessage(tc.method, p)
			if !sure || ferr != nil {
				t.Fatalf("fast path: sure %v, error %v", sure, ferr)
			}
			for name, e := range map[string]tikcraft.Event{"reference": ev, "fast path": fev} {
				if got := eventUser(t, e); got != tc.want {
					t.Errorf("%s: user %+v, want %+v", name, got, tc.want)
				}
			}
		})
	}
}

// TestUserFlagsRoundTrip: every combination of flags survives EncodeEvent
// and both decoders, for every event type with a user.
func TestUserFlagsRoundTrip(t *testing.T) {
	for i := range 16 {
		u := tikcraft.User{ID: "9", UniqueID: "v", Nickname: "V", Follower: i&1 != 0, Subscriber: i&2 != 0, Moderator: i&4 != 0, FanClub: i&8 != 0}
		for _, ev := range []tikcraft.Event{
			&tikcraft.GiftEvent{User: u, Gift: tikcraft.Gift{ID: 1}, RepeatCount: 1},
			&tikcraft.LikeEvent{User: u, Count: 1},
			&tikcraft.ShareEvent{User: u},
			&tikcraft.JoinEvent{User: u},
			&tikcraft.SubscribeEvent{User: u},
			&tikcraft.ChatEvent{User: u, Text: "x"},
		} {
			res := resultOf(t, ev)
			requireFast(t, [][]byte{frameOf(t, res, false)})
			matchReference(t, Limits{}, frameOf(t, res, false))
			_, evs, err := new(Decoder).DecodeFrame(frameOf(t, res, true))
			if err != nil || len(evs) != 1 {
				t.Fatalf("%s %+v: %d events, %v", ev.Type(), u, len(evs), err)
			}
			if got := eventUser(t, evs[0]); got != u {
				t.Errorf("%s: user %+v, want %+v", ev.Type(), got, u)
			}
		}
	}
}

// TestEncodeWithoutFlagsUnchanged: a user with no flag encodes as before
// the flags existed, so simulated traffic and captures made from events
// without them do not change.
func TestEncodeWithoutFlagsUnchanged(t *testing.T) {
	u := tikcraft.User{ID: "9", UniqueID: "v", Nickname: "V"}
	m, err := EncodeEvent(&tikcraft.GiftEvent{User: u, Gift: tikcraft.Gift{ID: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var g pb.WebcastGiftMessage
	if err := unmarshalPart(m.GetPayload(), &g); err != nil {
		t.Fatal(err)
	}
	if g.UserIdentity != nil || g.GetUser().FollowInfo != nil || g.GetUser().UserAttr != nil || len(g.GetUser().BadgeList) != 0 {
		t.Errorf("flag fields set for a user without flags: %v", &g)
	}
}

func eventUser(t *testing.T, ev tikcraft.Event) tikcraft.User {
	t.Helper()
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		return e.User
	case *tikcraft.LikeEvent:
		return e.User
	case *tikcraft.FollowEvent:
		return e.User
	case *tikcraft.ShareEvent:
		return e.User
	case *tikcraft.JoinEvent:
		return e.User
	case *tikcraft.SubscribeEvent:
		return e.User
	case *tikcraft.ChatEvent:
		return e.User
	}
	t.Fatalf("%T has no user", ev)
	return tikcraft.User{}
}

// flagPayloads seeds the fuzz targets with messages carrying flags.
func flagPayloads(tb testing.TB) [][]byte {
	var out [][]byte
	for _, tc := range flagCases() {
		out = append(out, marshal(tb, tc.m))
	}
	return out
}

// TestTrafficHasFlaggedViewers: the generated traffic exercises every flag
// and every way TikTok sends one, on the fast path.
func TestTrafficHasFlaggedViewers(t *testing.T) {
	var d Decoder
	var users, follower, subscriber, moderator int
	for _, b := range webcasttest.Frames(200, 7, false) {
		_, evs, err := d.DecodeFrame(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if _, ok := ev.(*tikcraft.ViewersEvent); ok {
				continue
			}
			u := eventUser(t, ev)
			users++
			if u.Follower {
				follower++
			}
			if u.Subscriber {
				subscriber++
			}
			if u.Moderator {
				moderator++
			}
		}
	}
	for name, n := range map[string]int{"followers": follower, "subscribers": subscriber, "moderators": moderator} {
		if n == 0 || n == users {
			t.Errorf("%d %s among %d users: want some, not all", n, name, users)
		}
	}
}
