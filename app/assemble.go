package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/console"
	"github.com/tikcraft/tikcraft/datapack"
	"github.com/tikcraft/tikcraft/deaths"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/dryrun"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/httpcall"
	"github.com/tikcraft/tikcraft/inject"
	"github.com/tikcraft/tikcraft/obs"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/pause"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// What the dashboard's server is given implements what it needs.
var (
	_ web.Pauser    = (*pause.Gate)(nil)
	_ web.Reloader  = (*rules.Reloader)(nil)
	_ web.Webhook   = (*deaths.Receiver)(nil)
	_ web.Overlays  = (*overlay.Manager)(nil)
	_ web.Injector  = (*inject.Injector)(nil)
	_ web.Editor    = (*rules.Reloader)(nil)
	_ web.Minecraft = (*rcon.Client)(nil)
	// The store keeps the overlays' state (overlay cannot import it: its
	// tests use the store).
	_ overlay.Saver = (*store.Store)(nil)
)

// plan is what differs between the commands that run the pipeline (run,
// demo, replay, drain, bench), besides their event source and the
// pipeline's timing options. Everything else is built by assemble, the
// same way for all of them, so that a path the tests cover is the path a
// streamer runs.
type plan struct {
	// mode names the command: the dashboard says "run" or "demo".
	mode string
	// dry prints the commands instead of sending them to Minecraft.
	dry bool
	// durable keeps the queue, the engine's state and the event log in
	// data_dir; otherwise they live in memory and die with the process.
	durable bool
	// giveUp bounds how long an unreachable Minecraft is waited for (0:
	// for ever).
	giveUp time.Duration
	// live is a LIVE, real or simulated (run, demo): the dashboard and the
	// overlay pages are served unless web.listen is off, the overlays tick
	// and see every event, deaths are followed and the actions file is
	// watched.
	live bool
	// tokenInDataDir keeps the dashboard token in data_dir; otherwise it
	// lives in memory (a demo without data_dir writes nothing).
	tokenInDataDir bool
	// console, if set, is shown every event, $random pick and delivery.
	console *console.Console
	// seed for $random; 0 picks one.
	seed uint64
	// stdout is where a dry run prints its commands.
	stdout io.Writer
}

// assembly is one pipeline ready to run and the parts built around it.
type assembly struct {
	s    *Setup
	log  *slog.Logger
	dry  bool             // commands are printed, not sent
	pipe pipeline.Options // the command sets its timing options, then run

	rules    *rules.Set
	queue    queue.Queue
	store    *store.Store // nil unless durable
	obs      *obs.Sink    // nil without an obs section, and in a dry run
	overlays *overlay.Manager
	gate     *pause.Gate
	inject   *inject.Injector
	reloader *rules.Reloader
	tracker  *deaths.Tracker
	dash     *web.Dashboard // nil unless live
	srv      *web.Server    // nil unless served
	// moved says why the demo's dashboard is not on web.listen's port
	// (it was taken), for the first line; "" when it is.
	moved string
	// rcon is the Minecraft connection (nil in a dry run); con the
	// console (nil without one).
	rcon *rcon.Client
	con  *console.Console

	bg      context.Context // the background work: ends at close
	stopBG  context.CancelFunc
	wg      sync.WaitGroup
	closers []func() // run in reverse by close
	once    sync.Once
}

