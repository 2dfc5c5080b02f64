// Package web is tikcraft's local web server: the dashboard page, its JSON
// API under /api/, live updates over Server-Sent Events and the webhook
// Minecraft plugins post to. Everything it serves is embedded in the binary.
//
// It only observes the pipeline (Dashboard is fed from its hooks) and acts
// through small interfaces the app implements (Injector, Pauser,
// Reloader, Editor, Minecraft, Webhook), so it never reaches into the
// engine or the queue.
// docs/WEB.md documents the API and the security rules.
package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/lograte"
)

// Injector fires test triggers through the real engine and queue.
type Injector interface {
	Fire(ctx context.Context, f Fire) (Fired, error)
}

// Fire asks for one test firing.
type Fire struct {
	Trigger string `json:"trigger"` // a trigger, gift name or id, follow/share/join/subscribe, or a like rule id
	User    string `json:"user"`    // the viewer name; default DefaultTestUser
	Count   int64  `json:"count"`   // gifts or like-rule firings; default 1
}

// Fired says what a test firing did.
type Fired struct {
	Trigger string   `json:"trigger"`
	Kind    string   `json:"kind"` // gift, event or likes
	User    string   `json:"user"`
	Count   int64    `json:"count"`
	Actions []string `json:"actions"` // what was queued, in order
	// Gift is the gift a viewer would have sent, when the test was one:
	// the rule is the one that gift runs.
	Gift *FiredGift `json:"gift,omitempty"`
}

// FiredGift is the gift of a test firing, as the gift list knows it.
type FiredGift struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Diamonds int64  `json:"diamonds"`
}

// Limits of a test firing.
const (
	DefaultTestUser = "tikcraft_test"
	MaxTestCount    = 100
	maxUserLen      = 64
	maxTriggerLen   = 100
)

// Pauser pauses and resumes delivery.
type Pauser interface {
	Pause()
	Resume()
}

// Reloader reloads the actions file (rules.Reloader). An error means the
// running rules stay: rules.ErrNotReloadable that these rules come from no
// file, anything else that the file could not be read or has errors.
type Reloader interface {
	Reload(ctx context.Context) error
}

// Webhook handles what a Minecraft plugin posts (deaths.Receiver); it
// returns what the message meant ("death", "respawn", "ignore", ""), or an
// error saying why the body is not a webhook message (HTTP 400).
type Webhook interface {
	Webhook(ctx context.Context, body []byte) (string, error)
}

// Errors the interfaces wrap to choose the HTTP status.
var (
	ErrInvalid     = errors.New("invalid request")           // 400 (422 for reload)
	ErrNotFound    = errors.New("not found")                 // 404
	ErrUnavailable = errors.New("not available in this run") // 409
)

// Body limits.
const (
	maxAPIBody     = 16 << 10
	maxWebhookBody = 16 << 10
)

// Options configure a Server.
type Options struct {
	Listen    string // host:port; port 0 picks a free one
	Token     string // required for every request that changes something
	Dashboard *Dashboard
	Log       *slog.Logger

	Injector Injector // nil: no test triggers
	Pauser   Pauser   // nil: no pause button
	Reloader Reloader // nil: no reload
	Webhook  Webhook  // nil: POST /webhook answers 409

	// Editor, if set, serves the actions file to the dashboard's editor
	// (GET and POST /api/actions, POST /api/check); Completion is what the
	// editor and the console complete.
	Editor     Editor
	Completion Completion
	// Minecraft, if set, runs the console's commands (POST /api/rcon);
	// nil in a dry run. OnConsole, if set, is told each one (the event log).
	Minecraft Minecraft
	OnConsole func(ConsoleCommand)

	// Overlays, if set, is the state behind /overlay/*; OverlayStyle is
	// their default look and Sounds the folder of the alert sounds.
	Overlays     Overlays
	OverlayStyle OverlayStyle
	Sounds       string
	// Goals are the ids of overlays.goals: /overlay/goal?id=ID shows one.
	Goals []string

	// Routes adds handlers to the server's mux. They get
	// the same Host and Origin checks; a handler that changes state must
	// call RequireToken.
	Routes func(mux *http.ServeMux, s *Server)

	// logOpts are given to the lines a page can repeat per request
	// (tests: a clock for their summaries).
	logOpts []lograte.Option
	// listen binds Listen (nil: net.Listen). Tests bind loopback for an
	// address of every interface, which the server still serves as such.
	listen func(network, address string) (net.Listener, error)
}

// Server is the running web server.
type Server struct {
	o      Options
	log    *slog.Logger
	ln     net.Listener
	port   string
	hosts  map[string]bool // allowed Host names besides IP literals
	anyIP  bool            // bound to every interface: any IP literal is allowed
	srv    *http.Server
	cancel context.CancelFunc
	base   context.Context
	wg     sync.WaitGroup
	once   sync.Once

	// Warnings a page or a script can repeat per request, said at most
	// once a minute with a count.
	badHost, badOrigin, badToken, noSound, badSound *lograte.Line
}

