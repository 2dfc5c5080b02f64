// Package inject queues actions that do not come from the LIVE's events:
// the dashboard's test triggers (`tikcraft trigger`, the test panel) and
// the rules the overlays fire themselves (timer_end, likegoal_reached).
// They go into the same queue as everything else, so they are delivered in
// order and survive a restart like a gift's actions.
package inject

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/suggest"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// MaxTestActions bounds what one test firing may queue, so that a slip of
// the count cannot bury the stream's own actions.
const MaxTestActions = 1000

// Injector fires rules outside the event stream into Queue.
type Injector struct {
	Rules *rules.Set
	// Engine is the live engine's configuration: a test firing counts gifts
	// and likes as the LIVE does.
	Engine engine.Config
	// ActionsName names the actions file in messages.
	ActionsName string
	// Gifts is the gift list a gift's name or id is looked up in (the
	// kept list with the built-in one behind it); nil: the built-in list.
	Gifts *tiktok.GiftList
	Queue queue.Queue
	Log   *slog.Logger
	// OnEvent sees each test event (marked Meta.Test): the dashboard and
	// the event log. OnQueued sees each batch queued: the dashboard.
	OnEvent  func(tikcraft.Event)
	OnQueued func([]tikcraft.Action)

	mu     sync.Mutex
	fires  int
	closed atomic.Bool
}

var _ web.Injector = (*Injector)(nil)

// Close makes every later firing fail: call it before the queue closes.
func (in *Injector) Close() { in.closed.Store(true) }

