package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/httpcall"
	"github.com/tikcraft/tikcraft/obs"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// silentServer is a $http target that takes every request and never
// answers it until released; it records the paths in the order they
// arrived.
type silentServer struct {
	*httptest.Server
	mu      sync.Mutex
	paths   []string
	open    int
	arrived chan struct{} // a request arrived
	release chan struct{} // closed: answer every request, now and later
}

func newSilentServer(t testing.TB) *silentServer {
	s := &silentServer{arrived: make(chan struct{}, 1000), release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.RequestURI())
		s.open++
		s.mu.Unlock()
		s.arrived <- struct{}{}
		defer func() {
			s.mu.Lock()
			s.open--
			s.mu.Unlock()
		}()
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		s.answer()
		s.Close()
	})
	return s
}

func (s *silentServer) answer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

func (s *silentServer) got() (paths []string, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths), s.open
}

func (s *silentServer) host() string { return strings.TrimPrefix(s.URL, "http://") }

// closedPort is a loopback address nothing listens on: OBS not running.
func closedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// laneRules is one Minecraft command, one $http request and one $obs
// action per follow.
func laneRules(t testing.TB, httpURL string) *rules.Set {
	t.Helper()
	src := fmt.Sprintf("follow:/say f {user}; $http POST %s/f/{user}; $obs scene \"Creeper Cam\"\n", httpURL)
	host := strings.TrimPrefix(httpURL, "http://")
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{OBS: true, HTTPAllow: []string{host}})
	for _, d := range diags {
		if d.Severity == actions.Error {
			t.Fatal(d)
		}
	}
	return rules.New(f, 1)
}

func follows(n int) (steps []source.Step, want []string) {
	for i := range n {
		u := fmt.Sprintf("u%d", i)
		steps = append(steps, source.Step{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: u}, Meta: tikcraft.Meta{MsgID: u}}})
		want = append(want, "say f "+u)
	}
	return steps, want
}

// thenWait emits steps' events, then waits until the run ends, as a LIVE
// does.
type thenWait []source.Step

func (s thenWait) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	for _, st := range s {
		emit(st.Event)
	}
	<-ctx.Done()
	return ctx.Err()
}

// TestOutputsDownNeverHoldMinecraft: the flow a stream runs (engine →
// durable queue → delivery lanes) with a real RCON server, a $http server
// that takes the first request and never answers it, and OBS not running.
// Every follow's Minecraft command arrives, in order, while the first
// $http request and the first $obs action still wait; each lane's status
// line names what it waits for, and none blames Minecraft.
func TestOutputsDownNeverHoldMinecraft(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 60
	mc := rcontest.Start(t, "pw-lanes")
	cl := rcon.New(rcon.Config{Address: mc.Addr(), Password: "pw-lanes"}, nil)
	defer cl.Close()
	web := newSilentServer(t)
	o := obs.New(obs.Config{Address: closedPort(t), MaxWait: time.Hour}, nil)
	defer o.Close()
	st, err := store.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps, want := follows(n)
	src := thenWait(steps)
	logs := make(recordLines, 10000)
	rs := laneRules(t, web.URL)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		// Fresh status lines every 20 ms, not a summary a minute later:
		// the test drops those said while Minecraft was busy.
		_, err := pipeline.Run(runCtx, src, pipeline.SummariesEvery(pipeline.Options{
			Engine: engine.New(engine.Config{}, rs, nil), Queue: st, Recorder: st,
			Sink: deliver.Router{Commands: cl, HTTP: httpcall.New(httpcall.Config{Allow: []string{web.host()}, Timeout: time.Hour}, nil), OBS: o},
			Log:  slog.New(logs), StatsEvery: 20 * time.Millisecond,
		}, 20*time.Millisecond))
		done <- err
	}()
	defer func() { stop(); <-done }()

	wctx, wstop := context.WithCancel(ctx)
	defer wstop()
	ran := make(chan error, 1)
	go func() {
		err := <-done
		ran <- err
		done <- err
		wstop()
	}()
	got, err := mc.WaitCommands(wctx, n)
	if err != nil {
		select {
		case rerr := <-ran:
			t.Fatalf("pipeline.Run returned %v before Minecraft got every command", rerr)
		default:
		}
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q, want %q", got, want)
	}
	// The first request is on its way or hanging: it never gets an answer,
	// so nothing behind it in its lane can have gone.
	select {
	case <-web.arrived:
	case <-ctx.Done():
		t.Fatal("the first $http request never arrived")
	}
	paths, open := web.got()
	if len(paths) != 1 || paths[0] != "/f/u0" || open != 1 {
		t.Fatalf("the $http server got %q (%d open) while Minecraft got everything; want only the first, still open", paths, open)
	}
	// The last command's acknowledgement may still be committing.
	for {
		pending, _, err := st.Stats(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d Minecraft actions still pending after Minecraft got them all", pending)
		case <-time.After(5 * time.Millisecond):
		}
	}
	for lane, want := range map[queue.Lane]int{queue.LaneHTTP: n, queue.LaneOBS: n} {
		if pending, _, err := st.Stats(ctx, lane); err != nil || pending != want {
			t.Errorf("%d %s actions pending (%v), want %d", pending, lane, err, want)
		}
	}
	// Lines logged while Minecraft's lane was busy may rightly say it was
	// late; from now on it is empty. A round of status lines goes lane by
	// lane, Minecraft's first: a round that logs for Minecraft after an
	// $http line logged now began after the lane was empty.
	for len(logs) > 0 {
		<-logs
	}
	httpSeen := false
	// The status lines: one for $http naming its server, one for OBS
	// with OBS's problem; Minecraft's lane has nothing late.
	seen := map[string]bool{}
	for !seen["http"] || !seen["obs"] {
		select {
		case r := <-logs:
			attrs := map[string]string{}
			r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
			lane := attrs["lane"]
			if lane == "" || r.Level < slog.LevelInfo {
				continue
			}
			switch lane {
			case "http":
				httpSeen = true
				if attrs["host"] == "" {
					continue // the request is not a second old yet
				}
				if attrs["host"] != web.host() || !strings.Contains(r.Message, "$http target "+web.host()+" is not answering") || !strings.Contains(r.Message, "Minecraft's commands do not wait") {
					t.Fatalf("$http status line %q %v", r.Message, attrs)
				}
			case "obs":
				if !strings.Contains(r.Message, "OBS is not reachable") || !strings.Contains(attrs["problem"], "OBS is not running") {
					t.Fatalf("OBS status line %q %v", r.Message, attrs)
				}
			default:
				if httpSeen {
					t.Fatalf("lane %s is late: %q %v", lane, r.Message, attrs)
				}
				continue
			}
			seen[lane] = true
		case <-ctx.Done():
			t.Fatalf("no status line for $http and OBS: saw %v", seen)
		}
	}
}

