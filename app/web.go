package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/deaths"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/pause"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// maxTestActions bounds what one test firing may queue, so a slip of the
// count cannot bury the stream's own actions.
const maxTestActions = 1000

// webUI is the dashboard and what it controls during run or demo: the web
// server, pausing (a gate in front of the sink), deaths, test triggers and
// reloading the actions file. It only wraps the pipeline's parts and hooks;
// it never reaches into them.
type webUI struct {
	s    *Setup
	o    Options
	log  *slog.Logger
	dash *web.Dashboard
	srv  *web.Server      // nil: web.listen is off
	ov   *overlay.Manager // set by wire

	// Set by wire.
	gate    *pause.Gate
	tracker *deaths.Tracker
	q       queue.Queue       // the real queue (not the tee)
	rec     pipeline.Recorder // the real event log; may be nil
	dry     bool
	since   atomic.Int64 // when the delivery in flight started (Unix ns); 0: none

	fireMu sync.Mutex
	fires  int

	reloadMu   sync.Mutex
	reloadable bool
	actionsAt  string // the actions file, when it is a file
	loaded     []byte // content of the running rules, or of the last file tried
	rulesTime  time.Time
	watchEvery time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	closed atomic.Bool
}

// openWeb starts the dashboard's server (unless web.listen is off); its
// link goes into the first line run and demo print (announce). The
// token lives in data_dir; a demo without a data_dir keeps it in memory.
func (s *Setup) openWeb(o Options, mode string, tokenInDataDir bool) (*webUI, error) {
	ui := &webUI{s: s, o: o, log: o.Log, dash: web.NewDashboard(mode), watchEvery: time.Second}
	ui.ctx, ui.cancel = context.WithCancel(context.Background())
	ui.reloadable = mode != "demo" || s.Config.ActionsConfigured
	if ui.reloadable {
		ui.actionsAt = s.ActionsName
		ui.loaded, _ = os.ReadFile(s.ActionsName)
	}
	ui.rulesTime = time.Now()
	ui.dash.SetRules(ui.rulesView(s.Actions, s.Diagnostics, ""))
	w := s.Config.Web
	if !w.Enabled() {
		return ui, nil
	}
	var token string
	if tokenInDataDir {
		t, created, err := web.LoadToken(s.Config.DataDir)
		if err != nil {
			return nil, err
		}
		if created {
			o.Log.Info("made a new dashboard token; `tikcraft web-token` prints it", "data_dir", s.Config.DataDir)
		}
		token = t
	} else {
		token = web.NewToken() // nothing is written: valid until the demo ends
	}
	srv, err := web.Listen(web.Options{
		Listen: w.Listen, Token: token, Dashboard: ui.dash, Log: o.Log,
		Injector: ui, Pauser: ui, Reloader: ui, Webhook: ui,
		Overlays: ui, OverlayStyle: overlayStyle(s.Config.Overlays), Sounds: s.Config.Overlays.Sounds,
		Goals: goalIDs(s.Config.Overlays),
	})
	if err != nil {
		return nil, err
	}
	ui.srv = srv
	return ui, nil
}

// announce prints the first line of run and demo: head (what the command
// does, may be empty) and the dashboard link, which ends the line so that
// terminals and scripts find it whole. Then the warning for an address
// other computers can reach.
func (ui *webUI) announce(head string) {
	out := ui.o.Stdout
	if ui.srv == nil {
		if head != "" {
			fmt.Fprintln(out, head)
		}
		return
	}
	line := "Dashboard: " + ui.srv.Link()
	if head != "" {
		line = head + " · " + line
	}
	fmt.Fprintln(out, line)
	if w := ui.s.Config.Web; !w.Loopback() {
		msg := fmt.Sprintf("the dashboard listens on %s, so other computers can reach it; anyone with the token can fire triggers and pause: keep the link private, or set web.listen: %s", w.Listen, config.DefaultWebListen)
		fmt.Fprintln(out, "Warning: "+msg)
		ui.log.Warn(msg)
	}
}