// assemble builds the pipeline for p: the live rules, the queue, the
// outputs, one delivery lane each, behind the router (Minecraft — through
// the pause gate, and the data pack in datapack mode —, the overlays,
// $http, OBS), and the observers on the pipeline's hooks (console,
// dashboard, overlays, event log). Nothing wraps another part to watch it.
func (s *Setup) assemble(ctx context.Context, o Options, p plan) (a *assembly, err error) {
	cfg := s.Config
	log := o.Log
	a = &assembly{s: s, log: log, dry: p.dry, con: p.console}
	a.bg, a.stopBG = context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		if err != nil {
			a.close()
		}
	}()

	a.rules = rules.New(s.Actions, p.seed)
	if p.console != nil {
		a.rules.OnPick(p.console.Picked)
	}

	// The queue first: it takes data_dir's lock, so a second tikcraft is
	// refused before it says anything else.
	var st *store.Store
	if p.durable {
		var opts []store.Option
		if o.Secrets != nil { // the event log never holds the RCON password or the API key
			opts = append(opts, store.Mask(o.Secrets.String))
		}
		if st, err = store.Open(ctx, cfg.DataDir, log, opts...); err != nil {
			return a, err
		}
		a.closers = append(a.closers, func() {
			if err := st.Close(); err != nil {
				log.Error("closing the data directory", "error", err)
			}
		})
		if err := st.KeepLog(ctx, cfg.LogRetention.D(), int64(cfg.LogMaxSize)); err != nil {
			log.Warn("could not prune old event log entries", "error", err)
		}
		if n, oldest, err := st.Stats(ctx, queue.AllLanes); err == nil && n > 0 {
			log.Info("delivering actions left from the last run first", "pending", n, "oldest", oldest.Format(time.DateTime))
		}
		if n, _, err := st.Stats(ctx, queue.LaneOBS); err == nil && n > 0 && !cfg.OBSConfigured && !p.dry {
			log.Warn("$obs actions left from the last run are skipped: tikcraft.yaml has no obs section (docs/OBS.md)", "actions", n)
		}
		a.queue, a.store = st, st
	} else {
		a.queue = queue.NewMemory()
	}

	// The outputs.
	var commands, echo tikcraft.Sink
	if p.dry {
		pr := dryrun.New(p.stdout)
		commands, echo = pr, pr
	} else {
		rc := cfg.RCON
		cl := rcon.New(rcon.Config{
			Address:              rc.Address,
			Password:             rc.Password.Reveal(),
			ReadTimeout:          rc.Timeout.D(),
			MaxCommandsPerSecond: *rc.MaxCommandsPerSecond,
			GiveUpAfter:          p.giveUp,
		}, log)
		a.closers = append(a.closers, func() { cl.Close() })
		a.rcon, commands = cl, cl
		if mc := cfg.Minecraft; mc.DatapackDir != "" {
			pack := datapack.Open(mc.DatapackDir, mc.Version, s.Actions, log)
			a.rules.UsePack(pack)
			commands = datapack.Sink{Next: cl, Live: pack}
		}
	}
	if p.live {
		a.dash = web.NewDashboard(dashboardMode(p.mode))
	}
	engineCfg := s.engineConfig()
	a.inject = &inject.Injector{Rules: a.rules, Engine: engineCfg, ActionsName: s.ActionsName, Queue: a.queue, Log: log}
	if p.live {
		// Test triggers look gift names and ids up as `tikcraft gifts`
		// shows them: the kept list, the built-in one behind it (offline).
		var problem error
		if a.inject.Gifts, problem = knownGifts(cfg.DataDir); problem != nil {
			giftCacheWarning(log, problem)
		}
	}
	ovo := overlay.Options{Config: overlay.ConfigFrom(cfg.Overlays), Log: log}
	if st != nil {
		ovo.Saver = st
	}
	if a.dash != nil {
		ovo.Publish = a.dash.PublishOverlay
		ovo.Fire = a.inject.Trigger
	}
	a.overlays = overlay.New(ctx, ovo)
	a.closers = append(a.closers, a.overlays.Close)
	a.openOBS(p)
	// Each output is a lane of its own (deliver.Worker): the pause gate
	// holds Minecraft's lane only, so a death pause never delays an alert,
	// a $http request or an OBS effect (docs/DELIVERY.md).
	a.gate = pause.New(commands, cfg.Minecraft.PauseTimeout.D())
	hc := httpcall.New(httpcall.Config{Allow: cfg.HTTP.Allow, Timeout: cfg.HTTP.Timeout.D()}, log)
	a.closers = append(a.closers, hc.Close)
	router := deliver.Router{
		Commands: a.gate,
		Overlays: a.overlays,
		HTTP:     hc,
		Echo:     echo,
	}
	if a.obs != nil { // a nil *obs.Sink must not become a non-nil interface
		router.OBS = a.obs
	}

	// The dashboard reads what each output is delivering where the worker
	// notes it.
	a.pipe = pipeline.Options{Engine: engine.New(engineCfg, a.rules, log), Queue: a.queue, Sink: router, Log: log, Flights: new(deliver.Flights)}
	if st != nil {
		a.pipe.Recorder = st
	}
	a.hook(p.console, a.pipe.Recorder)

	if !p.live {
		return a, nil
	}
	path := ""
	if s.ActionsFromFile {
		path = s.ActionsName
		if rules.Empty(s.ActionsText) {
			log.Warn(rules.EmptyWarning, "file", path)
		}
	}
	a.reloader = rules.NewReloader(a.rules, path, s.ActionsText, s.Diagnostics, cfg, log, a.showRules)
	a.dash.SetRules(web.RulesOf(a.reloader.Status(), cfg.Likes.Triggers))
	a.followDeaths()
	if err := a.listen(o, p); err != nil {
		return a, err
	}
	return a, nil
}

