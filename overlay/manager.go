package overlay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/recent"
)

var _ tikcraft.Sink = (*Manager)(nil)

// Saver keeps the overlay state between runs (the SQLite store).
type Saver interface {
	LoadOverlayState(ctx context.Context) ([]byte, error)
	SaveOverlayState(ctx context.Context, state []byte) error
}

// CounterSaver is a Saver that also keeps the small part of the state the
// overlay actions change (wins, deaths, the timer) in its next commit of
// any kind. The action queue's store is one: the acknowledgement of a
// $wins action is such a commit, so the count and the acknowledgement
// reach the disk together, with no commit of their own.
type CounterSaver interface {
	Saver
	LoadOverlayCounters(ctx context.Context) ([]byte, error)
	// StageOverlayCounters hands state to the next commit; it is on disk
	// once that commit returns, and a few milliseconds later at the
	// latest when no other commit comes.
	StageOverlayCounters(state []byte)
}

// Options configure a Manager.
type Options struct {
	Config Config
	Log    *slog.Logger
	// Saver, if set, restores the state at New and keeps it.
	Saver Saver
	// Publish, if set, gets the whole state after every change (the
	// overlay pages' live stream). It must not call back into the Manager.
	Publish func(Snapshot)
	// Fire, if set, runs a rule of the actions file (timer_end,
	// likegoal_reached). It is called without the Manager's lock held.
	Fire func(trigger string)
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// logOpts are given to the lines that could repeat per alert (tests:
	// a clock for their summaries).
	logOpts []lograte.Option
}

// Manager is the state behind every overlay. It is a tikcraft.Sink for
// alerts and overlay actions, is told about events and deaths, and must
// be ticked (Run, or Tick in tests) for the timer and the alert queue to
// move on. It is safe for concurrent use.
type Manager struct {
	o   Options
	cfg Config
	log *slog.Logger
	now func() time.Time

	mu         sync.Mutex
	alerts     *Alerts
	named      map[string]*Alerts // the alerts of named overlays (@name>>), by name
	sounds     *Sounds
	goal       *LikeGoal
	goals      *goals
	likes      likeCounter
	goalOffset int64 // subtracted from the like total before the goal sees it
	timer      *Timer
	wins       int64
	deaths     int64
	feed       *Feed
	top        *Top
	liveEnded  bool // a stream end was seen: the next LIVE resets
	seen       *recent.IDs
	dirty      bool  // changed since the last save
	seq        int64 // counts changes; saved, so the newer of two saved documents wins
	shown      int64 // seq of the last snapshot published

	kick    chan struct{} // a change waits to be published
	dropped *lograte.Line // "too many alerts waiting", at most once a minute
	unnamed *lograte.Line // "too many named alert overlays", likewise
}

// frame is how often the pages get the state at most: one snapshot per
// frame whatever the events per second. Twenty a second looks as smooth on
// a counter or the feed (the alerts and the timer animate in the page) and
// costs two thirds of thirty's snapshots, sends and wake-ups at 100 events
// a second, where every frame has a change (docs/PERFORMANCE.md).
const frame = time.Second / 20

// New returns the overlays' state, restored from o.Saver when it holds
// one. A saved state that cannot be read is logged and replaced.
func New(ctx context.Context, o Options) *Manager {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Manager{o: o, cfg: o.Config.fill(), log: o.Log, now: o.Now, seen: recent.New(seenRing), kick: make(chan struct{}, 1)}
	m.dropped = lograte.New(m.log, slog.LevelWarn, "too many alerts waiting: the oldest is dropped (overlays.alerts.max_queue)", o.logOpts...)
	m.unnamed = lograte.New(m.log, slog.LevelWarn, "too many named alert overlays: this alert is dropped", o.logOpts...)
	now := m.now()
	m.alerts = NewAlerts(m.cfg.Alerts)
	m.sounds = NewSounds(now)
	m.goal = NewLikeGoal(m.cfg.LikeGoal)
	m.goals = newGoals(m.cfg.Goals)
	m.timer = NewTimer(m.cfg.Timer.Start, now)
	m.feed = NewFeed(m.cfg.Feed)
	m.top = NewTop(m.cfg.Top)
	if o.Saver != nil {
		b, err := o.Saver.LoadOverlayState(ctx)
		switch {
		case err != nil:
			m.log.Warn("could not read the saved overlay state; the overlays start from zero", "error", err)
		case len(b) > 0:
			if err := m.restore(b, now); err != nil {
				m.log.Warn("the saved overlay state is damaged; the overlays start from zero", "error", err)
			}
		}
		if cs, ok := o.Saver.(CounterSaver); ok {
			b, err := cs.LoadOverlayCounters(ctx)
			switch {
			case err != nil:
				m.log.Warn("could not read the saved overlay counters; wins, deaths and the timer are as saved a second before", "error", err)
			case len(b) > 0:
				if err := m.restoreCounters(b, now); err != nil {
					m.log.Warn("the saved overlay counters are damaged; wins, deaths and the timer are as saved a second before", "error", err)
				}
			}
		}
	}
	m.shown = -1
	return m
}

