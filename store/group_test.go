package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// An acknowledgement costs no commit of its own: it is written to the
// journal, and the next commit of any kind copies it into the database.
// Through a kill (a second Store opened on the files while the first is
// still open) the acknowledged action is never delivered again.
func TestAckCostsNoCommit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var c commits
	// An hour: no commit is made for the acknowledgement alone.
	s := openT(t, dir, options{onCommit: c.note, ackLinger: time.Hour, unlocked: true})
	if err := s.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if got := c.list(); !slices.Equal(got, []int{1}) {
		t.Fatalf("commits carried %v writes; want [1] (the push alone)", got)
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 0 {
		t.Fatalf("%d pending after the ack, want 0", n)
	}
	if err := s.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	var delivered sql.NullInt64
	if err := s.r.QueryRow("SELECT delivered_ns FROM actions WHERE id = ?", it.ID).Scan(&delivered); err != nil || !delivered.Valid {
		t.Fatalf("the next push's commit did not copy the acknowledgement: %v, %v", delivered, err)
	}
	it2, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, it2.ID); err != nil { // journaled only
		t.Fatal(err)
	}
	crashed := openT(t, dir, options{unlocked: true})
	if n, _, err := crashed.Stats(ctx, queue.AllLanes); err != nil || n != 0 {
		t.Fatalf("after a kill: %d pending (%v), want 0: the journaled acknowledgement was lost", n, err)
	}
}

// A write that fails in a shared commit fails alone: the others commit.
func TestFailedWriteLeavesTheGroup(t *testing.T) {
	ctx := context.Background()
	var c commits
	s := openT(t, t.TempDir(), options{onCommit: c.note})
	// A first write holds the writer until the two others have formed the
	// next group.
	release := make(chan struct{})
	first := make(chan error)
	go func() {
		first <- s.write(ctx, func(context.Context, *sql.Tx) error { <-release; return nil })
	}()
	awaitGroup(s, 0)
	bad := errors.New("bad write")
	failed := make(chan error)
	go func() {
		failed <- s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('x', 'y')"); err != nil {
				return err
			}
			return bad
		})
	}()
	awaitGroup(s, 1)
	pushed := make(chan error)
	go func() { pushed <- s.Push(ctx, cmd(7)) }()
	awaitGroup(s, 2)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-failed; !errors.Is(err, bad) {
		t.Fatalf("the failing write returned %v", err)
	}
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM meta WHERE key = 'x'").Scan(&n)
	if n != 0 {
		t.Fatal("the failed write's insert was committed")
	}
	if it, err := s.Next(ctx, queue.LaneMinecraft); err != nil || it.Action.Command != cmd(7).Command {
		t.Fatalf("the push in the same group: %q, %v", it.Action.Command, err)
	}
	if got := c.list(); !slices.Equal(got, []int{1, 1}) {
		t.Fatalf("commits %v; want two of one write each: the first, then the push alone", got)
	}
}

// awaitGroup waits until a write leads a group and the next group holds n
// writes.
func awaitGroup(s *Store, n int) {
	for {
		s.gmu.Lock()
		ok := s.leading && (n == 0 && s.open == nil || s.open != nil && len(s.open.fns) == n)
		s.gmu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
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

// Acknowledgements of several lanes wait in the journal together and are
// copied by the next push's commit: at 100 events a second an event costs
// one commit, not one per lane plus one.
func TestAcksOfSeveralLanesShareThePush(t *testing.T) {
	ctx := context.Background()
	var c commits
	s := openT(t, t.TempDir(), options{onCommit: c.note, ackLinger: time.Hour})
	alert := tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "Rose"}}
	if err := s.Push(ctx, cmd(1), alert); err != nil {
		t.Fatal(err)
	}
	// Both lanes read their heads before any acknowledgement: a read of
	// the queue's file copies the waiting ones first.
	var items []queue.Item
	for _, lane := range []queue.Lane{queue.LaneMinecraft, queue.LaneOverlays} {
		it, err := s.Next(ctx, lane)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	for _, it := range items {
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	if got := c.list(); !slices.Equal(got, []int{1, 1}) {
		t.Fatalf("commits carried %v writes; want [1 1] (the pushes; the acks ride on the second)", got)
	}
	var marked int
	if err := s.r.QueryRow("SELECT count(*) FROM actions WHERE delivered_ns IS NOT NULL").Scan(&marked); err != nil || marked != 2 {
		t.Fatalf("%d actions marked delivered (%v), want 2", marked, err)
	}
}

// With no other commit coming, the acknowledgements waiting in the journal
// get one of their own after the linger.
func TestAcksGetACommitWhenNoneComes(t *testing.T) {
	ctx := context.Background()
	committed := make(chan int, 10)
	s := openT(t, t.TempDir(), options{onCommit: func(n int, err error) {
		if err == nil {
			committed <- n
		}
	}, ackLinger: time.Millisecond})
	if err := s.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	<-committed
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	<-committed // the linger's commit; nothing else writes
	var delivered sql.NullInt64
	if err := s.r.QueryRow("SELECT delivered_ns FROM actions WHERE id = ?", it.ID).Scan(&delivered); err != nil || !delivered.Valid {
		t.Fatalf("the acknowledgement was not copied: %v, %v", delivered, err)
	}
}

// An overlay action's acknowledgement never reaches the disk before the
// counters it changed: while they are staged, it commits with them.
func TestOverlayAckWaitsForItsCounters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if err := ackWin(ctx, s, `{"wins":1}`); err != nil {
		t.Fatal(err)
	}
	crashed := openT(t, dir, options{unlocked: true})
	got, err := crashed.LoadOverlayCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n, _, _ := crashed.Stats(ctx, queue.AllLanes)
	if string(got) != `{"wins":1}` || n != 0 {
		t.Fatalf("after a kill: counters %s and %d pending; want the count and no pending action (or neither)", got, n)
	}
}

// Acknowledging again is harmless, also while the first mark is still in
// the journal.
func TestAckTwiceFromTheJournal(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{ackLinger: time.Hour})
	it := pushTwoTakeOne(t, s)
	for range 2 {
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("%d pending, want 1", n)
	}
	if err := s.Ack(ctx, 999); err == nil || !strings.Contains(err.Error(), "no such action") {
		t.Fatalf("an unknown id: %v", err)
	}
}

