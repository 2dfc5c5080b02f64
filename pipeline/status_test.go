package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/httpcall"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

// stuckSink holds every delivery until the context ends and reports a
// fixed state, as the RCON client does.
type stuckSink struct {
	state tikcraft.SinkState
	stop  chan struct{} // closed when the test is done
}

func (s stuckSink) Deliver(ctx context.Context, _ tikcraft.Action) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return context.Canceled
	}
}
func (s stuckSink) SinkState() tikcraft.SinkState { return s.state }

// TestStatusLineNamesTheCause: the line printed while actions wait says
// whether Minecraft is not answering or only the configured pace holds
// them back, with the queue depth and the commands sent per second.
func TestStatusLineNamesTheCause(t *testing.T) {
	tests := []struct {
		name  string
		state tikcraft.SinkState
		level slog.Level
		msg   string
		attr  string // one more attribute that must be there
	}{
		{"not answering", tikcraft.SinkState{Problem: "Minecraft RCON at 127.0.0.1:25575 is not reachable (connection refused)", Since: time.Now()},
			slog.LevelWarn, "actions are waiting for Minecraft, which is not answering", "problem"},
		{"pacing", tikcraft.SinkState{Connected: true, Pacing: true, MaxPerSecond: 20},
			slog.LevelInfo, "actions are waiting: rcon.max_commands_per_second paces them (Minecraft answers every command)", "max_commands_per_second"},
		{"paused", tikcraft.SinkState{Connected: true, Paused: "paused from the dashboard; press Resume"},
			slog.LevelInfo, "actions are waiting: delivery is paused", "why"},
		{"slow answers", tikcraft.SinkState{Connected: true},
			slog.LevelWarn, "actions are waiting for Minecraft's answers", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
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
			unstick := make(chan struct{})
			// The line is said once, then summed up: the test moves the
			// summaries' clock on until one shows all three actions.
			clk := logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
			go func() {
				_, err := Run(runCtx, src, Options{
					Engine: engine.New(engine.Config{}, mustRules(t, everyRule), nil), Queue: queue.NewMemory(), Sink: stuckSink{tt.state, unstick},
					Log: slog.New(logs), StatsEvery: time.Millisecond, logOpts: []lograte.Option{clk.Option()},
				})
				done <- err
			}()
			defer func() { stop(); close(unstick); <-done }()
			for {
				select {
				case <-time.After(10 * time.Millisecond):
					clk.Advance(time.Minute)
					clk.Fire()
				case r := <-logs:
					if !strings.HasPrefix(r.Message, "actions are waiting") {
						continue
					}
					attrs := map[string]string{}
					r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
					if r.Message != tt.msg || r.Level != tt.level {
						t.Fatalf("status line %v %q, want %v %q", r.Level, r.Message, tt.level, tt.msg)
					}
					for _, k := range []string{"pending", "oldest_waiting", "commands_per_second", tt.attr} {
						if _, ok := attrs[k]; k != "" && !ok {
							t.Fatalf("status line lacks %s: %v", k, attrs)
						}
					}
					if attrs["pending"] == "3" { // the one in flight counts until it is done
						return
					}
				case <-ctx.Done():
					t.Fatal("no status line")
				}
			}
		})
	}
}

// awaySink never delivers and reports a state the test sets (OBS away).
type awaySink struct {
	mu sync.Mutex
	st tikcraft.SinkState
}

func (s *awaySink) Deliver(ctx context.Context, _ tikcraft.Action) error { return ctx.Err() }
func (s *awaySink) SinkState() tikcraft.SinkState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}
func (s *awaySink) set(st tikcraft.SinkState) { s.mu.Lock(); s.st = st; s.mu.Unlock() }

