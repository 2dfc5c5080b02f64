// Package store is tikcraft's durable state in one SQLite file
// (data_dir/tikcraft.db): the action queue that survives crashes and
// restarts, and the event log behind `tikcraft report`.
//
// It uses the pure-Go driver modernc.org/sqlite, so the binary stays
// cgo-free, in WAL mode so that `tikcraft report` can read while a stream
// is running.
//
// Durability: Push has committed when it returns, and Ack has written its
// mark to the acknowledgement journal (acks.go); both survive the process
// being killed at any moment (synchronous=NORMAL in WAL mode); writes that
// come together share one commit.
// A power cut or OS crash may lose the last commits; FULL would prevent
// that at the price of an fsync per Push, which the 10,000 gifts a second
// target cannot afford on ordinary disks. The event log is written in
// batches a few milliseconds apart, so a crash may lose its last rows,
// never a queued action.
//
// One process at a time should deliver from a data directory: two would
// both deliver the pending actions. Reading (the report) is always safe.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/queue"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var (
	_ queue.StateQueue = (*Store)(nil)
	_ deliver.Recorder = (*Store)(nil)
)

// FileName is the database file inside the data directory.
const FileName = "tikcraft.db"

// ErrClosed is returned by operations on a Store after Close.
var ErrClosed = errors.New("the tikcraft database is closed")

// Store is the durable queue and event log of one data directory. It is
// safe for concurrent use. It implements queue.Queue and the recorder
// interfaces of packages deliver and pipeline.
type Store struct {
	path    string
	walPath string // the write-ahead log's file
	log     *slog.Logger
	now     func() time.Time
	after   func(time.Duration) <-chan time.Time
	onWait  func()
	onRead  func()

	// w has exactly one connection and carries every write: SQLite allows
	// one writer at a time. Writes that arrive while another commits share
	// the next transaction (write: group commit without a writer
	// goroutine, so a lone write costs no hand-off), which also copies the
	// acknowledgements waiting in the journal (acks).
	w *sql.DB
	// r carries reads (Next, Stats, Report); in WAL mode they never block
	// the writer.
	r *sql.DB
	// ckpt copies the write-ahead log into the database file, off the
	// writer's connection, so that no Push or Ack waits for it.
	ckpt *sql.DB

	insAction  *sql.Stmt
	ackAction  *sql.Stmt
	parkAction *sql.Stmt
	setState   *sql.Stmt
	delState   *sql.Stmt
	insEvent   *sql.Stmt
	insDeliv   *sql.Stmt
	readHead   *sql.Stmt // on r: the oldest pending actions of a lane that are due

	// lanes are the queue's lanes in memory (queue.Lane): each has its
	// own head, counts and lock, so that one lane's delivery never waits
	// for another's.
	lanes [queue.NumLanes]storeLane
	// handed maps the ids Next returned and not yet acknowledged or
	// parked to their lane, so Ack and Park find the lane without asking
	// the database.
	handMu sync.Mutex
	handed map[int64]queue.Lane

	logMu   sync.Mutex
	events  []eventRow
	delivs  []deliveryRow
	dropped int64         // log rows not recorded because the buffer was full
	kick    chan struct{} // the buffer went from empty to non-empty
	full    chan struct{} // the buffer holds a whole batch
	flushMu sync.Mutex    // one flush at a time keeps rows in call order
	behind  *lograte.Line // "the event log fell behind", once a minute at most
	// Under flushMu: log rows lost to write errors since the streamer was
	// last told, and when that was.
	logLost   int64
	logToldAt time.Time

	// lowUntil is when the store stops treating the disk as nearly full
	// (Unix ns; see lowDisk). toldEmptied: the streamer heard, since the
	// disk was last full, that the write-ahead log was emptied.
	lowUntil    atomic.Int64
	toldEmptied atomic.Bool
	// commits counts the group commits; checkpointed is its value at the
	// checkpointer's last round, which ckptMu keeps one at a time (a write
	// may run one between two commits, and a test runs one by hand);
	// ckptFailed: that round could not copy the log into the database.
	commits      atomic.Int64
	ckptMu       sync.Mutex
	checkpointed int64
	ckptAt       time.Time // when that round was
	ckptFailed   bool
	// Kept by the write leading a group (see boundWAL): the commit count
	// when the log's size was last looked at, and when a write that failed
	// for a full disk last tried to empty the log.
	walSeen     int64
	walFreedTry time.Time

	// Group commit (write): open is the group new writes join; leading
	// is set while a write runs a group's transaction.
	gmu      sync.Mutex
	gcond    *sync.Cond
	open     *group
	leading  bool
	onCommit func(writes int, err error)
	linger   time.Duration // ackLinger; tests set it
	// flushDelay and stagedDelay (eventlog.go); tests set them.
	flushDelay, stagedDelay time.Duration
	onFlushWait             func() // told when the flusher starts to wait (tests)

	// acks is the acknowledgement journal (acks.go).
	acks acks

	// The overlay counters waiting for the next commit (overlays.go);
	// stageSeq numbers each staging, so a failed commit never puts back
	// an older state over a newer one.
	stageMu    sync.Mutex
	staged     []byte
	stagedSeq  uint64
	stageSeq   uint64
	savedSeq   uint64 // the newest staging committed
	lastStaged []byte // the newest staging, even while a commit writes it
	setStaged  *sql.Stmt

	stop      chan struct{}       // closed by Close
	flushDone chan struct{}       // closed when the flusher has exited
	upkeepWG  sync.WaitGroup      // the KeepLog goroutine
	unlock    func()              // releases the data_dir lock (see lockDir)
	mask      func(string) string // applied to every text the event log records; nil: none
	closeOnce sync.Once
	closeErr  error
}

