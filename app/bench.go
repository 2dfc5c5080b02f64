package app

import (
	"context"
	"errors"
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

	mcnet "github.com/Tnze/go-mc/net"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/store"
)

// BenchOptions are bench's flags.
type BenchOptions struct {
	Options
	Rate     int           // events per second (default 1000)
	Duration time.Duration // how long events are sent (default 30s)
	Queue    string        // "memory" or "durable" (default durable)
	// AnswerDelay makes the built-in RCON server answer each command this
	// late, like a slow Minecraft server (0: at once).
	AnswerDelay time.Duration
	// MaxPerSecond is rcon.max_commands_per_second for the run (nil: the
	// default of tikcraft.yaml).
	MaxPerSecond *float64
	// Settle bounds how long to wait, after the last event, for the
	// commands still on their way (default 2 minutes).
	Settle time.Duration
}

// benchPassword is the built-in server's RCON password: loopback only.
const benchPassword = "tikcraft-bench"

// BenchResult is what Bench measured.
type BenchResult struct {
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

// Bench runs the simulator → TikTok client → engine → queue → RCON client →
// a built-in RCON server on loopback, at Rate join events a second for
// Duration, and prints throughput and the latency from the client reading
// a frame to the server receiving its command.
func Bench(ctx context.Context, bo BenchOptions) (BenchResult, error) {
	bo.defaults()
	if bo.Rate <= 0 {
		bo.Rate = 1000
	}
	if bo.Duration <= 0 {
		bo.Duration = 30 * time.Second
	}
	if bo.Settle <= 0 {
		bo.Settle = 2 * time.Minute
	}
	switch bo.Queue {
	case "":
		bo.Queue = "durable"
	case "memory", "durable":
	default:
		return BenchResult{}, fmt.Errorf("--queue %q: use memory or durable", bo.Queue)
	}
	total := int(float64(bo.Rate) * bo.Duration.Seconds())
	if total <= 0 {
		return BenchResult{}, errors.New("--rate × --duration gives no events; use e.g. --rate 1000 --duration 30s")
	}
	quiet := slog.New(slog.DiscardHandler)

	srv, err := startBenchRCON(bo.AnswerDelay, total)
	if err != nil {
		return BenchResult{}, err
	}
	defer srv.close()

	yaml := "rcon:\n  address: " + srv.addr() + "\n  password: " + benchPassword + "\n"
	if bo.MaxPerSecond != nil {
		yaml += "  max_commands_per_second: " + strconv.FormatFloat(*bo.MaxPerSecond, 'f', -1, 64) + "\n"
	}
	cfg, diags, _ := config.Load(config.Layer{Name: "(bench config)", Data: []byte(yaml)})
	for _, d := range diags {
		if d.Severity == "error" {
			return BenchResult{}, fmt.Errorf("bench config: %s", d)
		}
	}
	f, _ := actions.Parse("(bench actions)", []byte("join:/say b{user}\n"), actions.Options{})
	s := &Setup{Config: cfg, Actions: f, ActionsName: "(bench actions)"}

	var q queue.Queue
	var rec pipeline.Recorder
	switch bo.Queue {
	case "memory":
		q = queue.NewMemory()
	default:
		dir, err := os.MkdirTemp("", "tikcraft-bench-")
		if err != nil {
			return BenchResult{}, fmt.Errorf("making a folder for the bench's queue: %w", err)
		}
		defer os.RemoveAll(dir)
		st, err := store.Open(ctx, dir, quiet)
		if err != nil {
			return BenchResult{}, err
		}
		defer st.Close()
		q, rec = st, st
	}
	sink, closeSink := s.sink(Options{Log: quiet}, false, 0)
	defer closeSink()

	simSrv, err := sim.Start(sim.Options{User: "tikcraft_bench", Log: quiet})
	if err != nil {
		return BenchResult{}, err
	}
	defer simSrv.Close()

	frames := &frameClock{}
	src := &benchSource{sim: simSrv, frameWriter: frames, rate: bo.Rate, total: total, log: quiet, done: make(chan struct{})}
	src.live = &liveSource{
		cfg:  config.TikTok{User: "@" + simSrv.User(), SignServer: simSrv.URL(), WebBase: simSrv.URL(), RetryOffline: config.Duration(time.Second)},
		opts: Options{Log: quiet},
	}

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		// Stop once every command arrived, or Settle after the last event.
		select {
		case <-srv.all:
		case <-src.done:
			select {
			case <-srv.all:
			case <-time.After(bo.Settle):
			case <-rctx.Done():
			}
		case <-rctx.Done():
		}
		cancel()
	}()
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	peak := &peakMem{}
	pctx, pstop := context.WithCancel(ctx)
	go peak.watch(pctx)
	_, err = pipeline.Run(rctx, src, pipeline.Options{
		Engine: s.Engine(quiet, 1, nil), Queue: q, Sink: sink, Log: quiet, Recorder: rec,
	})
	pstop()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	if err != nil && ctx.Err() == nil {
		return BenchResult{}, fmt.Errorf("bench pipeline: %w", err)
	}
	res := srv.result(frames.times(), src.sent(), total)
	res.AllocsPerEvent = float64(m1.Mallocs-m0.Mallocs) / float64(max(res.Events, 1))
	res.PeakRSS = peak.max()
	if n, _, err := q.Stats(context.WithoutCancel(ctx)); err == nil {
		res.LeftPending = n
	}
	res.print(bo.Stdout, bo)
	return res, nil
}