// wire puts the dashboard's parts around the pipeline's and starts
// serving: the queue and the event log are teed to the dashboard, the sink
// gets the pause gate, and every event is shown.
func (ui *webUI) wire(opts pipeline.Options, dry bool) pipeline.Options {
	ui.dry, ui.q, ui.rec = dry, opts.Queue, opts.Recorder
	mc := ui.s.Config.Minecraft
	ui.startOverlays(opts.Queue)
	sink := opts.Sink
	if r, ok := sink.(*overlayRoute); ok {
		sink = r.next // the RCON client: the overlays take over from the log
	}
	sink = &overlayRoute{next: sink, ov: ui.ov, echo: dry}
	ui.gate = pause.New(&watchSink{next: sink, since: &ui.since}, mc.PauseTimeout.D())
	ui.gate.OnChange(func(st pause.State) {
		ui.dash.SetPause(web.Pause{Paused: st.Paused, Manual: st.Manual, Death: st.Death, Until: st.Until})
	})
	var pauser deaths.Pauser
	if mc.PauseOnDeathEnabled() {
		pauser = ui.gate
	}
	ui.tracker = deaths.NewTracker(pauser)
	var seenDeaths int64
	ui.tracker.OnChange(func(c deaths.Count) {
		for ; seenDeaths < c.Deaths; seenDeaths++ {
			ui.ov.Died()
		}
		ui.dash.SetDeaths(c.Deaths, c.Dead)
		if c.Dead {
			ui.dash.Note("death", strings.TrimSpace(c.Player+" died"))
		} else {
			ui.dash.Note("respawn", strings.TrimSpace(c.Player+" respawned"))
		}
	})
	if dry {
		ui.dash.SetMinecraft(web.MinecraftDryRun, "no Minecraft server configured: commands are printed")
	} else {
		ui.dash.SetMinecraft(web.MinecraftUnknown, ui.s.Config.RCON.Address)
	}

	opts.Sink = ui.gate
	opts.Queue = &queueTee{Queue: opts.Queue, dash: ui.dash}
	opts.Recorder = &recorderTee{next: opts.Recorder, dash: ui.dash}
	prev := opts.OnEvent
	opts.OnEvent = func(ev tikcraft.Event) {
		if prev != nil {
			prev(ev)
		}
		ui.dash.Event(ev, ev.EventMeta().Test)
		ui.ov.Event(ev)
	}

	ui.wg.Add(1)
	go func() {
		defer ui.wg.Done()
		ui.watchQueue(ui.ctx)
	}()
	if ui.reloadable {
		ui.wg.Add(1)
		go func() {
			defer ui.wg.Done()
			ui.watchActions(ui.ctx)
		}()
	}
	if mc.Deaths == config.DeathsScoreboard {
		if dry {
			ui.log.Info("minecraft.deaths is scoreboard, but there is no Minecraft server in this dry run: deaths are not polled")
		} else {
			c := ui.s.Config.RCON
			cl := rcon.New(rcon.Config{Address: c.Address, Password: c.Password.Reveal(), ReadTimeout: c.Timeout.D()}, ui.log)
			sb := &deaths.Scoreboard{RCON: cl, Tracker: ui.tracker, Log: ui.log}
			ui.wg.Add(1)
			go func() {
				defer ui.wg.Done()
				defer cl.Close()
				sb.Run(ui.ctx)
			}()
		}
	}
	if ui.srv != nil {
		ui.srv.Serve()
	}
	return opts
}

// Close stops the server and the watchers. Call it before closing the
// queue: a test trigger must not push into a closed one.
func (ui *webUI) Close() {
	ui.once.Do(func() {
		ui.closed.Store(true)
		if ui.srv != nil {
			ui.srv.Close()
		}
		ui.cancel()
		ui.wg.Wait()
	})
}

// TikTokState shows the TikTok connection's state; the live client calls
// it when it has a state hook.
func (ui *webUI) TikTokState(state, detail string) { ui.dash.SetTikTok(state, detail) }

