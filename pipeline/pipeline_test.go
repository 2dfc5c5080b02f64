package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/source"
)

// flakySink fails the first n deliveries with a transient error.
type flakySink struct {
	mu    sync.Mutex
	fails int
	got   []string
	err   error
}

func (s *flakySink) Deliver(_ context.Context, a tikcraft.Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if s.fails > 0 {
		s.fails--
		return errors.New("connection refused")
	}
	s.got = append(s.got, a.Command)
	return nil
}

func TestReplayFinishesAfterEveryDelivery(t *testing.T) {
	var steps []source.Step
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		steps = append(steps, source.Step{Event: &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i), Time: t0.Add(time.Duration(i) * time.Second)}, User: tikcraft.User{UniqueID: fmt.Sprint("u", i)}, Gift: tikcraft.Gift{Name: "Lion"}}})
	}
	// An open streak at the end of the file is flushed, not lost.
	steps = append(steps, source.Step{Event: &tikcraft.GiftEvent{User: tikcraft.User{UniqueID: "last"}, Gift: tikcraft.Gift{Name: "Rose", Combo: true}, RepeatCount: 3}})
	sink := &flakySink{}
	res, err := Run(context.Background(), source.Steps(steps, source.Max), Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink, EventClock: true, Finish: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 51 || res.Actions != 53 || res.Delivered != 53 || len(sink.got) != 53 {
		t.Fatalf("result %+v, sink got %d", res, len(sink.got))
	}
	for i := range 50 {
		if sink.got[i] != fmt.Sprint("gift u", i) {
			t.Fatalf("out of order at %d: %s", i, sink.got[i])
		}
	}
}

func TestPermanentFailureEndsReplayWithError(t *testing.T) {
	sink := &flakySink{err: fmt.Errorf("wrong password: %w", tikcraft.ErrPermanent)}
	steps := []source.Step{{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}}}
	_, err := Run(context.Background(), source.Steps(steps, source.Max), Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink, EventClock: true, Finish: true,
	})
	if !errors.Is(err, tikcraft.ErrPermanent) {
		t.Fatalf("want the permanent error, got %v", err)
	}
}

// OnEvent sees every event, a message TikTok sent twice too (its
// observers are the dashboard and the overlays as well as the console),
// marked as the one the engine drops.
func TestOnEventSeesDuplicatesMarked(t *testing.T) {
	follow := func(id, user string) source.Step {
		return source.Step{Event: &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{UniqueID: user}}}
	}
	steps := []source.Step{follow("1", "anna"), follow("1", "anna"), follow("", "bob"), follow("", "bob"), follow("2", "carl")}
	var seen []string
	sink := &flakySink{}
	res, err := Run(context.Background(), source.Steps(steps, source.Max), Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink, EventClock: true, Finish: true,
		OnEvent: func(ev tikcraft.Event, dup bool) {
			seen = append(seen, fmt.Sprintf("%s %v", ev.(*tikcraft.FollowEvent).User.UniqueID, dup))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"anna false", "anna true", "bob false", "bob false", "carl false"}
	if fmt.Sprint(seen) != fmt.Sprint(want) || res.Events != 5 {
		t.Fatalf("OnEvent saw %q (%d events), want %q", seen, res.Events, want)
	}
}

type rejectSink struct{ flakySink }

func (s *rejectSink) Deliver(ctx context.Context, a tikcraft.Action) error {
	if a.User == "bad" {
		return fmt.Errorf("too long: %w", tikcraft.ErrRejected)
	}
	return s.flakySink.Deliver(ctx, a)
}

func TestRejectedActionIsSkipped(t *testing.T) {
	sink := &rejectSink{}
	var steps []source.Step
	for _, u := range []string{"a", "bad", "c"} {
		steps = append(steps, source.Step{Event: &tikcraft.ShareEvent{User: tikcraft.User{UniqueID: u}}})
	}
	res, err := Run(context.Background(), source.Steps(steps, source.Max), Options{
		Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink, EventClock: true, Finish: true,
	})
	if err != nil || res.Rejected != 1 || fmt.Sprint(sink.got) != "[share a share c]" {
		t.Fatalf("res %+v err %v got %v", res, err, sink.got)
	}
}

func TestLiveModeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sink := &flakySink{}
	delivered := make(chan struct{})
	src := sourceFunc(func(ctx context.Context, emit func(tikcraft.Event)) error {
		emit(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}})
		close(delivered)
		<-ctx.Done()
		return ctx.Err()
	})
	done := make(chan error)
	go func() {
		_, err := Run(ctx, src, Options{Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink})
		done <- err
	}()
	<-delivered
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("cancel is a clean stop, got %v", err)
	}
}

type sourceFunc func(ctx context.Context, emit func(tikcraft.Event)) error

func (f sourceFunc) Run(ctx context.Context, emit func(tikcraft.Event)) error { return f(ctx, emit) }

// recordHandler hands log records to a channel, dropping them when it is
// full.
type recordHandler chan slog.Record

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	select { // never block the pipeline once the test stopped reading
	case h <- r:
	default:
	}
	return nil
}
func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }

// TestQueueDepthIsLogged: while Minecraft does not answer, the streamer is
// told how many actions wait and for how long.
func TestQueueDepthIsLogged(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := &flakySink{fails: 1 << 30}
	src := sourceFunc(func(ctx context.Context, emit func(tikcraft.Event)) error {
		for _, u := range []string{"a", "b", "c"} {
			emit(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: u}})
		}
		<-ctx.Done()
		return ctx.Err()
	})
	logs := make(recordHandler, 1000)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := Run(runCtx, src, Options{
			Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: sink,
			Log: slog.New(logs), StatsEvery: time.Millisecond, Retry: time.Millisecond,
		})
		done <- err
	}()
	defer func() { stop(); <-done }()
	for {
		select {
		case r := <-logs:
			if r.Message != "actions are waiting for Minecraft" {
				continue
			}
			attrs := map[string]string{}
			r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
			if r.Level != slog.LevelWarn || attrs["oldest_waiting"] == "" {
				t.Fatalf("stats line %v %q %v", r.Level, r.Message, attrs)
			}
			if attrs["pending"] == "3" {
				return
			}
		case <-ctx.Done():
			t.Fatal("no queue depth line while Minecraft was down")
		}
	}
}

// mustRules is the live rules of an actions file.
func mustRules(t testing.TB, src string) *rules.Set {
	t.Helper()
	r, err := rules.FromText("actions.mca", src, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// everyRule fires "<trigger> <user>" for gifts, follows and shares.
const everyRule = "gift:/gift {user}\nfollow:/follow {user}\nshare:/share {user}\n"
