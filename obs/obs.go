// Package obs carries out $obs actions in OBS Studio over obs-websocket 5
// (built into OBS 28 and later), using github.com/andreykaipov/goobs.
//
// Sink is the tikcraft.Sink for KindOBS actions. It keeps one connection
// open and reconnects with backoff. An OBS effect is a moment, not a
// payment: while OBS cannot be reached an action waits at most MaxWait,
// then it is dropped with a log line (ErrDropped), and once OBS has been
// away that long the next ones are dropped at once instead of each waiting
// again. "for 5s" turns a change back later without holding up the
// actions behind it. docs/OBS.md explains it for streamers.
package obs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/andreykaipov/goobs"
	"github.com/andreykaipov/goobs/api/events/subscriptions"
	"github.com/gorilla/websocket"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/connerr"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/redact"
)

// Defaults for the zero values of Config.
const (
	DefaultAddress        = "127.0.0.1:4455"
	DefaultMaxWait        = time.Minute
	DefaultRequestTimeout = 5 * time.Second
	DefaultBackoffMin     = 500 * time.Millisecond
	DefaultBackoffMax     = 10 * time.Second
	// healthEvery is how often an idle connection is asked whether OBS is
	// still there, so the dashboard notices a crashed OBS.
	healthEvery = 10 * time.Second
	// closeRevertWait bounds how long Close spends turning back what a
	// "for" changed.
	closeRevertWait = 3 * time.Second
)

// ErrDropped marks an action that was not carried out because OBS could
// not be reached in time (it wraps tikcraft.ErrRejected, so the delivery
// worker moves on). The sink has logged it.
var ErrDropped = fmt.Errorf("OBS action dropped: %w", tikcraft.ErrRejected)

// Config says how to reach OBS. Zero values mean the defaults.
type Config struct {
	Address  string // host:port of OBS's WebSocket server; default 127.0.0.1:4455
	Password string // never logged
	// MaxWait is how long an action waits for OBS before it is dropped;
	// default 1 minute.
	MaxWait time.Duration
	// RequestTimeout bounds OBS's answer to one request; default 5s.
	RequestTimeout time.Duration
	// BackoffMin and BackoffMax bound the wait between connection
	// attempts, which doubles while OBS stays away; defaults 0.5s and 10s.
	BackoffMin, BackoffMax time.Duration
	// OnState, if set, is called with the new state after every change
	// (the dashboard). It must not block.
	OnState func(tikcraft.SinkState)
}

func (c *Config) defaults() {
	if c.Address == "" {
		c.Address = DefaultAddress
	}
	if c.MaxWait <= 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax < c.BackoffMin {
		c.BackoffMax = max(DefaultBackoffMax, c.BackoffMin)
	}
}

// Sink carries out KindOBS actions (tikcraft.Sink, tikcraft.StateReporter).
// It is safe for concurrent use. Close it when done.
type Sink struct {
	cfg     Config
	log     *slog.Logger
	secrets *redact.Secrets
	life    context.Context // ends at Close
	stop    context.CancelFunc
	done    chan struct{} // the connection keeper has ended

	mu      sync.Mutex
	client  *goobs.Client // nil while not connected
	changed chan struct{} // closed and replaced at every change of client or state
	broken  chan struct{} // tells the keeper the client stopped answering
	state   tikcraft.SinkState
	version string // OBS's version, once connected
	told    bool   // the outage was logged
	reverts map[string]*revert

	// Every firing of a rule can drop an action or have it refused (OBS
	// away, a misspelt scene): said once, then counted once a minute.
	dropped, refused *lograte.Line
}

var (
	_ tikcraft.Sink          = (*Sink)(nil)
	_ tikcraft.StateReporter = (*Sink)(nil)
)

// New returns a sink for cfg and starts connecting in the background.
// log may be nil to discard logs.
func New(cfg Config, log *slog.Logger) *Sink {
	return open(cfg, log)
}

// open is New with options for the repeated log lines (tests: a clock).
func open(cfg Config, log *slog.Logger, opts ...lograte.Option) *Sink {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	life, stop := context.WithCancel(context.Background())
	s := &Sink{
		cfg: cfg, log: log, secrets: redact.New(cfg.Password), life: life, stop: stop, done: make(chan struct{}),
		changed: make(chan struct{}), broken: make(chan struct{}, 1), reverts: map[string]*revert{},
		dropped: lograte.New(log, slog.LevelWarn, "OBS action dropped", opts...),
		refused: lograte.New(log, slog.LevelWarn, "OBS could not carry out an action", opts...),
	}
	go s.keep()
	return s
}