// Fire runs a test trigger (web.Injector): the event a viewer would cause
// goes through a fresh engine with the live rules, so that a test never
// moves the LIVE's like count, streaks or follow list, and the actions are
// queued marked as a test. f comes validated from the web server
// (web.ValidateFire).
//
// What f names is, in this order: a milestone rule (run directly), a rule
// that is not a plain name (a coin range, the catch-all "gift", a chat
// command or keyword: the event that fires it), a like rule (by id or the
// trigger it runs), an event (follow, share, join, subscribe, comment),
// else a gift. A gift name or id is looked up in the gift list and sent as
// that gift — name, id and diamonds —, so the rule that runs is the one a
// real gift runs (actions.File.MatchGift): "Galaxy" runs an 11046 rule,
// "5655" a rose rule, a coin range or the catch-all only when no name or
// id rule takes the gift. A name no gift has is an error with close names,
// unless it is a rule of the actions file ($random's picks), which then
// runs as a gift of that name as before.
func (in *Injector) Fire(ctx context.Context, f web.Fire) (web.Fired, error) {
	if in.closed.Load() {
		return web.Fired{}, fmt.Errorf("%w: tikcraft is stopping", web.ErrUnavailable)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.fires++
	file := in.Rules.File()
	cfg := in.Engine
	cfg.FollowOncePerUser, cfg.Likes = false, nil
	now := time.Now()
	meta := tikcraft.Meta{MsgID: fmt.Sprintf("test-%d-%d", now.UnixNano(), in.fires), Time: now, Test: true}
	user := tikcraft.User{UniqueID: f.User, Nickname: f.User}
	res := web.Fired{User: f.User, Count: f.Count, Actions: []string{}}
	var ev tikcraft.Event
	ru, rule := in.Rules.Lookup(f.Trigger)
	switch lr, isLike := in.likeRule(f.Trigger); {
	case ru != nil && isMilestone(ru.Trigger):
		// first_gift, follow_milestone, viewers_milestone: no single event
		// makes them happen, so the rule runs directly.
		res.Trigger, res.Kind = ru.Trigger, "event"
		var acts []tikcraft.Action
		for range f.Count {
			acts = append(acts, rule.Fire(engine.Vars{User: user.Name(), Nickname: user.DisplayName(), Count: 1})...)
		}
		return in.push(ctx, res, nil, acts)
	case ru != nil && ru.Kind != actions.Named:
		// Coin ranges, the catch-all and chat rules: the event that fires them.
		res.Trigger, res.Kind = ru.Trigger, "event"
		ev = actions.TestEvent(ru, meta, user, f.Count)
		if _, isGift := ev.(*tikcraft.GiftEvent); isGift {
			res.Kind = "gift"
		}
	case isLike:
		cfg.Likes = []engine.LikeRule{{ID: lr.ID, Every: lr.Every, Function: lr.Function, Payload: lr.Payload}}
		ev = &tikcraft.LikeEvent{Meta: meta, User: user, Count: lr.Every * f.Count}
		res.Trigger, res.Kind = lr.ID, "likes"
		if file.Lookup(lr.Function) == nil {
			return web.Fired{}, fmt.Errorf("%w: like rule %s runs %q, which is not a trigger in %s", web.ErrNotFound, lr.ID, lr.Function, in.ActionsName)
		}
	case isEvent(f.Trigger):
		name := strings.ToLower(f.Trigger)
		ru := file.Lookup(name)
		if ru == nil {
			return web.Fired{}, fmt.Errorf("%w: %s has no %s rule, so a %s does nothing", web.ErrNotFound, in.ActionsName, name, name)
		}
		res.Trigger, res.Kind, res.Count = ru.Trigger, "event", 1
		switch actions.Normalize(name) {
		case "follow":
			ev = &tikcraft.FollowEvent{Meta: meta, User: user}
		case "share":
			ev = &tikcraft.ShareEvent{Meta: meta, User: user}
		case "join":
			ev = &tikcraft.JoinEvent{Meta: meta, User: user}
		case "comment":
			ev = &tikcraft.ChatEvent{Meta: meta, User: user, Text: testComment}
		default:
			ev = &tikcraft.SubscribeEvent{Meta: meta, User: user}
		}
	default:
		g, known, err := in.gift(f.Trigger, ru)
		if err != nil {
			return web.Fired{}, err
		}
		match := file.MatchGift(g.Name, g.ID, g.Diamonds)
		if match == nil {
			return web.Fired{}, fmt.Errorf("%w: no rule of %s takes the gift %s (id %d, %d diamonds): a real one would do nothing either; add a rule for it (by name or id) or a catch-all gift: rule", web.ErrNotFound, in.ActionsName, strconv.Quote(g.Name), g.ID, g.Diamonds)
		}
		res.Trigger, res.Kind = match.Trigger, "gift"
		if known {
			res.Gift = &web.FiredGift{ID: g.ID, Name: g.Name, Diamonds: g.Diamonds}
		}
		ev = &tikcraft.GiftEvent{Meta: meta, User: user, Gift: g, RepeatCount: f.Count, RepeatEnd: true, GroupID: meta.MsgID}
	}
	// Event events once each: the count applies to gifts and like rules.
	n := int64(1)
	if res.Kind == "event" {
		n = f.Count
	}
	// A test shows what the rule does: its cooldowns and audience filters
	// would only hide that.
	eng := engine.New(cfg, testRules{in.Rules}, in.Log)
	defer eng.Close()
	var acts []tikcraft.Action
	var evs []tikcraft.Event
	for i := range n {
		e := ev
		if i > 0 {
			e = tikcraft.CloneEvent(ev)
			e.EventMeta().MsgID = fmt.Sprintf("%s-%d", meta.MsgID, i)
		}
		evs = append(evs, e)
		acts = append(acts, eng.Handle(e, now)...)
	}
	acts = append(acts, eng.Flush()...)
	res.Count = f.Count
	return in.push(ctx, res, evs, acts)
}

// testComment is the chat message a test of the comment rule sends.
const testComment = "a test message from the dashboard"

// gift is the gift a viewer would send for what the streamer typed: a
// gift of the list by id or name (known), sent as a streak (the count is
// the streak's length). A rule of the actions file that names no gift of
// the list (a rule $random picks, an id newer than the list) is sent as a
// gift of that name or id, as it always was. Anything else is an error
// with close gift and trigger names.
func (in *Injector) gift(what string, ru *actions.Rule) (g tikcraft.Gift, known bool, err error) {
	gi, err := in.gifts().Resolve(what)
	switch {
	case err == nil:
		return tikcraft.Gift{ID: gi.ID, Name: gi.Name, Diamonds: gi.Diamonds, Combo: true}, true, nil
	case ru != nil:
		g = tikcraft.Gift{Name: ru.Trigger, Combo: true}
		if id, perr := strconv.ParseInt(ru.Trigger, 10, 64); perr == nil && id > 0 {
			g.ID = id
		}
		return g, false, nil
	}
	also := ""
	if close := in.closeTriggers(what); len(close) > 0 {
		also = "; close triggers: " + strings.Join(close, ", ")
	}
	return tikcraft.Gift{}, false, fmt.Errorf("%w: nothing fires for %q: %w; it is not a trigger of %s, a like rule or an event either%s", web.ErrNotFound, what, err, in.ActionsName, also)
}

// gifts is the gift list to resolve names and ids in.
func (in *Injector) gifts() *tiktok.GiftList {
	if in.Gifts == nil {
		in.Gifts = tiktok.BuiltinGifts()
	}
	return in.Gifts
}

// closeTriggers are the triggers of the actions file, the events and the
// like rules a couple of letters off what, quoted.
func (in *Injector) closeTriggers(what string) []string {
	key := actions.Normalize(what)
	if key == "" {
		return nil
	}
	byKey := map[string]string{}
	var keys []string
	add := func(name string) {
		k := actions.Normalize(name)
		if _, dup := byKey[k]; !dup && k != "" {
			byKey[k] = name
			keys = append(keys, k)
		}
	}
	for _, r := range in.Rules.File().Rules() {
		if r.Kind == actions.Named {
			add(r.Trigger)
		}
	}
	for _, e := range []string{"follow", "share", "join", "subscribe"} {
		add(e)
	}
	for _, l := range in.Engine.Likes {
		add(l.ID)
	}
	edits := 1
	if len(key) >= 5 {
		edits = 2
	}
	var out []string
	for _, k := range suggest.Closest(key, keys, edits) {
		out = append(out, strconv.Quote(byKey[k]))
		if len(out) == 5 {
			break
		}
	}
	return out
}

// isEvent reports the triggers of events that are not gifts: follow,
// share, join, subscribe and comment, and the other event triggers (the
// catch-all, the milestones) so that naming one without a rule says so.
// A name with spaces is a gift ("Heart Me"), never an event.
func isEvent(trigger string) bool {
	return !strings.ContainsAny(trigger, " \t") && actions.IsEventTrigger(trigger)
}

// OverlaySourcePrefix starts the Source of the actions an overlay's own
// trigger fired (Trigger): "overlay goal_followers_reached". No event
// caused them.
const OverlaySourcePrefix = "overlay "

// Trigger fires an overlay's own trigger (timer_end, likegoal_reached),
// if the actions file has a rule for it, and queues its actions.
func (in *Injector) Trigger(trigger string) {
	if in.closed.Load() {
		return
	}
	_, rule := in.Rules.Lookup(trigger)
	if rule == nil {
		return
	}
	acts := rule.Fire(engine.Vars{User: trigger, Nickname: trigger, Count: 1})
	for i := range acts {
		acts[i].Source = OverlaySourcePrefix + trigger
	}
	if len(acts) == 0 {
		return
	}
	if err := in.Queue.Push(context.Background(), acts...); err != nil {
		in.Log.Error("could not queue the actions of an overlay trigger", "trigger", trigger, "error", err)
		return
	}
	if in.OnQueued != nil {
		in.OnQueued(acts)
	}
	in.Log.Info("overlay trigger fired", "trigger", trigger, "actions", len(acts))
}

// push queues a test's actions, marked as a test, and shows its events.
func (in *Injector) push(ctx context.Context, res web.Fired, evs []tikcraft.Event, acts []tikcraft.Action) (web.Fired, error) {
	if len(acts) > MaxTestActions {
		return web.Fired{}, fmt.Errorf("%w: this would queue %d actions; a test may queue at most %d, so lower the count", web.ErrInvalid, len(acts), MaxTestActions)
	}
	for i := range acts {
		acts[i].Source = web.TestSourcePrefix + acts[i].Source
		res.Actions = append(res.Actions, acts[i].String())
	}
	if in.OnEvent != nil {
		for _, e := range evs {
			in.OnEvent(e)
		}
	}
	if len(acts) > 0 {
		if err := in.Queue.Push(context.WithoutCancel(ctx), acts...); err != nil {
			return web.Fired{}, fmt.Errorf("queueing the test actions: %w", err)
		}
		if in.OnQueued != nil {
			in.OnQueued(acts)
		}
	}
	return res, nil
}

// likeRule finds a like rule by id or by the trigger it runs.
func (in *Injector) likeRule(name string) (engine.LikeRule, bool) {
	for _, t := range in.Engine.Likes {
		if strings.EqualFold(t.ID, name) {
			return t, true
		}
	}
	for _, t := range in.Engine.Likes {
		if actions.Normalize(t.Function) == actions.Normalize(name) {
			return t, true
		}
	}
	return engine.LikeRule{}, false
}

// isMilestone reports the triggers fired by a count reaching a number.
func isMilestone(trigger string) bool {
	switch actions.Normalize(trigger) {
	case "firstgift", "followmilestone", "viewersmilestone":
		return true
	}
	return false
}

// testRules is the live rules as a test firing sees them: without their
// conditions, and without the milestones (a test gift is always someone's
// "first", which would fire first_gift with every test).
type testRules struct{ set *rules.Set }

var _ engine.Rules = testRules{}

func (r testRules) MatchGift(g tikcraft.Gift) string { return r.set.MatchGift(g) }
func (r testRules) MatchChat(text string) string     { return r.set.MatchChat(text) }

func (r testRules) Rule(trigger string) engine.Rule {
	if isMilestone(trigger) {
		return nil
	}
	if ru := r.set.Rule(trigger); ru != nil {
		return unconditioned{ru}
	}
	return nil
}

// unconditioned fires a rule as if it had no conditions.
type unconditioned struct{ rule engine.Rule }

func (unconditioned) Conditions() tikcraft.Conditions        { return tikcraft.Conditions{} }
func (u unconditioned) Fire(v engine.Vars) []tikcraft.Action { return u.rule.Fire(v) }
