// Package rcon sends Minecraft commands over RCON, the Source RCON protocol
// as Minecraft speaks it. Client is the tikcraft.Sink that carries commands
// to the server: it logs in, keeps one connection open, paces commands,
// reassembles long answers and reconnects on its own when the server goes
// away, resending the command that was in flight so nothing is lost (at
// most MaxResends times: a server that runs commands but never answers
// must not get one command over and over).
package rcon

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/wait"
)

var (
	_ tikcraft.Replier       = (*Client)(nil)
	_ tikcraft.StateReporter = (*Client)(nil)
)

// Defaults for the zero values of Config.
const (
	// DefaultPort is Minecraft's rcon.port when server.properties does not
	// set it; DefaultAddress is this computer at that port.
	DefaultPort        = 25575
	DefaultAddress     = "127.0.0.1:25575"
	DefaultDialTimeout = 5 * time.Second
	DefaultReadTimeout = 10 * time.Second
	DefaultBackoffMin  = 1 * time.Second
	DefaultBackoffMax  = 15 * time.Second
)

// fragmentWait bounds how long to wait for the next part of an answer after
// a full-size part. Minecraft writes all parts at once, so they arrive
// together; the wait only matters for an answer of exactly 4096·k bytes,
// where no further part comes.
const fragmentWait = 250 * time.Millisecond

// maxResponseBytes bounds how much of one answer is kept, so that a server
// that keeps sending full-size parts cannot exhaust memory.
const maxResponseBytes = 4 << 20

// MaxResends is how often one command is sent again after it was written
// but not answered, so a server that runs commands and then hangs up gets
// each at most 1+MaxResends times.
const MaxResends = 3

// maxBurst caps the burst derived from absurdly high rates.
const maxBurst = 1000

// Backoff bounds the wait between reconnection attempts, which doubles from
// Min up to Max while the server stays unreachable.
type Backoff struct {
	Min, Max time.Duration // defaults 1s and 15s
}

// Config says how to reach Minecraft. Zero values mean the defaults.
type Config struct {
	Address  string // host:port of rcon.port in server.properties; default 127.0.0.1:25575
	Password string // rcon.password in server.properties; never logged

	DialTimeout time.Duration // to open the TCP connection; default 5s
	ReadTimeout time.Duration // for the server's answer to a login or command; default 10s

	// MaxCommandsPerSecond caps the rate of commands on top of the pacing
	// every command gets anyway (one at a time: the next goes out once
	// Minecraft answered the last); 0 means no cap. Up to one second's
	// worth of commands (at least one) go out without waiting, so a lone
	// action is never delayed.
	MaxCommandsPerSecond float64

	// GiveUpAfter makes a delivery fail once it has been retrying this long
	// without success; 0 means retry until the context ends.
	GiveUpAfter time.Duration

	Backoff Backoff
}

// ErrClosed is returned by calls on a Client after Close.
var ErrClosed error = &markedError{msg: "the Minecraft RCON connection was closed by tikcraft", marks: []error{tikcraft.ErrPermanent}}

// Client is an RCON client and a tikcraft.Sink. It is safe for concurrent
// use; commands share one connection and go out one at a time.
type Client struct {
	cfg     Config
	log     *slog.Logger
	unknown *lograte.Line // "Minecraft did not understand a command", once a minute at most
	tooLong *lograte.Line // "Minecraft's answer is longer than 4 MiB", likewise
	limiter *rate.Limiter // nil: unlimited

	// now and sleep are the clock used for pacing, backoff and giving up;
	// tests replace them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	life context.Context // ends when Close is called
	stop context.CancelFunc

	// sem is a mutex that waiting can be abandoned on: whoever holds it owns
	// everything below.
	sem      chan struct{}
	conn     net.Conn
	br       *bufio.Reader
	lastID   int32
	failures int       // consecutive attempts that failed and backed off
	down     time.Time // when the connection was last found broken; zero if never
	// connected: a connection was made once, so the next is made "again".
	connected bool

	// state is what SinkState reports; stMu guards it so that status lines
	// can read it while a command is in flight.
	stMu  sync.Mutex
	state tikcraft.SinkState
}