// SinkState says whether OBS is connected and, if not, why.
func (s *Sink) SinkState() tikcraft.SinkState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Close turns back what a "for" changed and is still pending (for at most
// a few seconds), then disconnects.
func (s *Sink) Close() error {
	s.mu.Lock()
	pending := make([]*revert, 0, len(s.reverts))
	for k, r := range s.reverts {
		r.timer.Stop()
		pending = append(pending, r)
		delete(s.reverts, k)
	}
	s.mu.Unlock()
	if len(pending) > 0 {
		ctx, cancel := context.WithTimeout(s.life, closeRevertWait)
		for _, r := range pending {
			if c := s.current(); c != nil {
				if err := s.apply(ctx, c, r.back); err != nil {
					s.log.Warn("could not turn an OBS change back while stopping", "action", "$obs "+r.back.String(), "error", s.secrets.Error(err))
				}
			}
		}
		cancel()
	}
	s.stop()
	<-s.done
	s.dropped.Close()
	s.refused.Close()
	return nil
}

func (s *Sink) current() *goobs.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// Deliver carries out a KindOBS action. It returns nil once OBS has done
// it; an error wrapping tikcraft.ErrRejected when OBS refused it (no such
// scene) or it was dropped (ErrDropped); ctx's error when ctx ended first.
func (s *Sink) Deliver(ctx context.Context, a tikcraft.Action) error {
	if a.Kind != tikcraft.KindOBS {
		return fmt.Errorf("%w: the OBS connection cannot carry out a %q action", tikcraft.ErrRejected, a.Kind)
	}
	op, err := actions.ParseOBS(a.Command)
	if err != nil {
		return fmt.Errorf("%w: %v", tikcraft.ErrRejected, err)
	}
	return s.do(ctx, op, "$obs "+a.Command, a.Trigger, time.Now().Add(s.cfg.MaxWait))
}

// DeliverDue is Deliver for an action that was due at due (the queue
// item's Due): MaxWait counts from then, so an effect that waited in the
// queue (tikcraft was stopped, or OBS's lane was held up) is dropped once
// it is more than MaxWait late, instead of playing long after its moment.
func (s *Sink) DeliverDue(ctx context.Context, a tikcraft.Action, due time.Time) error {
	if a.Kind != tikcraft.KindOBS {
		return s.Deliver(ctx, a)
	}
	op, err := actions.ParseOBS(a.Command)
	if err != nil {
		return fmt.Errorf("%w: %v", tikcraft.ErrRejected, err)
	}
	if due.IsZero() {
		due = time.Now()
	}
	return s.do(ctx, op, "$obs "+a.Command, a.Trigger, due.Add(s.cfg.MaxWait))
}

// do carries out op, waiting for OBS until the deadline.
func (s *Sink) do(ctx context.Context, op actions.OBSOp, what, trigger string, deadline time.Time) error {
	if late := time.Since(deadline); late > 0 {
		why := fmt.Sprintf("it is %s past its moment", roundDuration(late+s.cfg.MaxWait))
		s.dropped.Log("why", why, "action", what, "trigger", trigger)
		return fmt.Errorf("%w (%s)", ErrDropped, why)
	}
	for {
		c, why := s.wait(ctx, deadline)
		if c == nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.dropped.Log("why", why, "action", what, "trigger", trigger)
			return fmt.Errorf("%w (%s)", ErrDropped, why)
		}
		err := s.apply(ctx, c, op)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// OBS answered but refused (no such scene), or the connection
		// broke: asking for its version tells which.
		if s.alive(ctx, c) {
			err = s.secrets.Error(err)
			s.refused.Log("action", what, "trigger", trigger, "error", err)
			return fmt.Errorf("%w: %v", tikcraft.ErrRejected, err)
		}
		s.markBroken(c)
	}
}

