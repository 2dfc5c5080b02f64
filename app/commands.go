package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/dryrun"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/tiktok"
)

// Check validates the configuration and actions file, prints compiler-style
// diagnostics and a summary, and returns the exit status (1 on errors).
func Check(o Options) int {
	o.defaults()
	s, err := Load(o, false)
	if s == nil {
		fmt.Fprintf(o.Stdout, "%s\n", err)
		return 1
	}
	for _, d := range s.Diagnostics {
		fmt.Fprintln(o.Stdout, d)
	}
	triggers, commands := 0, 0
	if s.Actions != nil {
		triggers, commands = s.Actions.Stats()
	}
	fmt.Fprintf(o.Stdout, "%d %s, %d %s, %d %s\n", triggers, plural(triggers, "trigger"), commands, plural(commands, "command"), s.Warnings, plural(s.Warnings, "warning"))
	if s.Errors > 0 {
		return 1
	}
	return 0
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// sinks builds the delivery sink: RCON, or the dry-run printer.
func (s *Setup) sink(o Options, dry bool, giveUp time.Duration) (tikcraft.Sink, func()) {
	if dry {
		return dryrun.New(o.Stdout), func() {}
	}
	c := s.Config.RCON
	cl := rcon.New(rcon.Config{
		Address:              c.Address,
		Password:             c.Password.Reveal(),
		ReadTimeout:          c.Timeout.D(),
		MaxCommandsPerSecond: *c.MaxCommandsPerSecond,
		GiveUpAfter:          giveUp,
	}, o.Log)
	return deliver.Split{Commands: cl, Alerts: alertLog{o.Log}}, func() { cl.Close() }
}

// alertLog shows alerts in the log until the overlay exists.
type alertLog struct{ log *slog.Logger }

func (a alertLog) Deliver(_ context.Context, act tikcraft.Action) error {
	a.log.Info("alert", "title", act.Alert.Title, "subtitle", act.Alert.Subtitle, "seconds", act.Alert.Seconds, "trigger", act.Trigger, "user", act.User)
	return nil
}

// ReplayOptions are replay's flags.
type ReplayOptions struct {
	Options
	File string
	// Frames: File is a capture of raw WebSocket frames (run --capture),
	// not JSONL events.
	Frames bool
	Speed  source.Speed
	DryRun bool
	// GiveUp bounds how long replay waits for an unreachable Minecraft
	// before failing (default 1 minute).
	GiveUp time.Duration
	Seed   uint64
}

// Replay feeds a recorded event file through the whole pipeline and returns
// only after every resulting action was delivered, or with an error saying
// why delivery failed for good.
func Replay(ctx context.Context, ro ReplayOptions) error {
	ro.defaults()
	s, err := Load(ro.Options, false)
	if err != nil {
		return err
	}
	if ro.GiveUp <= 0 {
		ro.GiveUp = time.Minute
	}
	sink, closeSink := s.sink(ro.Options, ro.DryRun, ro.GiveUp)
	defer closeSink()
	// A dry run must not touch the real server's pending actions.
	q, rec, closeQ, err := s.queueFor(ctx, ro.Options, !ro.DryRun)
	if err != nil {
		return err
	}
	defer closeQ()
	var src source.Source
	var skipped func() int
	if ro.Frames {
		f := &source.Frames{Path: ro.File, Speed: ro.Speed, Log: ro.Log}
		src, skipped = f, func() int { return f.Skipped }
	} else {
		f := &source.File{Path: ro.File, Speed: ro.Speed, Log: ro.Log}
		src, skipped = f, func() int { return f.Skipped }
	}
	res, err := pipeline.Run(ctx, src, pipeline.Options{
		Engine:     s.Engine(ro.Log, ro.Seed),
		Queue:      q,
		Recorder:   rec,
		Sink:       sink,
		Log:        ro.Log,
		EventClock: true,
		Finish:     true,
		// A replay is a session of its own: the same file twice fires twice.
		FreshStreaks: true,
	})
	fmt.Fprintf(ro.Stderr, "replayed %d events (%d bad lines skipped): %d actions, %d delivered, %d rejected, %d parked\n", res.Events, skipped(), res.Actions, res.Delivered, res.Rejected, res.Parked)
	if err == nil && res.Parked > 0 {
		err = fmt.Errorf("%d actions were sent without an answer from Minecraft and parked as failed; `tikcraft report` lists them, `tikcraft drain --retry-failed` sends them again", res.Parked)
	}
	if err != nil {
		if !ro.DryRun {
			if n, _, serr := q.Stats(context.WithoutCancel(ctx)); serr == nil && n > 0 {
				return fmt.Errorf("replay did not deliver every action: %w\n%d actions are kept in %s; once Minecraft is reachable, `tikcraft drain` (or the next start) delivers them", err, n, s.Config.DataDir)
			}
		}
		return fmt.Errorf("replay did not deliver every action: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("replay interrupted: %d of %d actions delivered", res.Delivered, res.Actions)
	}
	return nil
}

// DemoOptions are demo's flags.
type DemoOptions struct {
	Options
	Duration time.Duration // 0: until Ctrl-C
	Seed     uint64
	// Direct feeds the demo traffic straight to the engine instead of
	// through the wire simulator and the TikTok client.
	Direct bool
	// Events, if set, is a JSONL event file played instead of the built-in
	// traffic, at Speed; the demo ends when it runs out.
	Events string
	Speed  source.Speed
}

// Demo runs the whole product on simulated traffic. Without a configured
// Minecraft server, commands go to the dry-run printer.
func Demo(ctx context.Context, do DemoOptions) error {
	do.defaults()
	s, err := Load(do.Options, true)
	if err != nil {
		return err
	}
	if do.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, do.Duration)
		defer cancel()
	}
	dry := !s.Config.RCONConfigured
	sink, closeSink := s.sink(do.Options, dry, 0)
	defer closeSink()
	// The demo keeps no files unless the config names a data_dir.
	q, rec, closeQ, err := s.queueFor(ctx, do.Options, s.Config.DataDirConfigured)
	if err != nil {
		return err
	}
	defer closeQ()
	if dry {
		fmt.Fprintf(do.Stdout, "tikcraft demo: simulated LIVE stream, no Minecraft configured, printing the commands it would send (actions: %s)\n", s.ActionsName)
	} else {
		fmt.Fprintf(do.Stdout, "tikcraft demo: simulated LIVE stream, sending to Minecraft at %s\n", s.Config.RCON.Address)
	}
	var traffic source.Source = &source.Script{Round: func(n int) []source.Step { return source.Demo(do.Seed, n) }, Speed: 1}
	if do.Events != "" {
		traffic = &source.File{Path: do.Events, Speed: do.Speed, Log: do.Log}
	}
	src := traffic
	if !do.Direct {
		src = &wireDemo{traffic: traffic, opts: do.Options}
	}
	console := newConsole(do.Stdout)
	res, err := pipeline.Run(ctx, src, pipeline.Options{
		Engine:   s.Engine(do.Log, do.Seed),
		Queue:    q,
		Recorder: rec,
		Sink:     sink,
		Log:      do.Log,
		Retry:    5 * time.Second,
		OnEvent:  console.event,
		// Simulated traffic is a session of its own, like a replay.
		FreshStreaks: true,
		// Without a data_dir nothing survives the demo: deliver what the
		// shutdown flush produced before exiting.
		DrainOnStop: drainOnStop(s.Config.DataDirConfigured),
	})
	fmt.Fprintf(do.Stdout, "demo finished: %d events, %d actions, %d delivered\n", res.Events, res.Actions, res.Delivered)
	return err
}

