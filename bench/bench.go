// Package bench is the harness behind `tikcraft bench`: a paced stream of
// join events through the wire simulator to the real TikTok client (Source),
// a built-in Minecraft that notes when each command arrives (Server, a
// rcon/rcontest server), and the figures (Result): throughput, latency from
// the frame read to the command received, memory and allocations. The
// pipeline between them is assembled by the app exactly as for `run`.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/tiktok"
)

var _ source.Source = (*Source)(nil)

// Password is the built-in server's RCON password: loopback only.
const Password = "tikcraft-bench"

// Rule is the actions file the bench runs: one command per join, naming
// the viewer, so that the server can tell which event each command is for.
const Rule = "join:/say b{user}\n"

// Result is what a bench measured.
type Result struct {
	Events, Commands          int
	Elapsed                   time.Duration // first event sent to last command received
	P50, P99, Max             time.Duration
	PeakRSS                   int64 // bytes; 0 where the system does not say
	AllocsPerEvent            float64
	SentRate, ReceivedPerSec  float64
	LeftPending, Resent, Lost int
	// FromSent: the frames could not be matched to events, so latency is
	// measured from when each event was handed to the simulator.
	FromSent bool
}

// Settings are what the printed result names.
type Settings struct {
	Rate        int
	Duration    time.Duration
	Queue       string
	AnswerDelay time.Duration
}

// Print writes the result for a person.
func (r Result) Print(w io.Writer, s Settings) {
	fmt.Fprintf(w, "tikcraft bench: %d join events at %d/s for %s, %s queue, RCON answers after %s\n",
		r.Events, s.Rate, s.Duration, s.Queue, s.AnswerDelay)
	fmt.Fprintf(w, "  sent        %.0f events/s (the simulator's pace)\n", r.SentRate)
	fmt.Fprintf(w, "  delivered   %d commands, %.0f/s; %d still pending, %d received twice, %d missing\n",
		r.Commands, r.ReceivedPerSec, r.LeftPending, r.Resent, r.Lost)
	from := "frame read by the client"
	if r.FromSent {
		from = "event handed to the simulator"
	}
	fmt.Fprintf(w, "  latency     p50 %s  p99 %s  max %s  (%s → command received by the RCON server)\n",
		roundLatency(r.P50), roundLatency(r.P99), roundLatency(r.Max), from)
	if r.PeakRSS > 0 {
		fmt.Fprintf(w, "  memory      peak RSS %.1f MiB\n", float64(r.PeakRSS)/(1<<20))
	}
	fmt.Fprintf(w, "  allocations %.0f per event (the whole process: simulator, client, pipeline and server)\n", r.AllocsPerEvent)
}

func roundLatency(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// Source is the TikTok client following the simulator, which it feeds join
// events at Rate, one per frame, viewer "<n>" for the n-th.
type Source struct {
	sim    *sim.Server
	frames frameClock
	rate   int
	total  int
	log    *slog.Logger
	// Done is closed once every event was handed to the simulator.
	Done chan struct{}

	mu     sync.Mutex
	sentAt []time.Time
}

// NewSource starts the simulator for total events at rate a second; Close
// it when done.
func NewSource(rate, total int, log *slog.Logger) (*Source, error) {
	srv, err := sim.Start(sim.Options{User: "tikcraft_bench", Log: log})
	if err != nil {
		return nil, err
	}
	return &Source{sim: srv, rate: rate, total: total, log: log, Done: make(chan struct{})}, nil
}

// Close stops the simulator.
func (b *Source) Close() { b.sim.Close() }

func (b *Source) sent() []time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sentAt
}

// Run receives the events through the real client (source.Source).
func (b *Source) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	connected := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case <-connected:
		case <-ctx.Done():
			return
		}
		b.play(ctx)
	}()
	live := &source.Live{Config: tiktok.Config{
		User: "@" + b.sim.User(), SignServer: b.sim.URL(), WebBase: b.sim.URL(),
		RetryOffline: time.Second, Log: b.log, Capture: &b.frames,
	}}
	return live.Run(ctx, func(ev tikcraft.Event) {
		if ev.Type() == tikcraft.TypeConnect {
			once.Do(func() { close(connected) })
		}
		emit(ev)
	})
}