// wait returns a connected client, or nil and why not once the deadline
// passed, OBS refused the password, or OBS has been away longer than
// MaxWait already.
func (s *Sink) wait(ctx context.Context, deadline time.Time) (*goobs.Client, string) {
	for {
		s.mu.Lock()
		c, changed, st := s.client, s.changed, s.state
		s.mu.Unlock()
		if c != nil {
			return c, ""
		}
		switch {
		case st.Refused:
			return nil, "OBS refused the password"
		case !st.Since.IsZero() && time.Since(st.Since) >= s.cfg.MaxWait:
			return nil, fmt.Sprintf("OBS has not been reachable for %s", roundDuration(time.Since(st.Since)))
		}
		left := time.Until(deadline)
		if !st.Since.IsZero() {
			left = min(left, time.Until(st.Since.Add(s.cfg.MaxWait)))
		}
		if left <= 0 {
			return nil, fmt.Sprintf("OBS was not reachable within %s", s.cfg.MaxWait)
		}
		t := time.NewTimer(left)
		select {
		case <-changed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ""
		case <-s.life.Done():
			t.Stop()
			return nil, "tikcraft is stopping"
		}
		t.Stop()
	}
}

// alive asks OBS for its version.
func (s *Sink) alive(ctx context.Context, c *goobs.Client) bool {
	return call(ctx, s.cfg.RequestTimeout, func() error { _, err := c.General.GetVersion(); return err }) == nil
}

// markBroken tells the keeper that c stopped answering.
func (s *Sink) markBroken(c *goobs.Client) {
	s.mu.Lock()
	if s.client == c {
		s.client = nil
		s.changedLocked()
	}
	s.mu.Unlock()
	select {
	case s.broken <- struct{}{}:
	default:
	}
}

// call runs f, which blocks for at most goobs's response timeout, and
// returns early when ctx ends.
func call(ctx context.Context, timeout time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(timeout + time.Second)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errors.New("OBS did not answer in time")
	}
}

// keep connects, watches the connection and reconnects with backoff
// until Close.
func (s *Sink) keep() {
	defer close(s.done)
	wait := s.cfg.BackoffMin
	for s.life.Err() == nil {
		c, version, err := dial(s.life, s.cfg)
		if err != nil {
			if s.life.Err() != nil {
				return
			}
			s.setProblem(err)
			select {
			case <-s.life.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, s.cfg.BackoffMax)
			continue
		}
		wait = s.cfg.BackoffMin
		s.setConnected(c, version)
		reason := s.watch(c)
		c.Disconnect()
		if s.life.Err() != nil {
			return
		}
		s.setProblem(reason)
	}
}

// watch returns why c is no longer usable.
func (s *Sink) watch(c *goobs.Client) error {
	closed := make(chan struct{})
	go func() {
		// goobs closes the events channel when the connection closes.
		for range c.IncomingEvents {
		}
		close(closed)
	}()
	t := time.NewTicker(healthEvery)
	defer t.Stop()
	for {
		select {
		case <-s.life.Done():
			return nil
		case <-closed:
			return errors.New("OBS closed the connection (was OBS closed?)")
		case <-s.broken:
			if s.current() != c {
				return errors.New("OBS stopped answering")
			}
		case <-t.C:
			if !s.alive(s.life, c) && s.life.Err() == nil {
				return errors.New("OBS stopped answering")
			}
		}
	}
}

func (s *Sink) setConnected(c *goobs.Client, version string) {
	s.mu.Lock()
	again := !s.state.Since.IsZero() || s.version != ""
	s.client, s.version = c, version
	s.changedLocked()
	s.state = tikcraft.SinkState{Connected: true}
	s.told = false
	st := s.state
	s.mu.Unlock()
	if again {
		s.log.Info("connected to OBS again", "address", s.cfg.Address, "obs", version)
	} else {
		s.log.Info("connected to OBS", "address", s.cfg.Address, "obs", version)
	}
	s.notify(st)
}

func (s *Sink) setProblem(err error) {
	problem, refused := s.describe(err)
	s.mu.Lock()
	s.client = nil
	s.changedLocked()
	since := s.state.Since
	if since.IsZero() || s.state.Connected {
		since = time.Now()
	}
	changed := s.state.Problem != problem || s.state.Connected
	s.state = tikcraft.SinkState{Problem: problem, Since: since, Refused: refused}
	tell := !s.told
	s.told = true
	st := s.state
	s.mu.Unlock()
	switch {
	case tell && refused:
		s.log.Error(problem+"; $obs actions are dropped until that is fixed", "address", s.cfg.Address)
	case tell:
		s.log.Warn(problem+fmt.Sprintf("; $obs actions wait up to %s for OBS, then are dropped; tikcraft keeps trying", roundDuration(s.cfg.MaxWait)), "address", s.cfg.Address)
	default:
		s.log.Debug("OBS still not reachable", "error", s.secrets.Error(err))
	}
	if changed {
		s.notify(st)
	}
}

