package overlay

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// TestManagerSounds: each $sound reaches the pages once with a new id, in
// order; it leaves the state after a while, so a page that comes back
// never plays it late; ids keep growing across a restart.
func TestManagerSounds(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	var pubs int
	m := New(ctx, Options{Config: Defaults(), Now: c.now, Publish: func(Snapshot) { pubs++ }})
	for _, cmd := range []string{`sound "airhorn.mp3" 100`, `sound "Air Horn.mp3" 40 overlap`} {
		if err := m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: cmd}); err != nil {
			t.Fatal(err)
		}
		m.Publish() // what Run does at the next frame
		c.t = c.t.Add(time.Second)
	}
	s := m.Snapshot()
	if len(s.Sounds) != 2 || s.Sounds[0].File != "airhorn.mp3" || s.Sounds[0].Volume != 100 || s.Sounds[0].Overlap ||
		s.Sounds[1].File != "Air Horn.mp3" || s.Sounds[1].Volume != 40 || !s.Sounds[1].Overlap ||
		s.Sounds[1].ID != s.Sounds[0].ID+1 || s.Sounds[0].AgeMS != 2000 || pubs != 2 {
		t.Fatalf("%d publications, sounds %+v", pubs, s.Sounds)
	}
	c.t = c.t.Add(soundFresh)
	if s := m.Snapshot(); len(s.Sounds) != 0 {
		t.Fatalf("stale sounds %+v", s.Sounds)
	}
	last := s.Sounds[1].ID
	m2 := New(ctx, Options{Config: Defaults(), Now: c.now})
	m2.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: `sound "a.wav" 100`})
	if s := m2.Snapshot(); len(s.Sounds) != 1 || s.Sounds[0].ID <= last {
		t.Fatalf("after a restart %+v (last id before %d)", s.Sounds, last)
	}
	if err := m2.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: `sound "../x.mp3" 100`}); !errors.Is(err, tikcraft.ErrRejected) {
		t.Errorf("a path: %v", err)
	}
}
