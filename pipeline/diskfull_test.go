package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/queue"
)

// fullQueue is a queue whose disk is full until healed: every Push fails
// the way the store's does.
type fullQueue struct {
	*queue.Memory // a concrete queue: embedding the interface would hide what else it implements
	full          atomic.Bool
	failed        chan struct{} // one value per failed Push, dropped when nobody reads
}

func newFullQueue() *fullQueue {
	q := &fullQueue{Memory: queue.NewMemory(), failed: make(chan struct{}, 1)}
	q.full.Store(true)
	return q
}

func (q *fullQueue) Push(ctx context.Context, acts ...tikcraft.Action) error {
	if q.full.Load() {
		select {
		case q.failed <- struct{}{}:
		default:
		}
		return &queue.WriteError{Problem: "the disk holding tikcraft-data is full", Err: errors.New("database or disk is full")}
	}
	return q.Memory.Push(ctx, acts...)
}

// follows emits n follow events and counts those handed over.
func follows(n int, emitted *atomic.Int64) sourceFunc {
	return func(ctx context.Context, emit func(tikcraft.Event)) error {
		for i := range n {
			emit(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: fmt.Sprint("u", i)}})
			emitted.Add(1)
		}
		return nil
	}
}

type runResult struct {
	res Result
	err error
}

func waitLog(t *testing.T, logs recordHandler, done <-chan runResult, re *regexp.Regexp) slog.Record {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case r := <-logs:
			if re.MatchString(r.Message) {
				return r
			}
		case rr := <-done:
			t.Fatalf("Run returned %+v, %v before logging %s", rr.res, rr.err, re)
		case <-timeout:
			t.Fatalf("no log line matching %s", re)
		}
	}
}

var diskFullLine = regexp.MustCompile(`^the disk holding tikcraft-data is full: \d+ actions waiting in memory$`)

// TestFailedPushIsHeldAndRetried: while the queue cannot be written, the
// actions wait in memory and the streamer is told in plain words; once the
// disk has room, every one is queued and delivered, in order.
func TestFailedPushIsHeldAndRetried(t *testing.T) {
	q := newFullQueue()
	sink := &flakySink{}
	logs := make(recordHandler, 10000)
	var emitted atomic.Int64
	done := make(chan runResult, 1)
	go func() {
		res, err := Run(context.Background(), follows(300, &emitted), Options{
			Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: q, Sink: sink,
			Log: slog.New(logs), EventClock: true, Finish: true, holdBackoff: time.Millisecond,
		})
		done <- runResult{res, err}
	}()
	r := waitLog(t, logs, done, diskFullLine)
	if r.Level != slog.LevelError {
		t.Errorf("level %v", r.Level)
	}
	for range 3 { // a few more failed retries, then the disk has room
		<-q.failed
	}
	q.full.Store(false)
	rr := <-done
	if rr.err != nil || rr.res.Actions != 300 || rr.res.Delivered != 300 {
		t.Fatalf("result %+v, %v; want 300 actions delivered", rr.res, rr.err)
	}
	for i, c := range sink.got {
		if c != fmt.Sprint("follow u", i) {
			t.Fatalf("command %d is %q: order broken", i, c)
		}
	}
}

// TestFullHoldStopsReceiving: when memory holds as many actions as it may,
// the pipeline stops taking events (the source blocks) instead of dropping
// anything, and takes them again once the queue can be written.
func TestFullHoldStopsReceiving(t *testing.T) {
	const n, hold = 10000, 100
	q := newFullQueue()
	sink := &flakySink{}
	logs := make(recordHandler, 10000)
	var emitted, handled atomic.Int64
	done := make(chan runResult, 1)
	go func() {
		res, err := Run(context.Background(), follows(n, &emitted), Options{
			Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: q, Sink: sink,
			Log: slog.New(logs), EventClock: true, Finish: true, MaxHeld: hold, holdBackoff: time.Millisecond,
			OnEvent: func(tikcraft.Event, bool) { handled.Add(1) },
		})
		done <- runResult{res, err}
	}()
	waitLog(t, logs, done, regexp.MustCompile(`^the disk holding tikcraft-data is full: \d+ actions waiting in memory; receiving is paused`))
	// Several retries later, still nothing more was taken.
	for range 5 {
		<-q.failed
	}
	if h := handled.Load(); h > hold+maxBatch {
		t.Fatalf("%d events handled while at most %d actions may wait in memory", h, hold)
	}
	if e := emitted.Load(); e == n {
		t.Fatalf("the source could emit all %d events: nothing held it back", n)
	}
	q.full.Store(false)
	rr := <-done
	if rr.err != nil || rr.res.Actions != n || rr.res.Delivered != n || len(sink.got) != n {
		t.Fatalf("result %+v, %v, sink got %d; want %d delivered", rr.res, rr.err, len(sink.got), n)
	}
}