// print writes the result for a person.
func (r BenchResult) print(w io.Writer, bo BenchOptions) {
	fmt.Fprintf(w, "tikcraft bench: %d join events at %d/s for %s, %s queue, RCON answers after %s\n",
		r.Events, bo.Rate, bo.Duration, bo.Queue, bo.AnswerDelay)
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

// benchSource is the TikTok client following the simulator, which it feeds
// join events at the bench's rate, one per frame, viewer "<n>" for the n-th.
type benchSource struct {
	sim         *sim.Server
	live        *liveSource
	frameWriter *frameClock
	rate, total int
	log         *slog.Logger
	done        chan struct{} // closed once every event was handed to the simulator

	mu     sync.Mutex
	sentAt []time.Time
}

func (b *benchSource) sent() []time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sentAt
}

func (b *benchSource) Run(ctx context.Context, emit func(tikcraft.Event)) error {
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
	b.live.frames = b.frameWriter
	return b.live.Run(ctx, func(ev tikcraft.Event) {
		if ev.Type() == tikcraft.TypeConnect {
			once.Do(func() { close(connected) })
		}
		emit(ev)
	})
}

// play pushes the events against absolute times, so the rate holds even
// when one push is late.
func (b *benchSource) play(ctx context.Context) {
	defer close(b.done)
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

// benchRCON is the built-in RCON server: it notes when each command "say
// b<n>" arrives and answers it, after delay.
type benchRCON struct {
	ln    *mcnet.RCONListener
	delay time.Duration
	want  int
	all   chan struct{} // closed once every n in [0, want) arrived

	mu     sync.Mutex
	got    []time.Time // by n; zero until it arrived
	seen   int
	twice  int
	other  int
	conns  map[*mcnet.RCONConn]struct{}
	wg     sync.WaitGroup
	closed bool
}

func startBenchRCON(delay time.Duration, want int) (*benchRCON, error) {
	ln, err := mcnet.ListenRCON("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the bench's RCON server on loopback: %w", err)
	}
	s := &benchRCON{ln: ln, delay: delay, want: want, all: make(chan struct{}), got: make([]time.Time, want), conns: map[*mcnet.RCONConn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *benchRCON) addr() string { return s.ln.Addr().String() }

func (s *benchRCON) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		rc := c.(*mcnet.RCONConn)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			rc.Close()
			return
		}
		s.conns[rc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(rc)
	}
}

func (s *benchRCON) serve(c *mcnet.RCONConn) {
	defer s.wg.Done()
	defer c.Close()
	if err := c.AcceptLogin(benchPassword); err != nil {
		return
	}
	for {
		cmd, err := c.AcceptCmd()
		if err != nil {
			return
		}
		s.note(cmd, time.Now())
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		if err := c.WritePacket(c.ReqID, 0, ""); err != nil {
			return
		}
	}
}

func (s *benchRCON) note(cmd string, at time.Time) {
	n, err := strconv.Atoi(strings.TrimPrefix(cmd, "say b"))
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil || n < 0 || n >= s.want || !strings.HasPrefix(cmd, "say b"):
		s.other++
	case !s.got[n].IsZero():
		s.twice++
	default:
		s.got[n] = at
		if s.seen++; s.seen == s.want {
			close(s.all)
		}
	}
}

func (s *benchRCON) close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

// result computes the figures. Frame n carried event n (the simulator
// sends one message per frame, in push order); if the counts disagree the
// latency is measured from when the event was handed to the simulator.
func (s *benchRCON) result(frames, sent []time.Time, total int) BenchResult {
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
	r := BenchResult{Events: len(sent), Resent: s.twice, FromSent: len(from) != len(frames) || len(frames) != len(sent)}
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
	_ = total
	return r
}

// peakMem follows the process's memory: the kernel's peak RSS where it
// says (Linux), else the most the Go runtime held from the system.
type peakMem struct {
	mu  sync.Mutex
	top int64
}

func (p *peakMem) watch(ctx context.Context) {
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

func (p *peakMem) max() int64 {
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