// hook puts the observers on the pipeline's hooks and the injector's.
func (a *assembly) hook(con *console.Console, rec pipeline.Recorder) {
	dash, ov := a.dash, a.overlays
	// The dashboard and the overlays see duplicates too: they drop them
	// with their own memory of ids, with a console or without.
	a.pipe.OnEvent = func(ev tikcraft.Event, dup bool) {
		switch {
		case con == nil:
		case dup:
			con.Duplicate(ev)
		default:
			con.Event(ev)
		}
		if dash != nil {
			dash.Event(ev, ev.EventMeta().Test)
			ov.Event(ev)
		}
	}
	if con != nil || dash != nil {
		a.pipe.OnDelivery = func(d deliver.Delivery) {
			if con != nil {
				con.Delivered(d)
			}
			if dash != nil {
				dash.Delivery(d)
			}
		}
	}
	// The console counts what is queued, by origin, so that its summary
	// adds up; the dashboard shows it.
	var queued []func([]tikcraft.Action)
	if con != nil {
		queued = append(queued, con.Queued)
	}
	if dash != nil {
		queued = append(queued, dash.Queued)
	}
	if len(queued) > 0 {
		onQueued := func(acts []tikcraft.Action) {
			for _, f := range queued {
				f(acts)
			}
		}
		a.pipe.OnQueued, a.inject.OnQueued = onQueued, onQueued
	}
	if dash == nil {
		return
	}
	a.inject.OnEvent = func(ev tikcraft.Event) {
		dash.Event(ev, true)
		if rec != nil {
			rec.LogEvent(context.Background(), ev)
		}
	}
	a.gate.OnChange(func(st pause.State) {
		dash.SetPause(web.Pause{Paused: st.Paused, Manual: st.Manual, Death: st.Death, Until: st.Until})
	})
}

// showRules shows the rules after every load attempt (rules.Reloader).
func (a *assembly) showRules(st rules.Status) {
	// The feed line first: a page that sees the new rules sees it too.
	if st.Error != "" {
		a.dash.Note("reload-error", st.Error)
	} else {
		triggers, commands := st.Rules.Stats()
		a.dash.Note("reload", fmt.Sprintf("reloaded %s: %d %s, %d %s", st.File, triggers, plural(triggers, "trigger"), commands, plural(commands, "command")))
	}
	a.dash.SetRules(web.RulesOf(st, a.s.Config.Likes.Triggers))
}

// openOBS connects to OBS for the $obs lane when the config has an obs
// section. A dry run prints $obs actions instead (the router's Echo), like
// Minecraft's commands: it never changes the streamer's scenes. The
// connection is closed after the delivery lanes stopped (closers run once
// the pipeline has returned), turning back what a "for" changed.
func (a *assembly) openOBS(p plan) {
	if !a.s.Config.OBSConfigured || p.dry {
		return
	}
	cfg := obsConfig(a.s.Config)
	if a.dash != nil {
		dash := a.dash
		dash.SetOBS(web.OBSConn(tikcraft.SinkState{}))
		cfg.OnState = func(st tikcraft.SinkState) { dash.SetOBS(web.OBSConn(st)) }
	}
	sink := obs.New(cfg, a.log)
	a.obs = sink
	a.closers = append(a.closers, func() { sink.Close() })
}

