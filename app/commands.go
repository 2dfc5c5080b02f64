package app

import (
	"bufio"
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/cmdline"
	"github.com/tikcraft/tikcraft/console"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/userfile"
)

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
	if err := sniffEventFile(ro.File, ro.Frames, ""); err != nil {
		return err
	}
	s, err := Load(ro.Options, false)
	if err != nil {
		return err
	}
	if ro.GiveUp <= 0 {
		ro.GiveUp = time.Minute
	}
	// Replay's stdout is the dry run's commands (or nothing), for scripts:
	// the console shows only failures, on stderr.
	con := console.New(ro.Stderr, console.Options{Quiet: true, Dry: ro.DryRun, LikeEvery: s.likeEvery(), JoinRule: s.Actions.Lookup("join") != nil})
	// A dry run must not touch the real server's pending actions.
	a, err := s.assemble(ctx, ro.Options, plan{mode: "replay", dry: ro.DryRun, durable: !ro.DryRun, giveUp: ro.GiveUp, console: con, seed: ro.Seed, stdout: ro.Stdout})
	if err != nil {
		return err
	}
	defer a.close()
	var src source.Source
	var skipped func() int
	if ro.Frames {
		f := &source.Frames{Path: ro.File, Speed: ro.Speed, Log: ro.Log}
		src, skipped = f, func() int { return f.Skipped }
	} else {
		f := &source.File{Path: ro.File, Speed: ro.Speed, Log: ro.Log}
		src, skipped = f, func() int { return f.Skipped }
	}
	a.pipe.EventClock, a.pipe.Finish = true, true
	// A replay is a session of its own: the same file twice fires twice.
	a.pipe.FreshStreaks = true
	res, err := a.run(ctx, src)
	st := con.Stats()
	line := fmt.Sprintf("replayed %d events (%d bad lines skipped): %d actions, %d delivered, %d rejected, %d parked", res.Events, skipped(), res.Actions, st.Delivered, st.Rejected, res.Parked)
	if st.LeftDelivered+st.LeftRejected > 0 {
		line += fmt.Sprintf("; and %d actions left from an earlier run delivered first", st.LeftDelivered)
	}
	fmt.Fprintln(ro.Stderr, line)
	if err == nil && res.Parked > 0 {
		err = fmt.Errorf("%d actions were sent without an answer from Minecraft and parked as failed; `tikcraft report` lists them, `tikcraft drain --retry-failed` sends them again", res.Parked)
	}
	if err != nil {
		if !ro.DryRun {
			if n, _, serr := a.queue.Stats(context.WithoutCancel(ctx), queue.AllLanes); serr == nil && n > 0 {
				return fmt.Errorf("replay did not deliver every action: %w\n%d actions are kept in %s; once Minecraft is reachable, `tikcraft drain` (or the next start) delivers them", err, n, s.Config.DataDir)
			}
		}
		return fmt.Errorf("replay did not deliver every action: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("replay interrupted: %d of %d actions delivered", st.Delivered, res.Actions)
	}
	if res.Events == 0 {
		return noEvent(ro.File, skipped())
	}
	return nil
}

// noEvent is the error of an event file played to its end that held bad
// lines and not one event: a run that did nothing must not look like a
// quiet success. nil when no line was skipped (an empty file is a choice).
func noEvent(file string, skipped int) error {
	if skipped == 0 {
		return nil
	}
	return fmt.Errorf("%s: no line of this file is an event (%d bad lines, see the warnings above); the format is in docs/EVENTS.md", file, skipped)
}

