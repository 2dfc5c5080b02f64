// Command tikcraft turns a TikTok LIVE stream into Minecraft actions. It
// only parses flags; package app does the work. Its commands:
//
//	tikcraft init [DIR] [--server MINECRAFT_DIR]   write a starter tikcraft.yaml and actions.mca
//	tikcraft demo [--events FILE]                  the whole product on simulated traffic
//	tikcraft check [-c FILE] [ACTIONS] [--connect] validate the config and actions file
//	tikcraft run [-c FILE]                         live mode
//	tikcraft replay [-c FILE] EVENTS.jsonl         replay recorded events (or --frames CAPTURE) into Minecraft
//	tikcraft drain [-c FILE]                       deliver what an earlier run left pending
//	tikcraft decode CAPTURE [--stats]              print a capture as JSONL events
//	tikcraft report [--since 2h]                   the session report from the event log
//	tikcraft bench [--rate N] [--duration D]       measure delivery on this machine
//	tikcraft trigger NAME [--user U] [--count N]   fire a test trigger in the running tikcraft
//	tikcraft reset timer|wins|goal ID ...          reset OBS overlays (docs/OVERLAYS.md)
//	tikcraft web-token                             print the dashboard token
//	tikcraft migrate T2M_DIR [--out DIR]           convert a Tiktok2Mc setup
//	tikcraft gifts [--user @name]                  list the gifts with their ids (offline: the built-in list)
//	tikcraft version                               print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tikcraft/tikcraft/app"
	benchpkg "github.com/tikcraft/tikcraft/bench"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/redact"
	"github.com/tikcraft/tikcraft/source"
)

