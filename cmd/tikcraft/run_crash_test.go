package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// These tests kill `tikcraft run` (dashboard and overlays on, fed by the
// real TikTok client from the wire simulator) and check what a real RCON
// server received against docs/DELIVERY.md.

// slowly makes Minecraft answer each command after a short pause, so that
// kills land while commands are in flight; nothing is asserted about time.
var slowly = rcontest.Reply(func(string) string {
	time.Sleep(time.Millisecond)
	return ""
})

// streakCounts is 40 streaks of 7 or 8 roses: 300 in all.
func streakCounts() []int {
	c := make([]int, 40)
	for i := range c {
		c[i] = 7 + i%2
	}
	return c
}

// TestRunKill9KeepsOpenStreaks: viewers are in the middle of Rose streaks
// (no end message yet) when `tikcraft run` is killed with SIGKILL. Every
// rose fires exactly once in both gift modes: after a `drain` (also when
// the drain itself is killed mid-delivery), or after the next `run` that
// sees the streaks go on to their end. A further start fires nothing.
func TestRunKill9KeepsOpenStreaks(t *testing.T) {
	t.Parallel()
	fives := []int{5, 5, 5, 5, 5}
	tests := []struct {
		name    string
		mode    string
		streaks []int // each viewer's count when tikcraft is killed
		// goOn > 0: restart `run`, and every streak goes on to goOn and
		// ends. Otherwise restart with `drain`, killed drainKills times
		// mid-delivery first.
		goOn       int
		drainKills int
	}{
		{name: "final/40 streaks/drain", mode: "final", streaks: streakCounts()},
		{name: "live/40 streaks/drain", mode: "live", streaks: streakCounts()},
		{name: "final/40 streaks/drain killed twice", mode: "final", streaks: streakCounts(), drainKills: 2},
		{name: "live/5 streaks/run", mode: "live", streaks: fives, goOn: 10},
		{name: "final/5 streaks/run", mode: "final", streaks: fives, goOn: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rng := crashSeed(t)
			s := newStream(t, streamSetup{
				mc:      []rcontest.Option{slowly},
				yaml:    "gifts:\n  mode: " + tt.mode + "\n",
				actions: "rose:/say r {user}\n",
			})
			p := s.start()
			viewers := make([]tc.User, len(tt.streaks))
			for i := range viewers {
				viewers[i] = s.viewer(fmt.Sprint("v", i))
			}
			// The streaks' messages interleave, as on a LIVE.
			for c := 1; c <= slices.Max(tt.streaks); c++ {
				for i, u := range viewers {
					if c <= tt.streaks[i] {
						s.push(roses(u, strconv.Itoa(7000+i), c, false))
					}
				}
			}
			want := map[string]int{s.mark(): 1}
			p.kill()
			repeats := 1

			if tt.goOn > 0 {
				p = s.start()
				for c := tt.streaks[0] + 1; c <= tt.goOn; c++ {
					for i, u := range viewers {
						s.push(roses(u, strconv.Itoa(7000+i), c, c == tt.goOn))
					}
				}
				for _, u := range viewers {
					want["say r "+u.UniqueID] = tt.goOn
				}
				want[s.mark()] = 1
				p.interrupt()
			} else {
				for i, u := range viewers {
					want["say r "+u.UniqueID] = tt.streaks[i]
				}
				for range tt.drainKills {
					d := s.background("drain")
					if s.killAt(d, len(s.mc.Commands())+20+rng.IntN(100)) {
						repeats++
					}
				}
				s.command("drain")
			}
			checkCounts(t, s.mc.Commands(), want, repeats)

			before := len(s.mc.Commands())
			s.command("drain")
			if got := s.mc.Commands(); len(got) != before {
				t.Errorf("a further start sent %q", got[before:])
			}
		})
	}
}