// watchQueue shows the queue's numbers every second, and a Minecraft that
// stopped answering: the RCON client retries on its own, so a delivery that
// takes long is the sign.
func (ui *webUI) watchQueue(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, oldest, err := ui.q.Stats(ctx)
		if err != nil {
			continue
		}
		var inFlight time.Duration
		if s := ui.since.Load(); s != 0 {
			inFlight = time.Since(time.Unix(0, s))
		}
		ui.dash.SetQueue(n, oldest, inFlight)
		if ui.dry {
			continue
		}
		if st, ok := deliver.StateOf(ui.gate); ok {
			switch {
			case st.Connected:
				ui.dash.SetMinecraft(web.MinecraftConnected, ui.s.Config.RCON.Address)
			case st.Problem == "":
				// not contacted yet: keep what the dashboard shows
			case st.Refused:
				ui.dash.SetMinecraft(web.MinecraftRefused, st.Problem)
			default:
				ui.dash.SetMinecraft(web.MinecraftUnreachable, st.Problem+"; tikcraft keeps trying and nothing is lost")
			}
			continue
		}
		if inFlight > 3*time.Second {
			ui.dash.SetMinecraft(web.MinecraftUnreachable, fmt.Sprintf("no answer from %s for %s; tikcraft keeps trying and nothing is lost", ui.s.Config.RCON.Address, inFlight.Round(time.Second)))
		}
	}
}

// watchSink notes when a delivery is in flight.
type watchSink struct {
	next  tikcraft.Sink
	since *atomic.Int64
}

func (w *watchSink) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := w.DeliverReply(ctx, a)
	return err
}

// DeliverReply passes on the next sink's answer (tikcraft.Replier).
func (w *watchSink) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	w.since.Store(time.Now().UnixNano())
	defer w.since.Store(0)
	if r, ok := w.next.(tikcraft.Replier); ok {
		return r.DeliverReply(ctx, a)
	}
	return tikcraft.Reply{}, w.next.Deliver(ctx, a)
}

// SinkState passes on the next sink's state (tikcraft.StateReporter).
func (w *watchSink) SinkState() tikcraft.SinkState {
	st, _ := deliver.StateOf(w.next)
	return st
}

// queueTee shows the actions pushed to the queue.
type queueTee struct {
	queue.Queue
	dash *web.Dashboard
}

func (q *queueTee) Push(ctx context.Context, acts ...tikcraft.Action) error {
	err := q.Queue.Push(ctx, acts...)
	if err == nil {
		q.dash.Queued(acts)
	}
	return err
}

// recorderTee shows every delivery outcome and passes everything on to
// the event log, if there is one.
type recorderTee struct {
	next pipeline.Recorder
	dash *web.Dashboard
}

func (r *recorderTee) LogEvent(ctx context.Context, ev tikcraft.Event) {
	if r.next != nil {
		r.next.LogEvent(ctx, ev)
	}
}

func (r *recorderTee) LogDelivery(ctx context.Context, d deliver.Delivery) {
	if r.next != nil {
		r.next.LogDelivery(ctx, d)
	}
	wd := web.Delivery{Item: d.Item, Err: d.Err, Latency: d.Latency, Reply: d.Reply.Text}
	switch d.Outcome {
	case deliver.Parked:
		wd.Result = web.ResultParked
	case deliver.Rejected:
		wd.Result = web.ResultRejected
	case deliver.Retried:
		wd.Result = web.ResultRetrying
	}
	r.dash.Delivered(wd)
}

// Pause and Resume are the dashboard's pause button.
func (ui *webUI) Pause()  { ui.gate.Pause() }
func (ui *webUI) Resume() { ui.gate.Resume() }

// Webhook handles what a Minecraft plugin posts to /webhook.
func (ui *webUI) Webhook(_ context.Context, body []byte) (string, error) {
	h, err := deaths.ParseWebhook(body)
	if err != nil {
		return "", fmt.Errorf("%w: %v", web.ErrInvalid, err)
	}
	mc := ui.s.Config.Minecraft
	means := webhookMapping(mc).Means(h)
	switch {
	case means == "":
		ui.log.Debug("webhook event not mapped to anything; ignored (see minecraft.webhook in docs/WEB.md)", "event", h.Event, "message", h.Message)
	case means == deaths.Ignore:
	case mc.Deaths != config.DeathsWebhook:
		ui.log.Debug("webhook death or respawn ignored: minecraft.deaths is not webhook", "deaths", mc.Deaths, "means", means)
	case means == deaths.Death:
		ui.log.Info("Minecraft: the player died", "player", h.Player, "message", h.Message, "pause_on_death", mc.PauseOnDeathEnabled())
		ui.tracker.Died(h.Player, 1)
	case means == deaths.Respawn:
		ui.log.Info("Minecraft: the player respawned", "player", h.Player)
		ui.tracker.Respawned(h.Player)
	}
	return means, nil
}