// sniffEventFile catches the wrong kind of file before anything starts: a
// capture given as JSONL events, or the other way round. by names the
// command and flag that took a JSONL file, "" for replay itself, the one
// command that plays a capture (with --frames). A file that is
// missing, or is not an ordinary file, is an error at once: a folder, a
// device, a link to nothing, and a pipe (FIFO), whose opening would wait
// for a writer for ever, before "tikcraft is running".
func sniffEventFile(path string, frames bool, by string) error {
	// The file is read as it goes, never whole: no size cap.
	kind := userfile.Kind{Name: "event file", Max: math.MaxInt64}
	if frames {
		kind.Name = "capture file"
	}
	if _, err := kind.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if txt := userfile.TxtAdded(path); txt != "" {
				return fmt.Errorf("%s does not exist: %s", path, txt)
			}
			return fmt.Errorf("%s does not exist: give the path of an event file (see docs/EVENTS.md)", path)
		}
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	br := bufio.NewReader(io.LimitReader(f, 1<<20))
	// Saved by Notepad as "Unicode": every line would be skipped as bad
	// JSON for its NUL bytes, without a word of why.
	if head, _ := br.Peek(64); userfile.UTF16(head) {
		return fmt.Errorf("%s: %s", path, userfile.SavedAsUTF16)
	} else if _, _, nul := userfile.NUL(head); nul {
		return fmt.Errorf("%s: %s", path, userfile.NotText)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := ""
	for sc.Scan() {
		if l := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff")); l != "" {
			first = l
			break
		}
	}
	switch {
	case first == "":
		return nil
	case !frames && !strings.HasPrefix(first, "{") && isBase64(first) && by == "":
		return fmt.Errorf("%s: this looks like a capture; use --frames: tikcraft replay --frames %s", path, cmdline.Arg(path))
	case !frames && !strings.HasPrefix(first, "{") && isBase64(first):
		return fmt.Errorf("%s: this looks like a capture of WebSocket frames (run --capture), not a JSONL event file: %s plays only event files; a capture plays with another command: tikcraft replay --frames %s", path, by, cmdline.Arg(path))
	case frames && strings.HasPrefix(first, "{"):
		return fmt.Errorf("%s: this looks like a JSONL event file, not a capture; leave out --frames: tikcraft replay %s", path, cmdline.Arg(path))
	}
	return nil
}

func isBase64(s string) bool {
	_, err := base64.StdEncoding.DecodeString(s)
	return err == nil
}

// likeEvery is the step of the console's like milestones: the smallest
// like rule, so a milestone line appears whenever a like rule may fire.
func (s *Setup) likeEvery() int64 {
	var every int64
	for _, t := range s.Config.Likes.Triggers {
		if t.Enabled() && t.Every > 0 && (every == 0 || t.Every < every) {
			every = t.Every
		}
	}
	return every
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
	// GiveUp bounds how long a demo with Events waits for an unreachable
	// Minecraft before it fails (default 1 minute).
	GiveUp time.Duration
}

// Demo runs the whole product on simulated traffic. Commands go to the
// dry-run printer unless -c names a Minecraft server: the demo never reads
// ./tikcraft.yaml by itself. With an event file it ends once every action
// is delivered, or fails saying how many were not and why.
func Demo(ctx context.Context, do DemoOptions) error {
	do.defaults()
	if do.Events != "" {
		if err := sniffEventFile(do.Events, false, "demo --events"); err != nil {
			return err
		}
	}
	s, err := Load(do.Options, true)
	if err != nil {
		return err
	}
	if do.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, do.Duration)
		defer cancel()
	}
	if do.GiveUp <= 0 {
		do.GiveUp = time.Minute
	}
	dry := do.ConfigPath == "" || !s.Config.RCONConfigured
	finite := do.Events != ""
	giveUp := time.Duration(0)
	if finite {
		giveUp = do.GiveUp
	}
	con := console.New(do.Stdout, console.Options{Quiet: do.Quiet, Dry: dry, LikeEvery: s.likeEvery(), JoinRule: s.Actions.Lookup("join") != nil})
	// The demo keeps no files unless the config names a data_dir, and a
	// dry run never queues into the real data_dir: its actions would be
	// sent to Minecraft by the next run.
	durable := !dry && s.Config.DataDirConfigured
	a, err := s.assemble(ctx, do.Options, plan{mode: "demo", dry: dry, durable: durable, giveUp: giveUp, live: true,
		tokenInDataDir: s.Config.DataDirConfigured, console: con, seed: do.Seed, stdout: do.Stdout})
	if err != nil {
		return err
	}
	defer a.close()
	if dry {
		a.announce(do.Stdout, fmt.Sprintf("tikcraft demo: simulated LIVE stream, no Minecraft connected, printing the commands it would send (actions: %s); %s", s.ActionsName, do.stopHint()))
	} else {
		a.announce(do.Stdout, fmt.Sprintf("tikcraft demo: sending simulated gifts to YOUR Minecraft server at %s (rcon in %s); %s", s.Config.RCON.Address, do.ConfigPath, do.stopHint()))
	}
	var traffic source.Source = &source.Script{Round: func(n int) []source.Step { return source.Demo(do.Seed, n) }, Speed: 1}
	var file *source.File
	if finite {
		file = &source.File{Path: do.Events, Speed: do.Speed, Log: do.Log}
		traffic = file
	}
	src := traffic
	if !do.Direct {
		// The console says each change of the connection: the client
		// logs them at debug level only, so none is said twice.
		src = &source.Wire{Traffic: traffic, Log: do.Log, OnState: a.tiktokState(con), StateShown: true}
	}
	// Simulated traffic is a session of its own, like a replay.
	a.pipe.FreshStreaks = true
	if finite {
		// Deliver everything before exiting; give up (and say so) only
		// when Minecraft stays unreachable for GiveUp.
		a.pipe.Finish = true
	} else {
		a.pipe.Retry = 5 * time.Second
		// Without a data_dir nothing survives the demo: deliver what the
		// shutdown flush produced before exiting.
		a.pipe.DrainOnStop = drainOnStop(durable)
	}
	_, err = a.run(ctx, src)

	con.Finish()
	st := con.Stats()
	line := "demo finished: " + st.Summary()
	if st.Waiting() > 0 && !durable {
		line += " (the demo stopped first; without data_dir it keeps nothing)"
	}
	fmt.Fprintln(do.Stdout, line)
	if durable {
		a.sayKept(ctx, do.Stdout)
	}
	if !finite {
		return err
	}
	if missing := st.Waiting(); missing > 0 || err != nil {
		why := "the demo was stopped (Ctrl-C or --duration) first"
		if err != nil {
			why = err.Error()
		}
		return fmt.Errorf("demo: %d of %d actions were not delivered: %s", missing, st.Actions, why)
	}
	if ctx.Err() == nil && file.Events == 0 {
		return noEvent(do.Events, file.Skipped)
	}
	return nil
}