// TestRunKill9MidDelivery kills `tikcraft run` with SIGKILL while Minecraft,
// answering slowly, has commands in flight, restarts it and kills it
// again: Minecraft gets every command, in order, with at most the one in
// flight repeated per kill. Each round three viewers follow, and each
// follow is 16 commands saved together: once the last follow's first
// command arrives, every event of the round is saved, and the kill lands
// among that follow's commands.
func TestRunKill9MidDelivery(t *testing.T) {
	t.Parallel()
	rng := crashSeed(t)
	kills := crashRounds(3)
	const perFollow = 16
	s := newStream(t, streamSetup{mc: []rcontest.Option{slowly}, actions: burstRule(perFollow)})
	var want []string
	for k := 0; ; k++ {
		p := s.start()
		for j := range 3 {
			u := s.viewer(fmt.Sprintf("u%d_%d", k, j))
			s.push(&tc.FollowEvent{User: u})
			for i := range perFollow {
				want = append(want, fmt.Sprintf("say f %s %d", u.UniqueID, i+1))
			}
		}
		if k == kills {
			want = append(want, s.mark())
			p.interrupt()
			break
		}
		first := want[len(want)-perFollow]
		got := s.waitCommand(first)
		at := slices.Index(got, first) + 1 + rng.IntN(perFollow-2)
		if !s.killAt(p, at) {
			t.Fatalf("tikcraft run exited by itself:\n%s", p.logText())
		}
	}
	checkDelivered(t, s.mc.Commands(), want, kills)
}

// burstRule is a follow rule of n commands, "say f USER 1" to n.
func burstRule(n int) string {
	cmds := make([]string, n)
	for i := range cmds {
		cmds[i] = fmt.Sprintf("/say f {user} %d", i+1)
	}
	return "follow:" + strings.Join(cmds, "; ") + "\n"
}

// TestReplayKill9MidDelivery is TestRunKill9MidDelivery for `replay`:
// killed while Minecraft has a command in flight, the next start (`drain`)
// delivers the rest in order, with at most that command repeated.
func TestReplayKill9MidDelivery(t *testing.T) {
	t.Parallel()
	rng := crashSeed(t)
	const perFollow = 16
	s := newStream(t, streamSetup{mc: []rcontest.Option{slowly}, actions: burstRule(perFollow)})
	var events strings.Builder
	var want []string
	for j := range 3 {
		fmt.Fprintf(&events, `{"type":"follow","msg_id":"%d","user":{"id":"%d","unique_id":"u%d"}}`+"\n", j+1, j+1, j)
		for i := range perFollow {
			want = append(want, fmt.Sprintf("say f u%d %d", j, i+1))
		}
	}
	s.write("events.jsonl", events.String())
	p := s.background("replay", "events.jsonl")
	first := want[len(want)-perFollow]
	got := s.waitCommand(first)
	if !s.killAt(p, slices.Index(got, first)+1+rng.IntN(perFollow-2)) {
		t.Fatalf("replay ended before the kill:\n%s", p.logText())
	}
	s.command("drain")
	checkDelivered(t, s.mc.Commands(), want, 1)
}

// crashRounds is how many kills a crash test makes: def, or
// TIKCRAFT_CRASH_ROUNDS for a longer run.
func crashRounds(def int) int {
	if v := os.Getenv("TIKCRAFT_CRASH_ROUNDS"); v != "" {
		fmt.Sscan(v, &def)
	}
	return def
}