func webhookMapping(mc config.Minecraft) deaths.Mapping {
	m := deaths.Mapping{Events: mc.Webhook.Events}
	for _, r := range mc.Webhook.Messages {
		m.Messages = append(m.Messages, deaths.MessageRule{Contains: r.Contains, Means: r.Means})
	}
	return m
}

// Fire runs a test trigger through a fresh engine with the live rules
// (so a test never moves the session's like count, streaks or follow list)
// and pushes its actions into the real queue, marked as a test.
func (ui *webUI) Fire(ctx context.Context, f web.Fire) (web.Fired, error) {
	if err := web.ValidateFire(&f); err != nil {
		return web.Fired{}, err
	}
	if ui.closed.Load() {
		return web.Fired{}, fmt.Errorf("%w: tikcraft is stopping", web.ErrUnavailable)
	}
	ui.fireMu.Lock()
	defer ui.fireMu.Unlock()
	ui.fires++
	rules := ui.s.rules
	file := rules.file()
	cfg := ui.s.engineConfig()
	cfg.FollowOncePerUser, cfg.Likes = false, nil
	now := time.Now()
	meta := tikcraft.Meta{MsgID: fmt.Sprintf("test-%d-%d", now.UnixNano(), ui.fires), Time: now, Test: true}
	user := tikcraft.User{UniqueID: f.User, Nickname: f.User}
	res := web.Fired{User: f.User, Count: f.Count, Actions: []string{}}
	var ev tikcraft.Event
	if ru := file.Lookup(f.Trigger); ru != nil && milestones[actions.Normalize(ru.Trigger)] {
		// first_gift, follow_milestone, viewers_milestone: no single event
		// makes them happen, so the rule runs directly.
		res.Trigger, res.Kind = ru.Trigger, "event"
		var acts []tikcraft.Action
		for range f.Count {
			acts = append(acts, rules.Fire(ru.Trigger, engine.Vars{User: user.Name(), Nickname: user.DisplayName(), Count: 1})...)
		}
		return ui.pushTest(ctx, res, nil, acts)
	} else if ru != nil && ru.Kind != actions.Named {
		// Coin ranges, the catch-all and chat rules: the event that fires them.
		res.Trigger, res.Kind = ru.Trigger, "event"
		ev = testEvent(ru, meta, user, f.Count)
		if _, isGift := ev.(*tikcraft.GiftEvent); isGift {
			res.Kind = "gift"
		}
	} else if lr, ok := likeRule(ui.s.Config, f.Trigger); ok {
		cfg.Likes = []engine.LikeRule{{ID: lr.ID, Every: lr.Every, Function: lr.Function, Payload: lr.Payload}}
		ev = &tikcraft.LikeEvent{Meta: meta, User: user, Count: lr.Every * f.Count}
		res.Trigger, res.Kind = lr.ID, "likes"
		if file.Lookup(lr.Function) == nil {
			return web.Fired{}, fmt.Errorf("%w: like rule %s runs %q, which is not a trigger in %s", web.ErrNotFound, lr.ID, lr.Function, ui.s.ActionsName)
		}
	} else if actions.IsEventTrigger(f.Trigger) {
		name := strings.ToLower(f.Trigger)
		ru := file.Lookup(name)
		if ru == nil {
			return web.Fired{}, fmt.Errorf("%w: %s has no %s rule, so a %s does nothing", web.ErrNotFound, ui.s.ActionsName, name, name)
		}
		res.Trigger, res.Kind, res.Count = ru.Trigger, "event", 1
		switch actions.Normalize(name) {
		case "follow":
			ev = &tikcraft.FollowEvent{Meta: meta, User: user}
		case "share":
			ev = &tikcraft.ShareEvent{Meta: meta, User: user}
		case "join":
			ev = &tikcraft.JoinEvent{Meta: meta, User: user}
		default:
			ev = &tikcraft.SubscribeEvent{Meta: meta, User: user}
		}
	} else {
		g := tikcraft.Gift{Name: f.Trigger, Combo: true}
		if id, err := strconv.ParseInt(f.Trigger, 10, 64); err == nil && id > 0 {
			g = tikcraft.Gift{ID: id, Combo: true}
		}
		ru := file.MatchGift(g.Name, g.ID, 0)
		if ru == nil {
			return web.Fired{}, fmt.Errorf("%w: nothing in %s matches %q: name a trigger of the actions file, a gift name or id, follow, share or a like rule", web.ErrNotFound, ui.s.ActionsName, f.Trigger)
		}
		if g.Name == "" {
			g.Name = ru.Trigger
		}
		res.Trigger, res.Kind = ru.Trigger, "gift"
		ev = &tikcraft.GiftEvent{Meta: meta, User: user, Gift: g, RepeatCount: f.Count, RepeatEnd: true, GroupID: meta.MsgID}
	}
	// Event events once each: the count applies to gifts and like rules.
	n := int64(1)
	if res.Kind == "event" {
		n = f.Count
	}
	// A test shows what the rule does: its cooldowns and audience filters
	// would only hide that.
	eng := engine.New(cfg, testRules{rules}, ui.log)
	var acts []tikcraft.Action
	var evs []tikcraft.Event
	for i := range n {
		e := ev
		if i > 0 {
			e = cloneEvent(ev, fmt.Sprintf("%s-%d", meta.MsgID, i))
		}
		evs = append(evs, e)
		acts = append(acts, eng.Handle(e, now)...)
	}
	acts = append(acts, eng.Flush()...)
	res.Count = f.Count
	return ui.pushTest(ctx, res, evs, acts)
}