// TestStatusLineIsSaidOnceWhileNothingChanges: OBS away for a minute is
// one line, then a count, not a line every 5 seconds; a new problem is
// said at once, and so is the next delay after the lane caught up.
func TestStatusLineIsSaidOnceWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	q := queue.NewMemory(queue.WithClock(queuetest.NewClock(start)))
	obs := &awaySink{st: tikcraft.SinkState{Problem: "OBS is not running at 127.0.0.1:4455", Since: start}}
	sink := deliver.Router{Commands: healthySink{}, OBS: obs}
	logs, clk := &logratetest.Records{}, logratetest.NewClock(start)
	lines := &statusLines{log: slog.New(logs), opts: []lograte.Option{clk.Option()}}
	r := newReporter(q, sink, &deliver.Worker{Queue: q, Sink: sink}, 5*time.Second, lines, start)
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "Creeper Cam"`})
	at := start
	report := func(n int) {
		for range n {
			at = at.Add(5 * time.Second)
			r.report(ctx, at)
		}
	}
	const away = "OBS is not reachable"
	report(12) // a minute of reports
	if got := logs.Lines(away); len(got) != 1 || got[0].Attrs["problem"] != "OBS is not running at 127.0.0.1:4455" {
		t.Fatalf("a minute of reports: %+v, want one line", got)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	if got := logs.Lines(away); len(got) != 2 || got[1].Repeated() != 11 || got[1].Attrs["oldest_waiting"] != "1m0s" {
		t.Fatalf("the minute's summary: %+v, want a count of 11 with the latest figures", got)
	}
	// A new problem is said at once.
	obs.set(tikcraft.SinkState{Problem: "OBS at 127.0.0.1:4455 did not answer in time", Since: start})
	report(3)
	if got := logs.Lines(away); len(got) != 3 || got[2].Attrs["problem"] != "OBS at 127.0.0.1:4455 did not answer in time" {
		t.Fatalf("after the problem changed: %+v", got)
	}
	// The lane catches up; its next delay is said at once.
	it, err := q.Next(ctx, queue.LaneOBS)
	if err != nil {
		t.Fatal(err)
	}
	q.Ack(ctx, it.ID)
	report(1)
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "Game"`})
	report(2)
	// The two held reports of the second problem are summed up when the
	// lane caught up, in the past (nothing waits any more), then the new
	// delay said.
	got := logs.Lines("OBS")
	if len(got) != 5 || got[3].Repeated() != 2 || got[3].Msg != "while OBS was not reachable, $obs actions waited for it" ||
		got[4].Repeated() != 0 || !strings.HasPrefix(got[4].Msg, away) {
		t.Fatalf("after catching up and falling behind again: %+v", got)
	}
}

// downMinecraft is a reporter whose Minecraft has not answered (connection
// refused) for the four reports it made, at 5-second intervals up to at,
// with one action waiting.
type downMinecraft struct {
	start, at time.Time
	q         queue.Queue
	mc        *awaySink
	logs      *logratetest.Records
	clk       *logratetest.Clock
	lines     *statusLines
	r         *reporter
}

func minecraftDown(t *testing.T) downMinecraft {
	t.Helper()
	ctx := context.Background()
	d := downMinecraft{start: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)}
	d.q = queue.NewMemory(queue.WithClock(queuetest.NewClock(d.start)))
	d.mc = &awaySink{st: tikcraft.SinkState{Problem: "Minecraft RCON at 127.0.0.1:25575 is not reachable (connection refused)", Since: d.start}}
	sink := deliver.Router{Commands: d.mc}
	d.logs, d.clk = &logratetest.Records{}, logratetest.NewClock(d.start)
	d.lines = &statusLines{log: slog.New(d.logs), opts: []lograte.Option{d.clk.Option()}}
	d.r = newReporter(d.q, sink, &deliver.Worker{Queue: d.q, Sink: sink}, 5*time.Second, d.lines, d.start)
	if err := d.q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi"}); err != nil {
		t.Fatal(err)
	}
	d.at = d.start
	for range 4 {
		d.at = d.at.Add(5 * time.Second)
		d.r.report(ctx, d.at)
	}
	return d
}

// TestStatusSummaryAfterReconnectIsInThePast: the count of "Minecraft is
// not answering" reports that comes after Minecraft answers again, by its
// timer or because the lane caught up, says so instead of reading as if it
// were still down a second after "connected again".
func TestStatusSummaryAfterReconnectIsInThePast(t *testing.T) {
	const (
		down  = "actions are waiting for Minecraft, which is not answering"
		after = "while Minecraft was not answering, actions waited; connected again since"
	)
	for _, caughtUp := range []bool{false, true} {
		t.Run(fmt.Sprintf("caught_up=%v", caughtUp), func(t *testing.T) {
			ctx := context.Background()
			d := minecraftDown(t)
			q, mc, logs, clk, r, at := d.q, d.mc, d.logs, d.clk, d.r, d.at
			mc.set(tikcraft.SinkState{Connected: true}) // "connected to Minecraft RCON at … again"
			if caughtUp {
				it, err := q.Next(ctx, queue.LaneMinecraft)
				if err != nil {
					t.Fatal(err)
				}
				q.Ack(ctx, it.ID)
				r.report(ctx, at.Add(5*time.Second))
			} else {
				clk.Advance(time.Minute)
				clk.Fire()
			}
			got := logs.Lines("Minecraft")
			if len(got) != 2 || got[0].Msg != down || got[0].Repeated() != 0 || got[1].Msg != after || got[1].Repeated() != 3 {
				t.Fatalf("got %+v\nwant %q, then %q repeated=3", got, down, after)
			}
		})
	}
}

