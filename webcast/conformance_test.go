package webcast

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// The fixtures were encoded by tiktok-live-proto (the published v3 schema)
// and their expected events read back by tiktok-live-connector; see
// testdata/conformance/make_fixtures.js. 64-bit numbers are strings there,
// as that library writes them.
type fixture struct {
	Name        string         `json:"name"`
	Frame       string         `json:"frame"`
	LogID       string         `json:"log_id"`
	Compressed  bool           `json:"compressed"`
	NeedAck     bool           `json:"need_ack"`
	InternalExt string         `json:"internal_ext"`
	Cursor      string         `json:"cursor"`
	Messages    int            `json:"messages"`
	Events      []fixtureEvent `json:"events"`
}

type fixtureEvent struct {
	Type   string `json:"type"`
	MsgID  string `json:"msg_id"`
	TimeMS string `json:"time_ms"`
	User   struct {
		ID       string `json:"id"`
		UniqueID string `json:"unique_id"`
		Nickname string `json:"nickname"`
		// Omitted when false.
		Follower   bool `json:"follower"`
		Subscriber bool `json:"subscriber"`
		Moderator  bool `json:"moderator"`
		FanClub    bool `json:"fan_club"`
	} `json:"user"`
	Gift struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Combo    bool   `json:"combo"`
		Diamonds int64  `json:"diamonds"`
	} `json:"gift"`
	RepeatCount int64           `json:"repeat_count"`
	RepeatEnd   bool            `json:"repeat_end"`
	GroupID     string          `json:"group_id"`
	Count       json.RawMessage `json:"count"` // a number for likes, a string for viewers
	Total       string          `json:"total"`
	Text        string          `json:"text"`
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/conformance/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fs []fixture
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("no fixtures")
	}
	return fs
}

func mustInt(t *testing.T, what, s string) int64 {
	t.Helper()
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("fixture %s %q: %v", what, s, err)
	}
	return n
}

func TestConformance(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			frame, err := base64.StdEncoding.DecodeString(fx.Frame)
			if err != nil {
				t.Fatal(err)
			}
			var d Decoder
			f, evs, err := d.DecodeFrame(frame)
			if err != nil {
				t.Fatalf("DecodeFrame: %v", err)
			}
			if f.LogID != mustInt(t, "log_id", fx.LogID) || f.Compressed != fx.Compressed || f.NeedAck() != fx.NeedAck ||
				f.InternalExt() != fx.InternalExt || f.Cursor() != fx.Cursor || len(f.Result.GetMessages()) != fx.Messages {
				t.Errorf("frame: log_id %d compressed %v need_ack %v ext %q cursor %q messages %d; want %+v",
					f.LogID, f.Compressed, f.NeedAck(), f.InternalExt(), f.Cursor(), len(f.Result.GetMessages()), fx)
			}
			if len(evs) != len(fx.Events) {
				t.Fatalf("got %d events, want %d", len(evs), len(fx.Events))
			}
			for i, want := range fx.Events {
				checkFixtureEvent(t, evs[i], want)
			}
		})
	}
}

func checkFixtureEvent(t *testing.T, ev tikcraft.Event, want fixtureEvent) {
	t.Helper()
	if string(ev.Type()) != want.Type {
		t.Fatalf("event type %q, want %q", ev.Type(), want.Type)
	}
	meta := ev.EventMeta()
	if meta.MsgID != want.MsgID {
		t.Errorf("%s: msg id %q, want %q", want.Type, meta.MsgID, want.MsgID)
	}
	if wantTime := time.UnixMilli(mustInt(t, "time_ms", want.TimeMS)).UTC(); !meta.Time.Equal(wantTime) {
		t.Errorf("%s: time %v, want %v", want.Type, meta.Time, wantTime)
	}
	wantUser := tikcraft.User{ID: want.User.ID, UniqueID: want.User.UniqueID, Nickname: want.User.Nickname,
		Follower: want.User.Follower, Subscriber: want.User.Subscriber, Moderator: want.User.Moderator, FanClub: want.User.FanClub}
	checkUser := func(got tikcraft.User) {
		if got != wantUser {
			t.Errorf("%s: user %+v, want %+v", want.Type, got, wantUser)
		}
	}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		checkUser(e.User)
		wantGift := tikcraft.Gift{ID: mustInt(t, "gift id", want.Gift.ID), Name: want.Gift.Name, Combo: want.Gift.Combo, Diamonds: want.Gift.Diamonds}
		if e.Gift != wantGift || e.RepeatCount != want.RepeatCount || e.RepeatEnd != want.RepeatEnd || e.GroupID != want.GroupID {
			t.Errorf("gift %+v count %d end %v group %q; want %+v", e.Gift, e.RepeatCount, e.RepeatEnd, e.GroupID, want)
		}
	case *tikcraft.LikeEvent:
		checkUser(e.User)
		var count int64
		if err := json.Unmarshal(want.Count, &count); err != nil {
			t.Fatal(err)
		}
		if e.Count != count || e.Total != mustInt(t, "total", want.Total) {
			t.Errorf("like %d/%d, want %s/%s", e.Count, e.Total, want.Count, want.Total)
		}
	case *tikcraft.ViewersEvent:
		var count string
		if err := json.Unmarshal(want.Count, &count); err != nil {
			t.Fatal(err)
		}
		if e.Count != mustInt(t, "count", count) {
			t.Errorf("viewers %d, want %s", e.Count, count)
		}
	case *tikcraft.ChatEvent:
		checkUser(e.User)
		if e.Text != want.Text {
			t.Errorf("chat %q, want %q", e.Text, want.Text)
		}
	case *tikcraft.FollowEvent:
		checkUser(e.User)
	case *tikcraft.ShareEvent:
		checkUser(e.User)
	case *tikcraft.JoinEvent:
		checkUser(e.User)
	case *tikcraft.SubscribeEvent:
		checkUser(e.User)
	case *tikcraft.StreamEndEvent:
	case *tikcraft.DisconnectEvent:
		if e.Reason != ReasonSuspended {
			t.Errorf("disconnect reason %q, want %q", e.Reason, ReasonSuspended)
		}
	default:
		t.Errorf("unexpected event %T", ev)
	}
}
