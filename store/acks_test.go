package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
)

// A commit under way while an overlay action is acknowledged and the next
// one stages newer counters: the commit writes the counters it took, and
// the marks journaled after it took the journal carry counters at least
// as new. Open applies the last of those, never older ones: no
// acknowledged $wins is lost. (Before the counters were taken first, Open
// brought back {"wins":1}.)
func TestJournalCountersNeverOlderThanTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	wins := tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1"}
	if err := s.Push(ctx, wins, wins); err != nil {
		t.Fatal(err)
	}
	a1, err := s.Next(ctx, queue.LaneOverlays)
	if err != nil {
		t.Fatal(err)
	}
	s.StageOverlayCounters([]byte(`{"wins":1}`)) // A1 delivered
	// A commit of any kind (the event log's flush, a push) is under way:
	// it has taken the (empty) journal and is running its writes.
	inFn, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- s.write(ctx, func(context.Context, *sql.Tx) error {
			close(inFn)
			<-release
			return nil
		})
	}()
	<-inFn
	if err := s.Ack(ctx, a1.ID); err != nil { // journaled with wins 1
		t.Fatal(err)
	}
	a2, err := s.Next(ctx, queue.LaneOverlays)
	if err != nil {
		t.Fatal(err)
	}
	s.StageOverlayCounters([]byte(`{"wins":2}`)) // A2 delivered
	close(release)
	if err := <-done; err != nil { // commits wins 2, not A1's mark
		t.Fatal(err)
	}
	if err := s.Ack(ctx, a2.ID); err != nil { // journaled without counters: wins 2 is saved
		t.Fatal(err)
	}
	crashed := openT(t, dir, options{unlocked: true}) // kill -9 here
	got, _ := crashed.LoadOverlayCounters(ctx)
	n, _, _ := crashed.Stats(ctx, queue.AllLanes)
	t.Logf("after the kill: counters %s, %d pending", got, n)
	if string(got) != `{"wins":2}` && n == 0 {
		t.Fatalf("both $wins actions acknowledged, yet the counters are %s: one win is lost", got)
	}
}

type fillSink struct {
	n    atomic.Int64
	fill func()
}

func (f *fillSink) Deliver(context.Context, tikcraft.Action) error {
	if f.n.Add(1) == 1 {
		f.fill()
	}
	return nil
}

// A database that cannot be written (a full disk) while actions wait: the
// marks go to the journal, and the queue's reads, which cannot copy them
// into the file, leave their actions out instead of failing. Delivery
// goes on, and nothing is delivered twice. (The reads used to fail and end
// the delivery.)
func TestFullDatabaseKeepsDelivering(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{ackLinger: time.Millisecond})
	var batch []tikcraft.Action
	for i := range 300 {
		batch = append(batch, tikcraft.Action{Kind: tikcraft.KindCommand, Command: fmt.Sprintf("say %d %s", i, strings.Repeat("x", 100))})
	}
	if err := s.Push(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	sink := &fillSink{fill: func() {
		var pages int
		s.w.QueryRow("PRAGMA page_count").Scan(&pages)
		s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	}}
	finish := make(chan struct{})
	close(finish)
	w := &deliver.Worker{Queue: s, Sink: sink, Lanes: []queue.Lane{queue.LaneMinecraft}}
	st, err := w.Run(ctx, finish)
	if err != nil {
		t.Fatalf("a full database ended the delivery: %v", err)
	}
	if st.Delivered != 300 || sink.n.Load() != 300 {
		t.Fatalf("delivered %d, the sink saw %d; want 300 each", st.Delivered, sink.n.Load())
	}
	if _, err := s.w.Exec("PRAGMA max_page_count = 1073741823"); err != nil { // room again
		t.Fatal(err)
	}
	if n, _, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 0 {
		t.Fatalf("%d pending (%v), want 0", n, err)
	}
	if err := s.Push(ctx, cmd(1)); err != nil { // its commit copies the marks
		t.Fatal(err)
	}
	var marked int
	if err := s.r.QueryRow("SELECT count(*) FROM actions WHERE delivered_ns IS NOT NULL").Scan(&marked); err != nil || marked != 300 {
		t.Fatalf("%d marked in the file (%v), want 300", marked, err)
	}
}

