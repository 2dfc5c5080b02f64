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

// TestWALShrinksAfterAFullDisk: after writes failed for a full disk, the
// write-ahead log does not keep the space it grew to (the actions held in
// memory are written in one go once there is room): it is emptied as soon
// as the database can take its pages, so the disk does not fill again.
func TestWALShrinksAfterAFullDisk(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	walSize := func() int64 {
		fi, err := os.Stat(s.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// The disk fills: writes fail.
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	held := make([]tikcraft.Action, 40000)
	for i := range held {
		held[i] = cmd(i)
	}
	var we *queue.WriteError
	if err := s.Push(ctx, held[:1000]...); !errors.As(err, &we) || !strings.Contains(we.Problem, "full") {
		t.Fatalf("push on a full disk: %v", err)
	}
	// Room again: what waited in memory is written at once.
	s.w.Exec("PRAGMA max_page_count = 1073741823")
	if err := s.Push(ctx, held...); err != nil {
		t.Fatal(err)
	}
	grown := walSize()
	if grown < 2<<20 {
		t.Fatalf("the log grew to only %d bytes; the test needs more", grown)
	}
	s.checkpoint()
	if n := walSize(); n > walLowBytes {
		t.Fatalf("after a checkpoint the log file still takes %d bytes (it grew to %d)", n, grown)
	}
	// Delivery goes on, and the log stays small while the disk was full lately.
	for range 3 {
		if err := s.Push(ctx, held[:20000]...); err != nil {
			t.Fatal(err)
		}
		s.checkpoint()
		if n := walSize(); n > walLowBytes {
			t.Fatalf("the log regrew to %d bytes", n)
		}
	}
	if n, _, err := s.Stats(ctx, queue.AllLanes); err != nil || n != 100000 {
		t.Fatalf("Stats = %d, %v", n, err)
	}
}
