// Package tiktok follows a TikTok LIVE as it happens: it finds the
// streamer's room, gets a signed WebSocket address from a sign server
// (Euler Stream's API or a compatible one), speaks TikTok's Webcast push
// protocol on that socket and hands every gift, follow, like, chat, ... to
// the registered handlers as tikcraft events.
//
// It is built for a tool a streamer starts before going live and leaves
// running: while the account is offline (or TikTok claims it does not
// exist) it waits and checks again every RetryOffline; a dropped, stalled
// or suspended connection is re-established with backoff (a fresh
// signature and socket each time); the end of a LIVE is reported as a
// StreamEndEvent, after which the client waits for the next LIVE. A message
// TikTok sends twice is delivered once. Config.OnState and Client.State
// report where the client is (waiting, connecting, connected, reconnecting,
// stopped) with the last problem in a few words.
//
//	c, err := tiktok.New(tiktok.Config{User: "@name", APIKey: os.Getenv(tiktok.APIKeyEnv)})
//	c.OnGift(func(g *tikcraft.GiftEvent) { ... })
//	err = c.Run(ctx) // until ctx is done, or a problem only the streamer can fix
//
// See docs/TIKTOK.md for the setup, every decision about TikTok's
// protocol and the meaning of each error.
package tiktok

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/recent"
	"github.com/tikcraft/tikcraft/redact"
	"github.com/tikcraft/tikcraft/wait"
	"github.com/tikcraft/tikcraft/webcast"
)

// Defaults for the zero fields of Config.
const (
	DefaultSignServer   = "https://api.eulerstream.com"
	DefaultWebBase      = "https://www.tiktok.com"
	DefaultWebcastBase  = "https://webcast.tiktok.com"
	DefaultRetryOffline = 30 * time.Second
	// DefaultWatchdog is how long an open socket may stay completely
	// silent (no message, no heartbeat answer) before it is replaced.
	DefaultWatchdog = time.Minute
	// DefaultMaxFrameBytes is the largest WebSocket message read: what
	// the peers accept (100 MiB). Bigger ones are counted and skipped.
	DefaultMaxFrameBytes = webcast.DefaultMaxBytes
	// DefaultEventBuffer is how many events may wait for slow handlers
	// before the client stops reading from TikTok (heartbeats go on).
	DefaultEventBuffer = 10_000
	// DefaultHeartbeat is Node's interval between "hb" frames.
	DefaultHeartbeat    = 10 * time.Second
	DefaultReconnectMin = 2 * time.Second
	DefaultReconnectMax = 2 * time.Minute
	// DefaultDedupe is how many message ids are remembered to drop
	// re-sent messages: far more than a reconnect replays.
	DefaultDedupe = 4096
)

const (
	requestTimeout = 10 * time.Second // per HTTP request, as Node
	dialTimeout    = 20 * time.Second // WebSocket handshake, as Node
	writeTimeout   = 10 * time.Second
	closeTimeout   = 2 * time.Second // TikTok may never answer a close frame
	// stableAfter is how long a connection must have lasted for the next
	// reconnect to start again from the shortest wait.
	stableAfter = time.Minute
)

// The identity the client presents. TikTok checks that the WebSocket uses the
// user agent the URL was signed for, so it is one constant for both; the
// fingerprint values match it (a Windows Chrome, as Node's first preset).
const (
	browserUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36"
	clientUserAgent  = "tikcraft (+https://github.com/tikcraft/tikcraft)"
)

// FrameWriter records received frames; *webcast.CaptureWriter is one (see
// webcast.AppendCapture).
type FrameWriter interface {
	WriteFrame(frame []byte) error
}

