package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// load is the peer's side of a bench: the simulator, the built-in
// Minecraft and the browsers.
type load struct {
	s        PeerSettings
	sim      *sim.Server
	srv      *server
	browsers *browsers
	log      *slog.Logger

	mu     sync.Mutex
	sentAt []int64
}

func newLoad(ctx context.Context, s PeerSettings, log *slog.Logger) (*load, error) {
	if _, err := ParseMix(string(s.Mix)); err != nil {
		return nil, err
	}
	srv, err := newServer(s.Mix, s.AnswerDelay, s.Total)
	if err != nil {
		return nil, err
	}
	sm, err := sim.Start(sim.Options{User: "tikcraft_bench", Log: log, PerFrame: s.PerFrame})
	if err != nil {
		srv.Stop()
		return nil, err
	}
	return &load{s: s, sim: sm, srv: srv, browsers: &browsers{ctx: ctx}, log: log}, nil
}

func (l *load) close() {
	l.browsers.close()
	l.sim.Close()
	l.srv.Stop()
}

// play pushes the events against absolute times, so the rate holds even
// when one push is late; with PerFrame, once that many are due, so that
// they share a frame.
func (l *load) play(ctx context.Context) {
	start := time.Now()
	per := time.Second / time.Duration(l.s.Rate)
	sent := make([]int64, 0, l.s.Total)
	for i := 0; i < l.s.Total; {
		due := start.Add(time.Duration(min(i+max(l.s.PerFrame, 1), l.s.Total)-1) * per)
		if d := time.Until(due); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
		// Everything due by now, in one go.
		var evs []tikcraft.Event
		now := time.Now()
		for ; i < l.s.Total && !start.Add(time.Duration(i)*per).After(now); i++ {
			evs = append(evs, l.s.Mix.Event(i))
		}
		if err := l.sim.Push(evs...); err != nil {
			l.log.Warn("bench: the simulator refused events", "error", err)
			return
		}
		for range evs {
			sent = append(sent, now.UnixNano())
		}
		l.mu.Lock()
		l.sentAt = sent
		l.mu.Unlock()
	}
}

func (l *load) report() PeerReport {
	l.mu.Lock()
	r := PeerReport{SentAt: l.sentAt}
	l.mu.Unlock()
	l.srv.fill(&r)
	l.browsers.fill(&r)
	return r
}

// server is the built-in Minecraft: a rcontest server that notes when the
// command of each event arrives and answers it after a delay.
type server struct {
	*rcontest.Server
	mix Mix
	// All is closed once every command expected arrived.
	All chan struct{}

	mu     sync.Mutex
	got    []int64 // by event; 0 until its command arrived
	want   int     // commands expected
	seen   int
	twice  int
	likes  int
	wantLk int
	other  int
}

func newServer(mix Mix, delay time.Duration, total int) (*server, error) {
	s := &server{mix: mix, All: make(chan struct{}), got: make([]int64, total), wantLk: mix.LikeCommands(total)}
	for n := range total {
		if mix.Expects(n) != "" {
			s.want++
		}
	}
	srv, err := rcontest.New(Password, rcontest.Reply(func(cmd string) string {
		s.note(cmd, time.Now())
		if delay > 0 {
			time.Sleep(delay)
		}
		return ""
	}))
	if err != nil {
		return nil, fmt.Errorf("starting the bench's RCON server: %w", err)
	}
	s.Server = srv
	if s.want == 0 && s.wantLk == 0 {
		close(s.All)
	}
	return s, nil
}

func (s *server) note(cmd string, at time.Time) {
	n, like, ok := s.mix.command(cmd)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !ok || n >= len(s.got):
		s.other++
		return
	case like:
		s.likes++
	case s.got[n] != 0:
		s.twice++
		return
	default:
		s.got[n] = at.UnixNano()
		s.seen++
	}
	if s.seen == s.want && s.likes == s.wantLk {
		close(s.All)
	}
}

func (s *server) fill(r *PeerReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Got = append([]int64(nil), s.got...)
	r.Twice, r.LikeCommands, r.Other = s.twice, s.likes, s.other
}

// browsers are the pages connected to tikcraft's web server: they read
// everything it sends, as fast as it comes, and count it.
type browsers struct {
	ctx context.Context
	wg  sync.WaitGroup

	overlay, dash counters
	mu            sync.Mutex
	pageWins      []int64 // each page's last wins counter; -1 before its first
	stop          []func()
}