// play pushes the events against absolute times, so the rate holds even
// when one push is late.
func (b *Source) play(ctx context.Context) {
	defer close(b.Done)
	start := time.Now()
	per := time.Second / time.Duration(b.rate)
	sent := make([]time.Time, 0, b.total)
	for i := 0; i < b.total; {
		due := start.Add(time.Duration(i) * per)
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
		for ; i < b.total && !start.Add(time.Duration(i)*per).After(now); i++ {
			evs = append(evs, &tikcraft.JoinEvent{User: tikcraft.User{ID: strconv.Itoa(i + 1), UniqueID: strconv.Itoa(i)}})
		}
		if err := b.sim.Push(evs...); err != nil {
			b.log.Warn("bench: the simulator refused events", "error", err)
			return
		}
		for range evs {
			sent = append(sent, now)
		}
		b.mu.Lock()
		b.sentAt = sent
		b.mu.Unlock()
	}
}

// frameClock notes when the client read each frame (it is the client's
// capture writer).
type frameClock struct {
	mu sync.Mutex
	at []time.Time
}

func (f *frameClock) WriteFrame(frame []byte) error {
	now := time.Now()
	if pushFrameType(frame) != "msg" {
		return nil // heartbeat answers and the like carry no event
	}
	f.mu.Lock()
	f.at = append(f.at, now)
	f.mu.Unlock()
	return nil
}

func (f *frameClock) times() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

// pushFrameType reads a push frame's payload_type (field 7) without
// decoding the rest.
func pushFrameType(b []byte) string {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return ""
		}
		b = b[n:]
		if num == 7 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return ""
			}
			return string(v)
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return ""
		}
		b = b[n:]
	}
	return ""
}

// Server is the built-in Minecraft: a rcontest server that notes when each
// command "say b<n>" arrives and answers it after a delay.
type Server struct {
	*rcontest.Server
	want int
	// All is closed once a command for every event arrived.
	All chan struct{}

	mu    sync.Mutex
	got   []time.Time // by n; zero until it arrived
	seen  int
	twice int
}

// NewServer starts the server for want events; Stop it when done.
func NewServer(delay time.Duration, want int) (*Server, error) {
	s := &Server{want: want, All: make(chan struct{}), got: make([]time.Time, want)}
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
	return s, nil
}

func (s *Server) note(cmd string, at time.Time) {
	num, ok := strings.CutPrefix(cmd, "say b")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || n >= s.want {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.got[n].IsZero() {
		s.twice++
		return
	}
	s.got[n] = at
	if s.seen++; s.seen == s.want {
		close(s.All)
	}
}

// Result computes the figures. Frame n carried event n (the simulator sends
// one message per frame, in push order); if the counts disagree the latency
// is measured from when the event was handed to the simulator.
func (s *Server) Result(src *Source) Result {
	frames, sent := src.frames.times(), src.sent()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Frames read before the first event was pushed (the LIVE's opening
	// messages) carry no bench event.
	for len(frames) > 0 && len(sent) > 0 && frames[0].Before(sent[0]) {
		frames = frames[1:]
	}
	from := frames
	if len(frames) != len(sent) {
		from = sent
	}
	r := Result{Events: len(sent), Resent: s.twice, FromSent: len(frames) != len(sent)}
	var lat []time.Duration
	var first, last time.Time
	for n, at := range s.got {
		if at.IsZero() {
			if n < len(sent) {
				r.Lost++
			}
			continue
		}
		r.Commands++
		if last.Before(at) {
			last = at
		}
		if n < len(from) {
			lat = append(lat, at.Sub(from[n]))
		}
	}
	if len(sent) > 0 {
		first = sent[0]
		if d := sent[len(sent)-1].Sub(first); d > 0 {
			r.SentRate = float64(len(sent)-1) / d.Seconds()
		}
	}
	if r.Commands > 0 && last.After(first) {
		r.Elapsed = last.Sub(first)
		r.ReceivedPerSec = float64(r.Commands) / r.Elapsed.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50 = lat[len(lat)/2]
		r.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		r.Max = lat[len(lat)-1]
	}
	return r
}

// PeakMem follows the process's memory: the kernel's peak RSS where it says
// (Linux), else the most the Go runtime held from the system.
type PeakMem struct {
	mu  sync.Mutex
	top int64
}

// Watch samples until ctx ends.
func (p *PeakMem) Watch(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		p.mu.Lock()
		p.top = max(p.top, int64(ms.Sys-ms.HeapReleased))
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Max is the peak.
func (p *PeakMem) Max() int64 {
	if rss := peakRSS(); rss > 0 {
		return rss
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.top
}

// peakRSS reads VmHWM from /proc/self/status (Linux); 0 elsewhere.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
