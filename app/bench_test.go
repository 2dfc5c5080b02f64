package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// benchPeerEnv makes this test binary the bench's peer process (TestMain).
const benchPeerEnv = "TIKCRAFT_TEST_BENCH_PEER"

// benchPeer starts this test binary as the bench's peer, as `tikcraft
// bench` starts `tikcraft bench-peer`.
func benchPeer(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchPeerEnv+"=1")
	return cmd
}

// TestBenchDeliversEverything: a short bench through the whole pipeline,
// with each queue, delivers every event's command exactly once and prints
// its figures. Speed is not checked here; that is what the bench is for.
func TestBenchDeliversEverything(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"memory", "durable"} {
		t.Run(q, func(t *testing.T) {
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Bench(ctx, BenchOptions{Options: Options{Stdout: &out, Stderr: &out}, Rate: 200, Duration: time.Second, Queue: q, PeerCommand: benchPeer})
			if err != nil {
				t.Fatal(err)
			}
			if res.Events != 200 || res.Commands != 200 || res.Lost != 0 || res.Resent != 0 || res.LeftPending != 0 || !res.Complete() {
				t.Fatalf("result %+v; want 200 events, 200 commands, none lost, repeated or pending\n%s", res, out.String())
			}
			for _, want := range []string{"p50", "p99", "max", "allocations", "200 commands", "µs per event"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

// TestBenchFullMixWithOverlays runs issue 25's load, briefly: follows with
// /say and $wins, roses with an alert, !hi chat commands and likes, the
// dashboard and overlay pages connected over their real connections. Every
// command arrives once, the like rule fires as often as the likes say,
// every overlay action is delivered, and the pages end with the wins
// counter at the number of follows.
func TestBenchFullMixWithOverlays(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Bench(ctx, BenchOptions{Options: Options{Stdout: &out, Stderr: &out}, Rate: 600, Duration: time.Second, Mix: "full", Overlays: 3, PeerCommand: benchPeer})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() || res.Events != 600 || res.Commands != 400 || res.WantLikeCommands != 15 || res.Other != 0 {
		t.Fatalf("result %+v; want 600 events, 400 commands and 15 like commands, everything delivered once\n%s", res, out.String())
	}
	if res.Wins != 300 || res.Overlay.Clients != 3 || res.Dashboard.Clients != 1 || res.Overlay.Messages < 3 || res.Dashboard.Messages < 1 {
		t.Fatalf("browsers: wins %d (want 300), overlay %+v, dashboard %+v\n%s", res.Wins, res.Overlay, res.Dashboard, out.String())
	}
	for _, want := range []string{"full mix", "overlay pages on /overlay/ws: 3", "wins counter 300 of 300", "µs per event"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// The overlays fire rules of their own (here goal_followers_reached,
// every 50 follows): those actions come from no event of the bench, so
// they are counted on a line of their own, and every event's actions
// are still delivered exactly once.
func TestBenchCountsOverlayRulesApart(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Bench(ctx, BenchOptions{Options: Options{Stdout: &out, Stderr: &out}, Rate: 600, Duration: time.Second, Mix: "full", Overlays: 1, PeerCommand: benchPeer,
		extraConfig:  "overlays:\n  goals:\n    - {type: followers, initial_goal: 50, multiplier: 1}\n",
		extraActions: "goal_followers_reached:/say goal reached; >>Follower goal!|thank you|1\n"})
	if err != nil {
		t.Fatal(err)
	}
	// 300 follows: the goal is reached 6 times, 2 actions each.
	if !res.Complete() || res.Events != 600 || res.Commands != 400 || res.OverlayActions != 12 || res.OverlayDelivered != 12 {
		t.Fatalf("result %+v; want every event's actions delivered once, and the goal's 12 apart\n%s", res, out.String())
	}
	for _, want := range []string{"everything delivered exactly once", "overlay rules 12 actions of their own (goal_followers_reached), 12 delivered"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBenchRejectsBadFlags(t *testing.T) {
	for _, c := range []struct {
		bo   BenchOptions
		want string
	}{
		{BenchOptions{Queue: "disk"}, "memory or durable"},
		{BenchOptions{Mix: "gifts"}, "join, full or plain"},
		{BenchOptions{Mix: "plain", Overlays: 7}, "--mix full --overlays"},
		{BenchOptions{Overlays: -1}, "from 0 to 100"},
		{BenchOptions{PerFrame: -2}, "--per-frame"},
	} {
		_, err := Bench(context.Background(), c.bo)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Bench(%+v) = %v; want an error saying %q", c.bo, err, c.want)
		}
	}
}

// With --per-frame, events share WebSocket frames as on a busy LIVE, and
// still every one is delivered once.
func TestBenchPerFrame(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := Bench(ctx, BenchOptions{Options: Options{Stdout: &out, Stderr: &out}, Rate: 500, Duration: time.Second, Mix: "plain", PerFrame: 8, PeerCommand: benchPeer})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() || res.Events != 500 || !res.FromSent || !strings.Contains(out.String(), "up to 8 events per frame") {
		t.Fatalf("result %+v\n%s", res, out.String())
	}
}
