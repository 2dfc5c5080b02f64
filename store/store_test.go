package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/queue"
)

// The Store must fit where the pipeline plugs it in.
var (
	_ queue.StateQueue = (*Store)(nil)
	_ deliver.Recorder = (*Store)(nil)
	_ interface {
		LogEvent(context.Context, tikcraft.Event)
	} = (*Store)(nil)
)

// clock is a settable time source for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// openT opens a store in dir and closes it when the test ends.
func openT(t testing.TB, dir string, o options) *Store {
	t.Helper()
	if o.synchronous == "" {
		o.synchronous = "NORMAL"
	}
	s, err := open(context.Background(), dir, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// pushTwoTakeOne pushes two commands and hands out the first.
func pushTwoTakeOne(t *testing.T, s *Store) queue.Item {
	t.Helper()
	ctx := context.Background()
	if err := s.Push(ctx, cmd(1), cmd(2)); err != nil {
		t.Fatal(err)
	}
	it, err := s.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func cmd(i int) tikcraft.Action {
	return tikcraft.Action{Kind: tikcraft.KindCommand, Command: fmt.Sprintf("say %d", i), Trigger: "t", User: "u", Source: "test"}
}

func TestOpenCreatesDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s := openT(t, dir, options{})
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Path() = %s", s.Path())
	}
	if _, err := os.Stat(s.Path()); err != nil {
		t.Fatal(err)
	}
	var mode string
	var version, vacuum int
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow("PRAGMA auto_vacuum").Scan(&vacuum); err != nil {
		t.Fatal(err)
	}
	if vacuum != 2 {
		t.Errorf("auto_vacuum = %d, want 2 (incremental) so that Prune can shrink the file", vacuum)
	}
	if err := s.w.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || version != len(migrations()) {
		t.Errorf("journal_mode %q, user_version %d; want wal, %d", mode, version, len(migrations()))
	}
	// A second Open is refused while the first holds the folder: two
	// processes would deliver the same actions twice.
	if _, err := Open(context.Background(), dir, nil); err == nil || !strings.Contains(err.Error(), "another tikcraft is already using the data directory") {
		t.Fatalf("second Open while the first is open: %v", err)
	}
	// Once closed, a second Open of a migrated file changes nothing and works.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	openT(t, dir, options{})
}

// check says what would keep run from making data_dir, without making
// it: the same error Open gives, or nil where Open succeeds.
func TestCheckDirSaysWhatOpenWould(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	for _, dir := range []string{file, filepath.Join(file, "sub", "deeper"), filepath.Join(t.TempDir(), "a?b")} {
		_, openErr := Open(ctx, dir, nil)
		if err := CheckDir(dir); err == nil || openErr == nil || err.Error() != openErr.Error() {
			t.Errorf("%s: CheckDir says %v; Open says %v", dir, err, openErr)
		}
	}
	fresh := filepath.Join(t.TempDir(), "tik data", "new")
	if err := CheckDir(fresh); err != nil {
		t.Errorf("a folder Open can make: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(fresh)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CheckDir made something: %v", err)
	}
	if err := CheckDir(t.TempDir()); err != nil {
		t.Errorf("an existing folder: %v", err)
	}
}

func TestOpenErrorsNameThePathAndTheFix(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string // returns the dir to open
		want  []string
	}{
		{"empty dir", func(*testing.T) string { return " " }, []string{"set data_dir"}},
		{"dir is a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "file")
			os.WriteFile(p, []byte("x"), 0o600)
			return p
		}, []string{"file", "not a folder", "set data_dir"}},
		{"parent is a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "file")
			os.WriteFile(p, []byte("x"), 0o600)
			return filepath.Join(p, "sub")
		}, []string{"file", "not a folder", "set data_dir"}},
		{"question mark", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a?b") }, []string{"'?'", "set data_dir"}},
		{"not a database", func(t *testing.T) string {
			d := t.TempDir()
			os.WriteFile(filepath.Join(d, FileName), []byte(strings.Repeat("this is no database ", 400)), 0o600)
			return d
		}, []string{FileName, "not a tikcraft database", "move it out"}},
		{"newer schema", func(t *testing.T) string {
			d := t.TempDir()
			s, err := Open(ctx, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			s.w.Exec("PRAGMA user_version = 99")
			s.Close()
			return d
		}, []string{FileName, "newer tikcraft", "update tikcraft"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			s, err := Open(ctx, dir, nil)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.TrimSpace(dir) != "" && !strings.Contains(err.Error(), strings.TrimSuffix(dir, string(filepath.Separator)+"sub")) {
				t.Errorf("error %q does not name the path %s", err, dir)
			}
		})
	}
}