// options are the knobs tests and benchmarks turn; Open uses the defaults.
type options struct {
	// synchronous is SQLite's PRAGMA synchronous. NORMAL in WAL mode makes
	// a commit survive the process being killed at any moment (the WAL
	// write reaches the OS before Push returns) but not a power cut,
	// which FULL would also survive at the price of one fsync per Push.
	synchronous string
	now         func() time.Time
	// clock, if set, replaces now and the timers that wait for delayed
	// actions (tests pass a queuetest.Clock).
	clock queue.Clock
	// onWait, if set, is called each time Next is about to block: tests
	// use it to push only once Next is really waiting.
	onWait func()
	// onQueueRead, if set, is called for every query the queue operations
	// (Next, Stats) send to the database: tests count them.
	onQueueRead func()
	mask        func(string) string // see Mask
	// unlocked skips the data_dir lock: a test that plays a crash opens a
	// second Store while the first, "dead", one is still open.
	unlocked bool
	// onCommit, if set, is told of every group commit: how many writes it
	// carried (tests count them).
	onCommit func(writes int, err error)
	// ackLinger replaces ackLinger when positive.
	ackLinger time.Duration
	// flushDelay and stagedDelay replace the event log's when positive.
	flushDelay, stagedDelay time.Duration
	// onFlushWait, if set, is told when the event log's flusher starts
	// waiting for its delay.
	onFlushWait func()
}

// Open opens (creating if needed) the database in dir and brings its
// schema up to date. log may be nil. Close the Store when done.
//
// Only one Store may use dir at a time, across processes: Open fails, saying
// so, while another holds it, so that two tikcraft processes never deliver
// the same pending actions twice. The lock goes with the process, even after
// kill -9.
func Open(ctx context.Context, dir string, log *slog.Logger, opts ...Option) (*Store, error) {
	o := options{synchronous: "NORMAL"}
	for _, opt := range opts {
		opt(&o)
	}
	return open(ctx, dir, log, o)
}

// ErrInUse: another process (another tikcraft) holds the data directory.
var ErrInUse = errors.New("another tikcraft is already using the data directory")

// Option changes how Open opens a Store.
type Option func(*options)

// Mask makes the event log pass every text it records through mask first
// (viewer names, chat, commands, Minecraft's replies, errors), so that
// secrets such as the RCON password never reach the file.
func Mask(mask func(string) string) Option {
	return func(o *options) { o.mask = mask }
}