// TestFinishWaitsForEveryLane: replay and drain (Finish) return only once
// every lane is empty: Minecraft done is not enough while the $http lane
// still waits for its server; once it answers, every request goes, in
// order, and the queue is empty.
func TestFinishWaitsForEveryLane(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 20
	mc := rcontest.Start(t, "pw-lanes")
	cl := rcon.New(rcon.Config{Address: mc.Addr(), Password: "pw-lanes"}, nil)
	defer cl.Close()
	web := newSilentServer(t)
	st, err := store.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps, want := follows(n)
	rs := laneRules(t, web.URL)
	type result struct {
		res pipeline.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
			Engine: engine.New(engine.Config{}, rs, nil), Queue: st, Recorder: st,
			// No obs section: $obs actions are rejected, never sent.
			Sink:       deliver.Router{Commands: cl, HTTP: httpcall.New(httpcall.Config{Allow: []string{web.host()}, Timeout: time.Hour}, nil)},
			EventClock: true, Finish: true,
		})
		done <- result{res, err}
	}()
	if got, err := mc.WaitCommands(ctx, n); err != nil || !slices.Equal(got, want) {
		t.Fatalf("Minecraft got %q (%v), want %q", got, err, want)
	}
	<-web.arrived
	select {
	case r := <-done:
		t.Fatalf("Run returned %+v, %v while the $http lane waited", r.res, r.err)
	default:
	}
	web.answer()
	r := <-done
	if r.err != nil || r.res.Delivered != 2*n || r.res.Rejected != n {
		t.Fatalf("Run = %+v, %v; want %d delivered, %d $obs rejected", r.res, r.err, 2*n, n)
	}
	var wantPaths []string
	for i := range n {
		wantPaths = append(wantPaths, fmt.Sprintf("/f/u%d", i))
	}
	if paths, _ := web.got(); !slices.Equal(paths, wantPaths) {
		t.Fatalf("the $http server got %q, want %q", paths, wantPaths)
	}
	if pending, _, err := st.Stats(ctx, queue.AllLanes); err != nil || pending != 0 {
		t.Fatalf("%d pending after Finish, %v", pending, err)
	}
	if got := mc.Commands(); len(got) != n {
		t.Fatalf("Minecraft got %d commands, want %d: $obs actions must never reach it", len(got), n)
	}
}