func TestFIFOOrderAndRepeatedNext(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	// Batches of assorted sizes, including more than one refill.
	n := 0
	for _, size := range []int{1, 3, 0, refillSize, 7, refillSize + 5} {
		batch := make([]tikcraft.Action, size)
		for i := range batch {
			batch[i] = cmd(n)
			n++
		}
		if err := s.Push(ctx, batch...); err != nil {
			t.Fatal(err)
		}
	}
	alert := tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "T", Subtitle: "S", Seconds: 3}, Trigger: "tr", User: "us", Source: "so"}
	if err := s.Push(ctx, alert); err != nil {
		t.Fatal(err)
	}
	var lastID int64
	for i := 0; i <= n; i++ {
		lane := queue.LaneMinecraft
		if i == n {
			lane = queue.LaneOverlays
		}
		it, err := s.Next(ctx, lane)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Next(ctx, lane)
		if err != nil || again != it {
			t.Fatalf("Next without Ack gave %+v then %+v (%v)", it, again, err)
		}
		if it.ID <= lastID {
			t.Fatalf("ids not increasing: %d after %d", it.ID, lastID)
		}
		lastID = it.ID
		want := cmd(i)
		if i == n {
			want = alert
		}
		if it.Action != want {
			t.Fatalf("item %d is %+v, want %+v", i, it.Action, want)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if p, _, err := s.Stats(ctx, queue.AllLanes); err != nil || p != 0 {
		t.Fatalf("Stats after draining: %d, %v", p, err)
	}
}

func TestNextWaitsForPush(t *testing.T) {
	ctx := context.Background()
	waiting := make(chan struct{}, 1)
	s := openT(t, t.TempDir(), options{onWait: func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	}})
	got := make(chan queue.Item)
	errs := make(chan error, 1)
	go func() {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			errs <- err
			return
		}
		got <- it
	}()
	<-waiting // Next found the queue empty and is blocked
	if err := s.Push(ctx, cmd(1)); err != nil {
		t.Fatal(err)
	}
	select {
	case it := <-got:
		if it.Action != cmd(1) {
			t.Errorf("woken with %+v", it.Action)
		}
	case err := <-errs:
		t.Fatal(err)
	}
}

func TestNextEndsWithContextAndClose(t *testing.T) {
	s := openT(t, t.TempDir(), options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Next(ctx, queue.LaneMinecraft); !errors.Is(err, context.Canceled) {
		t.Errorf("Next on a cancelled context: %v", err)
	}

	waiting := make(chan struct{}, 1)
	s2 := openT(t, t.TempDir(), options{onWait: func() { waiting <- struct{}{} }})
	errs := make(chan error, 1)
	go func() {
		_, err := s2.Next(context.Background(), queue.LaneMinecraft)
		errs <- err
	}()
	<-waiting
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; !errors.Is(err, ErrClosed) {
		t.Errorf("Next blocked during Close returned %v, want ErrClosed", err)
	}
	if err := s2.Push(context.Background(), cmd(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Push after Close: %v", err)
	}
}

func TestAckSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := s.Push(ctx, cmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, options{})
	if p, _, _ := s.Stats(ctx, queue.AllLanes); p != 6 {
		t.Errorf("pending after reopen = %d, want 6", p)
	}
	drainExpect(t, s, 4, 10)
}

// drainExpect takes every pending item and checks they are cmd(from) ..
// cmd(to-1), in order, then that the queue is empty.
func drainExpect(t *testing.T, s *Store, from, to int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < to; i++ {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if it.Action != cmd(i) {
			t.Fatalf("got %q, want %q", it.Action.Command, cmd(i).Command)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if p, _, err := s.Stats(ctx, queue.AllLanes); err != nil || p != 0 {
		t.Fatalf("%d still pending (%v)", p, err)
	}
}

func TestAbandonedStoreLosesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := openT(t, dir, options{unlocked: true}) // never closed before the second opens: a crash
	for i := range 20 {
		if err := first.Push(ctx, cmd(i)); err != nil {
			t.Fatal(err)
		}
	}
	for range 7 {
		it, _ := first.Next(ctx, queue.LaneMinecraft)
		if err := first.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	head, _ := first.Next(ctx, queue.LaneMinecraft) // taken but not acknowledged: must come back

	second := openT(t, dir, options{unlocked: true})
	it, err := second.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	if it.ID != head.ID || it.Action != cmd(7) {
		t.Fatalf("after the crash the head is %d %q, want %d %q", it.ID, it.Action.Command, head.ID, cmd(7).Command)
	}
	drainExpect(t, second, 7, 20)
}

func TestAck(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	s.Push(ctx, cmd(0), cmd(1), cmd(2))
	it, _ := s.Next(ctx, queue.LaneMinecraft)
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, it.ID); err != nil {
		t.Errorf("a second Ack of the same item: %v", err)
	}
	if err := s.Ack(ctx, 12345); err == nil || !strings.Contains(err.Error(), "12345") {
		t.Errorf("Ack of an unknown id: %v", err)
	}
	// Acking an item behind the head (the worker never does) still keeps
	// the others in order.
	s.Ack(ctx, it.ID+2)
	drainExpect(t, s, 1, 2)
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})
	n, oldest, err := s.Stats(ctx, queue.AllLanes)
	if err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("empty: %d %v %v", n, oldest, err)
	}
	t0 := c.now()
	s.Push(ctx, cmd(0), cmd(1))
	c.add(time.Minute)
	s.Push(ctx, cmd(2))
	check := func(wantN int, want time.Time) {
		t.Helper()
		n, oldest, err := s.Stats(ctx, queue.AllLanes)
		if err != nil || n != wantN || !oldest.Equal(want) {
			t.Errorf("Stats = %d, %v, %v; want %d, %v", n, oldest, err, wantN, want)
		}
	}
	ack := func(wantEnq time.Time) {
		t.Helper()
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if !it.Enqueued.Equal(wantEnq) {
			t.Errorf("Enqueued = %v, want %v", it.Enqueued, wantEnq)
		}
		s.Ack(ctx, it.ID)
	}
	check(3, t0)
	ack(t0)
	check(2, t0)
	ack(t0)
	check(1, t0.Add(time.Minute))
	ack(t0.Add(time.Minute))
	check(0, time.Time{})
}

