// Command tikcraft turns a TikTok LIVE stream into Minecraft actions.
//
//	tikcraft demo [--events FILE]      the whole product on simulated traffic
//	tikcraft check [-c FILE] [ACTIONS] validate the config and actions file
//	tikcraft replay [-c FILE] EVENTS.jsonl [--speed max|realtime|N] [--dry-run]
//	tikcraft run -c FILE               live mode
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tikcraft/tikcraft/app"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/source"
)

// exitError carries an exit status without printing anything more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first Ctrl-C, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	err := newRoot().ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(int(ee))
	default:
		fmt.Fprintln(os.Stderr, "tikcraft:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	var (
		configPath string
		logLevel   string
	)
	opts := func(cmd *cobra.Command) app.Options {
		var lvl slog.Level
		if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
			lvl = slog.LevelInfo
		}
		log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: lvl}))
		return app.Options{ConfigPath: configPath, Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr(), Log: log}
	}
	root := &cobra.Command{
		Use:           "tikcraft",
		Short:         "Turn a TikTok LIVE stream into Minecraft actions",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&configPath, "config", "c", "", "config file (default ./tikcraft.yaml when it exists)")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")

	var demoDuration time.Duration
	var seed uint64
	var direct bool
	var demoEvents, demoSpeed string
	demo := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole product on a simulated LIVE stream (no network, no files needed)",
		Long: "Run the whole pipeline on simulated traffic. Without a Minecraft server in the config, " +
			"every command is printed instead of sent. -c FILE overrides parts of the embedded demo config, " +
			"for example rcon.address and rcon.password to send to a real server.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := source.ParseSpeed(demoSpeed)
			if err != nil {
				return err
			}
			return app.Demo(cmd.Context(), app.DemoOptions{Options: opts(cmd), Duration: demoDuration, Seed: seed, Direct: direct, Events: demoEvents, Speed: sp})
		},
	}
	demo.Flags().DurationVar(&demoDuration, "duration", 0, "stop after this long, e.g. 10s (default: until Ctrl-C)")
	demo.Flags().Uint64Var(&seed, "seed", 1, "seed for the simulated traffic and $random")
	demo.Flags().BoolVar(&direct, "direct", false, "skip the local TikTok wire simulator and feed events straight in")
	demo.Flags().StringVar(&demoEvents, "events", "", "play this JSONL event file instead of the built-in traffic; the demo ends when it runs out")
	demo.Flags().StringVar(&demoSpeed, "speed", "realtime", "pace of --events: max, realtime or a factor such as 2 or 0.5")

	check := &cobra.Command{
		Use:   "check [ACTIONS]",
		Short: "Validate the config and actions file (FILE:LINE:COL diagnostics; exit 1 on errors)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := opts(cmd)
			if len(args) == 1 {
				o.ActionsPath = args[0]
			}
			if code := app.Check(o); code != 0 {
				return exitError(code)
			}
			return nil
		},
	}

	var speed, frames string
	var dryRun bool
	var giveUp time.Duration
	replay := &cobra.Command{
		Use:   "replay EVENTS.jsonl | replay --frames CAPTURE",
		Short: "Feed recorded events through the pipeline into Minecraft; exit 0 once every action was delivered",
		Args: func(cmd *cobra.Command, args []string) error {
			if frames != "" {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			sp, err := source.ParseSpeed(speed)
			if err != nil {
				return err
			}
			ro := app.ReplayOptions{Options: opts(cmd), Speed: sp, DryRun: dryRun, GiveUp: giveUp, Seed: seed}
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
	replay.Flags().Uint64Var(&seed, "seed", 1, "seed for $random")

	var src, capture string
	run := &cobra.Command{
		Use:   "run",
		Short: "Live mode: follow tiktok.user's LIVE and send actions to Minecraft",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.Run(cmd.Context(), app.RunOptions{Options: opts(cmd), Source: src, Capture: capture, Seed: seed})
		},
	}
	run.Flags().StringVar(&src, "source", "", "event source instead of TikTok: demo or replay:FILE")
	run.Flags().StringVar(&capture, "capture", "", "append every frame received from TikTok to FILE (base64, one per line) for decode and replay --frames")
	run.Flags().Uint64Var(&seed, "seed", 0, "seed for $random (0: random)")

	var stats bool
	decode := &cobra.Command{
		Use:   "decode CAPTURE",
		Short: "Print the events of a capture file (run --capture) as JSONL, one per line",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Decode(cmd.Context(), app.DecodeOptions{Options: opts(cmd), File: args[0], Stats: stats})
		},
	}
	decode.Flags().BoolVar(&stats, "stats", false, "print the number of messages per type instead of the events")

	var retryFailed bool
	drain := &cobra.Command{
		Use:   "drain",
		Short: "Deliver the actions still pending in the data directory; exit 0 when nothing is left",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.Drain(cmd.Context(), app.DrainOptions{Options: opts(cmd), GiveUp: giveUp, RetryFailed: retryFailed})
		},
	}
	drain.Flags().DurationVar(&giveUp, "give-up", time.Minute, "fail when Minecraft stays unreachable this long")
	drain.Flags().BoolVar(&retryFailed, "retry-failed", false, "first put back the commands parked as failed (sent without an answer from Minecraft)")

	var since string
	report := &cobra.Command{
		Use:   "report",
		Short: "Print the session report from the event log: events, gifts, diamonds, actions",
		Args:  cobra.NoArgs,
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

	root.AddCommand(demo, check, replay, run, decode, drain, report)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nrun '%s --help' for usage", err, strings.TrimSpace(cmd.CommandPath()))
	})
	return root
}
