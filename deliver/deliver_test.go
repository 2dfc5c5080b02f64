package deliver

import (
	"context"
	"errors"
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
	"github.com/tikcraft/tikcraft/httpcall"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/queue"
)

// scriptSink answers each command as told: an error, or a reply.
type scriptSink struct {
	mu   sync.Mutex
	errs map[string]error
	got  []string
}

func (s *scriptSink) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := s.DeliverReply(ctx, a)
	return err
}

func (s *scriptSink) DeliverReply(_ context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, a.Command)
	if err := s.errs[a.Command]; err != nil {
		return tikcraft.Reply{}, err
	}
	if a.Command == "sya hi" {
		return tikcraft.Reply{Text: "Unknown command", Refused: true}, nil
	}
	return tikcraft.Reply{Text: "ok " + a.Command}, nil
}

func cmds(names ...string) []tikcraft.Action {
	var out []tikcraft.Action
	for _, n := range names {
		out = append(out, tikcraft.Action{Kind: tikcraft.KindCommand, Command: n, Trigger: "t"})
	}
	return out
}

func finished() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// TestOutcomes: every attempt is reported once with its outcome and reply;
// an unconfirmed command is parked and kept, and the rest go on.
func TestOutcomes(t *testing.T) {
	ctx := context.Background()
	q := queue.NewMemory()
	q.Push(ctx, cmds("say 1", "give @a diamond 64", "sya hi", "way too long", "say 2")...)
	sink := &scriptSink{errs: map[string]error{
		"give @a diamond 64": fmt.Errorf("never answered: %w", tikcraft.ErrUnconfirmed),
		"way too long":       fmt.Errorf("too long: %w", tikcraft.ErrRejected),
	}}
	var seen []string
	w := &Worker{Queue: q, Sink: sink, OnDelivery: func(d Delivery) {
		seen = append(seen, fmt.Sprintf("%s %s %q %t", d.Item.Action.Command, d.Outcome, d.Reply.Text, d.Err != nil))
	}}
	st, err := w.Run(ctx, finished())
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Delivered: 3, Rejected: 1, Parked: 1}) || w.Sent(queue.AllLanes) != 3 {
		t.Errorf("stats %+v, sent %d", st, w.Sent(queue.AllLanes))
	}
	want := []string{
		`say 1 sent "ok say 1" false`,
		`give @a diamond 64 parked "" true`,
		`sya hi sent "Unknown command" false`,
		`way too long rejected "" true`,
		`say 2 sent "ok say 2" false`,
	}
	if !slices.Equal(seen, want) {
		t.Errorf("outcomes\n%q\nwant\n%q", seen, want)
	}
	parked, _ := q.Parked(ctx)
	if len(parked) != 1 || parked[0].Action.Command != "give @a diamond 64" || parked[0].Reason == "" {
		t.Fatalf("parked %+v", parked)
	}
	// Retried: it goes out again.
	delete(sink.errs, "give @a diamond 64")
	q.Retry(ctx)
	if st, err := w.Run(ctx, finished()); err != nil || st.Delivered != 1 {
		t.Fatalf("after Retry: %+v, %v", st, err)
	}
}

// fullDisk fails the first acks as a full disk would.
type fullDisk struct {
	*queue.Memory // a concrete queue: embedding the interface would hide what else it implements
	fails         int
}

func (f *fullDisk) Ack(ctx context.Context, id int64) error {
	if f.fails > 0 {
		f.fails--
		return &queue.WriteError{Problem: "the disk holding tikcraft-data is full", Err: errors.New("database or disk is full")}
	}
	return f.Memory.Ack(ctx, id)
}