// Config configures a Client. Only User is required.
type Config struct {
	// User is tiktok.user: "@name", "name" or a tiktok.com link.
	User string
	// SignServer is tiktok.sign_server, the base URL of a Euler
	// Stream-compatible sign server. Default DefaultSignServer.
	SignServer string
	// APIKey is sent to the sign server as X-Api-Key; the config loader
	// takes it from APIKeyEnv. It never appears in logs or errors.
	APIKey string
	// RetryOffline is tiktok.retry_offline: how often to check whether an
	// offline account went live. Default DefaultRetryOffline.
	RetryOffline time.Duration
	// WebBase stands in for https://www.tiktok.com, for the simulator
	// and tests. Default DefaultWebBase.
	WebBase string
	// WebcastBase stands in for https://webcast.tiktok.com (the room info
	// route). Default DefaultWebcastBase, or WebBase when that is set.
	WebcastBase string
	// Capture, if set, receives every binary WebSocket message as it
	// arrived, and the sign server's initial batch wrapped in a push frame,
	// so that a replay of the capture gives the same events.
	Capture FrameWriter
	// Log receives the client's messages; nil discards them.
	Log *slog.Logger
	// HTTPClient is used for every request and the WebSocket handshake;
	// nil means a client of its own. Its Timeout is ignored: each request
	// has its own deadline.
	HTTPClient *http.Client
	// Heartbeat is the interval between keep-alive frames. Default
	// DefaultHeartbeat.
	Heartbeat time.Duration
	// ReconnectMin and ReconnectMax bound the wait before reconnecting
	// after a failure; it doubles from Min to Max. Defaults
	// DefaultReconnectMin and DefaultReconnectMax.
	ReconnectMin, ReconnectMax time.Duration
	// Decoder decodes the frames; set it to read its Stats elsewhere.
	// Default a new one with the default limits.
	Decoder *webcast.Decoder
	// Dedupe is how many message ids are remembered. Default
	// DefaultDedupe.
	Dedupe int
	// Watchdog: an open socket that delivers nothing at all for this long
	// is replaced by a new connection. Default DefaultWatchdog.
	Watchdog time.Duration
	// MaxFrameBytes: WebSocket messages bigger than this are counted in
	// Stats.Oversized and skipped without being held in memory. It also
	// bounds each frame's payload after gunzip unless Decoder is set.
	// Default DefaultMaxFrameBytes.
	MaxFrameBytes int
	// EventBuffer is how many received events may wait for the handlers.
	// When it is full the client stops reading until they catch up and
	// logs it; heartbeats go on and no event is dropped. Default
	// DefaultEventBuffer.
	EventBuffer int
	// OnState, if set, is called with every change of the connection
	// state (see State). It runs on Run's goroutine, one call at a time
	// and in order; it must return quickly.
	OnState func(State)
	// StateShown says that OnState shows every change to the streamer
	// (tikcraft's console does, a line each, problems as warnings): the
	// client then logs those changes — waiting, connecting, connected,
	// each retry and its cause — at debug level only, so that each is
	// said once. Other problems are logged as always.
	StateShown bool
}

// Stats counts what a Client saw.
type Stats struct {
	webcast.Stats       // frames and messages decoded
	Connects      int64 // WebSocket connections opened
	Duplicates    int64 // messages dropped because they were delivered already
	Oversized     int64 // WebSocket messages skipped for exceeding MaxFrameBytes
	Stalls        int64 // connections replaced because they went silent (Watchdog)
}

// Client follows one account's LIVE. Register handlers, then call Run.
type Client struct {
	cfg         Config
	user        string
	log         *slog.Logger
	logOpts     []lograte.Option // for the lines that could repeat per frame (tests: a clock)
	secrets     *redact.Secrets  // the API key: masked in logs, errors and states
	http        *http.Client
	dec         *webcast.Decoder
	webBase     *url.URL
	webcastBase *url.URL
	signBase    *url.URL
	signHost    string // for messages: scheme and host only
	deviceID    string

	mu       sync.Mutex
	handlers []func(tikcraft.Event)

	stateMu sync.Mutex
	state   State

	running      atomic.Bool
	connects     atomic.Int64
	duplicates   atomic.Int64
	oversized    atomic.Int64
	stalls       atomic.Int64
	captureFails atomic.Bool
}

