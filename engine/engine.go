// Package engine turns events into actions: it tracks gift streaks so that
// exactly one rule firing happens per gift sent, drops duplicate messages,
// counts likes against like rules, deduplicates follows and matches triggers.
//
// The engine is synchronous and deterministic: the caller passes the current
// time with every call (wall clock live, the events' own time in replay), so
// a replay gives the same actions at any speed. It is not safe for concurrent
// use; the pipeline owns it from one goroutine.
package engine

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/recent"
)

// Rules is the actions file as the engine sees it.
type Rules interface {
	// MatchGift returns the trigger for a gift (by name, then id, then its
	// diamonds per gift, then a catch-all), or "" when no rule matches.
	MatchGift(g tikcraft.Gift) string
	// MatchChat returns the trigger a chat message fires (a chat command
	// or keyword), or "".
	MatchChat(text string) string
	// Rule returns trigger's rule (follow, share, a like function...), or
	// nil when the actions file has none. The engine looks a rule up once
	// per firing.
	Rule(trigger string) Rule
}

// Rule is one rule of the actions file.
type Rule interface {
	// Conditions returns the rule's cooldowns and audience filters.
	Conditions() tikcraft.Conditions
	// Fire expands one firing into the actions it causes.
	Fire(v Vars) []tikcraft.Action
}

// Vars are the values a firing can use in placeholders. The actions layer
// sanitizes them; the engine passes them raw.
type Vars struct {
	User     string // {user}
	Nickname string // {nickname}
	Gift     string // {gift}
	Count    int64  // {count}: gifts or likes in this batch
	Coins    int64  // {coins}: diamonds of the gift × Count
	Message  string // {message}: the chat message
}

// Gift modes.
const (
	ModeFinal = "final" // one batch per streak, with the final count
	ModeLive  = "live"  // a batch per update, with the delta since the last one
)

// LikeRule fires Function once for every Every likes of the session, or
// with PerUser once for every Every likes of the same viewer.
type LikeRule struct {
	ID       string
	Every    int64
	Function string
	Payload  string // stands in for {user}; "" uses the liker who crossed the threshold
	PerUser  bool
}

// Config tunes the engine. Zero values take the documented defaults.
type Config struct {
	Mode              string
	StreakTimeout     time.Duration
	MaxRepeat         int64
	FollowOncePerUser bool
	Likes             []LikeRule
	// MaxStreaks bounds streak bookkeeping; beyond it the oldest streaks
	// are flushed early. Default 100000.
	MaxStreaks int
	// SeenIDs is how many recent message ids are remembered to drop
	// duplicates. Default 65536.
	SeenIDs int
	// MaxSettled is how many settled streaks are remembered (by their
	// fired count) for the whole LIVE, so that a late end or update of one
	// adds only gifts not yet fired; beyond it the oldest are forgotten.
	// Default 100000.
	MaxSettled int
	// FollowMilestones fire follow_milestone when the stream's Nth follow
	// arrives (after follows.once_per_user), with {count} N.
	FollowMilestones []int64
	// ViewerMilestones fire viewers_milestone the first time this stream
	// the viewer count reaches N, with {count} N.
	ViewerMilestones []int64
	// MaxViewers bounds the per-viewer bookkeeping of a LIVE (diamonds
	// sent, likes, cooldowns, followers); beyond it the oldest viewers
	// are forgotten. Default 100000.
	MaxViewers int
	// FollowForever keeps FollowOncePerUser's followers across LIVEs
	// (follows.remember: forever): a viewer's follow fires once ever.
	FollowForever bool
	// Chat are the chat commands with arguments (engine/chatcmd.go).
	Chat ChatCommands
}

// Engine is the event → action stage.
type Engine struct {
	cfg   Config
	rules Rules
	log   *slog.Logger

	seen    *recent.IDs
	streaks map[streakKey]*streak
	settled *settledSet
	// track is the change tracking behind Changes, nil until Restore.
	track   *changes
	likes   likeCounter
	follows *lru[struct{}]
	warned  map[string]*lograte.Line // lines that could come with every event, by reason (sayOnce) or key
	logOpts []lograte.Option         // for those lines (tests: a clock)

	// now is the time of the event being handled (or of the last Tick):
	// cooldowns are measured in it.
	now time.Time
	// session is the per-LIVE state of conditions and milestones.
	session session
	// room is the LIVE (TikTok's room id) the session belongs to, saved
	// with the state: a connection to another room after a restart means
	// the LIVE before ended while tikcraft was not running.
	room string

	nextScan time.Time // Handle scans streaks for timeouts at most this often
}

