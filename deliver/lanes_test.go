package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/obs"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

// blockSink holds every delivery until released (a $http server that
// does not answer), and records what it got.
type blockSink struct {
	mu      sync.Mutex
	got     []string
	started chan string   // each action as its delivery starts
	release chan struct{} // closed: answer everything
}

func newBlockSink() *blockSink {
	return &blockSink{started: make(chan string, 100), release: make(chan struct{})}
}

func (s *blockSink) Deliver(ctx context.Context, a tikcraft.Action) error {
	s.started <- a.Command
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	s.got = append(s.got, a.Command)
	s.mu.Unlock()
	return nil
}

func (s *blockSink) delivered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// TestLanesDoNotWaitForEachOther: while the $http output holds its first
// request, every Minecraft command and overlay change behind it is
// delivered, in order; InFlight names the request that waits. Once the
// output answers, its lane delivers the rest in order and Run, finishing,
// returns only then.
func TestLanesDoNotWaitForEachOther(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := queue.NewMemory()
	var acts []tikcraft.Action
	for _, n := range []string{"1", "2", "3"} {
		acts = append(acts,
			tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://127.0.0.1:9/" + n},
			tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say " + n},
			tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +" + n})
	}
	if err := q.Push(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	mc, ovs, web := &scriptSink{}, &scriptSink{}, newBlockSink()
	minecraftDone := make(chan struct{})
	var sent sync.Map // lanes call OnDelivery at the same time
	w := &Worker{Queue: q, Sink: Router{Commands: mc, Overlays: ovs, HTTP: web}, OnDelivery: func(d Delivery) {
		n, _ := sent.LoadOrStore(queue.LaneOf(d.Item.Action), new(int))
		*n.(*int)++
		if queue.LaneOf(d.Item.Action) == queue.LaneMinecraft && *n.(*int) == 3 {
			close(minecraftDone)
		}
	}}
	done := make(chan error, 1)
	var st Stats
	go func() {
		var err error
		st, err = w.Run(ctx, finished())
		done <- err
	}()
	if got := <-web.started; got != "POST http://127.0.0.1:9/1" {
		t.Fatalf("the $http lane started with %q", got)
	}
	<-minecraftDone
	mc.mu.Lock()
	got := slices.Clone(mc.got)
	mc.mu.Unlock()
	if want := []string{"say 1", "say 2", "say 3"}; !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q while $http waited, want %q", got, want)
	}
	if a, _, ok := w.InFlight(queue.LaneHTTP); !ok || a.Command != "POST http://127.0.0.1:9/1" {
		t.Fatalf("InFlight($http) = %+v, %t", a, ok)
	}
	if _, _, ok := w.InFlight(queue.LaneMinecraft); ok {
		t.Fatal("Minecraft's lane has something in flight after delivering everything")
	}
	if n, _, _ := q.Stats(ctx, queue.LaneHTTP); n != 3 {
		t.Fatalf("%d $http requests pending, want 3", n)
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while the $http lane still had 3 requests", err)
	default:
	}
	close(web.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := []string{"POST http://127.0.0.1:9/1", "POST http://127.0.0.1:9/2", "POST http://127.0.0.1:9/3"}; !slices.Equal(web.delivered(), want) {
		t.Fatalf("$http got %q, want %q", web.delivered(), want)
	}
	if want := []string{"wins +1", "wins +2", "wins +3"}; !slices.Equal(ovs.got, want) {
		t.Fatalf("overlays got %q, want %q", ovs.got, want)
	}
	if st.Delivered != 9 || w.Sent(queue.AllLanes) != 9 || w.Sent(queue.LaneHTTP) != 3 {
		t.Fatalf("stats %+v, sent %d", st, w.Sent(queue.AllLanes))
	}
}

// failSink fails every delivery for good.
type failSink struct{}

func (failSink) Deliver(context.Context, tikcraft.Action) error {
	return errors.New("Minecraft refused the RCON password")
}

// TestALaneThatFailsStopsTheOthers: a permanent failure in Minecraft's
// lane (replay, drain: no Retry) ends Run with that error; the $http
// request in flight is cut off after the grace period and stays queued.
func TestALaneThatFailsStopsTheOthers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q := queue.NewMemory()
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://127.0.0.1:9/1"})
	web := newBlockSink()
	w := &Worker{Queue: q, Sink: Router{Commands: failSink{}, HTTP: web}, Grace: time.Millisecond}
	go func() {
		<-web.started
		q.Push(ctx, cmds("say 1")...)
	}()
	_, err := w.Run(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "refused the RCON password") {
		t.Fatalf("Run = %v", err)
	}
	if n, _, _ := q.Stats(ctx, queue.AllLanes); n != 2 {
		t.Fatalf("%d pending after the failure, want both kept", n)
	}
}

// TestRouterOBS: $obs actions go to the OBS output, told their due time;
// without one they are printed in a dry run and otherwise rejected: never
// sent to Minecraft.
func TestRouterOBS(t *testing.T) {
	ctx := context.Background()
	a := tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "Game"`}
	due := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	mc, o, echo := &recordSink{}, &dueSink{}, &recordSink{}
	if _, err := (Router{Commands: mc, OBS: o}).DeliverItem(ctx, queue.Item{Action: a, Due: due}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.got, []string{`scene "Game"`}) || !o.due.Equal(due) {
		t.Fatalf("OBS got %q due %v", o.got, o.due)
	}
	if err := (Router{Commands: mc, Echo: echo}).Deliver(ctx, a); err != nil || !slices.Equal(echo.got, []string{`scene "Game"`}) {
		t.Fatalf("dry run: %v, printed %q", err, echo.got)
	}
	if err := (Router{Commands: mc}).Deliver(ctx, a); !errors.Is(err, tikcraft.ErrRejected) || !strings.Contains(err.Error(), "obs section") {
		t.Fatalf("without OBS: %v", err)
	}
	if len(mc.got) != 0 {
		t.Fatalf("Minecraft got %q", mc.got)
	}
	if st, ok := (Router{OBS: stateOf{tikcraft.SinkState{Problem: "OBS is not running"}}}).LaneState(queue.LaneOBS); !ok || st.Problem == "" {
		t.Fatalf("LaneState(obs) = %+v, %t", st, ok)
	}
}

type dueSink struct {
	recordSink
	due time.Time
}

func (s *dueSink) DeliverDue(ctx context.Context, a tikcraft.Action, due time.Time) error {
	s.due = due
	return s.Deliver(ctx, a)
}

type stateOf struct{ st tikcraft.SinkState }

func (stateOf) Deliver(context.Context, tikcraft.Action) error { return nil }
func (s stateOf) SinkState() tikcraft.SinkState                { return s.st }

// TestOBSEffectPastItsMomentIsDroppedOnce: an $obs action that came due
// more than a minute ago (tikcraft was stopped meanwhile) is dropped by
// the real OBS output, counted as rejected, and logged once, by the OBS
// output; Minecraft's command behind it goes.
func TestOBSEffectPastItsMomentIsDroppedOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Pushed two minutes ago, by the queue's clock.
	clock := queuetest.NewClock(time.Now().Add(-2 * time.Minute))
	q := queue.NewMemory(queue.WithClock(clock))
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "Creeper Cam"`, Trigger: "lion"})
	q.Push(ctx, cmds("say after")...)
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port where OBS is not
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	obsLog, workerLog := &logratetest.Records{}, &logratetest.Records{}
	sink := obs.New(obs.Config{Address: addr}, slog.New(obsLog))
	defer sink.Close()
	mc := &scriptSink{}
	st, err := (&Worker{Queue: q, Sink: Router{Commands: mc, OBS: sink}, Log: slog.New(workerLog)}).Run(ctx, finished())
	if err != nil || st.Rejected != 1 || st.Delivered != 1 {
		t.Fatalf("%+v, %v", st, err)
	}
	dropped := obsLog.Lines("OBS action dropped")
	if len(dropped) != 1 || !strings.Contains(fmt.Sprint(dropped[0].Attrs["why"]), "past its moment") {
		t.Errorf("OBS output logged %+v; want one drop line saying it is late", dropped)
	}
	if got := workerLog.Lines(""); len(got) != 0 {
		t.Errorf("the worker logged %v about it too", got)
	}
}