// TestStatusSummaryWhileStillDownIsInThePresent: Minecraft's problem
// worded anew while it stays down ("connection refused", then "timed
// out") is said at once, and the first wording's count, said when its
// minute is up, still reads as now: Minecraft is still not answering.
func TestStatusSummaryWhileStillDownIsInThePresent(t *testing.T) {
	const down = "actions are waiting for Minecraft, which is not answering"
	ctx := context.Background()
	d := minecraftDown(t)
	mc, logs, clk, r, at := d.mc, d.logs, d.clk, d.r, d.at
	mc.set(tikcraft.SinkState{Problem: "Minecraft RCON at 127.0.0.1:25575 did not answer in time", Since: d.start})
	r.report(ctx, at.Add(5*time.Second))
	clk.Advance(time.Minute)
	clk.Fire()
	got := logs.Lines("Minecraft")
	if len(got) != 3 || got[0].Msg != down || got[1].Msg != down || got[1].Repeated() != 0 || got[2].Msg != down || got[2].Repeated() != 3 {
		t.Fatalf("got %+v\nwant %q, %q again (new problem), then %q repeated=3", got, down, down, down)
	}
	// Stopping while it is down says what is held as it stands, too (the
	// first report after a quiet minute is said, the second held).
	r.report(ctx, at.Add(10*time.Second))
	r.report(ctx, at.Add(15*time.Second))
	d.lines.close()
	if got := logs.Lines("Minecraft"); len(got) != 5 || got[4].Msg != down || got[4].Repeated() != 1 {
		t.Fatalf("after close: %+v", got)
	}
}

// healthySink delivers at once and reports Minecraft connected.
type healthySink struct{}

func (healthySink) Deliver(context.Context, tikcraft.Action) error { return nil }
func (healthySink) SinkState() tikcraft.SinkState                  { return tikcraft.SinkState{Connected: true} }

// TestPlannedActionsAreNotLate: actions planned for later wait in the
// queue by design; while none is due, no "actions are waiting" line warns
// the streamer about Minecraft.
func TestPlannedActionsAreNotLate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clock := queuetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)) // stands still: nothing comes due
	src := sourceFunc(func(ctx context.Context, emit func(tikcraft.Event)) error {
		emit(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "anna"}})
		<-ctx.Done()
		return ctx.Err()
	})
	logs := make(recordHandler, 1000)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := Run(runCtx, src, Options{
			Engine: engine.New(engine.Config{}, mustRules(t, "follow:$wait 2s;/summon zombie x10 over 20s\n"), nil), Queue: queue.NewMemory(queue.WithClock(clock)), Sink: healthySink{},
			Log: slog.New(logs), StatsEvery: time.Millisecond,
		})
		done <- err
	}()
	defer func() { stop(); <-done }()
	for {
		select {
		case r := <-logs:
			if strings.HasPrefix(r.Message, "actions are waiting") {
				t.Fatalf("%v %q while every action was planned for later", r.Level, r.Message)
			}
			attrs := map[string]string{}
			r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
			if strings.HasPrefix(r.Message, "actions are planned for later") && attrs["pending"] == "10" && attrs["due"] == "0" {
				return // a report ran with all ten planned, and said nothing late
			}
		case <-ctx.Done():
			t.Fatal("no report ran with the planned actions in the queue")
		}
	}
}

// TestStatusLineNamesASlowHTTPServer: a $http target that does not answer
// holds its own lane; that lane's status line names it and says that
// Minecraft does not wait for it, and Minecraft's line speaks of Minecraft
// alone.
func TestStatusLineNamesASlowHTTPServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	host := strings.TrimPrefix(srv.URL, "http://")
	mc := stuckSink{state: tikcraft.SinkState{Connected: true}, stop: make(chan struct{})}
	sink := deliver.Router{Commands: mc, HTTP: httpcall.New(httpcall.Config{Allow: []string{host}, Timeout: time.Minute}, nil)}
	q := queue.NewMemory()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST " + srv.URL + "/gift {}"}, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say after"})
	w := &deliver.Worker{Queue: q, Sink: sink}
	go w.Run(ctx, nil)
	var since time.Time
	for {
		a, s, ok := w.InFlight(queue.LaneHTTP)
		if ok && a.Kind == tikcraft.KindHTTP {
			since = s
			break
		}
		time.Sleep(time.Millisecond)
	}
	st := statusLine(queue.LaneHTTP, sink, w, since.Add(12*time.Second))
	level, msg, line := st.level, st.msg, fmt.Sprint(st.msg, st.attrs)
	if level != slog.LevelWarn || !strings.Contains(msg, "$http") || !strings.Contains(msg, "Minecraft's commands do not wait") || !strings.Contains(line, host) || !strings.Contains(line, "12s") {
		t.Fatalf("status line %v %q", level, line)
	}
	// A moment into a request is no reason to blame its server.
	if attrs := statusLine(queue.LaneHTTP, sink, w, since.Add(100*time.Millisecond)).attrs; strings.Contains(fmt.Sprint(attrs), host) {
		t.Fatalf("status line names %s 100ms into the request: %v", host, attrs)
	}
	if msg := statusLine(queue.LaneMinecraft, sink, w, since.Add(12*time.Second)).msg; strings.Contains(msg, "$http") || !strings.Contains(msg, "Minecraft") {
		t.Fatalf("Minecraft's status line %q", msg)
	}
}