// New checks cfg and returns a client. Errors name the config key at fault.
func New(cfg Config) (*Client, error) {
	user, err := NormalizeUser(cfg.User)
	if err != nil {
		return nil, err
	}
	if cfg.SignServer == "" {
		cfg.SignServer = DefaultSignServer
	}
	if cfg.WebBase == "" {
		cfg.WebBase = DefaultWebBase
	}
	signBase, err := baseURL("tiktok.sign_server", cfg.SignServer)
	if err != nil {
		return nil, err
	}
	webBase, err := baseURL("tiktok.web_base", cfg.WebBase)
	if err != nil {
		return nil, err
	}
	if cfg.WebcastBase == "" {
		// A WebBase of its own (the simulator) serves both.
		cfg.WebcastBase = DefaultWebcastBase
		if cfg.WebBase != DefaultWebBase {
			cfg.WebcastBase = cfg.WebBase
		}
	}
	webcastBase, err := baseURL("tiktok.webcast_base", cfg.WebcastBase)
	if err != nil {
		return nil, err
	}
	if cfg.RetryOffline < 0 {
		return nil, fmt.Errorf("tiktok.retry_offline must not be negative (got %s)", cfg.RetryOffline)
	}
	if cfg.RetryOffline == 0 {
		cfg.RetryOffline = DefaultRetryOffline
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.ReconnectMin <= 0 {
		cfg.ReconnectMin = DefaultReconnectMin
	}
	if cfg.ReconnectMax <= 0 {
		cfg.ReconnectMax = DefaultReconnectMax
	}
	if cfg.Dedupe <= 0 {
		cfg.Dedupe = DefaultDedupe
	}
	if cfg.Watchdog <= 0 {
		cfg.Watchdog = DefaultWatchdog
	}
	if cfg.MaxFrameBytes <= 0 {
		cfg.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = DefaultEventBuffer
	}
	c := &Client{
		cfg:         cfg,
		user:        user,
		secrets:     redact.New(cfg.APIKey),
		dec:         cfg.Decoder,
		webBase:     webBase,
		webcastBase: webcastBase,
		signBase:    signBase,
		signHost:    signBase.Scheme + "://" + signBase.Host,
		deviceID:    strconv.FormatInt(1e18+rand.Int64N(9e18-1e18), 10),
		state:       State{Phase: PhaseStopped, User: user},
	}
	// Whatever a server echoes back, the key never reaches the log.
	lh := slog.DiscardHandler
	if cfg.Log != nil {
		lh = cfg.Log.Handler()
	}
	c.log = slog.New(c.secrets.Handler(lh))
	if c.dec == nil {
		c.dec = webcast.NewDecoder(webcast.Limits{MaxBytes: cfg.MaxFrameBytes})
	}
	// The WebSocket library refuses clients with a Timeout; requests get
	// their own deadlines instead.
	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.Timeout = 0
	c.http = &hc
	return c, nil
}

// baseURL checks a configured base URL. Only scheme and host are quoted
// back, in case the streamer pasted a key into the URL.
func baseURL(key, s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s must be a web address starting with https:// (for example %s)", key, DefaultSignServer)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

// User is the account name the client follows, without the @.
func (c *Client) User() string { return c.user }

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{Stats: c.dec.Stats(), Connects: c.connects.Load(), Duplicates: c.duplicates.Load(),
		Oversized: c.oversized.Load(), Stalls: c.stalls.Load()}
}

// Ways a session ends that are not failures.
var (
	errStreamEnded = errors.New("the LIVE ended")
	errSuspended   = errors.New("TikTok suspended the LIVE")
)

// Run follows the LIVE until ctx is done, then returns ctx's error. It
// returns earlier only for a configuration problem the streamer must fix:
// the sign server refuses the API key or wants a paid plan (a *SignError
// whose Permanent is true) before any connection of this Run worked. Once
// a connection worked, even that is retried, and so is everything else,
// including an account TikTok says does not exist (see ErrUserNotFound).
// Every event has reached the handlers when Run returns. The returned
// error never holds the API key.
func (c *Client) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("this TikTok client is already running")
	}
	defer c.running.Store(false)
	r := &runner{
		Client: c,
		seen:   recent.New(c.cfg.Dedupe),
		retry:  newBackoff(c.cfg.ReconnectMin, c.cfg.ReconnectMax),
		events: make(chan tikcraft.Event, c.cfg.EventBuffer),

		unreadable: lograte.New(c.log, slog.LevelWarn, "skipped an unreadable part of a TikTok message; the LIVE goes on", c.logOpts...),
		tooBig:     lograte.New(c.log, slog.LevelWarn, "skipped a TikTok message over the size limit; the LIVE goes on", c.logOpts...),
	}
	defer r.unreadable.Close()
	defer r.tooBig.Close()
	// A handler with a bug may crash on every event: the first crash is
	// said with its stack, the others are counted.
	crashed := lograte.New(c.log, slog.LevelError, "an event handler crashed; the other handlers still got the event", c.logOpts...)
	defer crashed.Close()
	// Handlers run on their own goroutine so that a slow one never holds
	// up reading, ACKs or heartbeats (see handlers.go).
	c.setState(State{Phase: PhaseConnecting})
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		for ev := range r.events {
			c.dispatch(ev, crashed)
		}
	}()
	err := c.secrets.Error(r.run(ctx))
	close(r.events)
	<-handled
	st := State{Phase: PhaseStopped}
	if ctx.Err() == nil {
		st.Err = err
	}
	c.setState(st)
	return err
}

