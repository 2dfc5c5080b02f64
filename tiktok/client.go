// Package tiktok follows a TikTok LIVE as it happens: it finds the
// streamer's room, gets a signed WebSocket address from a sign server
// (Euler Stream's API or a compatible one), speaks TikTok's Webcast push
// protocol on that socket and hands every gift, follow, like, chat, ... to
// the registered handlers as tikcraft events.
//
// It is built for a tool a streamer starts before going live and leaves
// running: while the account is offline it waits and checks again every
// RetryOffline; a dropped connection is re-established with backoff (a
// fresh signature and socket each time); the end of a LIVE is reported as a
// StreamEndEvent, after which the client waits for the next LIVE. A message
// TikTok sends twice is delivered once.
//
//	c, err := tiktok.New(tiktok.Config{User: "@name", APIKey: os.Getenv(tiktok.APIKeyEnv)})
//	c.OnGift(func(g *tikcraft.GiftEvent) { ... })
//	err = c.Run(ctx) // until ctx is done, or a problem only the streamer can fix
//
// See docs/TIKTOK.md for the setup and the meaning of each error.
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
	"github.com/tikcraft/tikcraft/webcast"
)

// Defaults for the zero fields of Config.
const (
	DefaultSignServer   = "https://api.eulerstream.com"
	DefaultWebBase      = "https://www.tiktok.com"
	DefaultRetryOffline = 30 * time.Second
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
}

// Stats counts what a Client saw.
type Stats struct {
	webcast.Stats       // frames and messages decoded
	Connects      int64 // WebSocket connections opened
	Duplicates    int64 // messages dropped because they were delivered already
}

// Client follows one account's LIVE. Register handlers, then call Run.
type Client struct {
	cfg      Config
	user     string
	log      *slog.Logger
	http     *http.Client
	dec      *webcast.Decoder
	webBase  *url.URL
	signBase *url.URL
	signHost string // for messages: scheme and host only
	deviceID string

	mu       sync.Mutex
	handlers []func(tikcraft.Event)

	running      atomic.Bool
	connects     atomic.Int64
	duplicates   atomic.Int64
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
	c := &Client{
		cfg:      cfg,
		user:     user,
		log:      cfg.Log,
		dec:      cfg.Decoder,
		webBase:  webBase,
		signBase: signBase,
		signHost: signBase.Scheme + "://" + signBase.Host,
		deviceID: strconv.FormatInt(1e18+rand.Int64N(9e18-1e18), 10),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.dec == nil {
		c.dec = webcast.NewDecoder(webcast.Limits{})
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
	return Stats{Stats: c.dec.Stats(), Connects: c.connects.Load(), Duplicates: c.duplicates.Load()}
}

// errStreamEnded ends a session whose LIVE ended.
var errStreamEnded = errors.New("the LIVE ended")

// Run follows the LIVE until ctx is done, then returns ctx's error. It
// returns earlier only for problems that retrying cannot fix: the account
// does not exist (ErrUserNotFound), or the sign server refuses the API key or
// wants a paid plan (a *SignError whose Permanent is true). Everything else
// is logged and retried.
func (c *Client) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("this TikTok client is already running")
	}
	defer c.running.Store(false)
	r := &runner{
		Client: c,
		seen:   newDedupe(c.cfg.Dedupe),
		retry:  newBackoff(c.cfg.ReconnectMin, c.cfg.ReconnectMax),
	}
	return r.run(ctx)
}

// runner is the state of one Run.
type runner struct {
	*Client
	seen  *dedupe
	retry *backoff
	// ended is the room whose LIVE ended; lookups may report it as live
	// for a while, and it must not be joined again.
	ended string
	// waiting is set once the "not live" message was logged, so that
	// every check does not log it again.
	waiting bool
	// cursor is where the last connection to cursorRoom stopped; the
	// sign server can replay from there after a reconnect.
	cursor, cursorRoom string
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
			r.log.Info(fmt.Sprintf("@%s's LIVE ended; waiting for the next one — checking every %s", r.user, friendlyDuration(r.cfg.RetryOffline)))
			continue
		}
		if se, ok := errors.AsType[*SignError](err); ok && se.Permanent() {
			return err
		}
		if connected && time.Since(start) >= stableAfter {
			r.retry.reset()
		}
		wait := r.retry.next()
		if se, ok := errors.AsType[*SignError](err); ok && se.RetryAfter > wait {
			wait = se.RetryAfter
		}
		msg := fmt.Sprintf("could not connect to @%s's LIVE; trying again in %s", r.user, friendlyDuration(wait))
		if connected {
			msg = fmt.Sprintf("lost the connection to @%s's LIVE; reconnecting in %s", r.user, friendlyDuration(wait))
		}
		r.log.Warn(msg, "error", err.Error())
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// waitLive returns the room once the account is live, checking every
// RetryOffline while it is not.
func (r *runner) waitLive(ctx context.Context) (room, error) {
	for {
		rm, err := r.lookupRoom(ctx)
		switch {
		case ctx.Err() != nil:
			return room{}, ctx.Err()
		case errors.Is(err, ErrUserNotFound):
			return room{}, err
		case err != nil:
			wait := r.retry.next()
			r.log.Warn(fmt.Sprintf("could not check whether @%s is live; trying again in %s", r.user, friendlyDuration(wait)), "error", err.Error())
			if err := sleep(ctx, wait); err != nil {
				return room{}, err
			}
			continue
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
			r.log.Info(fmt.Sprintf("@%s is not live right now; waiting — retrying every %s", r.user, friendlyDuration(r.cfg.RetryOffline)))
			r.waiting = true
		} else {
			r.log.Debug(fmt.Sprintf("@%s is still not live", r.user))
		}
		if err := sleep(ctx, r.cfg.RetryOffline); err != nil {
			return room{}, err
		}
	}
}

// deliver hands new events to the handlers, dropping ones already
// delivered, and reports whether the LIVE ended.
func (r *runner) deliver(evs []tikcraft.Event) (ended bool) {
	for _, ev := range evs {
		if !r.seen.first(ev.EventMeta().MsgID) {
			r.duplicates.Add(1)
			r.log.Debug("dropped a message TikTok sent twice", eventAttrs(ev))
			continue
		}
		r.dispatch(ev)
		if ev.Type() == tikcraft.TypeStreamEnd {
			ended = true
		}
	}
	return ended
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
		return 0, nil, nil, stripURL(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the answer: %w", stripURL(err))
	}
	if int64(len(body)) > limit {
		return 0, nil, nil, fmt.Errorf("the answer is larger than %d bytes", limit)
	}
	return resp.StatusCode, resp.Header, body, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