// testEvent is the event that fires a rule of a kind other than Named: a
// gift worth its range's lowest value (nothing for the catch-all, which
// no range then takes), or the chat message of a command or keyword.
func testEvent(ru *actions.Rule, meta tikcraft.Meta, user tikcraft.User, count int64) tikcraft.Event {
	switch ru.Kind {
	case actions.ChatCommand:
		return &tikcraft.ChatEvent{Meta: meta, User: user, Text: "!" + ru.Word}
	case actions.ChatKeyword:
		return &tikcraft.ChatEvent{Meta: meta, User: user, Text: ru.Word}
	}
	g := tikcraft.Gift{Name: "tikcraft test gift", Combo: true}
	if ru.Kind == actions.CoinRange {
		g.Diamonds = ru.MinCoins
	}
	return &tikcraft.GiftEvent{Meta: meta, User: user, Gift: g, RepeatCount: count, RepeatEnd: true, GroupID: meta.MsgID}
}

// milestones are the triggers fired by a count reaching a number.
var milestones = map[string]bool{"firstgift": true, "followmilestone": true, "viewersmilestone": true}

// testRules is the live rules as a test firing sees them: without their
// conditions, and without the milestones (a test gift is always someone's
// "first", which would fire first_gift with every test).
type testRules struct{ engine.Rules }

func (testRules) Conditions(string) tikcraft.Conditions { return tikcraft.Conditions{} }

func (r testRules) Has(trigger string) bool {
	return !milestones[actions.Normalize(trigger)] && r.Rules.Has(trigger)
}

// pushTest queues a test's actions, marked as a test, and shows its events.
func (ui *webUI) pushTest(ctx context.Context, res web.Fired, evs []tikcraft.Event, acts []tikcraft.Action) (web.Fired, error) {
	if len(acts) > maxTestActions {
		return web.Fired{}, fmt.Errorf("%w: this would queue %d actions; a test may queue at most %d, so lower the count", web.ErrInvalid, len(acts), maxTestActions)
	}
	for i := range acts {
		acts[i].Source = web.TestSourcePrefix + acts[i].Source
		res.Actions = append(res.Actions, acts[i].String())
	}
	for _, e := range evs {
		ui.dash.Event(e, true)
		if ui.rec != nil {
			ui.rec.LogEvent(ctx, e)
		}
	}
	if len(acts) > 0 {
		if err := ui.q.Push(context.WithoutCancel(ctx), acts...); err != nil {
			return web.Fired{}, fmt.Errorf("queueing the test actions: %w", err)
		}
		ui.dash.Queued(acts)
	}
	return res, nil
}

