package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/bench"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/console"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/inject"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
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
	// Mix is the load: join (default), full or plain (see bench.Mix).
	Mix string
	// Overlays is how many overlay pages connect to /overlay/ws; more than
	// none serves the dashboard (as the full mix does), and a dashboard
	// page then reads /api/stream too.
	Overlays int
	// PerFrame packs up to this many events into one WebSocket frame, as
	// TikTok does on a busy LIVE (default 1: each event its own frame).
	PerFrame int
	// CPUProfile, if set, is where tikcraft's CPU profile of the measured
	// time is written (go tool pprof reads it).
	CPUProfile string
	// PeerCommand starts the peer process (the simulator, the built-in
	// Minecraft, the browsers); default `tikcraft bench-peer` of this
	// executable. Tests start their own binary.
	PeerCommand func(ctx context.Context) *exec.Cmd

	// extraConfig and extraActions are added to the mix's tikcraft.yaml
	// (a layer over it) and actions file (tests: a goal and its rule).
	extraConfig, extraActions string
}

// MaxBenchRate is the most events a second a bench sends: far above what
// one LIVE brings, and what one simulator process can pace.
const MaxBenchRate = 100_000

// Bench runs the simulator → TikTok client → the pipeline `run` assembles →
// a built-in RCON server on loopback, at Rate events a second for
// Duration, and prints throughput, the latency from the client reading a
// frame to the server receiving its command, and tikcraft's own CPU time
// per event. The simulator, the server and the browsers run in a peer
// process, so that the CPU figure is tikcraft's alone.
func Bench(ctx context.Context, bo BenchOptions) (bench.Result, error) {
	bo.defaults()
	if bo.Rate == 0 {
		bo.Rate = 1000
	}
	if bo.Duration == 0 {
		bo.Duration = 30 * time.Second
	}
	if bo.Rate < 0 || bo.Rate > MaxBenchRate {
		return bench.Result{}, fmt.Errorf("--rate %d: send from 1 to %d events a second", bo.Rate, MaxBenchRate)
	}
	if bo.Duration < 0 {
		return bench.Result{}, fmt.Errorf("--duration %s: send for some time, for example --duration 30s", bo.Duration)
	}
	if bo.Settle <= 0 {
		bo.Settle = 2 * time.Minute
	}
	switch bo.Queue {
	case "":
		bo.Queue = "durable"
	case "memory", "durable":
	default:
		return bench.Result{}, fmt.Errorf("--queue %q: use memory or durable", bo.Queue)
	}
	mix := bench.MixJoin
	if bo.Mix != "" {
		m, err := bench.ParseMix(bo.Mix)
		if err != nil {
			return bench.Result{}, err
		}
		mix = m
	}
	if bo.Overlays < 0 || bo.Overlays > 100 {
		return bench.Result{}, fmt.Errorf("--overlays %d: connect from 0 to 100 overlay pages", bo.Overlays)
	}
	if bo.PerFrame < 0 || bo.PerFrame > 1000 {
		return bench.Result{}, fmt.Errorf("--per-frame %d: from 1 to 1000 events per frame", bo.PerFrame)
	}
	bo.PerFrame = max(bo.PerFrame, 1)
	if mix == bench.MixPlain && bo.Overlays > 0 {
		return bench.Result{}, errors.New("--mix plain runs without the dashboard, so no overlay page can connect: use --mix full --overlays N")
	}
	total := int(float64(bo.Rate) * bo.Duration.Seconds())
	if total < 1 {
		return bench.Result{}, fmt.Errorf("--rate %d for --duration %s sends no event: send for longer", bo.Rate, bo.Duration)
	}
	web := mix.Dashboard() || bo.Overlays > 0
	quiet := slog.New(slog.DiscardHandler)

	start := bo.PeerCommand
	if start == nil {
		exe, err := os.Executable()
		if err != nil {
			return bench.Result{}, fmt.Errorf("finding tikcraft's executable to start the bench's peer: %w", err)
		}
		start = func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, exe, "bench-peer") }
	}
	pcmd := start(ctx)
	if f, ok := bo.Stderr.(*os.File); ok {
		pcmd.Stderr = f
	} else {
		// Another writer may not take writes from two goroutines: what the
		// peer said follows once it has stopped.
		var said bytes.Buffer
		pcmd.Stderr = &said
		defer func() { bo.Stderr.Write(said.Bytes()) }()
	}
	peer, err := bench.StartPeer(ctx, pcmd, bench.PeerSettings{Mix: mix, Rate: bo.Rate, Total: total, AnswerDelay: bo.AnswerDelay, PerFrame: bo.PerFrame})
	if err != nil {
		return bench.Result{}, err
	}
	defer peer.Close()

	dir, err := os.MkdirTemp("", "tikcraft-bench-")
	if err != nil {
		return bench.Result{}, fmt.Errorf("making a folder for the bench's queue: %w", err)
	}
	defer os.RemoveAll(dir)
	yaml := "data_dir: " + strconv.Quote(dir) + "\nrcon:\n  address: " + peer.Addrs.RCON + "\n  password: " + bench.Password + "\n"
	if bo.MaxPerSecond != nil {
		yaml += "  max_commands_per_second: " + strconv.FormatFloat(*bo.MaxPerSecond, 'f', -1, 64) + "\n"
	}
	yaml += mix.Config()
	layers := []config.Layer{{Name: "(bench config)", Data: []byte(yaml)}}
	if bo.extraConfig != "" {
		layers = append(layers, config.Layer{Name: "(bench config, more)", Data: []byte(bo.extraConfig)})
	}
	cfg, diags, _ := config.Load(layers...)
	for _, d := range diags {
		if d.Severity == "error" {
			return bench.Result{}, fmt.Errorf("bench config: %s", d)
		}
	}
	// The bench's own servers, whatever the environment says.
	cfg.RCON.Password = config.Secret(bench.Password)
	cfg.Web.Listen = config.WebOff
	if web {
		cfg.Web.Listen = "127.0.0.1:0"
	}
	src := []byte(mix.Actions() + bo.extraActions)
	f, adiags := rules.Parse(cfg, "(bench actions)", src)
	for _, d := range adiags {
		if d.Severity == actions.Error {
			return bench.Result{}, fmt.Errorf("bench actions: %s", d)
		}
	}
	s := &Setup{Config: cfg, Actions: f, ActionsName: "(bench actions)", ActionsText: src}
	p := plan{mode: "bench", durable: bo.Queue == "durable", live: web, seed: 1}
	if mix != bench.MixJoin {
		// As `run` does: a line per event and action, here to the null
		// device (a real file, so the writes cost what they cost).
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return bench.Result{}, fmt.Errorf("opening %s for the bench's console: %w", os.DevNull, err)
		}
		defer null.Close()
		p.console = console.New(null, console.Options{LikeEvery: s.likeEvery(), JoinRule: f.Lookup("join") != nil, FlushEvery: consoleFlush})
		p.stdout = null
	}
	a, err := s.assemble(ctx, Options{Log: quiet}, p)
	if err != nil {
		return bench.Result{}, err
	}
	defer a.close()
	tally := &benchTally{}
	tally.hook(a)

	var m0, m1 runtime.MemStats
	var cpu0, cpu1 time.Duration
	var commits0, commits1 int64
	var profile *os.File
	playing := make(chan error, 1)
	src2 := &bench.Source{Addrs: peer.Addrs, Log: quiet, OnConnect: func() {
		go func() {
			if a.srv != nil {
				c := bench.Clients{URL: a.srv.URL(), Overlays: bo.Overlays, Dashboard: true}
				if err := peer.Connect(ctx, c); err != nil {
					playing <- err
					return
				}
			}
			if bo.CPUProfile != "" {
				f, err := startProfile(bo.CPUProfile)
				if err != nil {
					playing <- err
					return
				}
				profile = f
			}
			runtime.GC()
			runtime.ReadMemStats(&m0)
			if a.store != nil {
				commits0 = a.store.Commits()
			}
			cpu0 = bench.ProcessCPU()
			playing <- peer.Play()
		}()
	}}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type ran struct {
		res pipeline.Result
		err error
	}
	runDone := make(chan ran, 1)
	go func() {
		res, err := a.run(rctx, src2)
		runDone <- ran{res, err}
	}()
	peak := &bench.PeakMem{}
	pctx, pstop := context.WithCancel(ctx)
	defer pstop()
	go peak.Watch(pctx)

	// Wait for every command, or Settle after the last event.
	var failed error
	select {
	case err := <-playing:
		failed = err
	case r := <-runDone:
		return bench.Result{}, fmt.Errorf("bench pipeline stopped before the events: %w", r.err)
	case <-ctx.Done():
		return bench.Result{}, ctx.Err()
	}
	if failed == nil {
		select {
		case <-peer.All:
		case <-peer.Sent:
			select {
			case <-peer.All:
			case <-time.After(bo.Settle):
			case <-ctx.Done():
			}
		case <-ctx.Done():
		}
	}
	cpu1 = bench.ProcessCPU()
	// The peak of the run, read before the peer's report is decoded here:
	// its arrays of every event's times are the harness's, not tikcraft's
	// (40 MiB more after ten minutes at 1,000 events a second).
	peakRSS := peak.Max()
	runtime.ReadMemStats(&m1)
	if a.store != nil {
		commits1 = a.store.Commits()
	}
	if profile != nil {
		pprof.StopCPUProfile()
		profile.Close()
	}
	if failed != nil {
		return bench.Result{}, failed
	}
	// The overlay actions after the last command, then stop.
	wait := time.Now().Add(10 * time.Second)
	for time.Now().Before(wait) && ctx.Err() == nil {
		if n, _, err := a.queue.Stats(ctx, queue.AllLanes); err != nil || n == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the overlays' last frame reaches the pages
	rep, rerr := peer.Report(ctx)
	cancel()
	r := <-runDone
	pstop()
	if r.err != nil && ctx.Err() == nil {
		return bench.Result{}, fmt.Errorf("bench pipeline: %w", r.err)
	}
	if rerr != nil {
		return bench.Result{}, rerr
	}
	res := bench.Compute(bench.PeerSettings{Mix: mix, Rate: bo.Rate, Total: total}, src2, rep)
	res.CPU = cpu1 - cpu0
	res.Commits = commits1 - commits0
	res.AllocsPerEvent = float64(m1.Mallocs-m0.Mallocs) / float64(max(res.Events, 1))
	res.PeakRSS = peakRSS
	if n, _, err := a.queue.Stats(context.WithoutCancel(ctx), queue.AllLanes); err == nil {
		res.LeftPending = n
	}
	tally.fill(&res)
	res.Print(bo.Stdout, bench.Settings{Rate: bo.Rate, Duration: bo.Duration, Queue: bo.Queue, AnswerDelay: bo.AnswerDelay, Mix: mix, Overlays: bo.Overlays, PerFrame: bo.PerFrame})
	return res, nil
}

