package httpcall

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

// server is a real HTTP server on loopback that answers with the codes in
// order (200 once they run out) and records what it got.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	codes []int
	got   []string
	block chan struct{} // when set, requests hang until closed
	// arrived, when set, gets a value as each request arrives.
	arrived chan struct{}
}

func newServer(t *testing.T, codes ...int) *server {
	s := &server{codes: codes}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+string(b))
		code := 200
		if len(s.codes) > 0 {
			code, s.codes = s.codes[0], s.codes[1:]
		}
		block, arrived := s.block, s.arrived
		s.mu.Unlock()
		if arrived != nil {
			arrived <- struct{}{}
		}
		if block != nil {
			<-block
		}
		if code >= 300 && code < 400 {
			w.Header().Set("Location", "http://elsewhere.example/")
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func (s *server) host(t *testing.T) string {
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func action(cmd string) tikcraft.Action {
	return tikcraft.Action{Kind: tikcraft.KindHTTP, Command: cmd}
}

func TestDeliverPostsJSON(t *testing.T) {
	srv := newServer(t)
	s := New(Config{Allow: []string{srv.host(t)}}, nil)
	reply, err := s.DeliverReply(context.Background(), action("POST "+srv.URL+"/gift?u=anna {\"u\":\"anna\"}"))
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != "200 OK" {
		t.Errorf("reply %+v", reply)
	}
	if got := srv.requests(); len(got) != 1 || got[0] != `POST /gift?u=anna application/json {"u":"anna"}` {
		t.Errorf("server got %q", got)
	}
}

func TestHostNotAllowedIsRejectedWithoutSending(t *testing.T) {
	srv := newServer(t)
	s := New(Config{Allow: []string{"localhost:1"}}, nil)
	err := s.Deliver(context.Background(), action("GET "+srv.URL+"/x"))
	if !errors.Is(err, tikcraft.ErrRejected) {
		t.Fatalf("err %v", err)
	}
	if len(srv.requests()) != 0 {
		t.Fatal("a request reached a host not in http.allow")
	}
}

func TestRetriesServerErrorsThenSucceeds(t *testing.T) {
	srv := newServer(t, 500, 503)
	s := New(Config{Allow: []string{srv.host(t)}, Backoff: time.Millisecond}, nil)
	reply, err := s.DeliverReply(context.Background(), action("POST "+srv.URL+"/ {}"))
	if err != nil || reply.Resends != 2 {
		t.Fatalf("reply %+v err %v", reply, err)
	}
	if n := len(srv.requests()); n != 3 {
		t.Fatalf("%d requests", n)
	}
}

func TestGivesUpAsUnconfirmed(t *testing.T) {
	srv := newServer(t, 500, 500, 500, 500)
	s := New(Config{Allow: []string{srv.host(t)}, Backoff: time.Millisecond, Retries: 2}, nil)
	err := s.Deliver(context.Background(), action("POST "+srv.URL+"/ {}"))
	if !errors.Is(err, tikcraft.ErrUnconfirmed) {
		t.Fatalf("err %v", err)
	}
	if n := len(srv.requests()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
}

// Stopping while a request waits for its answer is not a failed try: the
// request stays queued (the context's error), neither set aside as failed
// (ErrUnconfirmed: it was logged "set aside as failed" while it was kept)
// nor logged as "trying again" with "context canceled".
func TestStoppingIsNotAFailedTry(t *testing.T) {
	for _, retries := range []int{-1, 2} { // -1: the one try is the last
		srv := newServer(t)
		srv.block = make(chan struct{})
		srv.arrived = make(chan struct{}, 1)
		var logs bytes.Buffer
		s := New(Config{Allow: []string{srv.host(t)}, Timeout: time.Hour, Backoff: time.Millisecond, Retries: retries},
			slog.New(slog.NewTextHandler(&logs, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-srv.arrived; cancel() }()
		err := s.Deliver(ctx, action("POST "+srv.URL+"/slow {}"))
		close(srv.block)
		s.Close()
		if !errors.Is(err, context.Canceled) || errors.Is(err, tikcraft.ErrUnconfirmed) {
			t.Errorf("retries %d: err %v, want the context's error alone", retries, err)
		}
		if strings.Contains(logs.String(), "trying again") {
			t.Errorf("retries %d: logged\n%s", retries, logs.String())
		}
	}
}

func TestClientErrorsAndRedirectsAreRejectedAtOnce(t *testing.T) {
	for _, code := range []int{400, 404, 302} {
		srv := newServer(t, code)
		s := New(Config{Allow: []string{srv.host(t)}, Backoff: time.Millisecond}, nil)
		err := s.Deliver(context.Background(), action("GET "+srv.URL+"/"))
		if !errors.Is(err, tikcraft.ErrRejected) || len(srv.requests()) != 1 {
			t.Errorf("%d: err %v after %d requests", code, err, len(srv.requests()))
		}
	}
}

func TestTimeoutCountsAsUnconfirmed(t *testing.T) {
	srv := newServer(t)
	srv.block = make(chan struct{})
	defer close(srv.block)
	s := New(Config{Allow: []string{srv.host(t)}, Timeout: 50 * time.Millisecond, Backoff: time.Millisecond, Retries: -1}, nil)
	err := s.Deliver(context.Background(), action("POST "+srv.URL+"/slow {}"))
	if !errors.Is(err, tikcraft.ErrUnconfirmed) {
		t.Fatalf("err %v", err)
	}
}

// A request that times out says so with the setting's value and key, in
// the retry's log line and in the error, not as "context deadline
// exceeded".
func TestTimeoutIsWordedWithTheSetting(t *testing.T) {
	srv := newServer(t)
	srv.block = make(chan struct{})
	defer close(srv.block)
	var log bytes.Buffer
	s := New(Config{Allow: []string{srv.host(t)}, Timeout: 50 * time.Millisecond, Backoff: time.Millisecond, Retries: 1}, slog.New(slog.NewTextHandler(&log, nil)))
	err := s.Deliver(context.Background(), action("POST "+srv.URL+"/slow?key=SUPERSECRETKEY123 {}"))
	const want = "no answer within 50ms (http.timeout)"
	if !errors.Is(err, tikcraft.ErrUnconfirmed) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err %v, want it to say %q", err, want)
	}
	if !strings.Contains(log.String(), `error="`+want+`"`) || strings.Contains(log.String()+err.Error(), "deadline") || strings.Contains(log.String()+err.Error(), "SUPERSECRET") {
		t.Fatalf("the retry is logged as\n%s", log.String())
	}
}

// A viewer named ".." reaches the server as one path segment, not as a
// step up: the request for /a/b/{nickname}/c is not for /a/c.
func TestDotNicknameStaysInItsSegment(t *testing.T) {
	srv := newServer(t)
	f, diags := actions.Parse("actions.mca", []byte("r:$http GET "+srv.URL+"/a/b/{nickname}/c\n"), actions.Options{HTTPAllow: []string{srv.host(t)}})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s := New(Config{Allow: []string{srv.host(t)}}, nil)
	for _, nick := range []string{"..", "."} {
		acts := f.Fire(f.Lookup("r"), actions.Vars{User: "anna", Nickname: nick}, nil)
		if _, err := s.DeliverReply(context.Background(), acts[0]); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"GET /a/b/%2E%2E/c  ", "GET /a/b/%2E/c  "}
	if got := srv.requests(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("server got %q, want %q", got, want)
	}
}

// A target where nothing listens never got the request: the error says so
// and keeps the dial error for the delivery side. Once an attempt may have
// reached the server, it may have arrived, whatever the later ones met.
func TestNeverConnectedIsToldApart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := New(Config{Allow: []string{addr}, Backoff: time.Millisecond, Retries: 2}, nil)
	err = s.Deliver(context.Background(), action("POST http://"+addr+"/x {}"))
	op, isOp := errors.AsType[*net.OpError](err)
	if !errors.Is(err, tikcraft.ErrUnconfirmed) || !errors.Is(err, tikcraft.ErrNeverSent) || !isOp || op.Op != "dial" || !strings.Contains(err.Error(), "never reached the server") {
		t.Fatalf("refused: %v", err)
	}

	var once sync.Once
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusServiceUnavailable)
		once.Do(func() { srv.Listener.Close() }) // the next attempts are refused
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	s = New(Config{Allow: []string{host}, Backoff: time.Millisecond, Retries: 2}, nil)
	err = s.Deliver(context.Background(), action("POST "+srv.URL+"/x {}"))
	if !errors.Is(err, tikcraft.ErrUnconfirmed) || errors.Is(err, tikcraft.ErrNeverSent) || !strings.Contains(err.Error(), "may have arrived") {
		t.Fatalf("answered 503, then refused: %v", err)
	}
}

// A target that keeps failing makes every request retry: the first retry
// is said, the others counted; Close (tikcraft stopping) says the count
// that waited for its minute.
func TestCloseSaysTheHeldRetries(t *testing.T) {
	srv := newServer(t, 500, 500, 500, 500, 500, 500)
	logs, clk := &logratetest.Records{}, logratetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := open(Config{Allow: []string{srv.host(t)}, Backoff: time.Millisecond, Retries: 1}, slog.New(logs), clk.Option())
	for range 3 {
		if err := s.Deliver(context.Background(), action("POST "+srv.URL+"/ {}")); !errors.Is(err, tikcraft.ErrUnconfirmed) {
			t.Fatalf("err %v", err)
		}
	}
	if got := logs.Lines("$http request failed"); len(got) != 1 {
		t.Fatalf("before Close: %+v; want the first retry said", got)
	}
	s.Close()
	if got := logs.Lines("$http request failed"); len(got) != 2 || got[1].Repeated() != 2 {
		t.Fatalf("after Close: %+v; want a count of the 2 others", got)
	}
}