// runner is the state of one Run.
type runner struct {
	*Client
	seen  *recent.IDs
	retry *backoff
	// events is the bounded buffer between the socket and the handlers.
	events chan tikcraft.Event
	// fullLogged is when "the handlers are behind" was last logged.
	fullLogged time.Time
	// ended is the room whose LIVE ended; lookups may report it as live
	// for a while, and it must not be joined again.
	ended string
	// waiting is set once the "not live" message was logged, so that
	// every check does not log it again.
	waiting bool
	// noAccountLogged is when "TikTok has no account" was last logged.
	noAccountLogged time.Time
	// signedOnce is set once the sign server gave a connection: from then
	// on its refusals are retried, since the key worked in this Run.
	signedOnce bool
	// jar holds the sign server's cookies across reconnects, as the
	// Node peer's cookie jar does.
	jar jar
	// unreadable and tooBig could come with every frame (TikTok
	// changed its format): said once, then counted once a minute.
	unreadable, tooBig *lograte.Line
}

func (r *runner) run(ctx context.Context) error {
	for {
		rm, err := r.waitLive(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		connected, err := r.session(ctx, rm)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errStreamEnded) {
			r.ended, r.waiting = rm.ID, true
			r.retry.reset()
			r.stateLog(slog.LevelInfo, fmt.Sprintf("@%s's LIVE ended; waiting for the next one — checking every %s", r.user, friendlyDuration(r.cfg.RetryOffline)))
			r.setState(State{Phase: PhaseWaiting, Retry: r.cfg.RetryOffline})
			continue
		}
		if se, ok := errors.AsType[*SignError](err); ok && se.Permanent() && !r.signedOnce {
			return err
		}
		if connected && time.Since(start) >= stableAfter {
			r.retry.reset()
		}
		delay := r.retry.next()
		if se, ok := errors.AsType[*SignError](err); ok && se.RetryAfter > delay {
			delay = se.RetryAfter
		}
		var msg string
		switch {
		case errors.Is(err, errSuspended):
			msg = fmt.Sprintf("TikTok suspended @%s's LIVE; going back in if it is still live, in %s", r.user, friendlyDuration(delay))
		case connected:
			msg = fmt.Sprintf("lost the connection to @%s's LIVE; reconnecting in %s", r.user, friendlyDuration(delay))
		default:
			msg = fmt.Sprintf("could not connect to @%s's LIVE; trying again in %s", r.user, friendlyDuration(delay))
		}
		r.stateLog(slog.LevelWarn, msg, "error", err.Error())
		r.setState(State{Phase: PhaseReconnecting, RoomID: rm.ID, Err: err, Retry: delay, Lost: connected && !errors.Is(err, errSuspended)})
		if err := wait.For(ctx, delay); err != nil {
			return err
		}
	}
}

// stateLog logs a message that says what a state change says: at level,
// or at debug level when OnState shows the changes (Config.StateShown).
func (r *runner) stateLog(level slog.Level, msg string, args ...any) {
	if r.cfg.StateShown {
		level = slog.LevelDebug
	}
	r.log.Log(context.Background(), level, msg, args...)
}

// noAccountEvery is how often "TikTok has no account" is repeated in the
// log while it lasts.
const noAccountEvery = 10 * time.Minute