// followDeaths counts Minecraft's deaths for the overlays and the
// dashboard, and pauses delivery after one when pause_on_death is on.
func (a *assembly) followDeaths() {
	var pauser deaths.Pauser
	if a.s.Config.Minecraft.PauseOnDeathEnabled() {
		pauser = a.gate
	}
	a.tracker = deaths.NewTracker(pauser)
	var seen int64
	a.tracker.OnChange(func(c deaths.Count) {
		for ; seen < c.Deaths; seen++ {
			a.overlays.Died()
		}
		a.dash.SetDeaths(c.Deaths, c.Dead)
		if c.Dead {
			a.dash.Note("death", strings.TrimSpace(c.Player+" died"))
		} else {
			a.dash.Note("respawn", strings.TrimSpace(c.Player+" respawned"))
		}
	})
}

// listen opens the dashboard's server, unless web.listen is off. The token
// lives in data_dir, or only in memory for a demo without one.
func (a *assembly) listen(o Options, p plan) error {
	cfg := a.s.Config
	if !cfg.Web.Enabled() {
		return nil
	}
	token := web.NewToken()
	if p.tokenInDataDir {
		t, created, err := web.LoadToken(cfg.DataDir)
		if err != nil {
			return err
		}
		if created {
			a.log.Info("made a new dashboard token; `tikcraft web-token` prints it", "data_dir", cfg.DataDir)
		}
		token = t
	}
	mc := cfg.Minecraft
	wo := web.Options{
		Listen: cfg.Web.Listen, Token: token, Dashboard: a.dash, Log: a.log,
		Injector: a.inject, Pauser: a.gate, Reloader: a.reloader,
		Webhook:  &deaths.Receiver{Tracker: a.tracker, Mapping: webhookMapping(mc), UseDeaths: mc.Deaths == config.DeathsWebhook, Log: a.log},
		Overlays: a.overlays, OverlayStyle: web.StyleOf(cfg.Overlays), Sounds: cfg.Overlays.Sounds, Goals: goalIDs(cfg.Overlays),
		Editor: a.reloader, Completion: a.s.completion(), OnConsole: a.consoleCommand,
	}
	if a.rcon != nil { // a nil *rcon.Client must not become a non-nil interface
		wo.Minecraft = a.rcon
	}
	srv, err := web.Listen(wo)
	var taken *web.ListenError
	switch {
	case err == nil:
	case !errors.As(err, &taken):
		return err
	case p.mode != "demo":
		// OBS's browser sources and the Minecraft plugin's webhook point
		// at this port: moving would break them without a word.
		return fmt.Errorf("%w\n`tikcraft run` keeps its port: the overlays in OBS and the webhook point at it", err)
	default:
		// The README's first command must work while `run` is going in
		// another window: the demo takes a free port and says so.
		if srv, err = a.listenElsewhere(wo, taken); err != nil {
			return err
		}
	}
	a.srv = srv
	return nil
}

// listenElsewhere opens the demo's dashboard on a free port of the same
// host when web.listen's port is taken, and notes it for the first line.
func (a *assembly) listenElsewhere(wo web.Options, taken *web.ListenError) (*web.Server, error) {
	host, port, err := net.SplitHostPort(wo.Listen)
	if err != nil || port == "0" {
		return nil, taken
	}
	wo.Listen = net.JoinHostPort(host, "0")
	srv, err := web.Listen(wo)
	if err != nil {
		return nil, taken
	}
	_, now, _ := net.SplitHostPort(srv.Addr().String())
	a.moved = fmt.Sprintf("port %s is not free: %v; this demo's dashboard is on port %s instead", port, taken.Err, now)
	return srv, nil
}

func webhookMapping(mc config.Minecraft) deaths.Mapping {
	m := deaths.Mapping{Events: mc.Webhook.Events}
	for _, r := range mc.Webhook.Messages {
		m.Messages = append(m.Messages, deaths.MessageRule{Contains: r.Contains, Means: r.Means})
	}
	return m
}

func dashboardMode(mode string) string {
	if mode == "demo" {
		return "demo"
	}
	return "run"
}

// tiktokState is the TikTok client's state hook: the console and the
// dashboard show it.
func (a *assembly) tiktokState(con *console.Console) func(tiktok.State) {
	return func(st tiktok.State) {
		if con != nil {
			con.TikTok(st)
		}
		if a.dash != nil {
			a.dash.TikTokState(st)
		}
	}
}

