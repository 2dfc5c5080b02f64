// Package httpcall delivers the actions file's outgoing web requests
// ("$http POST URL {json}"), only to the hosts listed in http.allow, with a
// timeout and retries with backoff.
package httpcall

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte"
)

var _ tikcraft.Replier = (*Sink)(nil)

// Config tunes the sink. Zero values take the defaults.
type Config struct {
	// Allow lists the hosts requests may go to (http.allow).
	Allow []string
	// Timeout bounds one attempt (http.timeout in tikcraft.yaml, whose
	// name the error of a request that takes longer gives). Default 5s.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated. Default 2;
	// negative means none.
	Retries int
	// Backoff is the wait before the first retry; it doubles after each.
	// Default 500ms.
	Backoff time.Duration
	// Client sends the requests; nil uses one that never follows redirects
	// (a redirect could lead anywhere, past http.allow).
	Client *http.Client
}

// Sink sends KindHTTP actions.
type Sink struct {
	cfg Config
	log *slog.Logger
	// retrying is said for a failed attempt, which a dead server makes
	// happen for every request: once a minute at most, with a count.
	retrying *lograte.Line
}

// New returns a sink; log may be nil.
func New(cfg Config, log *slog.Logger) *Sink {
	return open(cfg, log)
}

// open is New with options for the line that could repeat per request
// (tests: a clock for its summaries).
func open(cfg Config, log *slog.Logger, logOpts ...lograte.Option) *Sink {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sink{cfg: cfg, log: log, retrying: lograte.New(log, slog.LevelWarn, "$http request failed; trying again", logOpts...)}
}

// Close says how many failed attempts wait for their once-a-minute
// summary, once the $http lane stopped; later failures are not logged.
func (s *Sink) Close() {
	s.retrying.Close()
}

// Deliver sends a.
func (s *Sink) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := s.DeliverReply(ctx, a)
	return err
}

// DeliverReply sends a and returns the HTTP status as the reply. A host
// not in http.allow or a 4xx answer is rejected for good (ErrRejected);
// a request that still fails after the retries is unconfirmed
// (ErrUnconfirmed: it may have arrived, so it is parked, not repeated).
func (s *Sink) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	method, addr, body := tikcraft.HTTPRequest(a.Command)
	host, err := actions.HTTPHost(a.Command)
	if err != nil {
		return tikcraft.Reply{}, fmt.Errorf("$http %s: %v: %w", method, err, tikcraft.ErrRejected)
	}
	if !actions.HostAllowed(host, s.cfg.Allow) {
		return tikcraft.Reply{}, fmt.Errorf("$http to %s refused: it is not in http.allow in tikcraft.yaml: %w", host, tikcraft.ErrRejected)
	}
	wait := s.cfg.Backoff
	var last error
	reached := false // an attempt may have reached the server
	for attempt := 0; ; attempt++ {
		reply, retry, err := s.once(ctx, method, addr, body)
		if err == nil {
			reply.Resends = attempt
			return reply, nil
		}
		if !retry {
			return tikcraft.Reply{}, err
		}
		if ctx.Err() != nil {
			// Stopping (Ctrl-C, after the grace): not a try that failed.
			// The request stays queued, as the worker says; parked here,
			// it was logged "set aside as failed" while it was kept.
			return tikcraft.Reply{}, ctx.Err()
		}
		last = err
		reached = reached || !neverSent(err)
		if attempt >= s.cfg.Retries {
			break
		}
		s.retrying.Log("host", host, "attempt", attempt+1, "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return tikcraft.Reply{}, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	if !reached {
		return tikcraft.Reply{}, &unsent{fmt.Sprintf("$http %s to %s could not be sent in %d tries (%v); it never reached the server", method, host, s.cfg.Retries+1, last), last}
	}
	return tikcraft.Reply{}, fmt.Errorf("$http %s to %s failed %d times (%v); it may have arrived, so it is not sent again by itself: %w", method, host, s.cfg.Retries+1, last, tikcraft.ErrUnconfirmed)
}

// unsent is the error of a request no attempt could send. It is
// tikcraft.ErrUnconfirmed, so that it is set aside for `tikcraft drain
// --retry-failed` rather than held, though its words say what happened.
type unsent struct {
	msg  string
	last error
}

func (e *unsent) Error() string { return e.msg }
func (e *unsent) Unwrap() []error {
	return []error{e.last, tikcraft.ErrNeverSent, tikcraft.ErrUnconfirmed}
}

// neverSent reports whether an attempt's error says the request never
// left: no connection could be made (refused, no such host), as opposed
// to a request sent that got no answer or a bad one.
func neverSent(err error) bool {
	op, ok := errors.AsType[*net.OpError](err)
	return ok && op.Op == "dial"
}

// once makes one attempt; retry says whether another may help.
func (s *Sink) once(parent context.Context, method, addr, body string) (tikcraft.Reply, bool, error) {
	ctx, cancel := context.WithTimeout(parent, s.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, addr, rd)
	if err != nil {
		return tikcraft.Reply{}, false, fmt.Errorf("$http %s: %v: %w", method, withoutURL(err), tikcraft.ErrRejected)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "tikcraft")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			// Not "context deadline exceeded": which setting ran out.
			return tikcraft.Reply{}, true, fmt.Errorf("no answer within %s (http.timeout)", s.cfg.Timeout)
		}
		return tikcraft.Reply{}, true, withoutURL(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return tikcraft.Reply{Text: resp.Status}, false, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return tikcraft.Reply{}, true, fmt.Errorf("the server answered %s", resp.Status)
	case c >= 300 && c < 400:
		return tikcraft.Reply{}, false, fmt.Errorf("$http %s: the server answered with a redirect (%s), which tikcraft does not follow; use the final URL: %w", method, resp.Status, tikcraft.ErrRejected)
	default:
		return tikcraft.Reply{}, false, fmt.Errorf("$http %s: the server refused it (%s): %w", method, resp.Status, tikcraft.ErrRejected)
	}
}

// withoutURL is err without the *url.Error around it, which repeats the
// address, API key included.
func withoutURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