// saved is the state kept between runs. The alert queue is not: alerts
// not yet shown are still in the action queue.
type saved struct {
	Version    int         `json:"version"`
	Wins       int64       `json:"wins"`
	Deaths     int64       `json:"deaths"`
	Timer      timerState  `json:"timer"`
	Goal       LikeGoal    `json:"likegoal"`
	Likes      likeCounter `json:"likes"`
	GoalOffset int64       `json:"goal_offset"`
	Feed       Feed        `json:"feed"`
	Top        []Gifter    `json:"top"`
	LiveEnded  bool        `json:"live_ended"`
	Goals      []goalSaved `json:"goals,omitempty"`
	Seq        int64       `json:"seq,omitempty"`
}

// counters is the part of the state overlay actions change, saved with
// the queue's commits (CounterSaver); the full document is saved once a
// second. Of the two, the one with the higher Seq is the newer.
type counters struct {
	Seq    int64      `json:"seq"`
	Wins   int64      `json:"wins"`
	Deaths int64      `json:"deaths"`
	Timer  timerState `json:"timer"`
}

func (m *Manager) restore(b []byte, now time.Time) error {
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s.Version != 1 {
		return fmt.Errorf("unknown overlay state version %d", s.Version)
	}
	m.wins, m.deaths = max(s.Wins, 0), max(s.Deaths, 0)
	m.timer.restore(s.Timer, now)
	if s.Goal.Goal > s.Goal.Base && s.Goal.Likes >= 0 {
		m.goal.Likes, m.goal.Base, m.goal.Goal, m.goal.Reached = s.Goal.Likes, s.Goal.Base, s.Goal.Goal, s.Goal.Reached
	}
	m.likes, m.goalOffset = s.Likes, s.GoalOffset
	m.feed.NextID = s.Feed.NextID
	m.feed.Items = s.Feed.Items
	if len(m.feed.Items) > m.feed.size {
		m.feed.Items = m.feed.Items[len(m.feed.Items)-m.feed.size:]
	}
	for i := range m.feed.Items { // saved by a version that kept them as they came
		it := &m.feed.Items[i]
		it.User, it.Text = actions.DisplayText(it.User), actions.DisplayText(it.Text)
	}
	m.top.restore(s.Top)
	m.liveEnded = s.LiveEnded
	m.goals.restore(s.Goals)
	m.seq = max(s.Seq, 0)
	return nil
}

// restoreCounters takes wins, deaths and the timer from the counters
// document when it is newer than the full one.
func (m *Manager) restoreCounters(b []byte, now time.Time) error {
	var c counters
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	if c.Seq <= m.seq {
		return nil
	}
	m.wins, m.deaths, m.seq = max(c.Wins, 0), max(c.Deaths, 0), c.Seq
	m.timer.restore(c.Timer, now)
	return nil
}

func (m *Manager) encode(now time.Time) ([]byte, error) {
	return json.Marshal(saved{
		Version: 1, Wins: m.wins, Deaths: m.deaths, Timer: m.timer.save(now),
		Goal: *m.goal, Likes: m.likes, GoalOffset: m.goalOffset,
		Feed: Feed{NextID: m.feed.NextID, Items: m.feed.Items}, Top: m.top.save(), LiveEnded: m.liveEnded,
		Goals: m.goals.save(),
		Seq:   m.seq,
	})
}