func open(ctx context.Context, dir string, log *slog.Logger, o options) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	after := time.After
	if o.clock != nil {
		o.now, after = o.clock.Now, o.clock.After
	}
	if o.now == nil {
		o.now = time.Now
	}
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("no data directory given; set data_dir in tikcraft.yaml to a writable folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot use data directory %s: %w; set data_dir in tikcraft.yaml to a writable folder", dir, err)
	}
	dir = abs
	if strings.ContainsRune(dir, '?') {
		// The driver reads everything after a '?' as its options.
		return nil, fmt.Errorf("cannot use data directory %s: the path contains a '?'; set data_dir in tikcraft.yaml to a folder without one", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, dirError(dir, err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, dirError(dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("cannot use data directory %s: it is a file, not a folder; set data_dir in tikcraft.yaml to a folder", dir)
	}
	unlock := func() {}
	if !o.unlocked {
		if unlock, err = lockDir(dir); err != nil {
			return nil, err
		}
	}
	s, err := openLocked(ctx, dir, log, o, after)
	if err != nil {
		unlock()
		return nil, err
	}
	s.unlock = unlock
	return s, nil
}

// openLocked opens the database in dir, whose lock the caller holds.
func openLocked(ctx context.Context, dir string, log *slog.Logger, o options, after func(time.Duration) <-chan time.Time) (*Store, error) {
	var err error
	path := filepath.Join(dir, FileName)
	s := &Store{
		path:      path,
		walPath:   path + "-wal",
		log:       log,
		now:       o.now,
		after:     after,
		onWait:    o.onWait,
		onRead:    o.onQueueRead,
		mask:      o.mask,
		kick:      make(chan struct{}, 1),
		full:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		flushDone: make(chan struct{}),
		onCommit:  o.onCommit,
		linger:    ackLinger,
		handed:    map[int64]queue.Lane{},

		flushDelay:  cmp.Or(o.flushDelay, flushDelay),
		stagedDelay: cmp.Or(o.stagedDelay, stagedDelay),
		onFlushWait: o.onFlushWait,
	}
	for i := range s.lanes {
		s.lanes[i].wake = make(chan struct{})
	}
	if o.ackLinger > 0 {
		s.linger = o.ackLinger
	}
	s.gcond = sync.NewCond(&s.gmu)
	s.behind = lograte.New(log, slog.LevelWarn, "the event log fell behind and skipped some rows; the action queue is not affected")
	params := "?_pragma=busy_timeout(10000)&_pragma=synchronous(" + o.synchronous + ")"
	// auto_vacuum lets Prune give space back to the disk. The driver sets
	// it before anything else, as it only takes effect on a new file.
	// wal_autocheckpoint(0): otherwise the commit that crosses SQLite's
	// checkpoint threshold (every ~250 single-action Push+Ack pairs) copies
	// the log into the file and syncs it, stalling that Push or Ack for
	// about 15 ms on an ordinary disk; the checkpointer goroutine does it on
	// a connection of its own instead, which never blocks the writer.
	// journal_size_limit: once the log starts again from its beginning, the
	// next commit cuts the file back to this size; without it the file
	// keeps the largest size it ever had (see checkpointer).
	if s.w, err = sql.Open("sqlite", path+params+"&_txlock=immediate&_auto_vacuum=INCREMENTAL&_pragma=wal_autocheckpoint(0)"+
		"&_pragma=journal_size_limit("+strconv.Itoa(walKeepBytes)+")"); err != nil {
		return nil, s.openError(err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if err := s.setup(ctx); err != nil {
		s.w.Close()
		return nil, s.openError(err)
	}
	// query_only: a reader that tried to write would be a bug here.
	if s.r, err = sql.Open("sqlite", path+params+"&_pragma=query_only(1)"); err != nil {
		s.w.Close()
		return nil, s.openError(err)
	}
	s.r.SetMaxOpenConns(4)
	// The checkpoint connection waits at most 100 ms for readers (see
	// truncateWAL); a passive checkpoint never waits.
	if s.ckpt, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(100)&_pragma=synchronous("+o.synchronous+")"); err != nil {
		s.w.Close()
		s.r.Close()
		return nil, s.openError(err)
	}
	s.ckpt.SetMaxOpenConns(1)
	if err := s.prepare(ctx); err != nil {
		s.w.Close()
		s.r.Close()
		s.ckpt.Close()
		return nil, s.openError(err)
	}
	if err := s.openAcks(ctx, o.synchronous); err != nil {
		s.w.Close()
		s.r.Close()
		s.ckpt.Close()
		return nil, s.openError(err)
	}
	if err := s.countLanes(ctx); err != nil {
		s.acks.f.Close()
		s.w.Close()
		s.r.Close()
		s.ckpt.Close()
		return nil, s.openError(err)
	}
	go s.flusher()
	s.upkeepWG.Add(1)
	go s.checkpointer()
	return s, nil
}

// setup switches to WAL, migrates the schema and proves the file writable:
// SQLite silently opens a file it may not write read-only, and a streamer
// should learn that now rather than at the first gift.
func (s *Store) setup(ctx context.Context) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		s.log.Warn("the database cannot use write-ahead logging here (a network drive?); it still works, but `tikcraft report` may have to wait while a stream runs", "path", s.path, "journal_mode", mode)
	}
	if err := migrate(ctx, s.w); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO meta(key, value) VALUES ('last_opened', ?)
		 ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		s.now().UTC().Format(time.RFC3339Nano))
	return err
}