func cloneEvent(ev tikcraft.Event, msgID string) tikcraft.Event {
	var c tikcraft.Event
	switch e := ev.(type) {
	case *tikcraft.FollowEvent:
		x := *e
		c = &x
	case *tikcraft.ShareEvent:
		x := *e
		c = &x
	case *tikcraft.JoinEvent:
		x := *e
		c = &x
	case *tikcraft.SubscribeEvent:
		x := *e
		c = &x
	case *tikcraft.ChatEvent:
		x := *e
		c = &x
	default:
		return ev
	}
	c.EventMeta().MsgID = msgID
	return c
}

// likeRule finds an enabled like rule by id or by the trigger it runs.
func likeRule(c *config.Config, name string) (config.LikeTrigger, bool) {
	for _, t := range c.Likes.Triggers {
		if t.Enabled() && strings.EqualFold(t.ID, name) {
			return t, true
		}
	}
	for _, t := range c.Likes.Triggers {
		if t.Enabled() && actions.Normalize(t.Function) == actions.Normalize(name) {
			return t, true
		}
	}
	return config.LikeTrigger{}, false
}

// Reload reads the actions file again. The new rules replace the running
// ones only when the file has no errors; otherwise the dashboard shows the
// new file's diagnostics and the old rules keep running.
func (ui *webUI) Reload(context.Context) error {
	if !ui.reloadable {
		return fmt.Errorf("%w: the demo runs the embedded example actions; name your own file (actions: in a config given with -c) to reload it", web.ErrUnavailable)
	}
	ui.reloadMu.Lock()
	defer ui.reloadMu.Unlock()
	src, err := os.ReadFile(ui.actionsAt)
	if err != nil {
		msg := fmt.Sprintf("%s: error: cannot read the actions file: %v; the rules loaded at %s keep running", ui.actionsAt, unwrapPathError(err), ui.rulesTime.Format(time.TimeOnly))
		ui.showRules(ui.s.rules.file(), []string{msg}, msg)
		ui.log.Warn("reload: cannot read the actions file; the running rules stay", "file", ui.actionsAt, "error", unwrapPathError(err))
		return fmt.Errorf("%w: %s", web.ErrInvalid, msg)
	}
	return ui.reload(src)
}

// reload validates src and swaps it in; reloadMu is held.
func (ui *webUI) reload(src []byte) error {
	ui.loaded = src
	cfg := ui.s.Config
	f, adiags := actions.Parse(ui.actionsAt, src, parseOptions(cfg))
	var diags, errs []string
	for _, d := range adiags {
		diags = append(diags, d.String())
		if d.Severity == actions.Error {
			errs = append(errs, d.String())
		}
	}
	for _, t := range cfg.Likes.Triggers {
		if t.Enabled() && f.Lookup(t.Function) == nil {
			diags = append(diags, fmt.Sprintf("%s:%d:%d: warning: like rule %q runs %q, which is not a trigger in %s; it will do nothing", t.File, t.Line, t.Col, t.ID, t.Function, ui.actionsAt))
		}
	}
	if len(errs) > 0 {
		msg := fmt.Sprintf("%s has %d %s; the rules loaded at %s keep running until it is fixed", ui.actionsAt, len(errs), plural(len(errs), "error"), ui.rulesTime.Format(time.TimeOnly))
		ui.showRules(ui.s.rules.file(), diags, msg)
		ui.dash.Note("reload-error", msg)
		ui.log.Warn("the actions file has errors; keeping the running rules", "file", ui.actionsAt, "errors", strings.Join(errs, "\n"))
		return fmt.Errorf("%w: %s:\n%s", web.ErrInvalid, msg, strings.Join(errs, "\n"))
	}
	ui.s.rules.swap(f)
	if ui.s.pack != nil {
		ui.s.pack.update(f)
	}
	ui.rulesTime = time.Now()
	ui.showRules(f, diags, "")
	triggers, commands := f.Stats()
	ui.dash.Note("reload", fmt.Sprintf("reloaded %s: %d %s, %d %s", ui.actionsAt, triggers, plural(triggers, "trigger"), commands, plural(commands, "command")))
	ui.log.Info("reloaded the actions file", "file", ui.actionsAt, "triggers", triggers, "commands", commands, "warnings", len(diags))
	return nil
}