// console prints each event on one line. Viewer-controlled text is quoted,
// so nothing a viewer types can forge or break a line.
type console struct {
	mu sync.Mutex
	w  io.Writer
}

func newConsole(w io.Writer) *console { return &console{w: w} }

func (c *console) event(ev tikcraft.Event) {
	var line string
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		state := "single gift"
		if e.Gift.Combo {
			state = "streak update"
			if e.RepeatEnd {
				state = "streak end"
			}
		}
		line = fmt.Sprintf("gift %s x%d from %s (%s)", strconv.Quote(e.Gift.Name), e.Count(), strconv.Quote(e.User.Name()), state)
	case *tikcraft.LikeEvent:
		line = fmt.Sprintf("like x%d from %s (room total %d)", e.Count, strconv.Quote(e.User.Name()), e.Total)
	case *tikcraft.ChatEvent:
		line = fmt.Sprintf("chat %s: %s", strconv.Quote(e.User.Name()), strconv.Quote(e.Text))
	case *tikcraft.FollowEvent:
		line = "follow from " + strconv.Quote(e.User.Name())
	case *tikcraft.ShareEvent:
		line = "share from " + strconv.Quote(e.User.Name())
	case *tikcraft.JoinEvent:
		line = "join " + strconv.Quote(e.User.Name())
	case *tikcraft.SubscribeEvent:
		line = "subscribe from " + strconv.Quote(e.User.Name())
	case *tikcraft.ViewersEvent:
		line = fmt.Sprintf("viewers %d", e.Count)
	default:
		line = string(ev.Type())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "[event]   %s\n", line)
}