func startProfile(path string) (*os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return f, nil
}

// benchTally counts a bench's actions by where they came from, on the
// pipeline's and the injector's hooks, as they are queued and delivered:
// those the events fired, and apart those of the rules the overlays fire
// themselves (goal_ID_reached, likegoal_reached, timer_end). The
// pipeline's own Delivered counts every lane's deliveries, those too, so
// set against the events' actions it showed them as deliveries twice.
type benchTally struct {
	mu               sync.Mutex
	events, overlays struct{ queued, delivered int64 }
	triggers         []string // the overlay triggers that fired, sorted
}

// hook counts on a's hooks, beside what is already on them.
func (t *benchTally) hook(a *assembly) {
	onQueued, injected, onDelivery := a.pipe.OnQueued, a.inject.OnQueued, a.pipe.OnDelivery
	a.pipe.OnQueued = func(acts []tikcraft.Action) {
		t.queued(acts)
		if onQueued != nil {
			onQueued(acts)
		}
	}
	a.inject.OnQueued = func(acts []tikcraft.Action) {
		t.queued(acts)
		if injected != nil {
			injected(acts)
		}
	}
	a.pipe.OnDelivery = func(d deliver.Delivery) {
		t.delivered(d)
		if onDelivery != nil {
			onDelivery(d)
		}
	}
}

func (t *benchTally) queued(acts []tikcraft.Action) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range acts {
		trigger, overlay := strings.CutPrefix(a.Source, inject.OverlaySourcePrefix)
		if !overlay {
			t.events.queued++
			continue
		}
		t.overlays.queued++
		if i, found := slices.BinarySearch(t.triggers, trigger); !found {
			t.triggers = slices.Insert(t.triggers, i, trigger)
		}
	}
}

func (t *benchTally) delivered(d deliver.Delivery) {
	if d.Outcome != deliver.Sent {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if strings.HasPrefix(d.Item.Action.Source, inject.OverlaySourcePrefix) {
		t.overlays.delivered++
	} else {
		t.events.delivered++
	}
}

func (t *benchTally) fill(r *bench.Result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r.Actions, r.Delivered = t.events.queued, t.events.delivered
	r.OverlayActions, r.OverlayDelivered = t.overlays.queued, t.overlays.delivered
	r.OverlayTriggers = slices.Clone(t.triggers)
}
