package engine

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// savedState is what a store keeps of Changes: rows by key.
type savedState map[string][]byte

func (s savedState) commit(reset bool, rows []StateEntry) {
	if reset {
		clear(s)
	}
	for _, r := range rows {
		if r.Value == nil {
			delete(s, r.Key)
		} else {
			s[r.Key] = r.Value
		}
	}
}

func (s savedState) rows() []StateEntry {
	var out []StateEntry
	for k, v := range s {
		out = append(out, StateEntry{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// TestPropertyRestoreAfterCrash: the engine is killed at random points of
// random streams (state committed with the actions after every event, as
// the pipeline does) and restarted from the saved state, up to three
// times: every gift still fires exactly once, in both modes.
func TestPropertyRestoreAfterCrash(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 44))
		for _, mode := range []string{ModeFinal, ModeLive} {
			steps, sent := randomStream(rng)
			saved := savedState{}
			start := func() *Engine {
				e := New(Config{Mode: mode, SeenIDs: 512}, rules("rose", "heart", "lion"), nil)
				e.Restore(saved.rows())
				return e
			}
			e := start()
			var got int
			seen := map[string]bool{} // the connector drops messages it already delivered
			crashes := map[int]bool{}
			for range rng.IntN(4) {
				crashes[rng.IntN(len(steps))] = true
			}
			for i, s := range steps {
				if crashes[i] {
					e = start()
				}
				if id := s.ev.EventMeta().MsgID; seen[id] {
					continue
				} else {
					seen[id] = true
				}
				got += len(e.Handle(s.ev, s.t)) + len(e.Tick(s.t))
				saved.commit(e.Changes())
			}
			if rng.IntN(2) == 0 { // killed with streaks open: the next start settles them
				e = start()
			}
			got += len(e.Flush())
			saved.commit(e.Changes())
			if int64(got) != sent {
				t.Fatalf("seed %d mode %s, crashes at %v: %d actions for %d gifts sent", seed, mode, crashes, got, sent)
			}
			// Starting again after that fires nothing more.
			e = start()
			if n := len(e.Flush()) + len(e.Tick(steps[len(steps)-1].t.Add(time.Hour))); n != 0 {
				t.Fatalf("seed %d mode %s: %d actions after everything was settled", seed, mode, n)
			}
		}
	}
}

// TestRestoreSkipsBadRows: a damaged row is dropped, the rest come back.
func TestRestoreSkipsBadRows(t *testing.T) {
	e := New(Config{}, rules("rose"), nil)
	e.Restore(nil)
	e.Handle(rose("anna", 3, false, "g", "1"), at(0))
	_, rows := e.Changes()
	rows = append(rows, StateEntry{Key: "streak:[not json", Value: []byte("{}")}, StateEntry{Key: encodeKey(streakKey{"u", "g", "x"}), Value: []byte("nope")})
	e2 := New(Config{}, rules("rose"), nil)
	if open := e2.Restore(rows); open != 1 {
		t.Fatalf("%d open streaks restored, want 1", open)
	}
	if got := len(e2.Flush()); got != 3 {
		t.Fatalf("%d actions for the 3 restored roses", got)
	}
	_, changed := e2.Changes()
	deleted := 0
	for _, r := range changed {
		if r.Value == nil {
			deleted++
		}
	}
	if deleted != 2 {
		t.Fatalf("%d rows deleted, want the 2 bad ones: %v", deleted, changed)
	}
}

// TestSettledSetIsBounded: only the newest MaxSettled settled streaks are
// remembered, and the forgotten ones are deleted from the saved state.
func TestSettledSetIsBounded(t *testing.T) {
	e := New(Config{MaxSettled: 3}, rules("rose"), nil)
	e.Restore(nil)
	saved := savedState{}
	for i := range 10 {
		e.Handle(rose("u", 1, true, string(rune('a'+i)), ""), at(float64(i)))
		saved.commit(e.Changes())
	}
	e.Tick(at(3600))
	saved.commit(e.Changes())
	if e.SettledStreaks() != 3 || e.OpenStreaks() != 0 || len(saved) != 3 {
		t.Fatalf("%d settled remembered, %d open, %d saved rows; want 3, 0, 3", e.SettledStreaks(), e.OpenStreaks(), len(saved))
	}
}

// TestNewRoomAfterRestartIsANewLive: the LIVE ended while tikcraft was not
// running, so no stream end reset the session. The room is saved with the
// state: a connection to another room settles what the last LIVE left open
// and starts afresh (a follower of the last LIVE fires again), while a
// reconnect to the same room goes on (the follower does not).
func TestNewRoomAfterRestartIsANewLive(t *testing.T) {
	cfg := Config{FollowOncePerUser: true}
	anna := tikcraft.User{ID: "1", UniqueID: "anna"}
	for _, tt := range []struct {
		room    string
		follows int // "follow anna" commands after the restart
		roses   int // the open streak's gifts settled at the connect
	}{
		{"room-1", 0, 0},
		{"room-2", 1, 3},
	} {
		t.Run(tt.room, func(t *testing.T) {
			saved := savedState{}
			e := New(cfg, rules("follow", "rose"), nil)
			e.Restore(nil)
			commit := func(e *Engine, acts []tikcraft.Action) []tikcraft.Action {
				saved.commit(e.Changes())
				return acts
			}
			commit(e, e.Handle(&tikcraft.ConnectEvent{RoomID: "room-1"}, at(0)))
			commit(e, e.Handle(&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "f1"}, User: anna}, at(1)))
			commit(e, e.Handle(rose("anna", 3, false, "g", "r1"), at(2))) // live mode is off: fires at the end

			e2 := New(cfg, rules("follow", "rose"), nil) // the restart
			e2.Restore(saved.rows())
			var got []tikcraft.Action
			got = append(got, commit(e2, e2.Handle(&tikcraft.ConnectEvent{RoomID: tt.room}, at(3)))...)
			got = append(got, commit(e2, e2.Handle(&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "f2"}, User: anna}, at(4)))...)
			follows, roses := 0, 0
			for _, a := range got {
				switch a.Command {
				case "follow anna":
					follows++
				case "rose anna":
					roses++
				}
			}
			if follows != tt.follows || roses != tt.roses {
				t.Fatalf("after connecting to %s: %d follow and %d rose commands, want %d and %d", tt.room, follows, roses, tt.follows, tt.roses)
			}
			if string(saved[roomKey]) != tt.room {
				t.Fatalf("saved room %q", saved[roomKey])
			}
		})
	}
}