func (s *Store) prepare(ctx context.Context) error {
	var err error
	prep := func(db *sql.DB, q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, q)
		return st
	}
	s.insAction = prep(s.w, `INSERT INTO actions
		(enqueued_ns, kind, command, alert_title, alert_subtitle, alert_seconds, trigger_name, user_name, source, due_ns, lane)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	s.ackAction = prep(s.w, `UPDATE actions SET delivered_ns = ? WHERE id = ? AND delivered_ns IS NULL AND parked_ns IS NULL`)
	s.setState = prep(s.w, `INSERT INTO engine_state(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
	s.delState = prep(s.w, `DELETE FROM engine_state WHERE key = ?`)
	s.parkAction = prep(s.w, `UPDATE actions SET parked_ns = ?, parked_reason = ? WHERE id = ? AND delivered_ns IS NULL AND parked_ns IS NULL`)
	s.insEvent = prep(s.w, `INSERT INTO events
		(logged_ns, time_ns, type, msg_id, user_key, user_name, gift_key, gift_id, gift_name,
		 diamonds, combo, repeat_end, group_id, count, raw)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`) // a re-delivered message (same type and msg_id)
	s.readHead = prep(s.r, `SELECT id, enqueued_ns, coalesce(due_ns, enqueued_ns), kind, command, alert_title, alert_subtitle,
		alert_seconds, trigger_name, user_name, source
		FROM actions WHERE lane = ? AND delivered_ns IS NULL AND parked_ns IS NULL AND (due_ns IS NULL OR due_ns <= ?)
		ORDER BY id LIMIT ?`)
	s.setStaged = prep(s.w, `INSERT INTO overlay_state(key, value, updated_ns) VALUES (?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ns = excluded.updated_ns`)
	s.insDeliv = prep(s.w, `INSERT INTO deliveries
		(at_ns, action_id, ok, error, latency_ns, command, trigger_name, outcome, reply)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	return err
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close writes the buffered event log and closes the database. Pending
// actions stay queued for the next Open. Blocked Next calls return
// ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		s.upkeepWG.Wait()
		<-s.flushDone
		s.behind.Close()
		var errs []error
		errs = append(errs, s.closeAcks())
		for _, st := range []*sql.Stmt{s.insAction, s.ackAction, s.parkAction, s.setState, s.delState, s.insEvent, s.insDeliv, s.setStaged, s.readHead} {
			if st != nil {
				errs = append(errs, st.Close())
			}
		}
		errs = append(errs, s.r.Close(), s.ckpt.Close(), s.w.Close())
		if s.unlock != nil {
			s.unlock() // after the database is closed: the next process finds it settled
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("closing %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// checkpointEvery is how often the checkpointer copies the write-ahead log
// into the database file. Each copy syncs the file: on a quiet stream that
// sync was most of tikcraft's CPU at 4 a second. Once a second keeps the
// log small on an ordinary stream; durability does not depend on it. A
// round with fewer than ckptCommits commits to copy waits, up to
// ckptQuiet, while the log's file is within walKeepBytes: at a few events
// a second that is one sync every few seconds instead of one a second.
const (
	checkpointEvery = time.Second
	ckptCommits     = 50
	ckptQuiet       = 10 * time.Second
)

// walMaxBytes bounds the write-ahead log at all times: the write whose
// commit takes the log past it empties it before the next write starts
// (boundWAL). Checkpoints beside the writer copy the log but cannot make
// it start again from its beginning while writes go on, and at 1,000
// events a second it grows by about 15 MB a second; a burst could take it
// much further.
const walMaxBytes = 64 << 20

// walKeepBytes is how much of its file the write-ahead log keeps once it
// starts again (journal_size_limit).
const walKeepBytes = 4 << 20

// walStatEvery is how many commits apart the writer looks at the size of
// the log while the disk has room (every commit while it has not).
const walStatEvery = 16

// While the disk is nearly full (lowDisk) the log is emptied whenever a
// commit takes it past walLowBytes, so that the room freed after a full
// disk is not taken again by the log: the actions held in memory are
// written in one go and then delivered as fast as Minecraft takes them,
// one commit each, which grows the log by megabytes a second. The disk
// counts as nearly full from a write that failed for a full disk until it
// has had lowDiskRoom free for lowDiskFor.
const (
	walLowBytes = 1 << 20
	lowDiskRoom = 256 << 20
	lowDiskFor  = 5 * time.Minute
	// walFreedRetry: how often writes failing for a full disk try to
	// empty the log, which gives its room back.
	walFreedRetry = 250 * time.Millisecond
)

// checkpointer runs passive checkpoints: they copy what no reader still
// needs and sync the file, while writers go on appending to the log.
func (s *Store) checkpointer() {
	defer s.upkeepWG.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.checkpoint()
	}
}

// checkpoint is one round of the checkpointer. The bulk of the log is
// copied beside the writer; keeping the log's size bounded is the
// writer's part (boundWAL), which the log only allows between two writes.
func (s *Store) checkpoint() {
	s.ckptMu.Lock()
	defer s.ckptMu.Unlock()
	low := s.lowDisk()
	if low {
		if free, ok := freeBytes(filepath.Dir(s.path)); ok && free < lowDiskRoom {
			s.lowUntil.Store(time.Now().Add(lowDiskFor).UnixNano())
		}
	}
	// Nothing committed since a round that copied everything: nothing to
	// copy. (While the disk is full the log is still emptied below: the
	// acknowledgement journal may need its room, and no commit comes.)
	var err error
	idle := false
	n := s.commits.Load()
	switch {
	case n == s.checkpointed && !s.ckptFailed:
		if !low {
			return
		}
		idle = true
	case !low && !s.ckptFailed && n-s.checkpointed < ckptCommits && time.Since(s.ckptAt) < ckptQuiet && !s.walOver(walKeepBytes):
		// A quiet stream: the few pages wait for more (each round syncs
		// the file, whatever it copies).
		return
	default:
		s.checkpointed, s.ckptAt = n, time.Now()
		_, err = s.ckpt.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		s.ckptFailed = err != nil
	}
	if low {
		// After a full disk the log is emptied as soon as the database
		// file can take its pages, also when this copy failed (the file
		// may have had to grow) and no write comes to do it.
		fi, serr := os.Stat(s.walPath)
		if serr == nil && fi.Size() > 0 && (fi.Size() > walLowBytes || s.ckptFailed || idle) {
			err = s.emptyWAL(fi.Size())
		}
	}
	if err != nil && !s.closed() {
		s.noteFull(err)
		s.log.Debug("could not checkpoint the database's write-ahead log; trying again shortly", "error", err)
	}
}

// walOver reports whether the write-ahead log's file is over n bytes
// (false when it cannot be looked at).
func (s *Store) walOver(n int64) bool {
	fi, err := os.Stat(s.walPath)
	return err == nil && fi.Size() > n
}

// boundWAL runs in the write that led a group commit, after the group's
// writes have returned and before the next group starts: when the commit
// took the write-ahead log past its bound (walLowBytes while the disk is
// nearly full, walMaxBytes otherwise), it empties the log, so that no
// burst of commits (the backlog delivered after a full disk) outruns the
// checkpoints. After a commit that failed for a full disk it empties the
// log whatever its size, which gives the log's room back.
func (s *Store) boundWAL(full bool) {
	low := s.lowDisk()
	n := s.commits.Load()
	if !low && n-s.walSeen < walStatEvery {
		return
	}
	if full {
		if time.Since(s.walFreedTry) < walFreedRetry {
			return
		}
		s.walFreedTry = time.Now()
	}
	s.walSeen = n
	limit := int64(walMaxBytes)
	switch {
	case full:
		limit = 0
	case low:
		limit = walLowBytes
	}
	fi, err := os.Stat(s.walPath)
	if err != nil || fi.Size() <= limit {
		return
	}
	// The checkpointer copying meanwhile is not waited for: the next
	// commit looks again.
	if !s.ckptMu.TryLock() {
		return
	}
	defer s.ckptMu.Unlock()
	if err := s.emptyWAL(fi.Size()); err != nil && !s.closed() {
		s.noteFull(err)
		s.log.Debug("could not empty the database's write-ahead log; trying again after a later write", "error", err)
	}
}

// emptyWAL copies the whole write-ahead log into the database and cuts its
// file to nothing; before is its size. The caller holds ckptMu.
func (s *Store) emptyWAL(before int64) error {
	emptied, err := s.truncateWAL()
	if !emptied {
		return err
	}
	s.ckptFailed = false
	if s.lowDisk() && s.toldEmptied.CompareAndSwap(false, true) {
		s.log.Info("the write-ahead log was emptied after the disk was full; from now on it is kept small until the disk has room again", "wal_bytes_before", before)
	}
	return nil
}

// truncateWAL copies the whole write-ahead log into the database and cuts
// its file to nothing. Writers wait while it runs, so it waits at most
// 100 ms for readers (a report; the checkpoint connection's busy_timeout)
// and otherwise says it could not.
func (s *Store) truncateWAL() (bool, error) {
	var busy, frames, done int
	err := s.ckpt.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	return err == nil && busy == 0, err
}

// noteFull remembers that a write failed for a full disk, and reports
// whether err says so (also as an I/O error on a disk with no room left,
// see primaryCode).
func (s *Store) noteFull(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) || primaryCode(se, filepath.Dir(s.path)) != sqlite3.SQLITE_FULL {
		return false
	}
	s.diskFilled()
	return true
}

// diskFilled starts (or prolongs) a full-disk episode: see lowDisk.
func (s *Store) diskFilled() {
	if !s.lowDisk() { // a new full-disk episode: its "emptied" line is said once
		s.toldEmptied.Store(false)
	}
	s.lowUntil.Store(time.Now().Add(lowDiskFor).UnixNano())
}

// lowDisk reports whether the disk is taken for nearly full: a write failed
// for a full disk, and since then the disk has not had lowDiskRoom free
// for lowDiskFor.
func (s *Store) lowDisk() bool {
	return time.Now().UnixNano() < s.lowUntil.Load()
}

func (s *Store) closed() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// ackLinger is how long an acknowledgement waits in the journal for a
// commit of any kind (the next event's actions, the event log) to copy it
// into the database before one is made for it alone. Nothing waits for
// that copy: the journal already keeps the mark through a kill, and every
// read of the pending actions copies what waits first. It is longer than
// the event log's flushDelay: on a quiet stream an event's marks then ride
// on the flush of the same event's log rows, which comes anyway, instead
// of a commit of their own 20 ms after the command (one commit and one
// wake-up less per event at a few events a second).
const ackLinger = flushDelay + 50*time.Millisecond

// group is the writes that share one transaction (group commit).
type group struct {
	fns  []func(context.Context, *sql.Tx) error
	ctxs []context.Context
	errs []error
	done chan struct{} // closed once the group committed or failed
}

// write runs fn in a write transaction (BEGIN IMMEDIATE: see Open). Writes
// that arrive while another commits wait and then share one transaction,
// with the overlay counters staged and the acknowledgements journaled
// since the last commit; each returns once that transaction committed (or
// with its own error, which leaves the others' work unaffected).
func (s *Store) write(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	s.gmu.Lock()
	g := s.open
	if g == nil {
		g = &group{done: make(chan struct{})}
		s.open = g
	}
	i := len(g.fns)
	g.fns, g.ctxs = append(g.fns, fn), append(g.ctxs, ctx)
	for s.leading && s.open == g {
		s.gcond.Wait()
	}
	if s.open != g { // another write led this group
		s.gmu.Unlock()
		<-g.done
		return g.errs[i]
	}
	s.leading = true // this write leads: the others in g wait for it
	s.open = nil
	s.gmu.Unlock()
	full := s.commitGroup(g)
	s.boundWAL(full)
	s.gmu.Lock()
	s.leading = false
	s.gcond.Broadcast()
	s.gmu.Unlock()
	return g.errs[i]
}

// commitGroup runs g's writes in one transaction and commits it. A write
// that fails rolls the transaction back (SQLite may have undone all of it
// for a full disk) and the others run again without it. It reports whether
// a write failed for a full disk.
func (s *Store) commitGroup(g *group) (full bool) {
	defer close(g.done)
	g.errs = make([]error, len(g.fns))
	var live []int
	for i, ctx := range g.ctxs {
		if err := ctx.Err(); err != nil {
			g.errs[i] = err
			continue
		}
		live = append(live, i)
	}
	// The transaction is not tied to any one caller's context: a caller
	// giving up must not roll back the others' writes.
	bg := context.Background()
	for len(live) > 0 {
		tx, err := s.w.BeginTx(bg, nil)
		if err != nil {
			full = s.noteFull(err) || full
			for _, i := range live {
				g.errs[i] = err
			}
			return full
		}
		// The staged counters are taken before the journaled marks: a
		// mark journaled after this moment then carries counters at least
		// as new as those this commit writes (see acks.go), so the
		// counters of a mark Open applies are never older than the file's.
		// The marks are written first: an Ack that is not journaled
		// (acknowledging again) then finds its action marked.
		staged, seq := s.takeStaged()
		acked := s.takeAcks()
		undo := func() {
			tx.Rollback()
			s.restage(staged, seq)
			s.acksCopied(acked, false)
		}
		if err := s.copyAcksIn(tx, acked); err != nil {
			full = s.noteFull(err) || full
			undo()
			for _, i := range live {
				g.errs[i] = err
			}
			return full
		}
		failed := -1
		for k, i := range live {
			if err := g.fns[i](g.ctxs[i], tx); err != nil {
				full = s.noteFull(err) || full
				g.errs[i], failed = err, k
				break
			}
		}
		if failed >= 0 {
			undo()
			live = append(live[:failed], live[failed+1:]...)
			continue
		}
		if staged != nil {
			if _, err := tx.StmtContext(bg, s.setStaged).ExecContext(bg, countersKey, staged, s.now().UnixNano()); err != nil {
				full = s.noteFull(err) || full
				undo()
				for _, i := range live {
					g.errs[i] = err
				}
				return full
			}
		}
		err = tx.Commit()
		s.commits.Add(1)
		s.acksCopied(acked, err == nil)
		if err != nil {
			full = s.noteFull(err) || full
			s.restage(staged, seq)
			for _, i := range live {
				g.errs[i] = err
			}
		} else if staged != nil {
			s.saved(seq)
		}
		if s.onCommit != nil {
			s.onCommit(len(live), err)
		}
		return full
	}
	return full
}

// CheckDir says what would keep Open from making or using the data
// directory dir, without making anything (tikcraft check): a part of the
// path that is a file, a '?' in it, or a drive that is not there (a USB
// stick or a network drive not connected). nil when dir is a folder, or
// could be made.
func CheckDir(dir string) error {
	if strings.ContainsRune(dir, '?') {
		return fmt.Errorf("cannot use data directory %s: the path contains a '?'; set data_dir in tikcraft.yaml to a folder without one", dir)
	}
	for p := filepath.Clean(dir); ; {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return nil
		case err == nil:
			return dirError(dir, syscall.ENOTDIR)
		case !errors.Is(err, fs.ErrNotExist):
			return dirError(dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return dirError(dir, err) // not even the drive is there
		}
		p = parent
	}
}

func dirError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the message names dir
	}
	if v := filepath.VolumeName(dir); v != "" {
		if _, serr := os.Stat(v + string(filepath.Separator)); serr != nil {
			return fmt.Errorf("cannot create data directory %s: the drive %s is not there (a USB stick or network drive not connected?); connect it, or set data_dir in tikcraft.yaml to a folder on this computer", dir, v)
		}
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot open data directory %s: permission denied; set data_dir in tikcraft.yaml to a writable folder", dir)
	case errors.Is(err, syscall.ENOTDIR): // os.MkdirAll's answer on every system
		return fmt.Errorf("cannot create data directory %s: part of the path is a file, not a folder; set data_dir in tikcraft.yaml to a folder", dir)
	}
	return fmt.Errorf("cannot create data directory %s: %w; set data_dir in tikcraft.yaml to a writable folder", dir, err)
}

func (s *Store) openError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("opening %s: %w", s.path, err)
	}
	var ve *versionError
	if errors.As(err, &ve) {
		return fmt.Errorf("cannot open %s: %w", s.path, err)
	}
	if a := advice(err, filepath.Dir(s.path)); a != "" {
		return fmt.Errorf("cannot open %s: %s (%w)", s.path, a, err)
	}
	return fmt.Errorf("cannot open %s: %w; if it keeps failing, set data_dir in tikcraft.yaml to another folder", s.path, err)
}

// fail words a failed operation for the streamer: what failed, where, what
// to do, then the driver's own message for whoever debugs it.
func (s *Store) fail(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if s.closed() && strings.Contains(err.Error(), "database is closed") {
		return fmt.Errorf("%s: %w", what, ErrClosed)
	}
	if a := advice(err, filepath.Dir(s.path)); a != "" {
		return fmt.Errorf("%s in %s: %s (%w)", what, s.path, a, err)
	}
	return fmt.Errorf("%s in %s: %w", what, s.path, err)
}

// failWrite is fail for writes to the queue: a failure the disk or the
// file caused becomes a *queue.WriteError naming the data folder, so the
// pipeline holds the actions and tries again instead of giving up.
func (s *Store) failWrite(what string, err error) error {
	wrapped := s.fail(what, err)
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return wrapped
	}
	dir := filepath.Base(filepath.Dir(s.path))
	var p string
	switch primaryCode(se, filepath.Dir(s.path)) {
	case sqlite3.SQLITE_FULL:
		p = fmt.Sprintf("the disk holding %s is full", dir)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH:
		p = fmt.Sprintf("%s cannot be written (read-only or no permission)", dir)
	case sqlite3.SQLITE_IOERR:
		p = fmt.Sprintf("the disk holding %s reported an error", dir)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		p = fmt.Sprintf("another program keeps %s locked", filepath.Join(dir, FileName))
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		p = fmt.Sprintf("%s is damaged", filepath.Join(dir, FileName))
	default:
		p = fmt.Sprintf("%s cannot be written", filepath.Join(dir, FileName))
	}
	return &queue.WriteError{Problem: p, Err: wrapped}
}

// advice says what a streamer can do about a SQLite error, or "" when
// there is nothing specific to say.
func advice(err error, dir string) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch primaryCode(se, dir) {
	case sqlite3.SQLITE_FULL:
		return "the disk is full; free some disk space"
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH:
		return "the file cannot be written; set data_dir in tikcraft.yaml to a writable folder"
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return "the file is damaged or is not a tikcraft database; move it out of the folder and tikcraft will start a new one"
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return "another program keeps the file locked; close other copies of tikcraft and try again"
	case sqlite3.SQLITE_IOERR:
		return "the disk reported an error; check the drive, or set data_dir in tikcraft.yaml to another folder"
	}
	return ""
}

// primaryCode is the error's primary SQLite code (extended codes add
// detail), with an I/O error on a disk that has no room left taken for
// what it is: a full disk (SQLite cannot size its shared memory file then,
// and says "disk I/O error").
func primaryCode(se *sqlite.Error, dir string) int {
	code := se.Code() & 0xff
	if code == sqlite3.SQLITE_IOERR {
		if free, ok := freeBytes(dir); ok && free < nearlyFull {
			return sqlite3.SQLITE_FULL
		}
	}
	return code
}

// nearlyFull is how little room left counts as a full disk.
const nearlyFull = 1 << 20