// TestRunFollowOncePerUserSurvivesKill9: follows.once_per_user (on by
// default) fires a viewer's follow once per LIVE; docs/CONFIG.md: it
// "remembers who followed for the whole LIVE in data_dir, so a restart or
// crash mid-stream does not let a follow/unfollow spammer fire again; it
// forgets at a new LIVE". A kill -9 or a Ctrl-C of `run` must not let the
// same viewer's follow fire again; a new LIVE fires it again, also when
// the last one ended while tikcraft was not running.
func TestRunFollowOncePerUserSurvivesKill9(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{tiktok: "  retry_offline: 50ms\n", actions: "follow:/say f {user}\n"})
	anna, bob := s.viewer("anna"), s.viewer("bob")
	// follows sends who's follow twice (follow, unfollow, follow again)
	// and checks how often it fired.
	follows := func(when string, who tc.User, want int) {
		t.Helper()
		before := len(s.mc.Commands())
		s.push(&tc.FollowEvent{User: who}, &tc.FollowEvent{User: who})
		s.mark()
		if got := tally(s.mc.Commands()[before:])["say f "+who.UniqueID]; got != want {
			t.Errorf("%s: %s's follows fired %d times, want %d", when, who.UniqueID, got, want)
		}
	}
	p := s.start()
	follows("first follow", anna, 1)
	p.kill()
	p = s.start()
	follows("after kill -9", anna, 0)
	follows("after kill -9, another viewer", bob, 1)
	p.interrupt()
	p = s.start()
	follows("after Ctrl-C", anna, 0)

	if err := s.tt.EndStream(); err != nil {
		t.Fatal(err)
	}
	p.waitLine("LIVE ended")
	s.tt.GoLive()
	p.waitLine("connected to @" + s.tt.User() + "'s LIVE")
	follows("the next LIVE", anna, 1)

	p.kill()
	if err := s.tt.EndStream(); err != nil {
		t.Fatal(err)
	}
	s.tt.GoLive()
	p = s.start()
	follows("a new LIVE after one that ended while tikcraft was killed", anna, 1)
	p.interrupt()
}

// TestRunKill9KeepsTheWinsCount: a follow's rule counts a win on the
// overlay ($wins +1), and `tikcraft run` is killed with SIGKILL while the
// overlays lane counts them, then restarted. docs/DELIVERY.md: a kill
// repeats at most the one overlay action in flight and never loses one,
// since a win's count reaches the disk no later than its "done" mark. So
// the wins count the overlay shows at the end is every follow's, plus at
// most one per kill, and a kill while no win is on its way changes it not
// at all.
//
// The rule's $wait holds its win until every follow of the round is
// saved (a marker command, sent after them, has arrived): the test then
// kills while the round's wins come due and are counted, without a
// follow being caught unsaved in the receive buffer.
func TestRunKill9KeepsTheWinsCount(t *testing.T) {
	t.Parallel()
	rng := crashSeed(t)
	kills := crashRounds(3)
	const perRound = 30
	s := newStream(t, streamSetup{
		mc: []rcontest.Option{slowly},
		// A rose is the sentinel of the end: it comes due after every
		// win sent before it, so once its death is counted, every win is
		// counted and marked done.
		actions: "follow:$wait 300ms; /say f {user}; $wins +1\nrose:$wait 300ms; $deaths +1\n",
	})
	want := map[string]int{}
	follows := 0
	for k := range kills {
		p := s.start()
		var last string
		for j := range perRound {
			u := s.viewer(fmt.Sprintf("u%d_%d", k, j))
			s.push(&tc.FollowEvent{User: u})
			last = "say f " + u.UniqueID
			want[last] = 1
		}
		want[s.mark()] = 1
		follows += perRound
		// Kill once the overlay has counted some of this round's wins, or,
		// if the test looked too late, once Minecraft has the round's last
		// command.
		target := overlayState(t, p).Wins + 1 + int64(rng.IntN(perRound-1))
		seen := s.waitWins(p, target, last)
		p.kill()
		t.Logf("round %d: killed with %d wins on the overlay (waited for %d of %d)", k, seen, target, follows)
	}

	// The next start counts what the kills left: a rose sent now comes
	// after every win in the overlays lane.
	p := s.start()
	s.push(roses(s.viewer("sentinel"), "9001", 1, true))
	s.waitDeaths(p, 1)
	s.waitTally(want)
	wins := overlayState(t, p).Wins
	if wins < int64(follows) || wins > int64(follows+kills) {
		t.Errorf("the overlay shows %d wins after %d kills; %d follows counted one each: want %d to %d (one repeat per kill at most, none lost)",
			wins, kills, follows, follows, follows+kills)
	}
	t.Logf("%d follows, %d kills: %d wins (%d repeated)", follows, kills, wins, wins-int64(follows))

	// Killed with every win counted and marked, the next start shows
	// exactly that count again. (Minecraft's last command may be sent
	// once more: its mark may not be written yet.)
	p.kill()
	p = s.start()
	if got := overlayState(t, p).Wins; got != wins {
		t.Errorf("killed with no win on its way, the overlay showed %d wins and shows %d after the next start", wins, got)
	}
	want[s.mark()] = 1
	p.interrupt()
	checkCounts(t, s.mc.Commands(), want, kills+1)
}