func (ui *webUI) showRules(f *actions.File, diags []string, failure string) {
	ui.dash.SetRules(ui.rulesView(f, diags, failure))
}

func (ui *webUI) rulesView(f *actions.File, diags []string, failure string) web.Rules {
	r := web.Rules{File: ui.s.ActionsName, Loaded: ui.rulesTime, Reloadable: ui.reloadable, Diagnostics: diags, Error: failure}
	likeFns := map[string]bool{}
	for _, t := range ui.s.Config.Likes.Triggers {
		if t.Enabled() {
			r.Likes = append(r.Likes, web.LikeInfo{ID: t.ID, Every: t.Every, Function: t.Function})
			likeFns[actions.Normalize(t.Function)] = true
		}
	}
	for _, ru := range f.Rules() {
		kind := "gift"
		switch {
		case actions.IsEventTrigger(ru.Trigger):
			kind = "event"
		case likeFns[actions.Normalize(ru.Trigger)]:
			kind = "likes"
		}
		ti := web.TriggerInfo{Name: ru.Trigger, Kind: kind, Line: ru.Line}
		for _, c := range ru.Commands {
			ti.Commands = append(ti.Commands, commandText(c))
		}
		r.Triggers = append(r.Triggers, ti)
	}
	return r
}

func commandText(c actions.Command) string {
	s := ""
	switch c.Kind {
	case actions.Minecraft:
		s = "/" + c.Text
	case actions.Plugin:
		s = "!" + c.Text
	case actions.Random:
		s = "$random"
	case actions.Alert:
		s = ">>" + c.Text
	case actions.Wait:
		s = c.Text
	case actions.HTTP, actions.Overlay, actions.OBS:
		s = "$" + c.Text
	}
	if c.Repeat > 1 {
		s += " x" + strconv.Itoa(c.Repeat)
	}
	if c.Over > 0 {
		s += " over " + c.Over.String()
	}
	return s
}

// watchActions reloads the actions file when it changes on disk. It polls
// (portable, and editors that save by replacing the file are seen too) and
// waits until two looks agree, so a file still being written is not read.
func (ui *webUI) watchActions(ctx context.Context) {
	t := time.NewTicker(ui.watchEvery)
	defer t.Stop()
	type look struct {
		mod  time.Time
		size int64
	}
	stat := func() (look, bool) {
		fi, err := os.Stat(ui.actionsAt)
		if err != nil {
			return look{}, false
		}
		return look{fi.ModTime(), fi.Size()}, true
	}
	last, _ := stat()
	pending := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now, ok := stat()
		if !ok {
			continue // being replaced, or deleted: keep the running rules
		}
		if now != last {
			last, pending = now, true
			continue
		}
		if !pending {
			continue
		}
		pending = false
		src, err := os.ReadFile(ui.actionsAt)
		if err != nil {
			continue
		}
		ui.reloadMu.Lock()
		same := bytes.Equal(src, ui.loaded)
		if !same {
			ui.log.Info("the actions file changed; reloading it", "file", ui.actionsAt)
			if err := ui.reload(src); err != nil && !errors.Is(err, web.ErrInvalid) {
				ui.log.Warn("reload failed", "error", err)
			}
		}
		ui.reloadMu.Unlock()
	}
}

// tiktokState shows the TikTok client's state on the dashboard.
func (ui *webUI) tiktokState(st tiktok.State) {
	state := web.TikTokReconnecting
	switch st.Phase {
	case tiktok.PhaseWaiting:
		state = web.TikTokWaiting
	case tiktok.PhaseConnected:
		state = web.TikTokConnected
	case tiktok.PhaseConnecting:
		state = web.TikTokConnecting
	case tiktok.PhaseStopped:
		state = web.TikTokStopped
	}
	detail := ""
	if st.Phase != tiktok.PhaseConnected || st.Err != nil {
		detail = st.String()
	} else if st.RoomID != "" {
		detail = "room " + st.RoomID
	}
	ui.dash.SetTikTok(state, detail)
}
