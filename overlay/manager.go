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
	"github.com/tikcraft/tikcraft/recent"
)

var _ tikcraft.Sink = (*Manager)(nil)

// Saver keeps the overlay state between runs (the SQLite store).
type Saver interface {
	LoadOverlayState(ctx context.Context) ([]byte, error)
	SaveOverlayState(ctx context.Context, state []byte) error
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
	dirty      bool // changed since the last save
}

// New returns the overlays' state, restored from o.Saver when it holds
// one. A saved state that cannot be read is logged and replaced.
func New(ctx context.Context, o Options) *Manager {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Manager{o: o, cfg: o.Config.fill(), log: o.Log, now: o.Now, seen: recent.New(seenRing)}
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
	}
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
	m.top.restore(s.Top)
	m.liveEnded = s.LiveEnded
	m.goals.restore(s.Goals)
	return nil
}

func (m *Manager) encode(now time.Time) ([]byte, error) {
	return json.Marshal(saved{
		Version: 1, Wins: m.wins, Deaths: m.deaths, Timer: m.timer.save(now),
		Goal: *m.goal, Likes: m.likes, GoalOffset: m.goalOffset,
		Feed: Feed{NextID: m.feed.NextID, Items: m.feed.Items}, Top: m.top.save(), LiveEnded: m.liveEnded,
		Goals: m.goals.save(),
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

// Run ticks the timer and the alerts until ctx ends, and saves what
// changed about once a second and at the end.
func (m *Manager) Run(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	lastSave := m.now()
	for {
		select {
		case <-ctx.Done():
			if err := m.Save(context.WithoutCancel(ctx)); err != nil {
				m.log.Warn("the overlay state was not saved", "error", err)
			}
			return
		case <-t.C:
		}
		m.Tick()
		if now := m.now(); now.Sub(lastSave) >= time.Second {
			lastSave = now
			if err := m.Save(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("the overlay state was not saved; trying again", "error", err)
			}
		}
	}
}

// change runs f under the lock; f returns whether it changed anything and
// which triggers to fire. The state is then published and the triggers
// fired, outside the lock.
func (m *Manager) change(f func(now time.Time) (bool, []string)) {
	m.mu.Lock()
	now := m.now()
	changed, fire := f(now)
	fire = append(fire, m.tickLocked(now, &changed)...)
	var snap Snapshot
	if changed {
		m.dirty = true
		snap = m.snapshotLocked(now)
	}
	m.mu.Unlock()
	if changed && m.o.Publish != nil {
		m.o.Publish(snap)
	}
	if m.o.Fire != nil {
		for _, t := range fire {
			m.o.Fire(t)
		}
	}
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
// Other actions are rejected. An overlay action is saved before Deliver
// returns, so a crash repeats it at most (the queue delivers again what
// was not acknowledged) and never loses it.
func (m *Manager) Deliver(ctx context.Context, a tikcraft.Action) error {
	switch a.Kind {
	case tikcraft.KindAlert:
		m.change(func(now time.Time) (bool, []string) {
			al := Alert{Title: a.Alert.Title, Subtitle: a.Alert.Subtitle, Seconds: a.Alert.Seconds}
			if s := a.Sound(); actions.ValidSoundName(s) {
				al.Sound = s
			}
			q := m.alertsFor(a.AlertName())
			if q == nil {
				m.log.Warn("too many named alert overlays: this alert is dropped", "name", a.AlertName(), "title", al.Title, "limit", maxNamedAlerts)
				return false, nil
			}
			if d := q.Push(al, now); d != nil {
				m.log.Warn("too many alerts waiting: the oldest is dropped (overlays.alerts.max_queue)", "title", d.Title, "subtitle", d.Subtitle, "max_queue", m.cfg.Alerts.MaxQueue)
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
	if err := m.Save(ctx); err != nil {
		m.log.Warn("the overlay state was not saved; it is tried again in a second", "error", err)
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
		if id := ev.EventMeta().MsgID; id != "" && !m.seen.Add(string(ev.Type())+":"+id) {
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
