package main

import (
	"fmt"
	"strings"
	"testing"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// docs/DELIVERY.md: the tool keeps running through Minecraft being down or
// restarting and TikTok disconnecting; actions wait and go out in order,
// nothing is lost, and only a restart mid-command repeats that command.

// outageActions gives every follow and single gift a command of its own,
// so that order and repeats show; a Rose streak fires one "say r" per rose.
const outageActions = "follow:/say f {user}\nrose:/say r {user}\n"

// follows sends a follow from n new viewers named prefix0... and returns
// their commands in order.
func (s *stream) follows(prefix string, n int) []string {
	s.t.Helper()
	var want []string
	for i := range n {
		u := s.viewer(fmt.Sprint(prefix, i))
		s.push(&tc.FollowEvent{User: u})
		want = append(want, "say f "+u.UniqueID)
	}
	return want
}

// TestRunMinecraftDownAtStart: Minecraft is not up yet when `run` starts
// and viewers follow and send a streak; it comes up later. Everything is
// delivered once, in order.
func TestRunMinecraftDownAtStart(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{mc: []rcontest.Option{rcontest.Late()}, actions: outageActions})
	p := s.start()
	anna := s.viewer("anna")
	var want []string
	for c := 1; c <= 6; c++ {
		s.push(roses(anna, "9001", c, c == 6))
		want = append(want, s.follows(fmt.Sprint("c", c, "_"), 2)...)
	}
	p.waitLine("is not reachable")
	if err := s.mc.Listen(); err != nil {
		t.Error(err)
	}
	want = append(want, s.mark())
	p.interrupt()
	checkInOrder(t, s.mc.Commands(), want, map[string]int{"say r anna": 6}, 0)
}

// TestRunMinecraftRestarts: Minecraft restarts twice while `run` delivers
// a burst of follows and a streak is open. Every command arrives, in order;
// a restart can repeat only the command it interrupted.
func TestRunMinecraftRestarts(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{mc: []rcontest.Option{slowly}, yaml: "gifts:\n  mode: live\n", actions: outageActions})
	p := s.start()
	anna := s.viewer("anna")
	s.push(roses(anna, "9001", 1, false), roses(anna, "9001", 2, false))
	want := s.follows("u", 60)
	s.waitCommands(15)
	if err := s.mc.Restart(); err != nil {
		t.Error(err)
	}
	s.waitCommands(35)
	if err := s.mc.Restart(); err != nil {
		t.Error(err)
	}
	s.push(roses(anna, "9001", 5, true))
	want = append(want, s.mark())
	p.interrupt()
	checkInOrder(t, s.mc.Commands(), want, map[string]int{"say r anna": 5}, 2)
}

// TestRunTikTokReconnects: the connection to TikTok drops mid-stream, with a
// streak open. TikTok's answer to the reconnect carries its recent
// messages (sim History): those sent while tikcraft was away, and many it
// already had. Each gift and follow fires exactly once.
func TestRunTikTokReconnects(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{sim: sim.Options{History: 30}, actions: outageActions})
	p := s.start()
	anna := s.viewer("anna")
	s.push(roses(anna, "9001", 1, false), roses(anna, "9001", 2, false), roses(anna, "9001", 3, false))
	want := s.follows("a", 10)
	want = append(want, s.mark())
	s.tt.Drop()
	s.push(roses(anna, "9001", 4, false))
	want = append(want, s.follows("b", 5)...)
	p.waitLine("lost the connection to @" + s.tt.User() + "'s LIVE")
	p.waitLine("connected to @" + s.tt.User() + "'s LIVE")
	s.push(roses(anna, "9001", 6, true))
	want = append(want, s.follows("c", 5)...)
	want = append(want, s.mark())
	p.interrupt()
	checkInOrder(t, s.mc.Commands(), want, map[string]int{"say r anna": 6}, 0)
}

// TestReplayMinecraftOutages: `replay` through the same Minecraft outages:
// down when it starts and up later (nothing repeats), and restarting twice
// mid-delivery (at most one repeat per restart).
func TestReplayMinecraftOutages(t *testing.T) {
	t.Parallel()
	for _, restarts := range []int{0, 2} {
		t.Run(fmt.Sprint(restarts, " restarts"), func(t *testing.T) {
			t.Parallel()
			mc := slowly
			if restarts == 0 {
				mc = rcontest.Late()
			}
			s := newStream(t, streamSetup{mc: []rcontest.Option{mc}, actions: outageActions})
			var ev strings.Builder
			var want []string
			for i := range 60 {
				fmt.Fprintf(&ev, `{"type":"follow","msg_id":"%d","user":{"id":"%d","unique_id":"u%d"}}`+"\n", i+1, i+1, i)
				want = append(want, fmt.Sprint("say f u", i))
				if i < 5 {
					fmt.Fprintf(&ev, `{"type":"gift","msg_id":"%d","user":{"id":"999","unique_id":"anna"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":%d,"repeat_end":%t,"group_id":"9001"}`+"\n", 1000+i, i+1, i == 4)
				}
			}
			s.write("events.jsonl", ev.String())
			p := s.background("replay", "events.jsonl")
			if restarts == 0 {
				p.waitLine("is not reachable")
				if err := s.mc.Listen(); err != nil {
					t.Error(err)
				}
			}
			for r := range restarts {
				s.waitCommands(10 + 20*r)
				if err := s.mc.Restart(); err != nil {
					t.Error(err)
				}
			}
			p.finish()
			checkInOrder(t, s.mc.Commands(), want, map[string]int{"say r anna": 5}, restarts)
		})
	}
}