// Save writes the state now if it changed since the last save.
func (m *Manager) Save(ctx context.Context) error {
	if m.o.Saver == nil {
		return nil
	}
	m.mu.Lock()
	if !m.dirty {
		m.mu.Unlock()
		return nil
	}
	b, err := m.encode(m.now())
	m.dirty = false
	m.mu.Unlock()
	if err == nil {
		err = m.o.Saver.SaveOverlayState(ctx, b)
	}
	if err != nil {
		m.mu.Lock()
		m.dirty = true
		m.mu.Unlock()
		return fmt.Errorf("saving the overlay state: %w", err)
	}
	return nil
}

// Run ticks the timer and the alerts until ctx ends, publishes the state
// to the pages at most once a frame (1/20 s) while it changes, and saves
// what changed about once a second and at the end. It wakes only when
// something is due (an alert or the timer ends, an unsaved change is a
// second old) or changes: an idle LIVE costs it nothing, where a ticker
// woke it ten times a second for nothing on most of them.
func (m *Manager) Run(ctx context.Context) {
	lastSave := m.now()
	wake := time.NewTimer(m.untilDue(lastSave))
	defer wake.Stop()
	// A change goes out at once if the last snapshot is a frame old;
	// otherwise frameEnd is set and the changes wait for the frame's end,
	// so a thousand events a second cost twenty snapshots, and a lone
	// change costs one wake-up, not a second one to find nothing new.
	var lastPub time.Time
	var frameEnd <-chan time.Time
	publish := func() {
		if m.Publish() {
			lastPub = time.Now()
		}
	}
	for {
		select {
		case <-ctx.Done():
			m.Publish()
			if err := m.Save(context.WithoutCancel(ctx)); err != nil {
				m.log.Warn("the overlay state was not saved", "error", err)
			}
			return
		case <-m.kick:
			switch since := time.Since(lastPub); {
			case frameEnd != nil:
			case since >= frame:
				publish()
			default:
				frameEnd = time.After(frame - since)
			}
		case <-frameEnd:
			frameEnd = nil
			publish()
		case <-wake.C:
			m.Tick()
			if now := m.now(); now.Sub(lastSave) >= time.Second {
				lastSave = now
				if err := m.Save(ctx); err != nil && ctx.Err() == nil {
					m.log.Warn("the overlay state was not saved; trying again", "error", err)
				}
			}
		}
		wake.Reset(m.untilDue(lastSave))
	}
}

// idleWake is how long Run sleeps when nothing is due: any change wakes it
// (kick) before that.
const idleWake = time.Hour

// untilDue is how long Run may sleep: until the alert on screen or the
// running timer ends (tickLocked has work then, and none before), or a
// second after lastSave while a change is not saved (a failed save is
// tried again so).
func (m *Manager) untilDue(lastSave time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	d := idleWake
	due := func(at time.Time) { d = min(d, max(at.Sub(now), 0)) }
	if at, ok := m.alerts.Ends(); ok {
		due(at)
	}
	for _, a := range m.named {
		if at, ok := a.Ends(); ok {
			due(at)
		}
	}
	if m.timer.Running() {
		due(now.Add(m.timer.Left(now)))
	}
	if m.dirty && m.o.Saver != nil {
		due(lastSave.Add(time.Second))
	}
	return d
}

// Close says the counts of dropped alerts held for the next minute's
// summary, once nothing delivers to the overlays any more: Deliver works
// with or without Run (a replay has no pages), so Run's end is not the
// lines' end. Alerts dropped after Close are not logged.
func (m *Manager) Close() {
	m.dropped.Close()
	m.unnamed.Close()
}

// Publish hands the state to Options.Publish if it changed since the last
// time, and reports whether it did. Run calls it once a frame while the
// state changes.
func (m *Manager) Publish() bool {
	if m.o.Publish == nil {
		return false
	}
	m.mu.Lock()
	if m.seq == m.shown {
		m.mu.Unlock()
		return false
	}
	m.shown = m.seq
	snap := m.snapshotLocked(m.now())
	m.mu.Unlock()
	m.o.Publish(snap)
	return true
}