func TestConcurrentPush(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	const writers, pushes, batch = 6, 60, 3
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for p := range pushes {
				acts := make([]tikcraft.Action, batch)
				for i := range acts {
					acts[i] = tikcraft.Action{Kind: tikcraft.KindCommand, Command: fmt.Sprintf("%d %d %d", w, p, i)}
				}
				if err := s.Push(ctx, acts...); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// Each batch is contiguous and each writer's pushes keep their order.
	next := make([]int, writers)
	for range writers * pushes {
		var first queue.Item
		for i := range batch {
			it, err := s.Next(ctx, queue.LaneMinecraft)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = it
			}
			var w, p, j int
			fmt.Sscanf(it.Action.Command, "%d %d %d", &w, &p, &j)
			if j != i || p != next[w] || it.ID != first.ID+int64(i) {
				t.Fatalf("item %q (id %d) out of order: want batch index %d of push %d", it.Action.Command, it.ID, i, next[w])
			}
			if i == batch-1 {
				next[w]++
			}
			s.Ack(ctx, it.ID)
		}
	}
	if n, _, _ := s.Stats(ctx, queue.AllLanes); n != 0 {
		t.Errorf("%d left", n)
	}
}

func TestPruneKeepsPending(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})
	// Old: 3 actions, 2 delivered; old events and deliveries.
	s.Push(ctx, cmd(0), cmd(1), cmd(2))
	for range 2 {
		it, _ := s.Next(ctx, queue.LaneMinecraft)
		s.LogDelivery(ctx, delivery(it, nil, time.Millisecond))
		s.Ack(ctx, it.ID)
	}
	for i := range 3 {
		s.LogEvent(ctx, &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}})
	}
	c.add(48 * time.Hour)
	cut := c.now()
	// New: one delivered action and one event.
	s.Push(ctx, cmd(3))
	s.LogEvent(ctx, &tikcraft.FollowEvent{})
	if err := s.Prune(ctx, cut); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := s.r.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s.flushLog(ctx)
	if n := count("SELECT count(*) FROM events"); n != 1 {
		t.Errorf("%d events left, want 1", n)
	}
	if n := count("SELECT count(*) FROM deliveries"); n != 0 {
		t.Errorf("%d deliveries left, want 0", n)
	}
	if n := count("SELECT count(*) FROM actions WHERE delivered_ns IS NOT NULL"); n != 0 {
		t.Errorf("%d delivered actions left, want 0", n)
	}
	// The old pending action survives and still comes first.
	drainExpect(t, s, 2, 4)

	// Everything delivered and old: only the newest row stays, so ids
	// keep increasing.
	c.add(time.Hour)
	if err := s.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM actions"); n != 1 {
		t.Errorf("%d actions left, want only the newest", n)
	}
	s.Push(ctx, cmd(9))
	it, _ := s.Next(ctx, queue.LaneMinecraft)
	if it.ID <= 4 {
		t.Errorf("id %d reused after Prune", it.ID)
	}
}

