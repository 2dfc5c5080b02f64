package jsonl

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

var anna = tikcraft.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna"}

func TestUnmarshalContract(t *testing.T) {
	ts := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		line string
		want tikcraft.Event
	}{
		{`{"type":"gift","msg_id":"7301","time":"2026-11-22T18:00:00Z","user":{"id":"6811","unique_id":"anna_123","nickname":"Anna"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":3,"repeat_end":false,"group_id":"1700000000001"}`,
			&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7301", Time: ts}, User: anna, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, GroupID: "1700000000001"}},
		{`{"type":"gift","gift":{"id":"5655","name":"Rose"}}`, // missing repeat_count means 1; numeric strings accepted
			&tikcraft.GiftEvent{Gift: tikcraft.Gift{ID: 5655, Name: "Rose"}, RepeatCount: 1}},
		{`{"type":"gift","msg_id":7301,"user":{"id":6811}}`, &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7301"}, User: tikcraft.User{ID: "6811"}, RepeatCount: 1}},
		{`{"type":"follow","user":{"id":"6811","unique_id":"anna_123","nickname":"Anna"}}`, &tikcraft.FollowEvent{User: anna}},
		{`{"type":"share","user":{"unique_id":"anna_123"}}`, &tikcraft.ShareEvent{User: tikcraft.User{UniqueID: "anna_123"}}},
		{`{"type":"join"}`, &tikcraft.JoinEvent{}},
		{`{"type":"like","user":{"unique_id":"anna_123"},"count":15,"total":1200}`, &tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "anna_123"}, Count: 15, Total: 1200}},
		{`{"type":"chat","user":{"unique_id":"anna_123"},"text":"hello"}`, &tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "anna_123"}, Text: "hello"}},
		{`{"type":"subscribe","user":{"unique_id":"anna_123"}}`, &tikcraft.SubscribeEvent{User: tikcraft.User{UniqueID: "anna_123"}}},
		{`{"type":"viewers","count":120}`, &tikcraft.ViewersEvent{Count: 120}},
		{`{"type":"stream_end"}`, &tikcraft.StreamEndEvent{}},
		{`{"type":"chat","text":"hi","unknown_field":{"x":[1,2]}}`, &tikcraft.ChatEvent{Text: "hi"}},
		{`{"type":"connect","room_id":7123}`, &tikcraft.ConnectEvent{RoomID: "7123"}},
		{`{"type":"disconnect","reason":"socket closed"}`, &tikcraft.DisconnectEvent{Reason: "socket closed"}},
		// The audience flags: absent or false means false.
		{`{"type":"chat","user":{"unique_id":"cleo","follower":true,"subscriber":true,"moderator":true},"text":"hi"}`,
			&tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "cleo", Follower: true, Subscriber: true, Moderator: true}, Text: "hi"}},
		{`{"type":"gift","user":{"id":"6811","moderator":true,"follower":false,"subscriber":null},"gift":{"id":5655}}`,
			&tikcraft.GiftEvent{User: tikcraft.User{ID: "6811", Moderator: true}, Gift: tikcraft.Gift{ID: 5655}, RepeatCount: 1}},
		{`{"type":"follow","user":{"unique_id":"anna_123","follower":true}}`, &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "anna_123", Follower: true}}},
		{`{"type":"like","user":{"unique_id":"anna_123","subscriber":true,"vip":true},"count":1}`,
			&tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "anna_123", Subscriber: true}, Count: 1}},
	}
	for _, tt := range tests {
		got, err := Unmarshal([]byte(tt.line))
		if err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.line, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Unmarshal(%s)\n got %#v\nwant %#v", tt.line, got, tt.want)
		}
		// Round trip: what we write reads back the same.
		b, err := Marshal(got)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := Unmarshal(b)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %s via %s: got %#v, %v", tt.line, b, back, err)
		}
	}
}