// overlayCounts is what GET /overlay/state (what the overlay pages show)
// says about the counters.
type overlayCounts struct{ Wins, Deaths int64 }

// overlayState reads GET /overlay/state from the dashboard of p.
func overlayState(t *testing.T, p *proc) (st overlayCounts) {
	t.Helper()
	link := dashboardLink.FindString(p.logText())
	if link == "" {
		t.Fatalf("no dashboard link:\n%s", p.logText())
	}
	req, err := http.NewRequestWithContext(p.ctx, "GET", link+"overlay/state", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("reading the overlay state: %v\n%s", err, p.logText())
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitWins reads the overlay state of p until it shows at least n wins or
// Minecraft has received cmd, and returns the wins it showed last.
func (s *stream) waitWins(p *proc, n int64, cmd string) int64 {
	s.t.Helper()
	for {
		w := overlayState(s.t, p).Wins
		if w >= n || slices.Contains(s.mc.Commands(), cmd) {
			return w
		}
		select {
		case <-p.done:
			s.t.Fatalf("tikcraft exited (%v) before the overlay showed %d wins:\n%s", p.err, n, p.logText())
		case <-s.ctx.Done():
			s.t.Fatalf("the overlay never showed %d wins, and Minecraft never got %q:\n%s", n, cmd, p.logText())
		case <-time.After(time.Millisecond): // often enough to land mid-delivery
		}
	}
}

// waitDeaths reads the overlay state of p until it shows at least n
// deaths.
func (s *stream) waitDeaths(p *proc, n int64) {
	s.t.Helper()
	for overlayState(s.t, p).Deaths < n {
		select {
		case <-p.done:
			s.t.Fatalf("tikcraft exited (%v) before the overlay showed %d deaths:\n%s", p.err, n, p.logText())
		case <-s.ctx.Done():
			s.t.Fatalf("the overlay never showed %d deaths:\n%s", n, p.logText())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestRunCtrlCWaitsForALaggingMinecraft: Ctrl-C while Minecraft has not
// yet answered the command it was sent, and takes longer than the 1.5 s
// grace. tikcraft waits for the answer, so the next start does not send it
// again: it did, and a lagging server (busy with 500 mobs) got the
// follow's command twice.
func TestRunCtrlCWaitsForALaggingMinecraft(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var released sync.Once
	free := func() { released.Do(func() { close(release) }) }
	s := newStream(t, streamSetup{
		mc: []rcontest.Option{rcontest.Reply(func(cmd string) string {
			if cmd == "say f slow" {
				<-release
			}
			return ""
		})},
		actions: "follow:/say f {user}\n",
	})
	t.Cleanup(free) // runs before the server's Stop, which waits for the answer
	p := s.start()
	s.push(&tc.FollowEvent{User: s.viewer("slow")})
	for n := 1; !slices.Contains(s.mc.Commands(), "say f slow"); n++ {
		if _, err := s.mc.WaitCommands(s.ctx, n); err != nil {
			t.Fatalf("Minecraft never got the follow's command: %v\n%s", err, p.logText())
		}
	}
	p.cmd.Process.Signal(os.Interrupt)
	p.waitLine("stopping: waiting up to")
	free()
	<-p.done
	if p.err != nil {
		t.Fatalf("tikcraft after Ctrl-C: %v\n%s", p.err, p.logText())
	}
	s.command("drain")
	if n := strings.Count(strings.Join(s.mc.Commands(), "\n")+"\n", "say f slow\n"); n != 1 {
		t.Fatalf("Minecraft got the follow's command %d times: %q", n, s.mc.Commands())
	}
}