// New returns a client for cfg. It connects lazily, on the first command.
// log may be nil to discard logs.
func New(cfg Config, log *slog.Logger) *Client {
	return open(cfg, log)
}

// open is New with options for the lines that could repeat per command
// (tests: a clock for their summaries).
func open(cfg Config, log *slog.Logger, logOpts ...lograte.Option) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Address == "" {
		cfg.Address = DefaultAddress
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.Backoff.Min <= 0 {
		cfg.Backoff.Min = DefaultBackoffMin
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = DefaultBackoffMax
	}
	if cfg.Backoff.Max < cfg.Backoff.Min {
		cfg.Backoff.Max = cfg.Backoff.Min
	}
	if cfg.GiveUpAfter < 0 {
		cfg.GiveUpAfter = 0
	}
	c := &Client{
		cfg:   cfg,
		log:   log,
		now:   time.Now,
		sleep: wait.For,
		sem:   make(chan struct{}, 1),
		// A misspelt command in a rule fails at every firing.
		unknown: lograte.New(log, slog.LevelWarn, "Minecraft did not understand a command; check its spelling in actions.mca", logOpts...),
		// So does a rule whose command answers with megabytes.
		tooLong: lograte.New(log, slog.LevelWarn, fmt.Sprintf("Minecraft's answer is longer than %d MiB; keeping only the start", maxResponseBytes>>20), logOpts...),
	}
	if r := cfg.MaxCommandsPerSecond; r > 0 && !math.IsInf(r, 1) {
		c.limiter = rate.NewLimiter(rate.Limit(r), burstFor(r))
		c.state.MaxPerSecond = r
	}
	c.life, c.stop = context.WithCancel(context.Background())
	return c
}

// burstFor lets one second's worth of commands through at once: a gift that
// triggers three commands at 5/s runs them together, a flood is spread out.
func burstFor(perSecond float64) int {
	return int(min(maxBurst, max(1, math.Ceil(perSecond))))
}

// Deliver sends a KindCommand action and returns nil once Minecraft has
// answered it. Alerts are not for Minecraft: Deliver returns nil for them
// without sending anything (deliver.Router routes them to their own output).
//
// If the connection fails before the command was written, Deliver
// reconnects and tries again, with backoff, until ctx ends or GiveUpAfter
// has passed. If it fails after the command was written (the server may
// have run it), the command is sent again at most MaxResends times; then
// Deliver returns an error marked tikcraft.ErrUnconfirmed, so a server that
// runs commands and hangs up gets each at most 1+MaxResends times. A wrong
// password is returned at once and wraps tikcraft.ErrPermanent; a command
// Minecraft cannot accept wraps tikcraft.ErrRejected.
func (c *Client) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := c.DeliverReply(ctx, a)
	return err
}

// DeliverReply is Deliver that also returns Minecraft's answer: its text,
// whether it says the command was not understood, and how often the command
// had to be sent again.
func (c *Client) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	switch a.Kind {
	case tikcraft.KindAlert:
		c.log.Debug("alert not sent over RCON", "trigger", a.Trigger)
		return tikcraft.Reply{}, nil
	case tikcraft.KindCommand, "":
	default:
		return tikcraft.Reply{}, &markedError{
			msg:   fmt.Sprintf("action kind %q is not something RCON can send", string(a.Kind)),
			marks: []error{tikcraft.ErrRejected, tikcraft.ErrPermanent},
		}
	}
	// A delivery waits for the answer of a command it sent, even when
	// tikcraft stops meanwhile (roundTrip): unanswered, it would be sent
	// again at the next start.
	return c.exec(ctx, a.Command, []any{"trigger", a.Trigger, "user", a.User}, true)
}