// maybeTick runs Tick at most every tenth of streak_timeout of event time, so
// that handling an event stays O(1) with many streaks open.
func (e *Engine) maybeTick(now time.Time) []tikcraft.Action {
	if now.Before(e.nextScan) {
		return nil
	}
	e.nextScan = now.Add(e.cfg.StreakTimeout / 10)
	return e.Tick(now)
}

// New returns an engine. log may be nil.
func New(cfg Config, rules Rules, log *slog.Logger) *Engine {
	if cfg.Mode == "" {
		cfg.Mode = ModeFinal
	}
	if cfg.StreakTimeout <= 0 {
		cfg.StreakTimeout = 10 * time.Second
	}
	if cfg.MaxRepeat <= 0 {
		cfg.MaxRepeat = 1000
	}
	if cfg.MaxStreaks <= 0 {
		cfg.MaxStreaks = 100000
	}
	if cfg.SeenIDs <= 0 {
		cfg.SeenIDs = 1 << 16
	}
	if cfg.MaxSettled <= 0 {
		cfg.MaxSettled = 100000
	}
	if cfg.MaxViewers <= 0 {
		cfg.MaxViewers = 100000
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{cfg: cfg, rules: rules, log: log, seen: recent.New(cfg.SeenIDs), warned: map[string]*lograte.Line{}}
	e.resetSession()
	return e
}

func (e *Engine) resetSession() {
	e.streaks = map[streakKey]*streak{}
	e.settled = newSettledSet(e.cfg.MaxSettled)
	if e.track != nil {
		e.track.reset()
	}
	e.likes = likeCounter{fired: make([]int64, len(e.cfg.Likes))}
	e.resetFollows()
	e.session = newSession(e.cfg)
}

// Handle processes one event and returns the actions it causes, in order.
// It never panics: a failure is logged with the event and yields no actions,
// so one bad event never stops the others.
func (e *Engine) Handle(ev tikcraft.Event, now time.Time) (out []tikcraft.Action) {
	if ev == nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("an event could not be processed; skipping it and carrying on",
				"event", describe(ev), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			out = nil
		}
	}()
	if !e.seen.Add(tikcraft.MessageKey(ev)) {
		e.log.Debug("duplicate message dropped", "event", describe(ev))
		return nil
	}
	out = e.maybeTick(now)
	e.now = now
	switch ev := ev.(type) {
	case *tikcraft.GiftEvent:
		out = append(out, e.gift(ev, now)...)
	case *tikcraft.LikeEvent:
		out = append(out, e.like(ev)...)
	case *tikcraft.FollowEvent:
		out = append(out, e.follow(ev)...)
	case *tikcraft.ShareEvent:
		out = append(out, e.fire("share", &ev.User, Vars{}, 1, "share", false)...)
	case *tikcraft.JoinEvent:
		out = append(out, e.fire("join", &ev.User, Vars{}, 1, "join", false)...)
	case *tikcraft.SubscribeEvent:
		out = append(out, e.fire("subscribe", &ev.User, Vars{}, 1, "subscribe", false)...)
	case *tikcraft.ChatEvent:
		out = append(out, e.chat(ev)...)
	case *tikcraft.ViewersEvent:
		out = append(out, e.viewers(ev)...)
	case *tikcraft.ConnectEvent:
		out = append(out, e.connect(ev)...)
	case *tikcraft.StreamEndEvent:
		out = append(out, e.Flush()...)
		e.resetSession()
	}
	return out
}

// Duplicate reports whether Handle would drop ev as a message TikTok sent
// twice: one of its type with its msg_id was handled already. The
// pipeline asks before Handle, so that the console marks it.
func (e *Engine) Duplicate(ev tikcraft.Event) bool {
	return ev != nil && e.seen.Has(tikcraft.MessageKey(ev))
}

