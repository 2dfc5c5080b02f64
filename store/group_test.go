package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// commits records the group commits a store makes.
type commits struct {
	mu     sync.Mutex
	writes []int
}

func (c *commits) note(n int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.writes = append(c.writes, n)
	}
}

func (c *commits) list() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.writes...)
}

// awaitLingering waits until a write leads a group of n writes that is
// still open: it lingers, waiting for another to join.
func awaitLingering(s *Store, n int) {
	for {
		s.gmu.Lock()
		lingering := s.leading && s.open != nil && len(s.open.fns) == n
		s.gmu.Unlock()
		if lingering {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// An acknowledgement that leaves nothing to deliver shares its commit with
// the next push, and returns only once that commit is on disk: the
// acknowledged action is never delivered again, the pushed one is kept.
func TestAckSharesItsCommitWithTheNextPush(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var c commits
	// An hour: the Ack can only end by being joined.
	s := openT(t, dir, options{onCommit: c.note, ackLinger: time.Hour})
	if err := s.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	acked := make(chan error)
	go func() { acked <- s.Ack(ctx, it.ID) }()
	awaitLingering(s, 1) // the Ack leads a group of its own
	if err := s.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	if err := <-acked; err != nil {
		t.Fatal(err)
	}
	if got := c.list(); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("commits carried %v writes; want [1 2] (the push, then the ack with the next push)", got)
	}
	s.Close()
	s = openT(t, dir, options{})
	it, err = s.Next(ctx, queue.LaneMinecraft)
	if err != nil || it.Action.Command != cmd(2).Command {
		t.Fatalf("after a restart: %q, %v; want only the second action", it.Action.Command, err)
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("%d pending, want 1", n)
	}
}

// A write that fails in a shared commit fails alone: the others commit.
func TestFailedWriteLeavesTheGroup(t *testing.T) {
	ctx := context.Background()
	var c commits
	s := openT(t, t.TempDir(), options{onCommit: c.note})
	bad := errors.New("bad write")
	failed := make(chan error)
	go func() {
		failed <- s.writeLinger(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('x', 'y')"); err != nil {
				return err
			}
			return bad
		}, time.Hour)
	}()
	awaitLingering(s, 1)
	if err := s.Push(ctx, cmd(7)); err != nil {
		t.Fatal(err)
	}
	if err := <-failed; !errors.Is(err, bad) {
		t.Fatalf("the failing write returned %v", err)
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM meta WHERE key = 'x'").Scan(&n)
	if n != 0 {
		t.Fatal("the failed write's insert was committed")
	}
	if it, err := s.Next(ctx, queue.LaneMinecraft); err != nil || it.Action.Command != cmd(7).Command {
		t.Fatalf("the push in the same group: %q, %v", it.Action.Command, err)
	}
	if got := c.list(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("commits %v; want one, of the push alone", got)
	}
}

// Concurrent writers: everything pushed is kept once, in each writer's
// order, however the groups form.
func TestConcurrentWritersShareCommits(t *testing.T) {
	ctx := context.Background()
	var c commits
	s := openT(t, t.TempDir(), options{onCommit: c.note})
	const writers, each = 4, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Push(ctx, cmd(w*1000+i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	next := make([]int, writers)
	for range writers * each {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		fmtSscan(it.Action.Command, &n)
		w, i := n/1000, n%1000
		if i != next[w] {
			t.Fatalf("writer %d: got %d, want %d", w, i, next[w])
		}
		next[w]++
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, n := range c.list() {
		total += n
	}
	if total < writers*each {
		t.Fatalf("%d writes committed, want at least %d", total, writers*each)
	}
}

func fmtSscan(s string, n *int) { fmt.Sscanf(s, "say %d", n) }

// Acknowledgements of several lanes, each leaving its lane nothing to
// deliver, wait together for the next push and share its commit: at 100
// events a second an event costs one commit, not one per lane plus one.
func TestAcksOfSeveralLanesWaitForThePush(t *testing.T) {
	ctx := context.Background()
	var c commits
	s := openT(t, t.TempDir(), options{onCommit: c.note, ackLinger: time.Hour})
	wins := tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1"}
	if err := s.Push(ctx, cmd(1), wins); err != nil {
		t.Fatal(err)
	}
	acked := make(chan error, 2)
	for _, lane := range []queue.Lane{queue.LaneMinecraft, queue.LaneOverlays} {
		it, err := s.Next(ctx, lane)
		if err != nil {
			t.Fatal(err)
		}
		go func() { acked <- s.Ack(ctx, it.ID) }()
	}
	awaitLingering(s, 2) // both acknowledgements are in the lingering group
	if err := s.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-acked; err != nil {
			t.Fatal(err)
		}
	}
	if got := c.list(); !slices.Equal(got, []int{1, 3}) {
		t.Fatalf("commits carried %v writes; want [1 3] (the push, then both acks with the next push)", got)
	}
}

// While its lane holds a delayed action, which may come due any moment,
// an acknowledgement waits for a push only briefly (delayedLinger).
func TestAckLingersBrieflyBesideADelayedAction(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{ackLinger: time.Hour})
	later := cmd(2)
	later.Delay = time.Hour
	if err := s.Push(ctx, cmd(1), later); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	// With the hour's linger this would not return before the test's
	// deadline; nothing else writes.
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.Stats(ctx, queue.LaneMinecraft); n != 1 {
		t.Fatalf("%d pending, want the delayed one", n)
	}
}