// change runs f under the lock; f returns whether it changed anything and
// which triggers to fire. A change is published at the next frame (Run);
// one to wins, deaths or the timer is handed to a CounterSaver at once.
// The triggers are fired outside the lock.
func (m *Manager) change(f func(now time.Time) (bool, []string)) {
	m.mu.Lock()
	now := m.now()
	before := m.countersLocked()
	changed, fire := f(now)
	fire = append(fire, m.tickLocked(now, &changed)...)
	var stage []byte
	if changed {
		m.dirty = true
		m.seq++
		if cs, ok := m.o.Saver.(CounterSaver); ok && m.countersLocked() != before {
			stage, _ = json.Marshal(counters{Seq: m.seq, Wins: m.wins, Deaths: m.deaths, Timer: m.timer.save(now)})
			cs.StageOverlayCounters(stage)
		}
	}
	m.mu.Unlock()
	if changed {
		select {
		case m.kick <- struct{}{}:
		default:
		}
	}
	if m.o.Fire != nil {
		for _, t := range fire {
			m.o.Fire(t)
		}
	}
}

// countedState is what a counters document holds, to tell whether a
// change touched it; mu is held.
type countedState struct {
	wins, deaths int64
	timer        Timer
}

func (m *Manager) countersLocked() countedState {
	return countedState{m.wins, m.deaths, *m.timer}
}

// tickLocked moves the timer and the alerts on; mu is held.
func (m *Manager) tickLocked(now time.Time, changed *bool) []string {
	var fire []string
	if m.alerts.Tick(now) {
		*changed = true
	}
	for _, a := range m.named {
		if a.Tick(now) {
			*changed = true
		}
	}
	if m.timer.Tick(now) {
		*changed = true
		fire = append(fire, TriggerTimerEnd)
		if m.cfg.Timer.WinOnEnd {
			m.wins++
		}
		m.log.Info("the challenge timer reached zero", "wins", m.wins)
	}
	return fire
}

// Tick moves the timer and the alert queue on to now.
func (m *Manager) Tick() {
	m.change(func(time.Time) (bool, []string) { return false, nil })
}

// Deliver carries out an alert or an overlay action (tikcraft.Sink).
// Other actions are rejected. An overlay action is never lost by a crash:
// with a CounterSaver (the queue's store) its result is staged before
// Deliver returns and reaches the disk no later than the commit that
// acknowledges the action, normally in that same commit, so a kill repeats
// it at most as it repeats a command; with another Saver it is saved
// before Deliver returns.
func (m *Manager) Deliver(ctx context.Context, a tikcraft.Action) error {
	switch a.Kind {
	case tikcraft.KindAlert:
		m.change(func(now time.Time) (bool, []string) {
			al := Alert{Title: actions.DisplayText(a.Alert.Title), Subtitle: actions.DisplayText(a.Alert.Subtitle), Seconds: a.Alert.Seconds}
			if s := a.Sound(); actions.ValidSoundName(s) {
				al.Sound = s
			}
			q := m.alertsFor(a.AlertName())
			if q == nil {
				m.unnamed.Log("name", a.AlertName(), "title", al.Title, "limit", maxNamedAlerts)
				return false, nil
			}
			if d := q.Push(al, now); d != nil {
				m.dropped.Log("title", d.Title, "subtitle", d.Subtitle, "max_queue", m.cfg.Alerts.MaxQueue)
			}
			return true, nil
		})
		return nil
	case tikcraft.KindOverlay:
	default:
		return fmt.Errorf("%w: the overlay cannot carry out a %q action", tikcraft.ErrRejected, a.Kind)
	}
	op, err := actions.ParseOverlay(a.Command)
	if err != nil {
		return fmt.Errorf("%w: %v", tikcraft.ErrRejected, err)
	}
	if op.Target == "sound" {
		// A sound is a moment: nothing to save.
		m.change(func(now time.Time) (bool, []string) {
			m.sounds.Push(Sound{File: op.File, Volume: op.Volume, Overlap: op.Overlap}, now)
			return true, nil
		})
		return nil
	}
	m.change(func(now time.Time) (bool, []string) { return m.applyLocked(op, now), nil })
	if _, staged := m.o.Saver.(CounterSaver); !staged {
		if err := m.Save(ctx); err != nil {
			m.log.Warn("the overlay state was not saved; it is tried again in a second", "error", err)
		}
	}
	return nil
}

// maxNamedAlerts bounds the named alert overlays (@name>>); names come
// from the actions file, so more means a mistake.
const maxNamedAlerts = 64

