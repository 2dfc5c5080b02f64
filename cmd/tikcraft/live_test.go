package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// TestRunWaitsForTheStreamerThenDelivers runs `tikcraft run -c tikcraft.yaml`
// against the wire simulator with a streamer who is not live yet: it says
// so once, keeps checking, connects when the LIVE starts, and a follow
// reaches a real RCON server. Then the LIVE ends and tikcraft waits again
// instead of exiting.
func TestRunWaitsForTheStreamerThenDelivers(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-live-test")
	tt, err := sim.Start(sim.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dir := t.TempDir()
	cfg := fmt.Sprintf(`tiktok:
  user: "@%s"
  sign_server: %s
  web_base: %s
  retry_offline: 20ms
rcon:
  address: %s
  password: pw-for-live-test
`, tt.User(), tt.URL(), tt.URL(), srv.Addr())
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {user}\n"), 0o600)

	p := startRun(t, ctx, dir, "run", "-c", "tikcraft.yaml")
	p.waitLine("[tiktok]  @sim_streamer is not live; checking every 20ms")
	if _, err := tt.Wait(ctx, func(s sim.Snapshot) bool { return s.Lookups["page"] >= 3 }); err != nil {
		t.Fatalf("tikcraft stopped checking whether the streamer is live: %v", err)
	}
	tt.GoLive()
	p.waitLine("connected to @sim_streamer's LIVE")
	anna := tc.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna"}
	if err := tt.Push(&tc.FollowEvent{Meta: tc.Meta{MsgID: "1"}, User: anna}); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitCommands(ctx, 1)
	if err != nil || got[0] != "say thanks anna_123" {
		t.Fatalf("Minecraft got %q, %v", got, err)
	}

	if err := tt.EndStream(); err != nil {
		t.Fatal(err)
	}
	p.waitLine("[event]   the LIVE ended")
	pages := tt.Snapshot().Lookups["page"]
	if _, err := tt.Wait(ctx, func(s sim.Snapshot) bool { return s.Lookups["page"] >= pages+2 }); err != nil {
		t.Fatalf("tikcraft stopped checking after the LIVE ended: %v", err)
	}
	if p.exited() {
		t.Fatalf("tikcraft exited after the LIVE ended:\n%s", p.logText())
	}
	p.interrupt()
	if strings.Contains(p.logText(), "pw-for-live-test") {
		t.Fatalf("the RCON password reached the log:\n%s", p.logText())
	}
}

// TestCaptureDecodeReplayRoundTrip: what `run --capture` recorded from a
// LIVE decodes to exactly the events TikTok sent, and `replay --frames`
// gives exactly the commands Minecraft got live.
func TestCaptureDecodeReplayRoundTrip(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-live-test")
	tt, err := sim.Start(sim.Options{NeedAck: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cfg := fmt.Sprintf("tiktok:\n  user: \"@%s\"\n  sign_server: %s\n  web_base: %s\nrcon:\n  address: %s\n  password: pw-for-live-test\n",
		tt.User(), tt.URL(), tt.URL(), srv.Addr())
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("rose:/say rose {user}\nfollow:/say follow {user}\nshare:/say share {user}\njoin:/say join {user}\n"), 0o600)

	p := startRun(t, ctx, dir, "run", "-c", "tikcraft.yaml", "--capture", "live.capture")
	p.waitLine("connected to @sim_streamer's LIVE")
	anna := tc.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna \"}] ✨"}
	rose := tc.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}
	sent := []tc.Event{
		&tc.JoinEvent{Meta: tc.Meta{MsgID: "1"}, User: anna},
		&tc.GiftEvent{Meta: tc.Meta{MsgID: "2"}, User: anna, Gift: rose, RepeatCount: 2, GroupID: "77"},
		&tc.GiftEvent{Meta: tc.Meta{MsgID: "3"}, User: anna, Gift: rose, RepeatCount: 3, RepeatEnd: true, GroupID: "77"},
		&tc.GiftEvent{Meta: tc.Meta{MsgID: "4"}, User: anna, Gift: tc.Gift{ID: 11046, Name: "Galaxy", Diamonds: 1000}, RepeatCount: 1},
		&tc.LikeEvent{Meta: tc.Meta{MsgID: "5"}, User: anna, Count: 15, Total: 315},
		&tc.ChatEvent{Meta: tc.Meta{MsgID: "6"}, User: anna, Text: "hi /op me"},
		&tc.ShareEvent{Meta: tc.Meta{MsgID: "7"}, User: anna},
		&tc.SubscribeEvent{Meta: tc.Meta{MsgID: "8"}, User: anna},
		&tc.ViewersEvent{Meta: tc.Meta{MsgID: "9"}, Count: 120},
		&tc.FollowEvent{Meta: tc.Meta{MsgID: "10"}, User: tc.User{ID: "9", UniqueID: "zed_last", Follower: true}}, // a follow decodes as a follower
	}
	if err := tt.Push(sent...); err != nil {
		t.Fatal(err)
	}
	// The follow is the last event, so once Minecraft has its command
	// every frame has been captured.
	live, err := srv.WaitCommands(ctx, 1)
	for err == nil && live[len(live)-1] != "say follow zed_last" {
		live, err = srv.WaitCommands(ctx, len(live)+1)
	}
	if err != nil {
		t.Fatalf("Minecraft got %q: %v\n%s", live, err, p.logText())
	}
	p.interrupt()
	want := []string{"say join anna_123", "say rose anna_123", "say rose anna_123", "say rose anna_123", "say share anna_123", "say follow zed_last"}
	if !slices.Equal(live, want) {
		t.Fatalf("live commands %q, want %q", live, want)
	}

	out, errOut, code := tikcraft(t, dir, nil, "decode", "live.capture")
	if code != 0 {
		t.Fatalf("decode: exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(sent) {
		t.Fatalf("decode printed %d events, want %d:\n%s", len(lines), len(sent), out)
	}
	for i, line := range lines {
		got, err := jsonl.Unmarshal([]byte(line))
		if err != nil {
			t.Fatalf("decode line %d is not an event: %v\n%s", i+1, err, line)
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", sent[i]) {
			t.Errorf("event %d\n got %+v\nwant %+v", i+1, got, sent[i])
		}
	}

	out, errOut, code = tikcraft(t, dir, nil, "decode", "--stats", "live.capture")
	if code != 0 || !regexp.MustCompile(`(?m)^\d+ frames \(0 unreadable, 0 bad lines\), 10 events$`).MatchString(out) || !regexp.MustCompile(`(?m)^\s*3\s+0\s+"WebcastGiftMessage"`).MatchString(out) {
		t.Fatalf("decode --stats: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "anna_123") {
		t.Fatalf("decode --stats printed events:\n%s", out)
	}

	out, errOut, code = tikcraft(t, dir, nil, "replay", "-c", "tikcraft.yaml", "--dry-run", "--frames", "live.capture")
	if code != 0 {
		t.Fatalf("replay --frames: exit %d\n%s", code, errOut)
	}
	var replayed []string
	for _, m := range regexp.MustCompile(`(?m)^\[dry-run\] command /(.*?)\s+trigger=`).FindAllStringSubmatch(out, -1) {
		replayed = append(replayed, m[1])
	}
	if !slices.Equal(replayed, live) {
		t.Fatalf("replay --frames gave %q, live gave %q\n%s", replayed, live, out)
	}
}

// TestRunSaysEachTikTokRetryOnce: while TikTok cannot be reached, each
// retry is one [tiktok] line on the console, not that line and a log
// warning saying the same in another style.
func TestRunSaysEachTikTokRetryOnce(t *testing.T) {
	srv := rcontest.Start(t, "pw-for-live-test")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close() // "TikTok" refuses every connection
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cfg := fmt.Sprintf("tiktok:\n  user: \"@anna\"\n  sign_server: http://%s\n  web_base: http://%s\nrcon:\n  address: %s\n  password: pw-for-live-test\nweb:\n  listen: 127.0.0.1:0\n", down, down, srv.Addr())
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {user}\n"), 0o600)

	p := startRun(t, ctx, dir, "run", "-c", "tikcraft.yaml")
	p.waitLine("[tiktok]  " + down + " refused the connection; trying again in")
	p.waitLine("[tiktok]  " + down + " refused the connection; trying again in")
	p.interrupt()
	var retries []string
	for _, l := range p.log {
		if strings.Contains(l, "refused the connection") || strings.Contains(l, "could not check whether") {
			retries = append(retries, l)
		}
	}
	for _, l := range retries {
		if !strings.HasPrefix(l, "[tiktok]  ") {
			t.Fatalf("a retry said twice, in two styles:\n%s", strings.Join(retries, "\n"))
		}
	}
}