func TestPruneWaitsBehindAPendingAction(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})
	s.Push(ctx, cmd(0), cmd(1), cmd(2), cmd(3), cmd(4))
	// 0 delivered; 1 stuck; 2 and 3 delivered out of order; 4 delivered.
	for _, id := range []int64{1, 3, 4, 5} {
		if err := s.Ack(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	c.add(time.Hour)
	s.Push(ctx, cmd(5))
	ids := func() (out []int64) {
		rows, err := s.r.Query("SELECT id FROM actions ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			out = append(out, id)
		}
		return out
	}
	if err := s.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	if got := ids(); !reflect.DeepEqual(got, []int64{2, 3, 4, 5, 6}) {
		t.Errorf("after Prune: ids %v, want the pending 2 and everything after it", got)
	}
	if err := s.Ack(ctx, 2); err != nil {
		t.Fatal(err)
	}
	c.add(time.Hour)
	if err := s.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	if got := ids(); !reflect.DeepEqual(got, []int64{6}) {
		t.Errorf("after the stuck one was delivered: ids %v, want [6]", got)
	}
}

func TestLogWrittenOnClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		s.LogEvent(ctx, &tikcraft.ShareEvent{})
	}
	s.LogDelivery(ctx, delivery(queue.Item{ID: 1, Action: cmd(1)}, errors.New("boom"), time.Second))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.LogEvent(ctx, &tikcraft.ShareEvent{}) // after Close: ignored, no panic
	s = openT(t, dir, options{})
	rep, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Events) != 1 || rep.Events[0].Messages != 3 || rep.Actions.FailedAttempts != 1 {
		t.Errorf("after reopen: %+v %+v", rep.Events, rep.Actions)
	}
}

func TestPruneShrinksTheFile(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})
	text := strings.Repeat("long chat message ", 50)
	for i := range 3000 {
		s.LogEvent(ctx, &tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: anna, Text: text})
	}
	s.flushLog(ctx)
	pages := func() int {
		var n int
		if err := s.w.QueryRow("PRAGMA page_count").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := pages()
	c.add(time.Hour)
	if err := s.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	if after := pages(); after > before/4 {
		t.Errorf("%d pages before Prune, %d after: the space was not given back", before, after)
	}
}

func TestLogEventKeepsTheRawLine(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	in := &tikcraft.GiftEvent{
		Meta: tikcraft.Meta{MsgID: "7301", Time: time.Date(2026, 11, 22, 18, 0, 1, 0, time.UTC)},
		User: anna, Gift: rose, RepeatCount: 3, RepeatEnd: true, GroupID: "g1",
	}
	s.LogEvent(ctx, in)
	s.LogEvent(ctx, &tikcraft.StreamEndEvent{})
	s.flushLog(ctx)
	var raw string
	var timeNS int64
	var userKey, giftKey string
	if err := s.r.QueryRow("SELECT raw, time_ns, user_key, gift_key FROM events WHERE type = 'gift'").Scan(&raw, &timeNS, &userKey, &giftKey); err != nil {
		t.Fatal(err)
	}
	out, err := jsonl.Unmarshal([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("raw line %s decodes to %+v, want %+v", raw, out, in)
	}
	if timeNS != in.Time.UnixNano() || userKey != "id:1" || giftKey != "5655" {
		t.Errorf("columns: time %d, user %q, gift %q", timeNS, userKey, giftKey)
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM events WHERE type = 'stream_end' AND raw IS NOT NULL AND user_key IS NULL AND msg_id IS NULL").Scan(&n)
	if n != 1 {
		t.Errorf("stream_end row: %d", n)
	}
}

// delivery is the worker's record of one attempt: sent when err is nil,
// rejected for ErrRejected, otherwise retried.
func delivery(it queue.Item, err error, latency time.Duration) deliver.Delivery {
	d := deliver.Delivery{Item: it, Err: err, Latency: latency, Outcome: deliver.Retried}
	switch {
	case err == nil:
		d.Outcome = deliver.Sent
	case errors.Is(err, tikcraft.ErrRejected):
		d.Outcome = deliver.Rejected
	}
	return d
}

// TestLogEventKeepsUserFlags: the audience flags are in the raw line, so
// they survive the event log like every other field.
func TestLogEventKeepsUserFlags(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	in := []tikcraft.Event{
		&tikcraft.ChatEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: tikcraft.User{ID: "2", UniqueID: "cleo", Follower: true, Subscriber: true, Moderator: true}, Text: "hi"},
		&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "2"}, User: tikcraft.User{UniqueID: "dan", Follower: true}},
		&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "3"}, User: tikcraft.User{ID: "4", Moderator: true}, Gift: rose, RepeatCount: 1, RepeatEnd: true},
		&tikcraft.JoinEvent{Meta: tikcraft.Meta{MsgID: "4"}, User: tikcraft.User{UniqueID: "eve"}},
	}
	for _, ev := range in {
		s.LogEvent(ctx, ev)
	}
	s.flushLog(ctx)
	rows, err := s.r.Query("SELECT raw FROM events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []tikcraft.Event
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		ev, err := jsonl.Unmarshal([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("raw lines decode to %+v, want %+v", out, in)
	}
}