// Exec runs one command and returns Minecraft's answer, with the same
// retrying as Deliver.
func (c *Client) Exec(ctx context.Context, cmd string) (string, error) {
	r, err := c.exec(ctx, cmd, nil, false)
	return r.Text, err
}

// Connect logs in to Minecraft now, without sending a command, unless a
// connection is open already: one attempt, so that a wrong password or a
// server that cannot be reached is known at start (from the error and
// SinkState) rather than at the first action. It waits for a command in
// flight, and never retries: delivery does that. A wrong password wraps
// tikcraft.ErrPermanent, as Deliver's does.
func (c *Client) Connect(ctx context.Context) error {
	if c.life.Err() != nil {
		return ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.life, cancel)()
	stopped := func() error {
		if c.life.Err() != nil {
			return ErrClosed
		}
		return fmt.Errorf("stopped logging in to Minecraft RCON at %s: %w", c.cfg.Address, ctx.Err())
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return stopped()
	}
	defer func() { <-c.sem }()
	if c.conn != nil {
		return nil
	}
	err := c.connect(ctx)
	switch {
	case err == nil:
		c.failures = 0
		return nil
	case ctx.Err() != nil:
		return stopped()
	case errors.Is(err, tikcraft.ErrPermanent):
		c.broken(err.Error())
		c.setState(func(s *tikcraft.SinkState) { s.Refused = true })
		return err
	}
	if c.down.IsZero() {
		c.down = c.now()
	}
	what, hint := describe(err, c.cfg)
	problem := fmt.Sprintf("Minecraft RCON at %s is not reachable (%s); %s", c.cfg.Address, what, hint)
	c.broken(problem)
	return &markedError{msg: problem, marks: []error{err}}
}

// SinkState reports whether the client is connected, whether commands are
// held back by MaxCommandsPerSecond, and what is wrong while Minecraft
// cannot be reached. It is safe to call while commands are in flight.
func (c *Client) SinkState() tikcraft.SinkState {
	c.stMu.Lock()
	defer c.stMu.Unlock()
	return c.state
}

func (c *Client) setState(f func(*tikcraft.SinkState)) {
	c.stMu.Lock()
	f(&c.state)
	c.stMu.Unlock()
}

// broken records that Minecraft cannot be reached or did not answer.
func (c *Client) broken(problem string) {
	c.setState(func(s *tikcraft.SinkState) {
		s.Connected, s.Problem = false, problem
		if s.Since.IsZero() {
			s.Since = c.down
		}
	})
}

// Close closes the connection. Calls in progress return ErrClosed; Close
// waits for them to stop using the connection.
func (c *Client) Close() error {
	c.stop()
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	c.dropConn()
	c.unknown.Close()
	c.tooLong.Close()
	return nil
}

// CheckCommand reports why Minecraft could not accept cmd over RCON, or nil.
// Its errors wrap tikcraft.ErrRejected and tikcraft.ErrPermanent.
func CheckCommand(cmd string) error {
	var msg string
	switch {
	case strings.TrimSpace(cmd) == "":
		msg = "the command is empty"
	case len(cmd) > MaxCommandBytes:
		msg = fmt.Sprintf("the command starting %q is %d bytes long, but Minecraft accepts at most %d over RCON; shorten it in actions.mca", prefix(cmd, 40), len(cmd), MaxCommandBytes)
	case strings.IndexByte(cmd, 0) >= 0:
		msg = fmt.Sprintf("the command starting %q contains a NUL character, which would cut it short", prefix(cmd, 40))
	default:
		return nil
	}
	return &markedError{msg: msg, marks: []error{tikcraft.ErrRejected, tikcraft.ErrPermanent}}
}

