package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
)

// orderSink records what it delivers.
type orderSink struct {
	mu  sync.Mutex
	got []string
}

func (s *orderSink) Deliver(_ context.Context, a tikcraft.Action) error {
	s.mu.Lock()
	s.got = append(s.got, a.Command)
	s.mu.Unlock()
	return nil
}

// logLines hands log messages to a channel, dropping them when it is full.
type logLines chan string

func (h logLines) Enabled(context.Context, slog.Level) bool { return true }
func (h logLines) Handle(_ context.Context, r slog.Record) error {
	select {
	case h <- r.Message:
	default:
	}
	return nil
}
func (h logLines) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h logLines) WithGroup(string) slog.Handler      { return h }

// TestFullDiskLosesNothing runs a replay into a real store whose file may
// not grow (SQLite's max_page_count: every write fails with "database or
// disk is full", as on a full disk). The streamer is told in plain words,
// the actions wait in memory, and once there is room again every action is
// queued and delivered in order, and counted.
func TestFullDiskLosesNothing(t *testing.T) {
	ctx := context.Background()
	const n = 600
	s := openT(t, filepath.Join(t.TempDir(), "tikcraft-data"), options{})
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var steps []source.Step
	for i := range n {
		steps = append(steps, source.Step{Event: &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: tikcraft.User{UniqueID: fmt.Sprint("u", i)}}})
	}
	logs := make(logLines, 10000)
	sink := &orderSink{}
	type result struct {
		res pipeline.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
			Engine: engine.New(engine.Config{}, mustRules(t, "follow:/say f {user}\n"), nil), Queue: s, Recorder: s, Sink: sink,
			Log: slog.New(logs), EventClock: true, Finish: true,
		})
		done <- result{res, err}
	}()
	want := regexp.MustCompile(`^the disk holding tikcraft-data is full: \d+ actions waiting in memory$`)
	timeout := time.After(30 * time.Second)
wait:
	for {
		select {
		case m := <-logs:
			if want.MatchString(m) {
				break wait
			}
		case r := <-done:
			t.Fatalf("the run ended (%+v, %v) without saying the disk is full", r.res, r.err)
		case <-timeout:
			t.Fatal("never told that the disk is full")
		}
	}
	// Space again.
	if _, err := s.w.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.res.Actions != n || r.res.Delivered != n {
		t.Fatalf("result %+v, %v; want %d actions, all delivered", r.res, r.err, n)
	}
	for i, c := range sink.got {
		if c != fmt.Sprint("say f u", i) {
			t.Fatalf("delivery %d is %q: lost, doubled or out of order", i, c)
		}
	}
	if len(sink.got) != n {
		t.Fatalf("%d delivered, want %d", len(sink.got), n)
	}
	if p, _, err := s.Stats(ctx, queue.AllLanes); p != 0 || err != nil {
		t.Fatalf("%d still pending, %v", p, err)
	}
}

// TestWALStaysSmallAfterAFullDisk: after writes failed for a full disk,
// the write-ahead log does not take the room that was freed. The actions
// held in memory meanwhile are written in one go, then delivered as fast
// as they can be, one commit each: nobody calls a checkpoint here, and the
// log is never let grow much past walLowBytes, so the disk does not fill
// again.
func TestWALStaysSmallAfterAFullDisk(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	walSize := func() int64 {
		fi, err := os.Stat(s.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// The disk fills: writes fail (SQLite may not grow the file).
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	const n = 5000 // the acks alone grow an unbounded log past 40 MB
	held := make([]tikcraft.Action, n)
	for i := range held {
		held[i] = cmd(i)
	}
	var we *queue.WriteError
	if err := s.Push(ctx, held[:1000]...); !errors.As(err, &we) || !strings.Contains(we.Problem, "full") {
		t.Fatalf("push on a full disk: %v", err)
	}
	// Room again: what waited in memory is written at once, then delivered.
	if _, err := s.w.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := s.Push(ctx, held...); err != nil {
		t.Fatal(err)
	}
	// One commit adds a few pages; the push's own commit (2 MB) is the
	// largest, and the log is emptied right after it.
	const bound = walLowBytes + 64<<10
	largest := int64(0)
	for i := range n {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if it.Action.Command != held[i].Command {
			t.Fatalf("delivery %d is %q, want %q", i, it.Action.Command, held[i].Command)
		}
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		largest = max(largest, walSize())
	}
	if largest > bound {
		t.Errorf("while the backlog was delivered the log grew to %d bytes; want at most %d", largest, bound)
	}
	if p, _, err := s.Stats(ctx, queue.AllLanes); err != nil || p != 0 {
		t.Fatalf("Stats = %d, %v", p, err)
	}
	t.Logf("the log took at most %d bytes while %d actions were delivered", largest, n)
}