// connect notes the LIVE's room. Another room than the session's means a
// new LIVE whose stream end tikcraft did not see (it was stopped or killed
// meanwhile): what the last one left open is settled, and the new one
// starts as after a stream end. A reconnect to the same room goes on.
func (e *Engine) connect(ev *tikcraft.ConnectEvent) []tikcraft.Action {
	if ev.RoomID == "" || ev.RoomID == e.room {
		return nil
	}
	var out []tikcraft.Action
	if e.room != "" {
		e.log.Info("a new LIVE: its room differs from the last one's; starting a new session", "room", ev.RoomID, "last_room", e.room)
		out = e.Flush()
		e.resetSession()
	}
	e.room = ev.RoomID
	if e.track != nil {
		e.track.room = true
	}
	return out
}

// fire runs trigger n times (one firing per gift, follow, like threshold...)
// for u, with v's Gift, Coins and Message, and v's Count when set (a
// milestone's number; else n); it fills in the rest of v. The
// trigger's conditions decide: a viewer its filters leave out fires
// nothing; during a cooldown a paid firing (a gift) is delayed until the
// cooldown ends, any other is skipped.
func (e *Engine) fire(trigger string, u *tikcraft.User, v Vars, n int64, source string, paid bool) []tikcraft.Action {
	if n <= 0 || trigger == "" {
		return nil
	}
	rule := e.rules.Rule(trigger)
	if rule == nil {
		return nil
	}
	v.User, v.Nickname = u.Name(), u.DisplayName()
	if v.Count == 0 {
		v.Count = n
	}
	c := rule.Conditions()
	if !c.IsZero() {
		if why := e.session.filteredOut(c, u); why != "" {
			e.notRun(trigger, why, u, source)
			return nil
		}
	}
	var out []tikcraft.Action
	for range n {
		delay, ok := e.session.cooldown(c, trigger, u, e.now, paid)
		if !ok {
			e.notRun(trigger, "it is cooling down (chat, follows, shares and likes are skipped; gifts wait)", u, source)
			continue
		}
		for _, a := range rule.Fire(v) {
			a.Source = source
			a.Delay += delay
			out = append(out, a)
		}
	}
	return out
}

// warnOnce logs a warning that could come with every event (an absurd
// input, a count clipped): the first time as it comes, then a count of
// the others once a minute at most (lograte). reason is a fixed text; what
// varies, and anything a viewer typed, goes in args.
func (e *Engine) warnOnce(reason string, args ...any) {
	e.sayOnce(slog.LevelWarn, reason, args...)
}

// sayOnce is warnOnce at level: for a line that is no problem but could
// come with every event all the same (a viewer's follow spam).
func (e *Engine) sayOnce(level slog.Level, reason string, args ...any) {
	e.sayOnceAs(reason, level, reason, args...)
}

// sayOnceAs is sayOnce for lines of one message counted apart by key.
func (e *Engine) sayOnceAs(key string, level slog.Level, msg string, args ...any) {
	l := e.warned[key]
	if l == nil {
		// A summary of many viewers' follows names none of them: it says
		// how many there were (users=N).
		l = lograte.New(e.log, level, msg, append(e.logOpts, lograte.Distinct("user"))...)
		e.warned[key] = l
	}
	l.Log(args...)
}

// Close says the counts of the repeating lines (sayOnce) that wait for
// their once-a-minute summary, which would otherwise be lost when
// tikcraft stops. Call it after the last event was handled; the engine
// can still be used after, its lines then start again.
func (e *Engine) Close() {
	for reason, l := range e.warned {
		l.Close()
		delete(e.warned, reason)
	}
}

func describe(ev tikcraft.Event) string {
	m := ev.EventMeta()
	switch ev := ev.(type) {
	case *tikcraft.GiftEvent:
		return fmt.Sprintf("gift %q (id %d) x%d end=%t from %q msg=%q group=%q", ev.Gift.Name, ev.Gift.ID, ev.RepeatCount, ev.RepeatEnd, ev.User.Name(), m.MsgID, ev.GroupID)
	case *tikcraft.LikeEvent:
		return fmt.Sprintf("like x%d total=%d from %q msg=%q", ev.Count, ev.Total, ev.User.Name(), m.MsgID)
	}
	return fmt.Sprintf("%s msg=%q", ev.Type(), m.MsgID)
}