type counters struct {
	clients         int
	messages, bytes atomic.Int64
	dropped         atomic.Int64
}

func (b *browsers) connect(ctx context.Context, c Clients) error {
	base := strings.TrimSuffix(c.URL, "/")
	first := make(chan error, c.Overlays+1)
	for i := range c.Overlays {
		b.mu.Lock()
		b.pageWins = append(b.pageWins, -1)
		b.overlay.clients++
		b.mu.Unlock()
		// Each page asks for its own part, as the overlay pages do; the
		// wins page first, as it is the one the report reads.
		part := pageParts[i%len(pageParts)]
		b.start(func(ctx context.Context) {
			b.overlayPage(ctx, "ws"+strings.TrimPrefix(base, "http")+"/overlay/ws?part="+part, i, first)
		})
	}
	if c.Dashboard {
		b.dash.clients++
		b.start(func(ctx context.Context) { b.dashboard(ctx, base+"/api/stream?types=event,delivery,queue", first) })
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for range c.Overlays + btoi(c.Dashboard) {
		select {
		case err := <-first:
			if err != nil {
				return err
			}
		case <-wait.Done():
			return fmt.Errorf("the browsers did not get tikcraft's first message within 30 s")
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (b *browsers) start(f func(context.Context)) {
	ctx, cancel := context.WithCancel(b.ctx)
	b.mu.Lock()
	b.stop = append(b.stop, cancel)
	b.mu.Unlock()
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		f(ctx)
	}()
}

// pageParts are the parts the overlay pages read (/overlay/NAME asks for
// part NAME), in the order bench connects them.
var pageParts = []string{"wins", "feed", "alerts", "likegoal", "top", "timer", "deaths"}

// overlayPage reads /overlay/ws as an OBS browser source does, noting the
// wins counter of each message of the wins page.
func (b *browsers) overlayPage(ctx context.Context, url string, i int, first chan<- error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		first <- fmt.Errorf("connecting an overlay page to %s: %w", url, err)
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	var snap struct {
		Wins *int64 `json:"wins"`
	}
	for n := 0; ; n++ {
		_, data, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				b.overlay.dropped.Add(1)
			}
			return
		}
		b.overlay.messages.Add(1)
		b.overlay.bytes.Add(int64(len(data)))
		snap.Wins = nil
		if json.Unmarshal(data, &snap) == nil && snap.Wins != nil {
			b.mu.Lock()
			b.pageWins[i] = *snap.Wins
			b.mu.Unlock()
		}
		if n == 0 {
			first <- nil
		}
	}
}

// dashboard reads /api/stream as the dashboard page does (the types it
// shows).
func (b *browsers) dashboard(ctx context.Context, url string, first chan<- error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		first <- err
		return
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		first <- fmt.Errorf("connecting the dashboard to %s: %w", url, err)
		return
	}
	defer res.Body.Close()
	buf := make([]byte, 64<<10)
	said, endsLine := false, false
	for {
		n, err := res.Body.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			b.dash.bytes.Add(int64(n))
			msgs := bytes.Count(chunk, []byte("\n\n")) // each SSE message ends with a blank line
			if endsLine && chunk[0] == '\n' {
				msgs++
			}
			endsLine = chunk[n-1] == '\n'
			b.dash.messages.Add(int64(msgs))
			if !said && bytes.Contains(chunk, []byte("event: state")) {
				said = true
				first <- nil
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				b.dash.dropped.Add(1)
			}
			return
		}
	}
}

func (b *browsers) close() {
	b.mu.Lock()
	for _, stop := range b.stop {
		stop()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *browsers) fill(r *PeerReport) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r.Wins = -1
	first := true
	for i, w := range b.pageWins {
		if pageParts[i%len(pageParts)] != "wins" {
			continue
		}
		if first || w < r.Wins {
			r.Wins = w
		}
		first = false
	}
	r.Overlay = b.overlay.traffic()
	r.Dashboard = b.dash.traffic()
}

func (c *counters) traffic() Traffic {
	return Traffic{Clients: c.clients, Messages: c.messages.Load(), Bytes: c.bytes.Load(), Dropped: int(c.dropped.Load())}
}