// A record whose action is not in the database (a tikcraft.db restored
// from a backup, or a push lost to a power cut while the journal's write
// survived) never marks the new action that gets its id: Open cuts the
// journal once the marks it applied are in the file, and a mark applies
// only to an action pushed before it.
func TestJournalNeverMarksAReusedID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s1, err := open(ctx, dir, nil, options{synchronous: "NORMAL", ackLinger: time.Hour, unlocked: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, FileName)
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, db, backup)

	s2 := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if err := s2.Push(ctx, cmd(2)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		it, err := s2.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if err := s2.Ack(ctx, it.ID); err != nil { // journaled: ids 1 and 2
			t.Fatal(err)
		}
	}
	// kill -9, then the streamer restores the backup (same acks_id)
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	os.Remove(db)
	copyFile(t, backup, db)

	s3 := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if err := s3.Push(ctx, cmd(100)); err != nil { // reuses id 2
		t.Fatal(err)
	}
	if n, _, _ := s3.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("%d pending, want 1 (the new gift)", n)
	}
	// kill -9 before it is sent
	s4 := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	if n, _, _ := s4.Stats(ctx, queue.AllLanes); n != 1 {
		t.Fatalf("after a kill: %d pending, want 1: the new gift (id 2) was marked delivered by the old record of id 2", n)
	}
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// readJournal takes whatever a crash or a disk left: it never fails on
// bad bytes, returns only whole records, and reads back what appendRecord
// wrote followed by anything.
func FuzzReadJournal(f *testing.F) {
	hdr := func(id uint64) []byte {
		return binary.LittleEndian.AppendUint64([]byte(journalMagic), id)
	}
	f.Add(hdr(7), int64(1), int64(2), []byte(nil), []byte{})
	f.Add(hdr(7), int64(3), int64(4), []byte(`{"wins":1}`), []byte{0, 0, 1})
	f.Add([]byte("junk"), int64(0), int64(0), []byte{}, []byte{0xff})
	f.Fuzz(func(t *testing.T, head []byte, id, at int64, counters, tail []byte) {
		if len(counters) > maxRecordData {
			return
		}
		path := filepath.Join(t.TempDir(), "j")
		rec := appendRecord(nil, id, at, counters)
		if err := os.WriteFile(path, append(append(append([]byte(nil), head...), rec...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		recs, end, err := readJournal(file, 7)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := file.Stat()
		if end < 0 || end > fi.Size() || (len(recs) > 0) != (end > int64(journalHeader)) {
			t.Fatalf("%d records ending at %d of %d bytes", len(recs), end, fi.Size())
		}
		if len(head) == journalHeader && bytes.Equal(head, hdr(7)) {
			if len(recs) == 0 || recs[0].id != id || recs[0].at != at || !bytes.Equal(recs[0].counters, counters) {
				t.Fatalf("the record written first came back as %+v", recs)
			}
		}
	})
}

// ackedThenFull opens a store with o, pushes cmd(1) and, a minute later,
// then; acknowledges cmd(1), which marks it in the journal only (a long
// ack linger); and makes the database unwritable. It returns when then
// was pushed.
func ackedThenFull(t *testing.T, o options, then ...tikcraft.Action) (*Store, time.Time) {
	t.Helper()
	ctx := context.Background()
	c := newClock()
	o.now, o.ackLinger = c.now, time.Hour
	s := openT(t, t.TempDir(), o)
	if err := s.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	if err := s.Push(ctx, then...); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil || it.Action.Command != cmd(1).Command {
		t.Fatalf("Next = %+v, %v", it, err)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	unwritable(t, s)
	return s, c.now()
}

// unwritable makes every write of s fail, as a full disk does, while the
// journal and reads still work: the writer's one connection turns query
// only. (max_page_count, the full-disk tests' way, lets a write that
// needs no new page through: a single mark often does.)
func unwritable(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.w.Exec("PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	if err := s.write(context.Background(), func(context.Context, *sql.Tx) error { return nil }); err == nil {
		t.Fatal("the database can still be written")
	}
}

// The database cannot be written after an acknowledgement was journaled:
// the report, like Next and Due, leaves its action out of the pending ones
// (it is delivered; its mark is safe in the journal). It counted it.
func TestReportLeavesOutJournaledAcks(t *testing.T) {
	ctx := context.Background()
	s, second := ackedThenFull(t, options{}, cmd(2))
	rep, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if a := rep.Actions; a.Pending != 1 || !a.OldestPending.Equal(second) {
		t.Fatalf("report: %d pending, the oldest from %v; want 1, from %v (the acknowledged one left out)", a.Pending, a.OldestPending, second)
	}
	if n, since, err := s.Due(ctx, queue.LaneMinecraft); err != nil || n != 1 || !since.Equal(second) {
		t.Fatalf("Due: %d since %v (%v); want 1 since %v", n, since, err, second)
	}
}

// Acknowledging again an action whose mark waits in the journal succeeds
// without a write: it is marked already, as durably as a commit would
// mark it. It took the commit path, which fails while the database cannot
// be written.
func TestAckAgainWhileTheDatabaseCannotBeWritten(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, options{ackLinger: time.Hour, unlocked: true})
	it := pushTwoTakeOne(t, s)
	if err := s.Ack(ctx, it.ID); err != nil { // journaled only
		t.Fatal(err)
	}
	unwritable(t, s)
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatalf("acknowledging again: %v", err)
	}
	if n, _, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 1 {
		t.Fatalf("%d pending (%v), want 1", n, err)
	}
	crashed := openT(t, dir, options{unlocked: true}) // kill -9 here
	if n, _, err := crashed.Stats(ctx, queue.AllLanes); err != nil || n != 1 {
		t.Fatalf("after a kill: %d pending (%v), want 1", n, err)
	}
}

// The database cannot be written and a delayed action waits: Due counts
// the due ones without the acknowledged one and gives the next one's
// time, not the acknowledged one's (it subtracted it from the count but
// kept its time).
func TestDueLeavesOutJournaledAcks(t *testing.T) {
	ctx := context.Background()
	later := cmd(3)
	later.Delay = time.Hour
	s, second := ackedThenFull(t, options{}, cmd(2), later)
	for _, lane := range []queue.Lane{queue.LaneMinecraft, queue.AllLanes} {
		if n, since, err := s.Due(ctx, lane); err != nil || n != 1 || !since.Equal(second) {
			t.Errorf("Due(%s): %d since %v (%v); want 1 since %v", lane, n, since, err, second)
		}
	}
}

// The marks are copied into the database (the disk has room again) after
// Due took the ids it leaves out and before it counts: the acknowledged
// action is left out once, not twice. Due subtracted it from a count
// that no longer held it.
func TestDueWhileTheJournalIsCopied(t *testing.T) {
	ctx := context.Background()
	var copyNow func()
	later := cmd(3)
	later.Delay = time.Hour
	s, _ := ackedThenFull(t, options{onQueueRead: func() {
		if copyNow != nil {
			copyNow()
		}
	}}, cmd(2), later)
	copyNow = func() {
		copyNow = nil
		if _, err := s.w.Exec("PRAGMA query_only = 0"); err != nil {
			t.Error(err)
		}
		if err := s.settleAcks(ctx); err != nil {
			t.Error(err)
		}
	}
	if n, _, err := s.Due(ctx, queue.LaneMinecraft); err != nil || n != 1 {
		t.Fatalf("Due: %d (%v); want 1", n, err)
	}
	if copyNow != nil {
		t.Fatal("Due read nothing")
	}
}

// The database cannot be written and, besides an action acknowledged in
// the journal, only a delayed one waits in the lane: Stats gives the
// delayed one's push time as the oldest. It gave the acknowledged one's.
func TestStatsLeavesOutJournaledAcks(t *testing.T) {
	ctx := context.Background()
	later := cmd(2)
	later.Delay = time.Hour
	s, second := ackedThenFull(t, options{}, later)
	for _, lane := range []queue.Lane{queue.LaneMinecraft, queue.AllLanes} {
		if n, oldest, err := s.Stats(ctx, lane); err != nil || n != 1 || !oldest.Equal(second) {
			t.Errorf("Stats(%s): %d, the oldest from %v (%v); want 1, from %v", lane, n, oldest, err, second)
		}
	}
}