// exitError carries an exit status without printing anything more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	// os.Interrupt is Ctrl-C (and Ctrl-Break on Windows); SIGTERM is a
	// kill on Unix and, on Windows, closing the console window, logging off
	// or shutting down, which Go delivers as SIGTERM.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first Ctrl-C, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	// Secrets found in the config are masked in every log line and in
	// the error printed below, whatever text they turn up in.
	secrets := redact.New()
	args, pause := doubleClicked(os.Args[1:], startedByExplorer(), fileExists(app.DefaultConfigFile))
	root := newRoot(secrets)
	root.SetArgs(args)
	err := quoteInArgs(args, runtime.GOOS == "windows")
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	code := 0
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = int(ee)
	default:
		fmt.Fprintln(os.Stderr, "tikcraft:", secrets.String(err.Error()))
		code = 1
	}
	if pause {
		waitForEnter(os.Stdin, os.Stdout)
	}
	os.Exit(code)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func newRoot(secrets *redact.Secrets) *cobra.Command {
	var (
		configPath string
		logLevel   string
		quiet      bool
	)
	opts := func(cmd *cobra.Command) app.Options {
		var lvl slog.Level
		if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
			lvl = slog.LevelInfo
		}
		if quiet && lvl < slog.LevelWarn {
			lvl = slog.LevelWarn
		}
		log := slog.New(secrets.Handler(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: lvl})))
		return app.Options{ConfigPath: configPath, Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr(), Log: log, Secrets: secrets, Quiet: quiet}
	}
	root := &cobra.Command{
		Use:           "tikcraft",
		Short:         "Turn a TikTok LIVE stream into Minecraft actions",
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVarP(&configPath, "config", "c", "", "config file (default ./tikcraft.yaml when it exists; demo reads a config only with -c)")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().BoolVarP(&quiet, "quiet", "q", false, "show only warnings and errors, not every event and action")

	var demoDuration, demoGiveUp time.Duration
	var demoSeed uint64
	var direct bool
	var demoEvents, demoSpeed string
	demo := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole product on a simulated LIVE stream (no network, no files needed)",
		Long: "Run the whole pipeline on simulated traffic and print every command instead of sending it.\n" +
			"The demo never reads ./tikcraft.yaml on its own: only with -c FILE, and only if that file names a " +
			"Minecraft server (rcon.address or rcon.password), does it send the simulated gifts to that server, " +
			"and then its first line says so.",
		Args: noArgs("demo", "to play an event file write: tikcraft demo --events FILE.jsonl"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := source.ParseSpeed(demoSpeed)
			if err != nil {
				return err
			}
			return app.Demo(cmd.Context(), app.DemoOptions{Options: opts(cmd), Duration: demoDuration, Seed: demoSeed, Direct: direct, Events: demoEvents, Speed: sp, GiveUp: demoGiveUp})
		},
	}
	demo.Flags().DurationVar(&demoDuration, "duration", 0, "stop after this long, e.g. 10s (default: until Ctrl-C)")
	demo.Flags().Uint64Var(&demoSeed, "seed", 1, "seed for the simulated traffic and $random; the same seed gives the same demo every time (0: a random seed)")
	demo.Flags().BoolVar(&direct, "direct", false, "skip the local TikTok wire simulator and feed events straight in")
	demo.Flags().StringVar(&demoEvents, "events", "", "play this JSONL event file instead of the built-in traffic; the demo ends when it runs out")
	demo.Flags().StringVar(&demoSpeed, "speed", "realtime", "pace of --events: max, realtime or a factor such as 2 or 0.5")
	demo.Flags().DurationVar(&demoGiveUp, "give-up", time.Minute, "with --events and a Minecraft server: fail when Minecraft stays unreachable this long")

	var verbose, connect bool
	check := &cobra.Command{
		Use:   "check [ACTIONS]",
		Short: "Validate the config and actions file (FILE:LINE:COL diagnostics; exit 1 on errors)",
		Long: "Validate the config and actions file as run would, and more. -v lists what $random can pick; " +
			"--connect also logs in to Minecraft's RCON and asks TikTok whether tiktok.user is live.",
		Args: maxArgs("check", 1, "tikcraft check [ACTIONS.mca]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := opts(cmd)
			if len(args) == 1 {
				o.ActionsPath = args[0]
			}
			if code := app.Check(cmd.Context(), app.CheckOptions{Options: o, Verbose: verbose, Connect: connect}); code != 0 {
				return exitError(code)
			}
			return nil
		},
	}
	check.Flags().BoolVarP(&verbose, "verbose", "v", false, "also list the rules $random can pick")
	check.Flags().BoolVar(&connect, "connect", false, "also log in to Minecraft's RCON and check with TikTok whether tiktok.user is live")

	var speed, frames string
	var dryRun bool
	var giveUp time.Duration
	var replaySeed uint64
	replay := &cobra.Command{
		Use:   "replay EVENTS.jsonl | replay --frames CAPTURE",
		Short: "Feed recorded events through the pipeline into Minecraft; exit 0 once every action was delivered",
		Args: func(cmd *cobra.Command, args []string) error {
			if frames != "" {
				return noArgs("replay", "with --frames the capture file is the flag's value: tikcraft replay --frames CAPTURE")(cmd, args)
			}
			return exactArg("replay", "the events file", "tikcraft replay EVENTS.jsonl")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			sp, err := source.ParseSpeed(speed)
			if err != nil {
				return err
			}
			ro := app.ReplayOptions{Options: opts(cmd), Speed: sp, DryRun: dryRun, GiveUp: giveUp, Seed: replaySeed}
			if frames != "" {
				ro.File, ro.Frames = frames, true
			} else {
				ro.File = args[0]
			}
			return app.Replay(cmd.Context(), ro)
		},
	}
	replay.Flags().StringVar(&frames, "frames", "", "replay a capture of raw WebSocket frames (from run --capture) instead of JSONL events")
	replay.Flags().StringVar(&speed, "speed", "max", "max, realtime or a factor such as 2 or 0.5")
	replay.Flags().BoolVar(&dryRun, "dry-run", false, "print the commands instead of sending them")
	replay.Flags().DurationVar(&giveUp, "give-up", time.Minute, "fail when Minecraft stays unreachable this long")
	replay.Flags().Uint64Var(&replaySeed, "seed", 1, "seed for $random; the same seed picks the same rules every time (0: a random seed)")

	var src, capture string
	var runSeed uint64
	run := &cobra.Command{
		Use:   "run",
		Short: "Live mode: follow tiktok.user's LIVE and send actions to Minecraft",
		Args:  noArgs("run", "give the config with -c: tikcraft run -c tikcraft.yaml"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			app.UseOneCore()
			return app.Run(cmd.Context(), app.RunOptions{Options: opts(cmd), Source: src, Capture: capture, Seed: runSeed})
		},
	}
	run.Flags().StringVar(&src, "source", "", "event source instead of TikTok: demo or replay:FILE")
	run.Flags().StringVar(&capture, "capture", "", "append every frame received from TikTok to FILE (base64, one per line) for decode and replay --frames")
	run.Flags().Uint64Var(&runSeed, "seed", 0, "seed for $random (default 0: a random seed, so each stream picks differently)")

	var stats bool
	decode := &cobra.Command{
		Use:   "decode CAPTURE",
		Short: "Print the events of a capture file (run --capture) as JSONL, one per line",
		Args:  exactArg("decode", "the capture file", "tikcraft decode CAPTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Decode(cmd.Context(), app.DecodeOptions{Options: opts(cmd), File: args[0], Stats: stats})
		},
	}
	decode.Flags().BoolVar(&stats, "stats", false, "print the number of messages per type instead of the events")

	var drainGiveUp time.Duration
	var retryFailed bool
	drain := &cobra.Command{
		Use:   "drain",
		Short: "Deliver the actions still pending in the data directory; exit 0 when nothing is left",
		Args:  noArgs("drain", "give the config with -c: tikcraft drain -c tikcraft.yaml"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.Drain(cmd.Context(), app.DrainOptions{Options: opts(cmd), GiveUp: drainGiveUp, RetryFailed: retryFailed})
		},
	}
	drain.Flags().DurationVar(&drainGiveUp, "give-up", time.Minute, "fail when Minecraft stays unreachable this long")
	drain.Flags().BoolVar(&retryFailed, "retry-failed", false, "first put back the commands parked as failed (sent without an answer from Minecraft)")

	var benchRate int
	var benchDuration, benchAnswerDelay time.Duration
	var benchQueue, benchMix, benchProfile string
	var benchMaxPerSecond float64
	var benchOverlays, benchPerFrame int
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Measure delivery and tikcraft's own CPU: simulator → TikTok client → engine → queue → a built-in RCON server on loopback",
		Long: `Measure delivery and tikcraft's own CPU.

The simulator (a TikTok LIVE), the built-in Minecraft (an RCON server) and the
browsers (overlay pages, the dashboard) run in a second process, so the CPU
printed is tikcraft's alone. See docs/PERFORMANCE.md.

  tikcraft bench --rate 1000 --duration 30s                   # joins, plain /say
  tikcraft bench --mix full --overlays 7 --duration 30s       # issue 25's load
  tikcraft bench --mix plain --duration 30s                   # the same events, no dashboard`,
		Args: noArgs("bench", "set the load with flags: tikcraft bench --rate 1000 --duration 30s --queue durable"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			bo := app.BenchOptions{Options: opts(cmd), Rate: benchRate, Duration: benchDuration, Queue: benchQueue, AnswerDelay: benchAnswerDelay,
				Mix: benchMix, Overlays: benchOverlays, PerFrame: benchPerFrame, CPUProfile: benchProfile}
			if cmd.Flags().Changed("max-commands-per-second") {
				bo.MaxPerSecond = &benchMaxPerSecond
			}
			// BenchOptions reads 0 as "the default"; typed on the command
			// line, 0 or less is a mistake to say, not to replace.
			if benchRate < 1 || benchRate > app.MaxBenchRate {
				return fmt.Errorf("--rate %d: send from 1 to %d events a second", benchRate, app.MaxBenchRate)
			}
			if benchDuration <= 0 {
				return fmt.Errorf("--duration %s: send for some time, for example --duration 30s", benchDuration)
			}
			app.UseOneCore() // as run does
			_, err := app.Bench(cmd.Context(), bo)
			return err
		},
	}
	bench.Flags().IntVar(&benchRate, "rate", 1000, "events per second the simulator sends")
	bench.Flags().DurationVar(&benchDuration, "duration", 30*time.Second, "how long it sends them")
	bench.Flags().StringVar(&benchQueue, "queue", "durable", "the action queue: memory or durable (SQLite in a temporary folder)")
	bench.Flags().DurationVar(&benchAnswerDelay, "answer-delay", 0, "make the built-in RCON server answer each command this late, like a slow Minecraft")
	bench.Flags().Float64Var(&benchMaxPerSecond, "max-commands-per-second", 0, "rcon.max_commands_per_second for the run (default: tikcraft's default)")
	bench.Flags().StringVar(&benchMix, "mix", "join", "the events and rules: join (one /say per join), full (follows with /say and $wins, roses with an alert, !hi chat commands, likes; dashboard on) or plain (the same events with /say rules, dashboard off)")
	bench.Flags().IntVar(&benchOverlays, "overlays", 0, "overlay pages to connect to /overlay/ws (turns the dashboard on; a dashboard page reads /api/stream too)")
	bench.Flags().IntVar(&benchPerFrame, "per-frame", 1, "events per WebSocket frame, as TikTok packs them on a busy LIVE (1: each event its own frame; latency is then measured from when the simulator got the event)")
	bench.Flags().StringVar(&benchProfile, "cpuprofile", "", "write tikcraft's CPU profile of the measured time to this file (go tool pprof)")
	benchPeer := &cobra.Command{
		Use:    "bench-peer",
		Short:  "The other side of tikcraft bench (started by it)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return benchpkg.RunPeer(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), slog.New(slog.DiscardHandler))
		},
	}

	var since string
	report := &cobra.Command{
		Use:   "report",
		Short: "Print the session report from the event log: events, gifts, diamonds, actions",
		Args:  noArgs("report", "use --since for a period: tikcraft report --since 2h"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var d time.Duration
			if since != "" {
				var err error
				if d, err = config.ParseDuration(since); err != nil {
					return fmt.Errorf("--since: %w", err)
				}
			}
			return app.Report(cmd.Context(), app.ReportOptions{Options: opts(cmd), Since: d})
		},
	}
	report.Flags().StringVar(&since, "since", "", "only the last period, e.g. 2h or 7d (default: everything kept)")

	var user string
	var count int64
	trigger := &cobra.Command{
		Use:   "trigger NAME",
		Short: "Fire a test trigger in the running tikcraft (a trigger, gift name or id, follow, share or like rule)",
		Long: "Fire a test trigger in the tikcraft running with this config, through its dashboard.\n" +
			"A gift name (\"Heart Me\", \"heart_me\") or id (5655) is sent as that gift, with its id and diamonds from the " +
			"gift list (tikcraft gifts), so it runs the rule a real one runs; an unknown name is an error with close names.",
		Args: exactArg("trigger", "the trigger to fire", "tikcraft trigger NAME [--user U] [--count N]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Trigger(cmd.Context(), app.TriggerOptions{Options: opts(cmd), Trigger: args[0], User: user, Count: count})
		},
	}
	trigger.Flags().StringVar(&user, "user", "", "the viewer name to fire it as (default tikcraft_test)")
	trigger.Flags().Int64Var(&count, "count", 1, "how many gifts, or how many firings of a like rule (1 to 100)")
	reset := &cobra.Command{
		Use:   "reset timer|wins|deaths|likegoal|feed|top|goals|goal ID|all ...",
		Short: "Reset OBS overlays: in the running tikcraft, or in data_dir's saved state when none runs",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("name what to reset: tikcraft reset timer|wins|deaths|likegoal|feed|top|goals|goal ID|all")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Reset(cmd.Context(), app.ResetOptions{Options: opts(cmd), Parts: args})
		},
	}
	webToken := &cobra.Command{
		Use:   "web-token",
		Short: "Print the dashboard token (made in data_dir on first use) for the API and the Minecraft webhook",
		Args:  noArgs("web-token", ""),
		RunE:  func(cmd *cobra.Command, _ []string) error { return app.WebToken(opts(cmd)) },
	}

	var serverDir string
	initCmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented tikcraft.yaml and actions.mca into DIR (default: here); never overwrites",
		Long: "Write a commented tikcraft.yaml and actions.mca into DIR (default: the current folder). Files that " +
			"exist are left as they are. With --server MINECRAFT_DIR it also turns on RCON in that server's " +
			"server.properties (enable-rcon, rcon.port and a new strong rcon.password; every other line is kept " +
			"and the old file is backed up) and puts the same password into tikcraft.yaml: a new one, or the one an " +
			"earlier `tikcraft init` wrote, while its password line is still the example's.",
		Args: maxArgs("init", 1, "tikcraft init [DIR] [--server MINECRAFT_SERVER_DIR]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return app.Init(app.InitOptions{Options: opts(cmd), Dir: dir, ServerDir: serverDir})
		},
	}
	initCmd.Flags().StringVar(&serverDir, "server", "", "the Minecraft server folder whose server.properties gets RCON turned on")

	var outDir string
	migrate := &cobra.Command{
		Use:   "migrate T2M_DIR",
		Short: "Convert a Tiktok2Mc folder (config.yaml, actions.mca) into tikcraft.yaml and actions.mca",
		Args:  exactArg("migrate", "the Tiktok2Mc folder", "tikcraft migrate T2M_DIR [--out DIR]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Migrate(app.MigrateOptions{Options: opts(cmd), From: args[0], Out: outDir})
		},
	}
	migrate.Flags().StringVar(&outDir, "out", ".", "where to write tikcraft.yaml and actions.mca")

	var giftsUser string
	var refresh bool
	gifts := &cobra.Command{
		Use:   "gifts",
		Short: "List the gifts (id, name, diamonds, the rule each runs): TikTok's list, the one kept in data_dir, or offline the built-in one",
		Args:  noArgs("gifts", "name the account with --user: tikcraft gifts --user @name"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.Gifts(cmd.Context(), app.GiftsOptions{Options: opts(cmd), User: giftsUser, Refresh: refresh})
		},
	}
	gifts.Flags().StringVar(&giftsUser, "user", "", "the TikTok account whose LIVE's gift list to show (default tiktok.user)")
	gifts.Flags().BoolVar(&refresh, "refresh", false, "ask TikTok again even if the list in data_dir is recent")

	version := &cobra.Command{
		Use:   "version",
		Short: "Print the version and the commit it was built from",
		Args:  noArgs("version", ""),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionString())
			return err
		},
	}

	root.AddCommand(initCmd, demo, check, replay, run, decode, drain, bench, benchPeer, report, migrate, gifts, version, trigger, reset, webToken)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nrun '%s --help' for usage", err, strings.TrimSpace(cmd.CommandPath()))
	})
	return root
}

// waitForEnter keeps a console window that Explorer opened from closing
// before the streamer has read it.
func waitForEnter(in io.Reader, out io.Writer) {
	fmt.Fprint(out, "\nPress Enter to close this window.")
	var b [1]byte
	for {
		n, err := in.Read(b[:])
		if err != nil || (n == 1 && b[0] == '\n') {
			return
		}
	}
}
