package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/bench"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/queue"
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

// Bench runs the simulator → TikTok client → the pipeline `run` assembles →
// a built-in RCON server on loopback, at Rate join events a second for
// Duration, and prints throughput and the latency from the client reading
// a frame to the server receiving its command.
func Bench(ctx context.Context, bo BenchOptions) (bench.Result, error) {
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
		return bench.Result{}, fmt.Errorf("--queue %q: use memory or durable", bo.Queue)
	}
	total := int(float64(bo.Rate) * bo.Duration.Seconds())
	if total <= 0 {
		return bench.Result{}, errors.New("--rate × --duration gives no events; use e.g. --rate 1000 --duration 30s")
	}
	quiet := slog.New(slog.DiscardHandler)

	srv, err := bench.NewServer(bo.AnswerDelay, total)
	if err != nil {
		return bench.Result{}, err
	}
	defer srv.Stop()
	dir, err := os.MkdirTemp("", "tikcraft-bench-")
	if err != nil {
		return bench.Result{}, fmt.Errorf("making a folder for the bench's queue: %w", err)
	}
	defer os.RemoveAll(dir)

	yaml := "data_dir: " + strconv.Quote(dir) + "\nweb:\n  listen: off\nrcon:\n  address: " + srv.Addr() + "\n  password: " + bench.Password + "\n"
	if bo.MaxPerSecond != nil {
		yaml += "  max_commands_per_second: " + strconv.FormatFloat(*bo.MaxPerSecond, 'f', -1, 64) + "\n"
	}
	cfg, diags, _ := config.Load(config.Layer{Name: "(bench config)", Data: []byte(yaml)})
	for _, d := range diags {
		if d.Severity == "error" {
			return bench.Result{}, fmt.Errorf("bench config: %s", d)
		}
	}
	f, _ := actions.Parse("(bench actions)", []byte(bench.Rule), actions.Options{})
	s := &Setup{Config: cfg, Actions: f, ActionsName: "(bench actions)"}
	a, err := s.assemble(ctx, Options{Log: quiet}, plan{mode: "bench", durable: bo.Queue == "durable", seed: 1})
	if err != nil {
		return bench.Result{}, err
	}
	defer a.close()

	src, err := bench.NewSource(bo.Rate, total, quiet)
	if err != nil {
		return bench.Result{}, err
	}
	defer src.Close()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		// Stop once every command arrived, or Settle after the last event.
		select {
		case <-srv.All:
		case <-src.Done:
			select {
			case <-srv.All:
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
	peak := &bench.PeakMem{}
	pctx, pstop := context.WithCancel(ctx)
	go peak.Watch(pctx)
	_, err = a.run(rctx, src)
	pstop()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	if err != nil && ctx.Err() == nil {
		return bench.Result{}, fmt.Errorf("bench pipeline: %w", err)
	}
	res := srv.Result(src)
	res.AllocsPerEvent = float64(m1.Mallocs-m0.Mallocs) / float64(max(res.Events, 1))
	res.PeakRSS = peak.Max()
	if n, _, err := a.queue.Stats(context.WithoutCancel(ctx), queue.AllLanes); err == nil {
		res.LeftPending = n
	}
	res.Print(bo.Stdout, bench.Settings{Rate: bo.Rate, Duration: bo.Duration, Queue: bo.Queue, AnswerDelay: bo.AnswerDelay})
	return res, nil
}