// alertsFor returns the alert line of the overlay name ("" the default
// one, /overlay/alerts), or nil beyond maxNamedAlerts; mu is held. Each
// named overlay has its own line, as in Tiktok2Mc.
func (m *Manager) alertsFor(name string) *Alerts {
	if name == "" {
		return m.alerts
	}
	if a := m.named[name]; a != nil {
		return a
	}
	if len(m.named) >= maxNamedAlerts {
		return nil
	}
	if m.named == nil {
		m.named = map[string]*Alerts{}
	}
	a := NewAlerts(m.cfg.Alerts)
	m.named[name] = a
	return a
}

func (m *Manager) applyLocked(op actions.OverlayOp, now time.Time) bool {
	counter := &m.wins
	switch op.Target {
	case "timer":
		switch op.Verb {
		case "add":
			m.timer.Add(time.Duration(op.Amount)*time.Second, now)
		case "reset":
			m.timer.Reset(now)
		case "pause":
			m.timer.Pause(now)
		case "resume":
			m.timer.Resume(now)
		}
		return true
	case "deaths":
		counter = &m.deaths
	}
	if op.Verb == "reset" {
		*counter = 0
	} else {
		*counter = max(*counter+op.Amount, 0)
	}
	return true
}

// Died counts a death in Minecraft (the death source) and, when
// configured, starts the timer again.
func (m *Manager) Died() {
	m.change(func(now time.Time) (bool, []string) {
		m.deaths++
		if m.cfg.Timer.ResetOnDeath {
			m.timer.Reset(now)
		}
		return true, nil
	})
}

// Event updates the like goal, the feed and the top gifters. Test events
// (the dashboard's test panel) and repeated messages count nothing. The
// first event after a stream end starts a new LIVE, which resets the parts
// overlays.new_live_reset names.
func (m *Manager) Event(ev tikcraft.Event) {
	if ev == nil || ev.EventMeta().Test {
		return
	}
	m.change(func(now time.Time) (bool, []string) {
		changed := false
		switch ev.(type) {
		case *tikcraft.StreamEndEvent:
			if !m.liveEnded {
				m.liveEnded, changed = true, true
			}
			return changed, nil
		case *tikcraft.DisconnectEvent, *tikcraft.ViewersEvent:
			return false, nil
		}
		if m.liveEnded {
			m.liveEnded, changed = false, true
			m.newLiveLocked(now)
		}
		if !m.seen.Add(tikcraft.MessageKey(ev)) {
			return changed, nil
		}
		var fire []string
		switch e := ev.(type) {
		case *tikcraft.LikeEvent:
			total := m.likes.add(e.Count, e.Total)
			if n := m.goal.Set(total - m.goalOffset); n > 0 {
				m.log.Info("like goal reached", "goals_reached", m.goal.Reached, "next_goal", m.goal.Goal)
				for range min(n, maxFiresPerUpdate) {
					fire = append(fire, TriggerLikeGoalReached)
				}
			}
			changed = true
		case *tikcraft.GiftEvent:
			if m.top.Add(e) {
				changed = true
			}
		}
		if moved, reached := m.goals.event(ev, m.likes.Session); moved {
			changed = true
			fire = append(fire, reached...)
		}
		if m.feed.Add(ev) {
			changed = true
		}
		return changed, fire
	})
}

// newLiveLocked resets what a new LIVE resets. The room's like total
// starts again, so the like counter does too; a like goal that is kept
// goes on from where it was.
func (m *Manager) newLiveLocked(now time.Time) {
	m.log.Info("a new LIVE started: resetting the overlays of overlays.new_live_reset", "reset", strings.Join(m.cfg.NewLiveReset, ","))
	m.likes = likeCounter{}
	m.goalOffset = -m.goal.Likes
	m.goals.newLive()
	for _, p := range m.cfg.NewLiveReset {
		m.resetLocked(p, now)
	}
}

// ErrUnknownPart is returned by Reset for a name that is not a part.
var ErrUnknownPart = errors.New("unknown overlay")

