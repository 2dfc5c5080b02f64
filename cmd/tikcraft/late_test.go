package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// docs/DELIVERY.md: "a streak's end arrives late, however late: nothing:
// only gifts not fired yet are added; settled streaks are remembered for
// the whole LIVE".

// TestRunLateStreakEnd: in the default final mode two viewers' Rose
// streaks get no end message, so `run` settles them after
// gifts.streak_timeout (10 s by default) and fires what they had. Then the
// ends arrive, with higher counts: one while the same `run` goes on, the
// other after tikcraft was killed with SIGKILL and started again. Each adds
// only the roses not fired yet.
func TestRunLateStreakEnd(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{actions: "rose:/say r {user}\n"})
	p := s.start()
	anna, bob := s.viewer("anna"), s.viewer("bob")
	for c := 1; c <= 4; c++ {
		s.push(roses(anna, "8001", c, false))
		if c <= 3 {
			s.push(roses(bob, "8002", c, false))
		}
	}
	// Nothing is sent before the timeout settles the streaks.
	s.waitTally(map[string]int{"say r anna": 4, "say r bob": 3})
	s.push(roses(bob, "8002", 5, true))
	want := map[string]int{s.mark(): 1}
	p.kill()

	p = s.start()
	s.push(roses(anna, "8001", 7, true))
	want[s.mark()] = 1
	p.interrupt()
	want["say r anna"], want["say r bob"] = 7, 5
	checkCounts(t, s.mc.Commands(), want, 1)
}

// TestRunLateStreakEndAfterDrain: `run` is killed while a streak is open;
// `drain` settles it; the streak's end then reaches the next `run`, with a
// higher count, and adds only the roses not fired yet. In both gift modes.
func TestRunLateStreakEndAfterDrain(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"final", "live"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := newStream(t, streamSetup{yaml: "gifts:\n  mode: " + mode + "\n", actions: "rose:/say r {user}\n"})
			p := s.start()
			anna := s.viewer("anna")
			for c := 1; c <= 5; c++ {
				s.push(roses(anna, "8001", c, false))
			}
			want := map[string]int{s.mark(): 1}
			p.kill()
			s.command("drain")
			p = s.start()
			s.push(roses(anna, "8001", 8, true))
			want[s.mark()] = 1
			p.interrupt()
			want["say r anna"] = 8
			checkCounts(t, s.mc.Commands(), want, 1)
		})
	}
}

// TestReplayLateStreakEnd is the same for `replay`, where time is the
// events' own: a streak's end a minute after its last update (the streak
// settled at the timeout in between) adds only the roses not fired yet.
func TestReplayLateStreakEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"final", "live"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := newStream(t, streamSetup{yaml: "gifts:\n  mode: " + mode + "\n", actions: "rose:/say r {user}\nfollow:/say f {user}\n"})
			t0 := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
			var ev strings.Builder
			gift := func(at time.Duration, id, count int, end bool) {
				fmt.Fprintf(&ev, `{"time":%q,"type":"gift","msg_id":"%d","user":{"id":"1","unique_id":"anna"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":%d,"repeat_end":%t,"group_id":"8001"}`+"\n",
					t0.Add(at).Format(time.RFC3339Nano), id, count, end)
			}
			for c := 1; c <= 4; c++ {
				gift(time.Duration(c)*100*time.Millisecond, c, c, false)
			}
			fmt.Fprintf(&ev, `{"time":%q,"type":"follow","msg_id":"10","user":{"id":"2","unique_id":"bob"}}`+"\n", t0.Add(30*time.Second).Format(time.RFC3339Nano))
			gift(time.Minute, 11, 7, true)
			s.write("events.jsonl", ev.String())
			s.command("replay", "events.jsonl")
			checkCounts(t, s.mc.Commands(), map[string]int{"say r anna": 7, "say f bob": 1}, 0)
		})
	}
}