// changedLocked wakes whoever waits for the connection; mu is held.
func (s *Sink) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Sink) notify(st tikcraft.SinkState) {
	if s.cfg.OnState != nil {
		s.cfg.OnState(st)
	}
}

// describe words a connection problem for the streamer, cause first, then
// the fix; refused says that retrying cannot help.
func (s *Sink) describe(err error) (string, bool) {
	return Describe(s.cfg.Address, s.cfg.Password != "", s.secrets.Error(err))
}

// Describe words a failure to reach OBS at addr: the cause, then what to
// do. refused reports that OBS turned the password down.
func Describe(addr string, hasPassword bool, err error) (msg string, refused bool) {
	host, port, _ := net.SplitHostPort(addr)
	var ce *websocket.CloseError
	var dns *net.DNSError
	switch {
	case errors.As(err, &ce) && ce.Code == 4009:
		if !hasPassword {
			return fmt.Sprintf("OBS at %s asks for a password: set obs.password in tikcraft.yaml (or %s) to the Server Password in OBS under Tools → WebSocket Server Settings → Show Connect Info", addr, "TIKCRAFT_OBS_PASSWORD"), true
		}
		return fmt.Sprintf("OBS at %s refused the password: make obs.password in tikcraft.yaml (or %s) the Server Password in OBS under Tools → WebSocket Server Settings → Show Connect Info", addr, "TIKCRAFT_OBS_PASSWORD"), true
	case connerr.Refused(err):
		return fmt.Sprintf("OBS is not running at %s, or its WebSocket server is off (connection refused): start OBS and tick Enable WebSocket server under Tools → WebSocket Server Settings (Server Port %s)", addr, port), false
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot resolve %s, the host in obs.address: check the spelling (127.0.0.1 when OBS runs on this computer)", host), false
	case errors.Is(err, websocket.ErrBadHandshake):
		return fmt.Sprintf("what answers at %s is not OBS's WebSocket server: check obs.address against the Server Port under Tools → WebSocket Server Settings", addr), false
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timeout") || isTimeout(err)):
		return fmt.Sprintf("OBS at %s did not answer in time: check obs.address, and that no firewall blocks port %s", addr, port), false
	case err != nil && strings.HasPrefix(err.Error(), "OBS "):
		return err.Error(), false
	}
	return fmt.Sprintf("could not talk to OBS at %s: %v", addr, err), false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dial connects and logs in; it returns OBS's version.
func dial(ctx context.Context, cfg Config) (*goobs.Client, string, error) {
	type result struct {
		c   *goobs.Client
		err error
	}
	got := make(chan result, 1)
	go func() {
		d := &websocket.Dialer{
			HandshakeTimeout: cfg.RequestTimeout,
			NetDialContext:   (&net.Dialer{Timeout: cfg.RequestTimeout}).DialContext,
			// No proxy: OBS is on this computer or the local network.
		}
		c, err := goobs.New(cfg.Address, goobs.WithPassword(cfg.Password), goobs.WithDialer(d),
			goobs.WithEventSubscriptions(subscriptions.None), goobs.WithResponseTimeoutDuration(cfg.RequestTimeout),
			goobs.WithLogger(discard{}))
		got <- result{c, err}
	}()
	var r result
	select {
	case r = <-got:
	case <-ctx.Done():
		go func() {
			if r := <-got; r.c != nil {
				r.c.Disconnect()
			}
		}()
		return nil, "", ctx.Err()
	}
	if r.err != nil {
		return nil, "", r.err
	}
	var version string
	err := call(ctx, cfg.RequestTimeout, func() error {
		v, err := r.c.General.GetVersion()
		if err == nil {
			version = v.ObsVersion
		}
		return err
	})
	if err != nil {
		r.c.Disconnect()
		return nil, "", err
	}
	return r.c, version, nil
}

// discard drops goobs's own log lines: what matters is logged here, in
// plain words (its lines can echo requests, never the password, but they
// are for goobs's developers).
type discard struct{}

func (discard) Printf(string, ...any) {}

func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