// Listen binds the address now, so that a port in use is reported before
// the stream starts. Call Serve to start answering.
func Listen(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Dashboard == nil {
		o.Dashboard = NewDashboard("run")
	}
	if o.Token == "" {
		return nil, errors.New("the dashboard needs a token")
	}
	listen := o.listen
	if listen == nil {
		listen = net.Listen
	}
	ln, err := listen("tcp", o.Listen)
	if err != nil {
		return nil, &ListenError{Addr: o.Listen, Err: plainNetErr(err)}
	}
	s := &Server{o: o, log: o.Log, ln: ln, hosts: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	s.badHost = lograte.New(s.log, slog.LevelWarn, "dashboard request refused: unknown Host header (DNS rebinding?)", o.logOpts...)
	s.badOrigin = lograte.New(s.log, slog.LevelWarn, "dashboard request refused: it came from another site", o.logOpts...)
	s.badToken = lograte.New(s.log, slog.LevelWarn, "dashboard request refused: missing or wrong token", o.logOpts...)
	s.noSound = lograte.New(s.log, slog.LevelWarn, "an alert names a sound that is not in the sounds folder", o.logOpts...)
	s.badSound = lograte.New(s.log, slog.LevelWarn, "cannot read an alert sound", o.logOpts...)
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	s.port = port
	if unspecified(host) {
		s.anyIP = true
	} else {
		s.hosts[strings.ToLower(host)] = true
	}
	if h, _, err := net.SplitHostPort(o.Listen); err == nil && h != "" {
		s.anyIP = s.anyIP || unspecified(h)
		s.hosts[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	s.routes(mux)
	if o.Routes != nil {
		o.Routes(mux, s)
	}
	s.srv = &http.Server{
		Handler:           s.guard(mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return s.base },
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// ListenError is Listen's error when the address cannot be had: most
// often its port is taken, by another tikcraft (a run or a demo in another
// window) or another program.
type ListenError struct {
	Addr string // web.listen
	Err  error  // why, as the system said it ("address already in use")
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("cannot start the dashboard on %s: %v; is another tikcraft running (a run or a demo in another window)? Stop it, or set web.listen in tikcraft.yaml to another port (or off)", e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

func plainNetErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

// Serve starts answering requests in the background.
func (s *Server) Serve() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("the dashboard stopped", "error", err)
		}
	}()
}

// Close ends every stream and stops the server.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		s.cancel() // ends the event streams, which never go idle
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err = s.srv.Shutdown(ctx); err != nil {
			err = s.srv.Close()
		}
		s.ln.Close()
		s.wg.Wait()
		for _, l := range []*lograte.Line{s.badHost, s.badOrigin, s.badToken, s.noSound, s.badSound} {
			l.Close()
		}
	})
	return err
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL is the dashboard's address for a browser on this computer.
func (s *Server) URL() string {
	host, _, _ := net.SplitHostPort(s.ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	} else if h, _, err := net.SplitHostPort(s.o.Listen); err == nil && strings.EqualFold(h, "localhost") {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, s.port) + "/"
}

// Link is URL with the token, the link tikcraft prints at start.
func (s *Server) Link() string { return s.URL() + "?token=" + s.o.Token }

// guard applies the checks every request goes through: the Host must be
// this server's (DNS rebinding), a browser's Origin must be this server's
// (cross-site requests), and the security headers.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !s.allowedHost(r.Host) {
			s.badHost.Log("host", strconv.Quote(clip.String(r.Host, 100)), "path", r.URL.Path)
			httpError(w, http.StatusMisdirectedRequest, s.wrongHost())
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !s.allowedOrigin(o) {
			s.badOrigin.Log("origin", strconv.Quote(clip.String(o, 100)), "path", r.URL.Path)
			httpError(w, http.StatusForbidden, "requests from other sites are refused")
			return
		}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			httpError(w, http.StatusForbidden, "requests from other sites are refused")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHost accepts the listen address, localhost and loopback
// addresses, each with the right port; on every interface any IP literal
// too. Names other than localhost are refused: that is what stops DNS
// rebinding, where a site's own name resolves to 127.0.0.1.
func (s *Server) allowedHost(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80"
	}
	if port != s.port {
		return false
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if s.hosts[host] {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || s.anyIP)
}

// wrongHost is the answer to a request for another address than this
// server's (a name, another port): which address to open instead.
func (s *Server) wrongHost() string {
	if s.anyIP {
		// Not 127.0.0.1: that is the other device itself.
		return fmt.Sprintf("tikcraft answers only at an IP address of this computer, with port %s, not at a name: open http://<this computer's IP address>:%s/ instead (on Windows, ipconfig shows it as IPv4 Address; docs/WEB.md)", s.port, s.port)
	}
	return "tikcraft answers only at " + s.URL() + ": open that address instead; to use the dashboard from another device, see web.listen in docs/WEB.md"
}

// unspecified reports whether host is the address of every interface
// (0.0.0.0, ::).
func unspecified(host string) bool {
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsUnspecified()
}

func (s *Server) allowedOrigin(origin string) bool {
	rest, ok := strings.CutPrefix(origin, "http://")
	return ok && !strings.ContainsAny(rest, "/?#@") && s.allowedHost(rest)
}

// RequireToken checks the token (Authorization: Bearer TOKEN, or
// ?token=TOKEN) and answers 401 when it is missing or wrong.
func (s *Server) RequireToken(w http.ResponseWriter, r *http.Request) bool {
	got := ""
	if a := r.Header.Get("Authorization"); a != "" {
		if t, ok := strings.CutPrefix(a, "Bearer "); ok {
			got = strings.TrimSpace(t)
		}
	}
	if got == "" {
		got = r.URL.Query().Get("token")
	}
	if got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.o.Token)) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="tikcraft"`)
	msg := "this needs the dashboard token: open the link tikcraft printed at start, or run `tikcraft web-token` and send it as Authorization: Bearer TOKEN or ?token=TOKEN"
	if got != "" {
		msg = "wrong dashboard token: run `tikcraft web-token` for the right one"
	}
	s.badToken.Log("path", r.URL.Path)
	httpError(w, http.StatusUnauthorized, msg)
	return false
}