// RunOptions are run's flags.
type RunOptions struct {
	Options
	// Source is "" (TikTok, from tiktok.user), "demo" or "replay:FILE".
	Source string
	// Capture appends every received WebSocket frame to this file.
	Capture string
	Seed    uint64
}

// Run is the live mode: events from TikTok (or --source) until Ctrl-C.
func Run(ctx context.Context, ro RunOptions) error {
	ro.defaults()
	s, err := Load(ro.Options, false)
	if err != nil {
		return err
	}
	var src source.Source
	opts := pipeline.Options{Engine: s.Engine(ro.Log, ro.Seed), Log: ro.Log, Retry: 30 * time.Second}
	switch {
	case ro.Source == "demo":
		src = &source.Script{Round: func(n int) []source.Step { return source.Demo(ro.Seed, n) }, Speed: 1}
		opts.FreshStreaks = true
	case len(ro.Source) > len("replay:") && ro.Source[:len("replay:")] == "replay:":
		src = &source.File{Path: ro.Source[len("replay:"):], Speed: 1, Log: ro.Log}
		opts.EventClock, opts.Finish, opts.FreshStreaks = true, true, true
	case ro.Source != "":
		return fmt.Errorf("unknown --source %q: use demo or replay:FILE", ro.Source)
	default:
		if s.Config.TikTok.User == "" {
			return errors.New("no TikTok account to follow: set tiktok.user in the config (for example user: \"@your_name\")")
		}
		src = &liveSource{cfg: s.Config.TikTok, capture: ro.Capture, opts: ro.Options}
	}
	from := ro.Source
	if from == "" {
		name, err := tiktok.NormalizeUser(s.Config.TikTok.User)
		if err != nil {
			return err
		}
		from = "TikTok LIVE of @" + name
	}
	q, rec, closeQ, err := s.queueFor(ctx, ro.Options, true)
	if err != nil {
		return err
	}
	defer closeQ()
	sink, closeSink := s.sink(ro.Options, false, 0)
	defer closeSink()
	opts.Sink, opts.Queue, opts.Recorder = sink, q, rec
	ro.Log.Info("tikcraft is running; press Ctrl-C to stop", "events_from", from, "minecraft", s.Config.RCON.Address, "actions", s.ActionsName, "data_dir", s.Config.DataDir)
	res, err := pipeline.Run(ctx, src, opts)
	ro.Log.Info("stopped", "events", res.Events, "actions", res.Actions, "delivered", res.Delivered)
	return err
}

func drainOnStop(durable bool) time.Duration {
	if durable {
		return 0
	}
	return 1500 * time.Millisecond
}