func (c *Client) exec(ctx context.Context, cmd string, attrs []any, keepAnswer bool) (tikcraft.Reply, error) {
	if err := CheckCommand(cmd); err != nil {
		return tikcraft.Reply{}, err
	}
	if c.life.Err() != nil {
		return tikcraft.Reply{}, ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.life, cancel)()

	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return tikcraft.Reply{}, c.interrupted(ctx, cmd, nil)
	}
	defer func() { <-c.sem }()

	if err := c.pace(ctx); err != nil {
		return tikcraft.Reply{}, c.interrupted(ctx, cmd, nil)
	}

	start := c.now()
	var last error
	resends := 0 // times cmd was written and not answered, so far
	for {
		if ctx.Err() != nil {
			return tikcraft.Reply{}, c.interrupted(ctx, cmd, last)
		}
		fresh := false
		if c.conn == nil {
			if err := c.connect(ctx); err != nil {
				if ctx.Err() != nil {
					return tikcraft.Reply{}, c.interrupted(ctx, cmd, last)
				}
				if errors.Is(err, tikcraft.ErrPermanent) {
					c.broken(err.Error())
					c.setState(func(s *tikcraft.SinkState) { s.Refused = true })
					return tikcraft.Reply{}, err
				}
				last = err
				what, hint := describe(err, c.cfg)
				problem := fmt.Sprintf("Minecraft RCON at %s is not reachable (%s); %s", c.cfg.Address, what, hint)
				if err := c.backoff(ctx, start, cmd, last, problem); err != nil {
					return tikcraft.Reply{}, err
				}
				continue
			}
			fresh = true
		}
		resp, written, err := c.roundTrip(ctx, cmd, keepAnswer)
		if err == nil {
			c.failures = 0
			c.logResponse(cmd, resp, attrs)
			return tikcraft.Reply{Text: resp, Refused: looksUnknown(resp), Resends: resends}, nil
		}
		c.dropConn()
		if ctx.Err() != nil {
			return tikcraft.Reply{}, c.interrupted(ctx, cmd, err)
		}
		last = err
		what, hint := describe(err, c.cfg)
		if c.down.IsZero() {
			c.down = c.now()
		}
		if written {
			if resends == MaxResends {
				msg := fmt.Sprintf("Minecraft RCON at %s took %q but never answered it, although it was sent %d times (%s); it may have run each time, so tikcraft does not send it again", c.cfg.Address, cmd, resends+1, what)
				c.broken(msg)
				return tikcraft.Reply{}, &markedError{msg: msg, marks: []error{tikcraft.ErrUnconfirmed, err}}
			}
			resends++
		}
		if !fresh {
			// A connection that used to work broke (typically the server
			// restarted while idle): try a new one straight away.
			c.broken(fmt.Sprintf("lost the connection to Minecraft RCON at %s (%s)", c.cfg.Address, what))
			c.log.Warn(fmt.Sprintf("lost the connection to Minecraft RCON at %s (%s); reconnecting and sending the command again", c.cfg.Address, what), append([]any{"command", cmd}, attrs...)...)
			continue
		}
		if err := c.backoff(ctx, start, cmd, last, fmt.Sprintf("Minecraft RCON at %s did not answer the command (%s); %s", c.cfg.Address, what, hint)); err != nil {
			return tikcraft.Reply{}, err
		}
	}
}

// backoff waits before the next attempt, or returns the give-up error when
// GiveUpAfter has passed since start.
func (c *Client) backoff(ctx context.Context, start time.Time, cmd string, last error, problem string) error {
	if c.down.IsZero() {
		c.down = c.now()
	}
	elapsed := c.now().Sub(start)
	if g := c.cfg.GiveUpAfter; g > 0 && elapsed >= g {
		// Not logged: the caller reports it, and the warnings before it
		// already said what is wrong.
		return fmt.Errorf("gave up sending %q to Minecraft RCON at %s after trying for %s: %w", cmd, c.cfg.Address, roundDuration(elapsed), last)
	}
	c.broken(problem)
	c.failures++
	d := c.delay(c.failures)
	if g := c.cfg.GiveUpAfter; g > 0 && d > g-elapsed {
		d = g - elapsed // one last try right at the deadline
	}
	c.log.Warn(fmt.Sprintf("%s retrying in %s", problem, roundDuration(d)), "address", c.cfg.Address, "error", last)
	if err := c.sleep(ctx, d); err != nil {
		return c.interrupted(ctx, cmd, last)
	}
	return nil
}