// TestAckThatCannotBeWrittenIsRetried: the command ran; delivering it again
// because its Ack could not be written would run it twice.
func TestAckThatCannotBeWrittenIsRetried(t *testing.T) {
	ctx := context.Background()
	q := &fullDisk{Memory: queue.NewMemory(), fails: 3}
	q.Push(ctx, cmds("say 1", "say 2")...)
	sink := &scriptSink{}
	st, err := (&Worker{Queue: q, Sink: sink}).Run(ctx, finished())
	if err != nil || st.Delivered != 2 {
		t.Fatalf("%+v, %v", st, err)
	}
	if !slices.Equal(sink.got, []string{"say 1", "say 2"}) {
		t.Errorf("sink got %q: a command was sent again", sink.got)
	}
}

func TestRouterSendsEachKindToItsOutput(t *testing.T) {
	ctx := context.Background()
	cmds, ovs, web, echo := &recordSink{}, &recordSink{}, &recordSink{}, &recordSink{}
	r := Router{Commands: cmds, Overlays: ovs, HTTP: web}
	for _, a := range []tikcraft.Action{
		{Kind: tikcraft.KindCommand, Command: "say 1"},
		{Kind: tikcraft.KindAlert, Command: "alert"},
		{Kind: tikcraft.KindOverlay, Command: "wins +1"},
		{Kind: tikcraft.KindHTTP, Command: "POST http://localhost/x"},
	} {
		if err := r.Deliver(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(cmds.got, []string{"say 1"}) || !slices.Equal(ovs.got, []string{"alert", "wins +1"}) || !slices.Equal(web.got, []string{"POST http://localhost/x"}) {
		t.Errorf("commands %q, overlays %q, http %q", cmds.got, ovs.got, web.got)
	}
	// A dry run also prints what the overlays show.
	r.Echo = echo
	r.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindAlert, Command: "alert 2"})
	if !slices.Equal(echo.got, []string{"alert 2"}) || ovs.got[len(ovs.got)-1] != "alert 2" {
		t.Errorf("echo %q, overlays %q", echo.got, ovs.got)
	}
	// Without an HTTP output a request is rejected, never sent as a command.
	err := Router{Commands: cmds}.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "GET http://x"})
	if !errors.Is(err, tikcraft.ErrRejected) || len(cmds.got) != 1 {
		t.Errorf("err %v, commands %q", err, cmds.got)
	}
	if st, ok := tikcraft.StateOf(Router{Commands: &stateSink{}}); !ok || !st.Pacing {
		t.Errorf("StateOf(Router) = %+v, %t", st, ok)
	}
}

type recordSink struct{ got []string }

func (s *recordSink) Deliver(_ context.Context, a tikcraft.Action) error {
	s.got = append(s.got, a.Command)
	return nil
}

type stateSink struct{ scriptSink }

func (*stateSink) SinkState() tikcraft.SinkState {
	return tikcraft.SinkState{Connected: true, Pacing: true}
}

// TestParkedHTTPNamesItsServer: a $http request whose server never answers
// is parked with a message naming that server, not blaming Minecraft.
func TestParkedHTTPNamesItsServer(t *testing.T) {
	ctx := context.Background()
	srv, host := unavailable(t)
	q := queue.NewMemory()
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST " + srv.URL + "/gift {}"})
	q.Push(ctx, cmds("say after")...)
	mc := &scriptSink{}
	logs := &logratetest.Records{}
	w := &Worker{Queue: q, Sink: Router{Commands: mc, HTTP: httpcall.New(httpcall.Config{Allow: []string{host}, Retries: -1}, nil)}, Log: slog.New(logs)}
	if st, err := w.Run(ctx, finished()); err != nil || st.Parked != 1 || st.Delivered != 1 {
		t.Fatalf("%+v, %v", st, err)
	}
	// The server answered 503 every time: the line must not say it never
	// answered; its error says what it did.
	lines := logs.Lines("")
	if len(lines) != 1 || !strings.Contains(lines[0].Msg, "$http request") || lines[0].Attrs["host"] != host ||
		strings.Contains(lines[0].Msg, "never answered") || !strings.Contains(fmt.Sprint(lines[0].Attrs["error"]), "the server answered 503") {
		t.Fatalf("log %+v", lines)
	}
}