// run starts the background work (serving, overlays, watching the actions
// file, following deaths) and runs src through the pipeline.
func (a *assembly) run(ctx context.Context, src source.Source) (pipeline.Result, error) {
	if a.dash != nil {
		a.start(func(ctx context.Context) { a.overlays.Run(ctx) })
		a.start(func(ctx context.Context) {
			a.dash.Watch(ctx, a.queue, a.gate, a.pipe.Flights, a.s.Config.RCON.Address, a.dry)
		})
		a.start(func(ctx context.Context) { a.reloader.Watch(ctx, time.Second) })
		a.followScoreboard()
		if a.rcon != nil {
			a.start(a.login)
		}
	}
	if a.srv != nil {
		a.srv.Serve()
	}
	res, err := pipeline.Run(ctx, src, a.pipe)
	// The last event is handled: the engine says the counts its repeating
	// warnings held for the next minute's summary.
	a.pipe.Engine.Close()
	a.stopServing()
	return res, err
}

// login logs in to Minecraft as a LIVE starts, without sending a command
// and beside receiving (never in its way), so that a wrong password or a
// server that is down shows before the first gift: on the console, and on
// the dashboard through the client's state (web.Dashboard.Watch).
func (a *assembly) login(ctx context.Context) {
	err := a.rcon.Connect(ctx)
	if ctx.Err() != nil || a.con == nil {
		return
	}
	a.con.Minecraft(err)
}

func (a *assembly) start(f func(context.Context)) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		f(a.bg)
	}()
}

// followScoreboard polls Minecraft's deathCount scoreboard when
// minecraft.deaths is scoreboard.
func (a *assembly) followScoreboard() {
	if a.s.Config.Minecraft.Deaths != config.DeathsScoreboard {
		return
	}
	if a.dry {
		a.log.Info("minecraft.deaths is scoreboard, but there is no Minecraft server in this dry run: deaths are not polled")
		return
	}
	rc := a.s.Config.RCON
	cl := rcon.New(rcon.Config{Address: rc.Address, Password: rc.Password.Reveal(), ReadTimeout: rc.Timeout.D()}, a.log)
	sb := &deaths.Scoreboard{RCON: cl, Tracker: a.tracker, Log: a.log}
	a.start(func(ctx context.Context) {
		defer cl.Close()
		sb.Run(ctx)
	})
}

// stopServing stops the dashboard and refuses test triggers: nothing may
// push into the queue once the pipeline is done.
func (a *assembly) stopServing() {
	if a.srv != nil {
		a.srv.Close()
	}
	a.inject.Close()
}

// close stops everything in order: serving, the background work (the
// overlays save their state), then the outputs and the queue.
func (a *assembly) close() {
	a.once.Do(func() {
		if a.inject != nil {
			a.stopServing()
		}
		a.stopBG()
		a.wg.Wait()
		for i := len(a.closers) - 1; i >= 0; i-- {
			a.closers[i]()
		}
	})
}

// announce prints the first line of run and demo: head (what the command
// does, may be empty) and the dashboard link, which ends the line so that
// terminals and scripts find it whole. Then the warning for an address
// other computers can reach.
func (a *assembly) announce(out io.Writer, head string) {
	if a.srv == nil {
		if head != "" {
			fmt.Fprintln(out, head)
		}
		return
	}
	if a.moved != "" {
		head = strings.TrimSpace(head + " (" + a.moved + ")")
	}
	line := "Dashboard: " + a.srv.Link()
	if head != "" {
		line = head + " · " + line
	}
	fmt.Fprintln(out, line)
	if w := a.s.Config.Web; !w.Loopback() {
		msg := fmt.Sprintf("the dashboard listens on %s, so other computers can reach it; anyone with the token can fire triggers and pause: keep the link private, or set web.listen: %s", w.Listen, config.DefaultWebListen)
		fmt.Fprintln(out, "Warning: "+msg)
		a.log.Warn(msg)
	}
}

// goalIDs are the ids of overlays.goals.
func goalIDs(c config.Overlays) []string {
	var ids []string
	for _, g := range c.Goals {
		ids = append(ids, g.ID)
	}
	return ids
}