// stopHint says how the demo ends, for its first line.
func (do DemoOptions) stopHint() string {
	switch {
	case do.Events != "":
		return "it ends when " + do.Events + " is played; Ctrl-C stops it sooner"
	case do.Duration > 0:
		return fmt.Sprintf("it stops after %s; Ctrl-C stops it sooner", do.Duration)
	}
	return "press Ctrl-C to stop"
}

// consoleFlush is how long run's console lines may wait to be written
// together: a busy LIVE costs a few writes a second, not one per line.
const consoleFlush = 100 * time.Millisecond

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
	if ro.Source != "" && ro.Source != "demo" && !strings.HasPrefix(ro.Source, "replay:") {
		return fmt.Errorf("unknown --source %q: use demo or replay:FILE", ro.Source)
	}
	// A replay file that is not there fails before "tikcraft is running".
	if file, ok := strings.CutPrefix(ro.Source, "replay:"); ok {
		if file == "" {
			return errors.New("--source replay: names no file: write --source replay:FILE, e.g. --source replay:events.jsonl (see docs/EVENTS.md)")
		}
		if err := sniffEventFile(file, false, "run --source replay:"); err != nil {
			return fmt.Errorf("--source %s: %w", ro.Source, err)
		}
	}
	from := ro.Source
	if from == "" {
		if s.Config.TikTok.User == "" {
			return errors.New("no TikTok account to follow: set tiktok.user in the config (for example user: \"@your_name\")")
		}
		name, err := tiktok.NormalizeUser(s.Config.TikTok.User)
		if err != nil {
			return err
		}
		from = "TikTok LIVE of @" + name
	}
	// Only the console writes to stdout while run runs: its lines can go
	// out together.
	con := console.New(ro.Stdout, console.Options{Quiet: ro.Quiet, LikeEvery: s.likeEvery(), JoinRule: s.Actions.Lookup("join") != nil, FlushEvery: consoleFlush})
	a, err := s.assemble(ctx, ro.Options, plan{mode: "run", durable: true, live: true, tokenInDataDir: true, console: con, seed: ro.Seed, stdout: ro.Stdout})
	if err != nil {
		return err
	}
	defer a.close()
	a.announce(ro.Stdout, "")
	var src source.Source
	var file *source.File
	switch {
	case ro.Source == "demo":
		src = &source.Script{Round: func(n int) []source.Step { return source.Demo(ro.Seed, n) }, Speed: 1}
		a.pipe.FreshStreaks = true
	case strings.HasPrefix(ro.Source, "replay:"):
		file = &source.File{Path: strings.TrimPrefix(ro.Source, "replay:"), Speed: 1, Log: ro.Log}
		src = file
		a.pipe.EventClock, a.pipe.Finish, a.pipe.FreshStreaks = true, true, true
	default:
		src = &source.Live{Config: s.tiktokConfig(ro.Log, a.tiktokState(con)), Capture: ro.Capture}
	}
	a.pipe.Retry = 30 * time.Second
	ro.Log.Info("tikcraft is running; press Ctrl-C to stop", "events_from", from, "minecraft", s.Config.RCON.Address, "actions", s.ActionsName, "data_dir", s.Config.DataDir)
	res, err := a.run(ctx, src)
	con.Finish()
	st := con.Stats()
	if !ro.Quiet {
		fmt.Fprintf(ro.Stdout, "tikcraft stopped: this run: %s\n", st.Summary())
	}
	kept := a.sayKept(ctx, ro.Stdout)
	ro.Log.Info("stopped", "events", res.Events, "actions", st.Actions, "delivered", st.Delivered, "left_from_earlier_run_delivered", st.LeftDelivered, "kept_for_next_start", kept)
	if err == nil && ctx.Err() == nil && file != nil && file.Events == 0 {
		return noEvent(file.Path, file.Skipped)
	}
	return err
}

