package rcon

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

const password = "hunter2-very-secret"

// safety bounds waits in tests so that a bug fails the test with a message
// instead of hanging until go test's timeout. It is not a timing assertion:
// everything it guards finishes in milliseconds.
const safety = 30 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	t.Cleanup(cancel)
	return ctx
}

// testLog records every log record as text and lets tests wait for one.
type testLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	records chan slog.Record
}

func newTestLog() *testLog { return &testLog{records: make(chan slog.Record, 10000)} }

func (l *testLog) Logger() *slog.Logger { return slog.New(&logHandler{l: l}) }

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitFor waits for a record at level whose message contains substr.
func (l *testLog) waitFor(t *testing.T, level slog.Level, substr string) slog.Record {
	t.Helper()
	ctx := testContext(t)
	for {
		select {
		case r := <-l.records:
			if r.Level == level && strings.Contains(r.Message, substr) {
				return r
			}
		case <-ctx.Done():
			t.Fatalf("no %s log containing %q; log so far:\n%s", level, substr, l)
		}
	}
}

type logHandler struct {
	l     *testLog
	attrs []slog.Attr
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	select {
	case h.l.records <- r:
	default:
	}
	h.l.mu.Lock()
	defer h.l.mu.Unlock()
	return slog.NewTextHandler(&h.l.buf, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(ctx, r)
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &logHandler{l: h.l, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }

// fakeClock is the client's clock in tests of pacing and giving up: time
// moves only when the client sleeps, so waits are exact and instant.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slept = append(f.slept, d)
	f.t = f.t.Add(d)
	return nil
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func (f *fakeClock) sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.slept...)
}

func (f *fakeClock) install(c *Client) {
	f.t = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now, c.sleep = f.now, f.sleep
}

// newClient returns a client for addr with fast backoff, closed at the end
// of the test, which also checks that the password never reached the log.
func newClient(t *testing.T, cfg Config, logOpts ...lograte.Option) (*Client, *testLog) {
	t.Helper()
	if cfg.Password == "" {
		cfg.Password = password
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}
	}
	l := newTestLog()
	c := open(cfg, l.Logger(), logOpts...)
	t.Cleanup(func() {
		c.Close()
		if strings.Contains(l.String(), cfg.Password) {
			t.Errorf("the password appears in the log:\n%s", l)
		}
	})
	return c, l
}

func startServer(t *testing.T, opts ...rcontest.Option) *rcontest.Server {
	return rcontest.Start(t, password, opts...)
}

func cmds(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", prefix, i)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