// Records copied long ago stay in the journal until it is cut back; their
// counters never replace newer ones at the next Open.
func TestOldJournalCountersDoNotComeBack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if err := ackWin(ctx, s, `{"wins":1}`); err != nil { // journaled with wins 1
		t.Fatal(err)
	}
	if err := s.Push(ctx, cmd(1)); err != nil { // copies it, and wins 1
		t.Fatal(err)
	}
	s.StageOverlayCounters([]byte(`{"wins":5}`)) // $wins set 5, say
	if err := s.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	crashed := openT(t, dir, options{unlocked: true})
	if got, err := crashed.LoadOverlayCounters(ctx); err != nil || string(got) != `{"wins":5}` {
		t.Fatalf("after a kill: counters %s (%v), want the newest, {\"wins\":5}", got, err)
	}
}

// A journal torn at its end (a power cut mid-write) keeps its whole
// records; one from another database is not applied at all.
func TestJournalTornOrForeign(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if err := s.Push(ctx, cmd(1), cmd(2)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	journal := filepath.Join(dir, FileName+"-acks")
	b, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	saved := append([]byte(nil), b...)
	// Tear the second record.
	if err := os.WriteFile(journal, b[:len(b)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	crashed := openT(t, dir, options{unlocked: true})
	if n, _, _ := crashed.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("after a torn journal: %d pending, want 1 (the torn record's action)", n)
	}
	// The same records under another database's id.
	other := t.TempDir()
	o := openT(t, other, options{})
	if err := o.Push(ctx, cmd(1), cmd(2)); err != nil {
		t.Fatal(err)
	}
	o.Close()
	if err := os.WriteFile(filepath.Join(other, FileName+"-acks"), saved, 0o600); err != nil {
		t.Fatal(err)
	}
	o = openT(t, other, options{})
	if n, _, _ := o.Stats(ctx, queue.AllLanes); n != 2 {
		t.Fatalf("another database's journal: %d pending, want both", n)
	}
}

// A commit that copies every waiting acknowledgement stops the linger's
// timer: the next acknowledgement waits its own linger for a push instead
// of getting a commit of its own at the old timer's end (at 100 events a
// second that was a quarter more commits).
func TestCopyStopsTheLinger(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{ackLinger: time.Hour})
	it := pushTwoTakeOne(t, s)
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	s.acks.mu.Lock()
	armed := s.acks.armed
	s.acks.mu.Unlock()
	if !armed {
		t.Fatal("no linger armed for a waiting acknowledgement")
	}
	if err := s.Push(ctx, cmd(3)); err != nil { // copies it
		t.Fatal(err)
	}
	s.acks.mu.Lock()
	armed = s.acks.armed
	s.acks.mu.Unlock()
	if armed {
		t.Fatal("the linger's timer is still armed with nothing waiting")
	}
}

// ackWin pushes a "$wins +1", takes it, stages counters as the overlays
// would after applying it, and acknowledges it.
func ackWin(ctx context.Context, s *Store, counters string) error {
	if err := s.Push(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1"}); err != nil {
		return err
	}
	it, err := s.Next(ctx, queue.LaneOverlays)
	if err != nil {
		return err
	}
	s.StageOverlayCounters([]byte(counters))
	return s.Ack(ctx, it.ID)
}