// waitLive returns the room once the account is live, checking every
// RetryOffline while it is not.
func (r *runner) waitLive(ctx context.Context) (room, error) {
	for {
		rm, err := r.lookupRoom(ctx)
		switch {
		case ctx.Err() != nil:
			return room{}, ctx.Err()
		case errors.Is(err, ErrUserNotFound):
			// Every route agrees, but TikTok has said this of live
			// accounts before: say so plainly and keep checking.
			if r.noAccountLogged.IsZero() || time.Since(r.noAccountLogged) >= noAccountEvery {
				r.stateLog(slog.LevelWarn, fmt.Sprintf("%v; checking again every %s", err, friendlyDuration(r.cfg.RetryOffline)))
				r.noAccountLogged = time.Now()
			}
			r.setState(State{Phase: PhaseWaiting, Err: err, Retry: r.cfg.RetryOffline})
			r.waiting = false
			if err := wait.For(ctx, r.cfg.RetryOffline); err != nil {
				return room{}, err
			}
			continue
		case err != nil:
			delay := r.retry.next()
			r.stateLog(slog.LevelWarn, fmt.Sprintf("could not check whether @%s is live; trying again in %s", r.user, friendlyDuration(delay)), "error", err.Error())
			r.setState(State{Phase: PhaseReconnecting, Err: err, Retry: delay})
			if err := wait.For(ctx, delay); err != nil {
				return room{}, err
			}
			continue
		}
		if !r.noAccountLogged.IsZero() {
			r.stateLog(slog.LevelInfo, fmt.Sprintf("TikTok found @%s after all", r.user))
			r.noAccountLogged = time.Time{}
		}
		if rm.Live && rm.ID != r.ended {
			r.waiting = false
			return rm, nil
		}
		if !rm.Live {
			// Offline once: whatever room comes next is a new LIVE.
			r.ended = ""
			r.retry.reset()
		}
		if !r.waiting {
			r.stateLog(slog.LevelInfo, fmt.Sprintf("@%s is not live right now; waiting — retrying every %s", r.user, friendlyDuration(r.cfg.RetryOffline)))
			r.waiting = true
		} else {
			r.log.Debug(fmt.Sprintf("@%s is still not live", r.user))
		}
		if st := r.State(); st.Phase != PhaseWaiting || st.Err != nil {
			r.setState(State{Phase: PhaseWaiting, Retry: r.cfg.RetryOffline})
		}
		if err := wait.For(ctx, r.cfg.RetryOffline); err != nil {
			return room{}, err
		}
	}
}

// endKind is how a batch of events ended the session, if it did.
type endKind int

const (
	endNone endKind = iota
	endSuspended
	endEnded
)

// deliver hands new events to the handlers, dropping ones already
// delivered, and reports whether the batch ended or suspended the LIVE.
// A suspension is not an event of its own: the DisconnectEvent of the
// session carries it.
func (r *runner) deliver(evs []tikcraft.Event) endKind {
	end := endNone
	for _, ev := range evs {
		if !r.seen.Add(ev.EventMeta().MsgID) {
			r.duplicates.Add(1)
			r.log.Debug("dropped a message TikTok sent twice", eventAttrs(ev))
			continue
		}
		if d, ok := ev.(*tikcraft.DisconnectEvent); ok {
			if d.Reason == webcast.ReasonSuspended {
				end = max(end, endSuspended)
			}
			continue
		}
		r.emit(ev)
		if ev.Type() == tikcraft.TypeStreamEnd {
			end = endEnded
		}
	}
	return end
}

// behindEvery is how often "the handlers are behind" is repeated while
// the buffer stays full.
const behindEvery = time.Minute

// emit puts ev in the handlers' buffer. When the buffer is full it waits
// for room: nothing is dropped, TikTok's messages wait in the socket, and
// heartbeats go on from the session's goroutine.
func (r *runner) emit(ev tikcraft.Event) {
	select {
	case r.events <- ev:
		return
	default:
	}
	if r.fullLogged.IsZero() || time.Since(r.fullLogged) >= behindEvery {
		r.fullLogged = time.Now()
		r.log.Warn(fmt.Sprintf("the event handlers are %d events behind; tikcraft stops reading from TikTok until they catch up (nothing is dropped)", cap(r.events)))
	}
	r.events <- ev
}

// capture records a received frame. A failing capture is reported once and
// never stops the stream.
func (c *Client) capture(frame []byte) {
	if c.cfg.Capture == nil {
		return
	}
	if err := c.cfg.Capture.WriteFrame(frame); err != nil && c.captureFails.CompareAndSwap(false, true) {
		c.log.Warn("could not write the capture file; the LIVE goes on without capturing", "error", err.Error())
	}
}

// do sends req with a deadline and reads at most limit bytes of the answer.
func (c *Client) do(req *http.Request, limit int64) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(req.Context(), requestTimeout)
	defer cancel()
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, nil, describeNet(err, req.URL.Host)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, describeNet(err, req.URL.Host)
	}
	if int64(len(body)) > limit {
		return 0, nil, nil, fmt.Errorf("the answer is larger than %d bytes", limit)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// friendlyDuration writes 30s, 1m, 1m30s, 2h rather than 1m0s or 2h0m0s.
func friendlyDuration(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
