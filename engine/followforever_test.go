package engine

import (
	"slices"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// follows.remember: forever (Tiktok2Mc's follow_tracking all_time): a
// viewer's follow fires once ever, across LIVEs and restarts.
func TestFollowForever(t *testing.T) {
	follow := func(msg, name string) *tikcraft.FollowEvent {
		return &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: msg}, User: tikcraft.User{ID: name, UniqueID: name}}
	}
	for _, forever := range []bool{false, true} {
		cfg := Config{FollowOncePerUser: true, FollowForever: forever}
		e := New(cfg, rules("follow"), nil)
		e.Restore(nil)
		got := run(e, []step{{0, follow("1", "anna")}, {1, follow("2", "anna")}})
		e.Handle(&tikcraft.StreamEndEvent{}, at(2))
		reset, rows := e.Changes()
		got = append(got, run(e, []step{{3, follow("3", "anna")}, {4, follow("4", "bob")}})...)
		want := []string{"follow anna", "follow anna", "follow bob"}
		if forever {
			want = []string{"follow anna", "follow bob"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("forever=%v: %q, want %q", forever, got, want)
		}
		// The rows written at the new LIVE keep anna when forever.
		kept := slices.ContainsFunc(rows, func(r StateEntry) bool { return r.Key == followPrefix+"id:anna" && r.Value != nil })
		if !reset || kept != forever {
			t.Errorf("forever=%v: reset %v, rows %v", forever, reset, rows)
		}
		// A restart restores them.
		_, rows = e.Changes()
		e2 := New(cfg, rules("follow"), nil)
		e2.Restore(append(rows, StateEntry{Key: followPrefix + "id:anna", Value: []byte("1")}))
		if got := run(e2, []step{{0, follow("5", "anna")}}); len(got) != 0 {
			t.Errorf("forever=%v: after a restart anna's follow fired %q", forever, got)
		}
	}
}