// Reset sets parts back to their start (Parts lists them): the timer to
// overlays.timer.start, counters to zero, the like goal to the first goal,
// the feed and top list empty.
func (m *Manager) Reset(ctx context.Context, parts ...string) error {
	for _, p := range parts {
		if !slices.Contains(Parts(), p) && !m.goals.isGoalPart(p) {
			return fmt.Errorf("%w %q: name %s", ErrUnknownPart, p, strings.Join(append(Parts(), m.goalParts()...), ", "))
		}
	}
	m.change(func(now time.Time) (bool, []string) {
		for _, p := range parts {
			m.resetLocked(p, now)
		}
		return len(parts) > 0, nil
	})
	return m.Save(ctx)
}

func (m *Manager) resetLocked(part string, now time.Time) {
	switch part {
	case PartTimer:
		m.timer = NewTimer(m.cfg.Timer.Start, now)
	case PartWins:
		m.wins = 0
	case PartDeaths:
		m.deaths = 0
	case PartLikeGoal:
		m.goal.Reset()
		m.goalOffset = m.likes.Session
	case PartFeed:
		m.feed.Reset()
	case PartTop:
		m.top.Reset()
	default:
		m.goals.resetPart(part, m.likes.Session)
	}
}

// Snapshot is everything the overlay pages show. Viewer text (titles,
// names, chat) is data: the pages insert it with textContent.
type Snapshot struct {
	Alert *AlertView `json:"alert"`
	// Alerts are the alerts on screen of the named alert overlays
	// (/overlay/alerts?name=NAME), by name.
	Alerts   map[string]*AlertView `json:"alerts,omitempty"`
	Sounds   []Sound               `json:"sounds"` // the $sound actions of the last moments
	LikeGoal LikeGoalView          `json:"likegoal"`
	Timer    TimerView             `json:"timer"`
	Wins     int64                 `json:"wins"`
	Deaths   int64                 `json:"deaths"`
	Feed     []FeedItem            `json:"feed"`
	Top      []Gifter              `json:"top"`
	Goals    map[string]GoalView   `json:"goals"` // overlays.goals by id
}

// AlertView is the alert on screen and how long it still shows.
type AlertView struct {
	Alert
	LeftMS    int64 `json:"left_ms"`
	FadeInMS  int64 `json:"fade_in_ms"`
	FadeOutMS int64 `json:"fade_out_ms"`
}

// LikeGoalView is the like goal's bar.
type LikeGoalView struct {
	Label   string `json:"label"`
	Have    int64  `json:"have"` // likes toward the current goal
	Need    int64  `json:"need"` // likes the current goal needs
	Likes   int64  `json:"likes"`
	Goal    int64  `json:"goal"`
	Reached int64  `json:"reached"`
}

// TimerView is the timer: the page counts down from LeftMS while Running.
type TimerView struct {
	LeftMS  int64 `json:"left_ms"`
	StartMS int64 `json:"start_ms"`
	Running bool  `json:"running"`
	Paused  bool  `json:"paused"`
	Ended   bool  `json:"ended"`
}

// Snapshot returns the state now.
func (m *Manager) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.snapshotLocked(m.now())
}

func (m *Manager) snapshotLocked(now time.Time) Snapshot {
	s := Snapshot{Wins: m.wins, Deaths: m.deaths, Feed: slices.Clone(m.feed.Items), Top: m.top.List(), Sounds: m.sounds.View(now)}
	if s.Feed == nil {
		s.Feed = []FeedItem{}
	}
	view := func(a *Alerts) *AlertView {
		if al, left, ok := a.Current(now); ok {
			return &AlertView{Alert: al, LeftMS: left.Milliseconds(), FadeInMS: m.cfg.Alerts.FadeIn.Milliseconds(), FadeOutMS: m.cfg.Alerts.FadeOut.Milliseconds()}
		}
		return nil
	}
	s.Alert = view(m.alerts)
	for name, a := range m.named {
		if v := view(a); v != nil {
			if s.Alerts == nil {
				s.Alerts = map[string]*AlertView{}
			}
			s.Alerts[name] = v
		}
	}
	have, need := m.goal.Progress()
	s.LikeGoal = LikeGoalView{Label: m.goal.Label(), Have: have, Need: need, Likes: m.goal.Likes, Goal: m.goal.Goal, Reached: m.goal.Reached}
	s.Goals = m.goals.view()
	s.Timer = TimerView{LeftMS: m.timer.Left(now).Milliseconds(), StartMS: m.timer.Start().Milliseconds(), Running: m.timer.Running(), Paused: m.timer.Paused(), Ended: m.timer.Ended()}
	return s
}
