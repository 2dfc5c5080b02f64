package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft/queue"
)

// The acknowledgement journal (FileName + "-acks") makes an Ack durable
// without a commit of its own. A command's mark must reach the disk before
// the next command of its lane is sent, so that a kill repeats at most the
// one in flight; at 1,000 events a second that was a commit per command,
// a third of tikcraft's CPU (docs/PERFORMANCE.md). Now an Ack writes one
// 24-byte record here (one write call, which survives the process being
// killed as a commit with synchronous=NORMAL does; with FULL it is synced
// too) and the marks are copied into the database by the next commit of
// any kind, or after the ack linger when none comes. Open copies what a
// kill left in the journal before anything is read, and every read that
// looks at which actions are pending copies what is waiting first
// (settleAcks), so the database and the queue in memory never disagree;
// when the database cannot be written (a full disk), the reads leave out
// the actions marked in the journal instead (unsettled).
//
// The file starts with journalMagic and the database's own id (meta
// 'acks_id'): records from another database (a new tikcraft.db after the
// old one was deleted) are never applied to this one, and a record
// applies only to an action pushed before it. Each record is the
// length of its counters, the action id and the time, the counters, and a
// CRC-32 of all that, little-endian: a record torn by a power cut ends the
// journal there. Records already copied may be applied again at Open,
// which changes nothing (an action once delivered stays delivered and ids
// are never reused); the file is cut back once it holds journalKeepBytes.
//
// An overlay action's mark must not reach the disk before the count it
// made ($wins +1: StageOverlayCounters), which the next commit would
// write: its record carries the overlay counters staged so far. Open
// writes the counters of the last record it applied (one whose action was
// not marked yet), so the counters are never older than the marks.
// retryCopy is how often the marks are tried again while the database
// cannot be written.
const retryCopy = time.Second

const (
	journalMagic     = "tkacks2\n"
	journalHeader    = len(journalMagic) + 8
	recordHead       = 4 + 8 + 8
	recordMin        = recordHead + 4
	maxRecordData    = 64 << 10 // larger counters commit instead
	journalKeepBytes = 256 << 10
)

type ackRec struct {
	id, at int64
	lane   queue.Lane // in memory only: which lane's count it changes
}

// acks is the journal and the marks not yet copied into the database.
type acks struct {
	mu      sync.Mutex
	f       *os.File
	sync    bool // fsync each record (synchronous FULL or EXTRA)
	off     int64
	buf     []byte
	waiting []ackRec // written to the journal, not yet copied
	copying []ackRec // taken by the commit in progress (one at a time)
	// timer runs copyAcks; made once and Reset, not made per linger (at
	// 1,000 events a second that was 200 timers a second). armed is true
	// while marks wait and it is set to fire; a firing it missed stopping
	// finds armed false and does nothing, or, when marks were journaled
	// and it was armed again meanwhile, commits them a linger early
	// (harmless: one commit sooner).
	timer  *time.Timer
	armed  bool
	copies sync.WaitGroup // copyAcks' commits under way: Close waits for them
	closed bool
}

// arm sets the timer to make a commit for the waiting marks in d, unless
// it is set already. Callers hold a.mu.
func (s *Store) arm(d time.Duration) {
	a := &s.acks
	if a.armed || a.closed {
		return
	}
	a.armed = true
	if a.timer == nil {
		a.timer = time.AfterFunc(d, s.copyAcks)
	} else {
		a.timer.Reset(d)
	}
}

// disarm stops the timer. Callers hold a.mu.
func (s *Store) disarm() {
	a := &s.acks
	if a.armed {
		a.timer.Stop()
		a.armed = false
	}
}

// openAcks opens the journal beside the database and applies what it
// holds to the database; once that is in the file itself, the journal
// starts again from its header.
func (s *Store) openAcks(ctx context.Context, synchronous string) error {
	id, err := s.acksID(ctx)
	if err != nil {
		return err
	}
	path := s.path + "-acks"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", filepath.Base(path), err)
	}
	recs, end, err := readJournal(f, id)
	if err != nil {
		f.Close()
		return fmt.Errorf("cannot read %s: %w", filepath.Base(path), err)
	}
	if len(recs) > 0 {
		applied := 0
		err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			// A mark applies only to an action pushed before it: the id of
			// one the file lost (a power cut) may be another's by now.
			st, err := tx.PrepareContext(ctx, `UPDATE actions SET delivered_ns = ?1
				WHERE id = ?2 AND enqueued_ns <= ?1 AND delivered_ns IS NULL AND parked_ns IS NULL`)
			if err != nil {
				return err
			}
			defer st.Close()
			var counters []byte
			var at int64
			for _, r := range recs {
				res, err := st.ExecContext(ctx, r.at, r.id)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					applied++
					if r.counters != nil {
						counters, at = r.counters, r.at
					}
				}
			}
			if counters != nil {
				_, err := tx.StmtContext(ctx, s.setStaged).ExecContext(ctx, countersKey, counters, at)
				return err
			}
			return nil
		})
		if err != nil {
			f.Close()
			return err
		}
		if applied > 0 {
			s.log.Info(fmt.Sprintf("recorded %d deliveries that were done just before tikcraft stopped", applied))
		}
		// The journal starts again once the marks are in the database
		// file itself (a checkpoint syncs it): cut earlier, a power cut
		// could keep the cut and lose the commit that applied them.
		var busy, frames, done int
		if s.ckpt.QueryRowContext(ctx, "PRAGMA wal_checkpoint(FULL)").Scan(&busy, &frames, &done) == nil && busy == 0 {
			end = 0
		}
	}
	// A torn end, or another database's journal, is cut off too, so that
	// new records follow whole ones.
	if end < int64(journalHeader) {
		hdr := make([]byte, journalHeader)
		copy(hdr, journalMagic)
		binary.LittleEndian.PutUint64(hdr[len(journalMagic):], id)
		_, err = f.WriteAt(hdr, 0)
		end = int64(journalHeader)
	}
	if err == nil {
		err = f.Truncate(end)
	}
	if err == nil && synchronous != "OFF" {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %w", filepath.Base(path), err)
	}
	s.acks.f, s.acks.off = f, end
	s.acks.sync = synchronous == "FULL" || synchronous == "EXTRA"
	return nil
}