// sayKept says, at stop, how many actions wait in data_dir for the next
// start, and why when Minecraft was not answering. It is printed with
// --quiet too: the streamer must know that Minecraft still gets them.
func (a *assembly) sayKept(ctx context.Context, out io.Writer) int {
	ctx = context.WithoutCancel(ctx)
	n, _, err := a.queue.Stats(ctx, queue.AllLanes)
	if err != nil || n == 0 {
		return 0
	}
	// Say which outputs they wait for: OBS or a $http target being down
	// is not Minecraft's fault.
	var kept [queue.NumLanes]int
	for _, l := range queue.Lanes() {
		if k, _, err := a.queue.Stats(ctx, l); err == nil {
			kept[l] = k
		}
	}
	why := ""
	if st, ok := tikcraft.StateOf(a.gate); ok && kept[queue.LaneMinecraft] > 0 && !st.Connected && st.Problem != "" {
		why = "Minecraft did not answer: " + clip.Line(st.Problem, 300) + "\n"
	}
	fmt.Fprintln(out, why+keptLine(n, kept, a.s.Config.DataDir))
	return n
}

// keptLine says that n actions, kept[lane] of them in each lane, wait in
// dataDir, and what `tikcraft drain` waits for: the outputs holding them
// that must answer, those holding most first (the overlays need nothing).
func keptLine(n int, kept [queue.NumLanes]int, dataDir string) string {
	var lanes []string
	var waitFor []queue.Lane
	for _, l := range queue.Lanes() {
		if kept[l] == 0 {
			continue
		}
		lanes = append(lanes, fmt.Sprintf("%d for %s", kept[l], l.Output()))
		if l != queue.LaneOverlays {
			waitFor = append(waitFor, l)
		}
	}
	slices.SortStableFunc(waitFor, func(a, b queue.Lane) int { return cmp.Compare(kept[b], kept[a]) })
	what, verb, them := "1 action", "is", "it"
	if n != 1 {
		what, verb, them = fmt.Sprintf("%d actions", n), "are", "them"
	}
	if len(lanes) > 1 || (len(lanes) == 1 && kept[queue.LaneMinecraft] == 0) {
		what += " (" + strings.Join(lanes, ", ") + ")"
	}
	drain := "`tikcraft drain`"
	if len(waitFor) > 0 {
		names := make([]string, len(waitFor))
		for i, l := range waitFor {
			names[i] = answerer(l)
		}
		answer := " answers"
		if len(names) > 1 {
			answer = " answer"
		}
		drain += " once " + andList(names) + answer
	}
	return fmt.Sprintf("%s %s kept in %s: the next `tikcraft run` sends %s first (or %s)", what, verb, dataDir, them, drain)
}

// answerer names what must answer for a lane's actions to go out.
func answerer(l queue.Lane) string {
	switch l {
	case queue.LaneHTTP:
		return "the $http target"
	case queue.LaneOBS:
		return "OBS"
	}
	return l.Output()
}

// andList is "a", "a and b" or "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// tiktokConfig is the TikTok client's configuration for tiktok.user.
func (s *Setup) tiktokConfig(log *slog.Logger, onState func(tiktok.State)) tiktok.Config {
	c := s.Config.TikTok
	return tiktok.Config{
		User:         c.User,
		SignServer:   c.SignServer,
		APIKey:       c.SignAPIKey.Reveal(),
		RetryOffline: c.RetryOffline.D(),
		WebBase:      c.WebBase,
		Log:          log,
		OnState:      onState,
		// The console shows every change of the connection (one
		// [tiktok] line each): the client logs them at debug level only.
		StateShown: onState != nil,
	}
}

func drainOnStop(durable bool) time.Duration {
	if durable {
		return 0
	}
	return 1500 * time.Millisecond
}