// TestParkedAreSaidOnceThenCounted: an output that stops answering parks
// every action behind it; the log says the first, then counts the others
// once a minute, per output, instead of an ERROR per action.
func TestParkedAreSaidOnceThenCounted(t *testing.T) {
	ctx := context.Background()
	srv, host := unavailable(t)
	q := queue.NewMemory()
	unanswered := map[string]error{}
	for i := range 21 {
		cmd := fmt.Sprintf("give @a diamond %d", i)
		unanswered[cmd] = fmt.Errorf("never answered: %w", tikcraft.ErrUnconfirmed)
		q.Push(ctx, cmds(cmd)...)
		q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: fmt.Sprintf("POST %s/gift/%d {}", srv.URL, i), Trigger: "rose"})
	}
	logs, clk := &logratetest.Records{}, logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	outcomes := make(chan Outcome, 42)
	w := &Worker{Queue: q, Sink: Router{Commands: &scriptSink{errs: unanswered}, HTTP: httpcall.New(httpcall.Config{Allow: []string{host}, Retries: -1}, nil)},
		Log: slog.New(logs), logOpts: []lograte.Option{clk.Option()}, OnDelivery: func(d Delivery) { outcomes <- d.Outcome }}
	// The worker stays, as in a LIVE, until the test has looked at the log
	// (a finished Run says what it still holds).
	wctx, stop := context.WithCancel(ctx)
	done := make(chan Stats, 1)
	go func() { st, _ := w.Run(wctx, nil); done <- st }()
	for range 42 {
		<-outcomes
	}
	mc, web := logs.Lines("Minecraft never answered"), logs.Lines("$http request was set aside")
	if len(mc) != 1 || mc[0].Attrs["command"] != "give @a diamond 0" || len(web) != 1 || web[0].Attrs["host"] != host {
		t.Fatalf("42 parked actions: Minecraft %+v, $http %+v; want the first of each said", mc, web)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	mc, web = logs.Lines("Minecraft never answered"), logs.Lines("$http request was set aside")
	if len(mc) != 2 || mc[1].Repeated() != 20 || mc[1].Attrs["lane"] != "minecraft" || len(web) != 2 || web[1].Repeated() != 20 {
		t.Errorf("a minute later: Minecraft %+v, $http %+v; want one count of 20 each", mc, web)
	}
	stop()
	if st := <-done; st.Parked != 42 {
		t.Errorf("stats %+v", st)
	}
}

// TestRefusedHTTPIsNotSaidToHaveArrived: a $http target whose port is
// closed never got the request; the log says so rather than "it may have
// arrived".
func TestRefusedHTTPIsNotSaidToHaveArrived(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host, host2 := l.Addr().String(), l2.Addr().String()
	l.Close() // nothing listens there now
	l2.Close()
	q := queue.NewMemory()
	q.Push(ctx, tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://" + host + "/gift {}"},
		tikcraft.Action{Kind: tikcraft.KindHTTP, Command: "POST http://" + host2 + "/gift {}"})
	logs := &logratetest.Records{}
	w := &Worker{Queue: q, Sink: Router{Commands: &scriptSink{}, HTTP: httpcall.New(httpcall.Config{Allow: []string{host, host2}, Retries: -1}, nil)}, Log: slog.New(logs)}
	if st, err := w.Run(ctx, finished()); err != nil || st.Parked != 2 {
		t.Fatalf("%+v, %v", st, err)
	}
	// One line per target: the second one down is said at once.
	lines := logs.Lines("")
	if len(lines) != 2 || lines[0].Attrs["host"] != host || lines[1].Attrs["host"] != host2 {
		t.Fatalf("log %+v", lines)
	}
	for _, l := range lines {
		if !strings.Contains(l.Msg, "could not be sent") || !strings.Contains(l.Msg, "never arrived") || strings.Contains(l.Msg, "may have arrived") {
			t.Fatalf("log %+v", lines)
		}
	}
}

// unavailable starts a web server that answers every request with 503.
func unavailable(t *testing.T) (*httptest.Server, string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv, strings.TrimPrefix(srv.URL, "http://")
}