// acksID is the database's id in meta, made on first use.
func (s *Store) acksID(ctx context.Context) (uint64, error) {
	var b [8]byte
	rand.Read(b[:])
	fresh := binary.LittleEndian.Uint64(b[:])
	if _, err := s.w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('acks_id', ?) ON CONFLICT(key) DO NOTHING`,
		fmt.Sprint(fresh)); err != nil {
		return 0, err
	}
	var v string
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'acks_id'`).Scan(&v); err != nil {
		return 0, err
	}
	var id uint64
	if _, err := fmt.Sscan(v, &id); err != nil {
		return 0, fmt.Errorf("the database's acks_id %q: %w", v, err)
	}
	return id, nil
}

// journalRec is a record read back.
type journalRec struct {
	ackRec
	counters []byte
}

// readJournal returns the whole records of f and where they end, if f
// belongs to the database whose id is id (none, ending at 0, otherwise).
func readJournal(f *os.File, id uint64) ([]journalRec, int64, error) {
	r := bufio.NewReader(io.NewSectionReader(f, 0, 1<<62))
	hdr := make([]byte, journalHeader)
	if _, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, nil // new, or cut short before a record
		}
		return nil, 0, err
	}
	if string(hdr[:len(journalMagic)]) != journalMagic || binary.LittleEndian.Uint64(hdr[len(journalMagic):]) != id {
		return nil, 0, nil
	}
	var out []journalRec
	end := int64(journalHeader)
	head := make([]byte, recordHead)
	for {
		if _, err := io.ReadFull(r, head); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return out, end, nil
			}
			return nil, 0, err
		}
		n := binary.LittleEndian.Uint32(head)
		if n > maxRecordData {
			return out, end, nil // torn
		}
		rest := make([]byte, int(n)+4)
		if _, err := io.ReadFull(r, rest); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return out, end, nil
			}
			return nil, 0, err
		}
		crc := crc32.Update(crc32.ChecksumIEEE(head), crc32.IEEETable, rest[:n])
		if crc != binary.LittleEndian.Uint32(rest[n:]) {
			return out, end, nil // torn: nothing after it was written whole
		}
		end += int64(recordHead + len(rest))
		rec := journalRec{ackRec: ackRec{id: int64(binary.LittleEndian.Uint64(head[4:])), at: int64(binary.LittleEndian.Uint64(head[12:]))}}
		if n > 0 {
			rec.counters = rest[:n]
		}
		out = append(out, rec)
	}
}

// appendRecord appends the journal record of an acknowledgement to b.
func appendRecord(b []byte, id, at int64, counters []byte) []byte {
	start := len(b)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(counters)))
	b = binary.LittleEndian.AppendUint64(b, uint64(id))
	b = binary.LittleEndian.AppendUint64(b, uint64(at))
	b = append(b, counters...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// journal writes an acknowledgement, for an overlay action with the
// overlay counters not yet on disk if any; when it returns nil the mark
// survives a kill. The next commit copies it into the database; if none
// comes within the linger, one is made for it. It returns false, writing
// nothing, when the counters are too large for a record.
func (s *Store) journal(id, at int64, lane queue.Lane) (bool, error) {
	a := &s.acks
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false, ErrClosed
	}
	// Read under a.mu: a commit takes the staged counters before the
	// marks, so a record that misses a commit carries counters at least as
	// new as those it writes.
	var counters []byte
	if lane == queue.LaneOverlays {
		counters = s.unsavedCounters()
	}
	if len(counters) > maxRecordData {
		return false, nil
	}
	a.buf = appendRecord(a.buf[:0], id, at, counters)
	rec := a.buf
	if _, err := a.f.WriteAt(rec, a.off); err != nil {
		return false, s.journalError(err)
	}
	if a.sync {
		if err := a.f.Sync(); err != nil {
			return false, s.journalError(err)
		}
	}
	a.off += int64(len(rec))
	a.waiting = append(a.waiting, ackRec{id: id, at: at, lane: lane})
	s.arm(s.linger)
	return true, nil
}