// delay is the n-th backoff (n ≥ 1): Min doubled n-1 times, capped at Max,
// with ±20% jitter so that clients restarted together do not retry in step.
func (c *Client) delay(n int) time.Duration {
	d := c.cfg.Backoff.Min
	for i := 1; i < n && d < c.cfg.Backoff.Max; i++ {
		d *= 2
	}
	d = min(d, c.cfg.Backoff.Max)
	if spread := int64(d) / 5; spread > 0 {
		d += time.Duration(rand.Int64N(2*spread+1) - spread)
	}
	return max(min(d, c.cfg.Backoff.Max), 1)
}

// interrupted is the error for a call that ctx or Close cut short.
func (c *Client) interrupted(ctx context.Context, cmd string, last error) error {
	if c.life.Err() != nil {
		return ErrClosed
	}
	if last != nil {
		return fmt.Errorf("stopped sending %q to Minecraft RCON at %s: %w (last problem: %v)", cmd, c.cfg.Address, ctx.Err(), last)
	}
	return fmt.Errorf("stopped sending %q to Minecraft RCON at %s: %w", cmd, c.cfg.Address, ctx.Err())
}

// pace waits for the rate limiter. It reserves with the client's clock
// rather than calling Limiter.Wait so that tests can use a fake clock.
func (c *Client) pace(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	now := c.now()
	r := c.limiter.ReserveN(now, 1)
	d := r.DelayFrom(now)
	c.setState(func(s *tikcraft.SinkState) { s.Pacing = d > 0 })
	if d <= 0 {
		return nil
	}
	c.log.Debug("pacing commands", "wait", d, "max_commands_per_second", c.cfg.MaxCommandsPerSecond)
	if err := c.sleep(ctx, d); err != nil {
		r.CancelAt(c.now())
		return err
	}
	return nil
}

func (c *Client) logResponse(cmd, resp string, attrs []any) {
	args := append([]any{"command", cmd, "response", resp}, attrs...)
	if looksUnknown(resp) {
		c.unknown.Log(args...)
		return
	}
	c.log.Debug("Minecraft answered", args...)
}

// looksUnknown recognises Minecraft's answers to commands it could not
// parse: Brigadier marks the error position with "<--[HERE]", and servers
// with plugin loaders answer "Unknown command".
func looksUnknown(resp string) bool {
	return strings.Contains(resp, "<--[HERE]") ||
		strings.HasPrefix(resp, "Unknown or incomplete command") ||
		strings.HasPrefix(resp, "Unknown command") ||
		strings.HasPrefix(resp, "Incorrect argument for command")
}

func (c *Client) nextID() int32 {
	c.lastID++
	if c.lastID <= 0 { // wrapped: -1 means "auth failed" and 0 is suspicious
		c.lastID = 1
	}
	return c.lastID
}

func (c *Client) dropConn() {
	if c.conn != nil {
		c.conn.Close()
		c.conn, c.br = nil, nil
		c.setState(func(s *tikcraft.SinkState) { s.Connected = false })
	}
}

// roundDuration makes durations readable in messages: "4s", "1.5s", "250ms".
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d
}

// prefix returns at most n bytes of s, cut at a character boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// markedError is an error with a streamer-worded message that also matches
// tikcraft's sentinel errors.
type markedError struct {
	msg   string
	marks []error
}

func (e *markedError) Error() string   { return e.msg }
func (e *markedError) Unwrap() []error { return e.marks }
