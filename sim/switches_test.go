package sim_test

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

func TestRoomInfoAndDisagreeingLookups(t *testing.T) {
	s, ctx := startSim(t, sim.Options{PageDisagrees: true, APILiveNotFound: true})
	room := s.Snapshot().RoomID
	info := getJSON(t, ctx, s.URL()+"/webcast/room/info/?room_id="+room)
	if st := info["data"].(map[string]any)["status"]; st != float64(2) {
		t.Fatalf("room info status %v, want 2 (live)", st)
	}
	info = getJSON(t, ctx, s.URL()+"/webcast/room/info/?room_id=1")
	if st := info["data"].(map[string]any)["status"]; st != float64(4) {
		t.Fatalf("room info of another room: status %v, want 4", st)
	}
	_, page := get(t, ctx, s.URL()+"/@"+sim.DefaultUser+"/live", nil)
	if !strings.Contains(string(page), `"status":4`) {
		t.Fatalf("the page should claim offline: %s", page)
	}
	api := getJSON(t, ctx, s.URL()+"/api-live/user/room/?uniqueId="+sim.DefaultUser)
	if api["message"] != "user_not_found" {
		t.Fatalf("api-live = %v", api)
	}
	if l := s.Snapshot().Lookups; l["room_info"] != 2 || l["page"] != 1 || l["api-live"] != 1 {
		t.Fatalf("lookups %v", l)
	}
}

func TestEchoAPIKey(t *testing.T) {
	const key = "sk-echo-me"
	s, ctx := startSim(t, sim.Options{APIKey: "other", EchoAPIKey: true})
	resp, body := signRaw(t, ctx, s, s.Snapshot().RoomID, "", http.Header{"X-Api-Key": {key}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), key) {
		t.Fatalf("HTTP %d %s: want a 401 that repeats the key", resp.StatusCode, body)
	}
}

func TestFrameSwitches(t *testing.T) {
	s, ctx := startSim(t, sim.Options{MislabelGzip: true, EmptyInternalExt: true, NeedAck: true, StripGiftDetails: true})
	room := s.Snapshot().RoomID
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	if err := s.Push(chat("1", "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.PushPadded(1000, &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "2"}, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true}, RepeatCount: 1}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var pf pb.WebcastPushFrame
		if err := proto.Unmarshal(b, &pf); err != nil {
			t.Fatal(err)
		}
		gz := len(pf.Payload) > 1 && pf.Payload[0] == 0x1f && pf.Payload[1] == 0x8b
		label := pf.GetHeaders()[0].GetValue()
		if gz == (label == "gzip") {
			t.Fatalf("frame %d: gzipped %v but labelled %q", i, gz, label)
		}
		f, evs, err := webcast.NewDecoder(webcast.Limits{}).DecodeFrame(b)
		if err != nil || len(evs) != 1 || !f.NeedAck() || f.InternalExt() != "" {
			t.Fatalf("frame %d: %+v %v %v", i, f, evs, err)
		}
		if i == 1 {
			if len(b) < 1000 {
				t.Fatalf("padded frame is %d bytes", len(b))
			}
			var gm pb.WebcastGiftMessage
			if err := proto.Unmarshal(f.Result.GetMessages()[0].GetPayload(), &gm); err != nil || gm.Gift != nil || gm.GiftId != 5655 {
				t.Fatalf("gift message %v, %v: want no gift struct and gift_id 5655", &gm, err)
			}
		}
	}
}

func TestHeartbeatAnswerSuspendAndSilence(t *testing.T) {
	s, ctx := startSim(t, sim.Options{})
	room := s.Snapshot().RoomID
	c := sign(t, ctx, s, room, "").enter(t, ctx, room)
	send(t, ctx, c, must(webcast.HeartbeatFrame(roomID(t, room), 1)))
	if f, _ := read(t, ctx, c); f.PayloadType != webcast.PayloadHeartbeat {
		t.Fatalf("answer to a heartbeat: %+v", f)
	}
	if err := s.Suspend(); err != nil {
		t.Fatal(err)
	}
	_, evs := read(t, ctx, c)
	if d, ok := evs[0].(*tikcraft.DisconnectEvent); !ok || d.Reason != webcast.ReasonSuspended || !s.Snapshot().Live {
		t.Fatalf("after Suspend: %+v, live %v", evs, s.Snapshot().Live)
	}
	// The frame is counted after it was written: let the count settle.
	if _, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return sn.FramesSent == 1 }); err != nil {
		t.Fatal(err)
	}
	s.Silence()
	send(t, ctx, c, must(webcast.HeartbeatFrame(roomID(t, room), 2)))
	if err := s.Push(chat("9", "unheard")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(ctx, func(sn sim.Snapshot) bool { return sn.HeartbeatCount == 2 }); err != nil {
		t.Fatal(err)
	}
	// A new socket speaks again, from the fresh cursor.
	c2 := sign(t, ctx, s, room, "").enter(t, ctx, room)
	send(t, ctx, c2, must(webcast.HeartbeatFrame(roomID(t, room), 1)))
	if f, _ := read(t, ctx, c2); f.PayloadType != webcast.PayloadHeartbeat {
		t.Fatalf("a new socket after Silence: %+v", f)
	}
	if snap := s.Snapshot(); snap.FramesSent != 1 {
		t.Fatalf("%d frames sent, want only the suspension (the silenced socket sent nothing)", snap.FramesSent)
	}
}