// journalError words a failed journal write as a queue write error, like a
// failed commit.
func (s *Store) journalError(err error) error {
	dir := filepath.Base(filepath.Dir(s.path))
	p := fmt.Sprintf("%s cannot be written", filepath.Join(dir, FileName+"-acks"))
	if diskFull(err) {
		s.diskFilled()
		p = fmt.Sprintf("the disk holding %s is full", dir)
	}
	return &queue.WriteError{Problem: p, Err: err}
}

// copyAcks makes a commit for the marks waiting in the journal when no
// other commit came within the linger.
func (s *Store) copyAcks() {
	a := &s.acks
	a.mu.Lock()
	if !a.armed || len(a.waiting) == 0 || a.closed {
		// Stopped too late (a commit copied the marks), or closed.
		a.armed = false
		a.mu.Unlock()
		return
	}
	a.armed = false
	a.copies.Add(1) // before closed is set: closeAcks waits for it
	a.mu.Unlock()
	defer a.copies.Done()
	s.write(context.Background(), func(context.Context, *sql.Tx) error { return nil })
}

// settleAcks copies the marks waiting in the journal into the database, so
// that a read of the pending actions sees them.
func (s *Store) settleAcks(ctx context.Context) error {
	a := &s.acks
	a.mu.Lock()
	idle := len(a.waiting) == 0 && len(a.copying) == 0
	a.mu.Unlock()
	if idle {
		return nil
	}
	return s.write(ctx, func(context.Context, *sql.Tx) error { return nil })
}

// takeAcks returns the marks for the commit being made.
func (s *Store) takeAcks() []ackRec {
	a := &s.acks
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.waiting
	a.waiting, a.copying = nil, w
	return w
}

// acksCopied ends takeAcks: committed or not (then they wait for the next
// commit). Once the journal holds journalKeepBytes and a commit leaves
// nothing waiting, it starts again from its header.
func (s *Store) acksCopied(w []ackRec, committed bool) {
	a := &s.acks
	a.mu.Lock()
	defer a.mu.Unlock()
	a.copying = nil
	if !committed {
		a.waiting = append(w, a.waiting...)
		// The database cannot be written (a full disk): the marks are
		// safe in the journal; try again now and then, not every linger.
		s.arm(max(s.linger, retryCopy))
		return
	}
	if len(a.waiting) == 0 {
		// Copied: the linger starts again with the next acknowledgement,
		// so one arriving just before the timer does not get a commit
		// of its own when the next push is only milliseconds away.
		s.disarm()
	}
	if a.off >= journalKeepBytes && len(a.waiting) == 0 && !a.closed {
		if err := a.f.Truncate(int64(journalHeader)); err == nil {
			a.off = int64(journalHeader)
		}
	}
}

// closeAcks copies what waits and closes the journal; what could not be
// copied (a full disk) stays in it for the next Open.
func (s *Store) closeAcks() error {
	a := &s.acks
	if a.f == nil {
		return nil
	}
	copied := s.settleAcks(context.Background()) == nil
	a.mu.Lock()
	a.closed = true
	s.disarm()
	a.mu.Unlock()
	// A firing that began before closed was set commits; the database
	// and the journal stay open until it is done.
	a.copies.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	if copied && len(a.waiting) == 0 && len(a.copying) == 0 {
		a.f.Truncate(int64(journalHeader))
	}
	return a.f.Close()
}

// unsettled returns the ids of lane whose marks are in the journal and
// not yet in the database (the reads' way around a database that cannot
// be written), or nil.
func (s *Store) unsettled(lane queue.Lane) map[int64]bool {
	a := &s.acks
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids map[int64]bool
	for _, w := range [][]ackRec{a.copying, a.waiting} {
		for _, r := range w {
			if r.lane == lane || lane == queue.AllLanes {
				if ids == nil {
					ids = map[int64]bool{}
				}
				ids[r.id] = true
			}
		}
	}
	return ids
}

// inJournal reports whether id's mark is in the journal and not yet
// copied into the database (waiting, or taken by the commit under way).
func (s *Store) inJournal(id int64) bool {
	a := &s.acks
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, w := range [][]ackRec{a.copying, a.waiting} {
		for _, r := range w {
			if r.id == id {
				return true
			}
		}
	}
	return false
}

// copyAcksIn marks the actions of w delivered in tx.
func (s *Store) copyAcksIn(tx *sql.Tx, w []ackRec) error {
	if len(w) == 0 {
		return nil
	}
	bg := context.Background()
	st := tx.StmtContext(bg, s.ackAction)
	for _, r := range w {
		if _, err := st.ExecContext(bg, r.at, r.id); err != nil {
			return err
		}
	}
	return nil
}