func TestUnmarshalErrorsNameTheProblem(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"type":"party"}`, `unknown event type "party"`},
		{`{"user":{}}`, `missing "type"`},
		{`{"type":"gift","repeat_count":"abc"}`, `want a whole number`},
		{`{"type":"gift","repeat_end":"yes"}`, `"repeat_end"`},
		{`{"type":"gift","time":"yesterday"}`, `field "time"`},
		{`{"type":"gift","user":"anna"}`, `"user"`},
		{`{"type":"gift",`, `malformed JSON`},
		{`[1,2]`, `JSON object`},
		{`{"type":"gift","repeat_count":99999999999999999999999}`, `whole number`},
		{`{"type":"chat","user":{"follower":"yes"}}`, `field "user.follower": wrong type (got string, want true or false)`},
		{`{"type":"chat","user":{"moderator":1}}`, `field "user.moderator": wrong type (got number, want true or false)`},
	}
	for _, tt := range tests {
		_, err := Unmarshal([]byte(tt.line))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Unmarshal(%s) error = %v, want it to mention %q", tt.line, err, tt.want)
		}
	}
}

func TestReaderSkipsBadLinesWithLineNumbers(t *testing.T) {
	in := "\xef\xbb\xbf{\"type\":\"follow\"}\n\n{oops\n{\"type\":\"nope\"}\r\n{\"type\":\"stream_end\"}" // no final newline
	r := NewReader(strings.NewReader(in), "events.jsonl")
	var types []tikcraft.EventType
	var errs []string
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *tikcraft.LineError
		if errors.As(err, &le) {
			errs = append(errs, le.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.Type())
	}
	if !reflect.DeepEqual(types, []tikcraft.EventType{tikcraft.TypeFollow, tikcraft.TypeStreamEnd}) {
		t.Errorf("events = %v", types)
	}
	if len(errs) != 2 || !strings.HasPrefix(errs[0], "events.jsonl:3:") || !strings.HasPrefix(errs[1], "events.jsonl:4:") {
		t.Errorf("errors = %q", errs)
	}
}

func TestReaderSkipsOverlongLine(t *testing.T) {
	in := `{"type":"chat","text":"` + strings.Repeat("a", MaxLineBytes+10) + "\"}\n{\"type\":\"follow\"}\n"
	r := NewReader(strings.NewReader(in), "big.jsonl")
	_, err := r.Next()
	var le *tikcraft.LineError
	if !errors.As(err, &le) || le.Line != 1 {
		t.Fatalf("want a line-1 error, got %v", err)
	}
	ev, err := r.Next()
	if err != nil || ev.Type() != tikcraft.TypeFollow {
		t.Fatalf("after the long line: %v %v", ev, err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"type":"gift","msg_id":"7301","time":"2026-11-22T18:00:00Z","user":{"id":"6811","unique_id":"anna_123","nickname":"Anna"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":3,"repeat_end":false,"group_id":"1700000000001"}`,
		`{"type":"like","count":15,"total":1200}`, `{"type":"chat","text":"\u202e"}`, `{"type":"viewers","count":"12"}`, `{`, `null`, `{"type":1}`,
		`{"type":"chat","user":{"unique_id":"cleo","follower":true,"subscriber":true,"moderator":true},"text":"hi"}`,
		`{"type":"join","user":{"moderator":false,"subscriber":"true"}}`, `{"type":"follow","user":{"follower":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := Unmarshal(b)
		if err != nil {
			return
		}
		out, err := Marshal(ev)
		if err != nil {
			t.Fatalf("decoded %T but cannot encode it: %v", ev, err)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if back.Type() != ev.Type() {
			t.Fatalf("type changed in round trip: %s -> %s", ev.Type(), back.Type())
		}
		// What was written once (flags included) is written the same again.
		if again, err := Marshal(back); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second round trip changed the line: %s -> %s (%v)", out, again, err)
		}
	})
}

func TestTestMarkRoundTrips(t *testing.T) {
	ev := &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "1", Test: true}, User: tikcraft.User{UniqueID: "tester"}}
	b, err := Marshal(ev)
	if err != nil || !strings.Contains(string(b), `"test":true`) {
		t.Fatalf("%s %v", b, err)
	}
	back, err := Unmarshal(b)
	if err != nil || !back.EventMeta().Test {
		t.Fatalf("%+v %v", back, err)
	}
	plain, _ := Marshal(&tikcraft.FollowEvent{})
	if strings.Contains(string(plain), "test") {
		t.Fatalf("a viewer's event is marked: %s", plain)
	}
}

// TestUserFlagLines: the exact bytes written for the audience flags. A
// user without flags is written as before they existed, so older event
// logs, `tikcraft decode` output and golden files do not change.
func TestUserFlagLines(t *testing.T) {
	tests := []struct {
		user tikcraft.User
		want string
	}{
		{tikcraft.User{UniqueID: "anna"}, `{"type":"join","user":{"id":"","unique_id":"anna","nickname":""}}`},
		{tikcraft.User{UniqueID: "anna", Follower: true}, `{"type":"join","user":{"id":"","unique_id":"anna","nickname":"","follower":true}}`},
		{tikcraft.User{UniqueID: "anna", Subscriber: true}, `{"type":"join","user":{"id":"","unique_id":"anna","nickname":"","subscriber":true}}`},
		{tikcraft.User{UniqueID: "anna", Moderator: true}, `{"type":"join","user":{"id":"","unique_id":"anna","nickname":"","moderator":true}}`},
		{tikcraft.User{ID: "1", UniqueID: "anna", Nickname: "A", Follower: true, Subscriber: true, Moderator: true},
			`{"type":"join","user":{"id":"1","unique_id":"anna","nickname":"A","follower":true,"subscriber":true,"moderator":true}}`},
	}
	for _, tt := range tests {
		ev := &tikcraft.JoinEvent{User: tt.user}
		b, err := Marshal(ev)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.user, b, err, tt.want)
		}
		back, err := Unmarshal(b)
		if err != nil || !reflect.DeepEqual(back, ev) {
			t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
		}
	}
}
