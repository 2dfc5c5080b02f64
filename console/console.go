// Package console is what a streamer watches in the terminal while tikcraft
// runs (run and demo print the same): one line per event (a gift with its
// streak progress, follows, shares, subscriptions, like milestones, joins
// folded into counts), one per $random pick naming the rule it picked and
// what caused it, one per delivered action with Minecraft's answer, and the
// TikTok connection's changes. With quiet only problems are shown. It also
// counts this run's work apart from actions left over from an earlier run,
// for the summary.
//
// It is fed by the pipeline's hooks (OnEvent, OnDelivery), the rules'
// OnPick and the TikTok client's state. Viewer-controlled text is always
// quoted, so nothing a viewer types can forge or break a line.
package console

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/tiktok"
)

// Console prints to a terminal. It is safe for concurrent use.
type Console struct {
	mu    sync.Mutex
	w     io.Writer
	quiet bool
	// dry: the dry-run sink prints each action itself; the console then
	// shows only what it adds (events, picks).
	dry bool
	// start separates this run's actions from leftovers: anything queued
	// before it was pending from an earlier run.
	start time.Time
	now   func() time.Time

	likeEvery     int64 // a like line every this many likes (the smallest like rule)
	likeTotal     int64 // the stream's like total as far as known
	likeMilestone int64 // the last milestone printed

	// foldJoins: no rule reacts to joins, so they are folded into counts
	// instead of a line each.
	// haveState: the TikTok client reports its connection state, which
	// says more than the connect event.
	haveState  bool
	lastState  string
	foldJoins  bool
	joins      int       // joins not yet printed
	joinNames  []string  // the first few of them
	joinsSince time.Time // when the first of them arrived

	stats Stats

	// Lines wait in buf up to flushEvery, so that a busy LIVE costs a
	// write a few times a second instead of one per line; problems and
	// everything after Finish are written at once.
	flushEvery time.Duration
	buf        []byte
	armed      bool
	finished   bool
}

// Stats are the counts for the summary line.
type Stats struct {
	Events int64
	// Actions is this run's actions, counted as they were queued: those
	// of the events, and apart (included in Actions) those the overlays'
	// own triggers fired (timer_end, likegoal_reached, goal_ID_reached)
	// and those of test firings. Every one of them is delivered, skipped
	// or still queued, so the summary adds up.
	Actions, FromOverlays, Tests int64
	Delivered, Rejected          int64 // this run's actions, delivered or set aside for good
	Failed                       int64 // delivery attempts that failed (the action was kept)
	LeftDelivered, LeftRejected  int64 // actions from an earlier run
}

// deliveryOutcome is what the console shows for one delivery attempt (from
// the worker's deliver.Delivery).
type deliveryOutcome struct {
	Err     error
	Reply   string // Minecraft's answer
	Refused bool   // the answer is an error such as "Unknown command"
	Retries int    // resends before the answer came
	Parked  bool   // sent without an answer too often: set aside
}

// maxFoldedJoins prints a join line at the latest after this many joins,
// and foldJoinsFor after this long.
const (
	maxFoldedJoins = 50
	foldJoinsFor   = 10 * time.Second
)

// Options tune a Console.
type Options struct {
	// Quiet keeps only warnings and errors (--quiet).
	Quiet bool
	// Dry: the dry-run printer shows each action itself; the console then
	// shows only what it adds (events, picks).
	Dry bool
	// LikeEvery prints a like line every this many likes: the smallest
	// like rule (default 100).
	LikeEvery int64
	// JoinRule: a rule reacts to joins, so each join gets a line instead of
	// being folded into counts.
	JoinRule bool
	// FlushEvery, if set, writes the lines together at most this long
	// after the first of them (0: each at once). Only for a writer that no
	// one else writes to meanwhile, or lines would come out of order.
	FlushEvery time.Duration
}

// New prints to w.
func New(w io.Writer, o Options) *Console {
	if o.LikeEvery <= 0 {
		o.LikeEvery = 100
	}
	c := &Console{w: w, quiet: o.Quiet, dry: o.Dry, now: time.Now, likeEvery: o.LikeEvery, foldJoins: !o.JoinRule, flushEvery: o.FlushEvery}
	c.start = c.now()
	return c
}

// line prints one line; shown reports lines that --quiet keeps.
func (c *Console) line(warn bool, tag, text string) {
	if c.quiet && !warn {
		return
	}
	n := len(c.buf)
	c.buf = append(c.buf, '[')
	c.buf = append(c.buf, tag...)
	c.buf = append(c.buf, ']')
	for len(c.buf)-n < 9 { // the tag column, as %-9s
		c.buf = append(c.buf, ' ')
	}
	c.buf = append(c.buf, ' ')
	c.buf = append(c.buf, text...)
	c.buf = append(c.buf, '\n')
	switch {
	case c.flushEvery <= 0 || warn || c.finished || len(c.buf) >= 64<<10:
		c.writeLocked()
	case !c.armed:
		c.armed = true
		time.AfterFunc(c.flushEvery, c.flush)
	}
}

func (c *Console) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = false
	c.writeLocked()
}

// writeLocked writes the waiting lines; mu is held.
func (c *Console) writeLocked() {
	if len(c.buf) > 0 {
		c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
}

// Event prints ev (pipeline.Options.OnEvent).
func (c *Console) Event(ev tikcraft.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Events++
	if j, ok := ev.(*tikcraft.JoinEvent); ok && c.foldJoins {
		c.join(j)
		return
	}
	var text string
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		text = giftText(e) + " (" + streakState(e) + ")"
	case *tikcraft.LikeEvent:
		text = c.like(e)
	case *tikcraft.FollowEvent, *tikcraft.ShareEvent, *tikcraft.SubscribeEvent:
		text = fromUser(ev)
	case *tikcraft.JoinEvent:
		text = "join " + quoteUser(&e.User)
	case *tikcraft.ConnectEvent:
		if !c.haveState {
			text = "connected to the LIVE"
		}
	case *tikcraft.StreamEndEvent:
		text = "the LIVE ended"
	}
	if text == "" {
		c.flushJoinsIfDue()
		return
	}
	c.flushJoins()
	c.line(false, "event", text)
}

// Duplicate prints an event the engine drops because TikTok sent its
// message twice (pipeline.Options.OnEvent, dup), marked as such: a second
// line for one gift must not read as a second gift. It is not counted.
// An event that has no line of its own (a like, a folded join, a chat
// message) has no duplicate line either.
func (c *Console) Duplicate(ev tikcraft.Event) {
	var text string
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		text = giftText(e)
	case *tikcraft.FollowEvent, *tikcraft.ShareEvent, *tikcraft.SubscribeEvent:
		text = fromUser(ev)
	case *tikcraft.JoinEvent:
		if c.foldJoins {
			return
		}
		text = "join " + quoteUser(&e.User)
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushJoins()
	c.line(false, "event", text+": duplicate of a message already handled, ignored")
}

// giftText words a gift for its line and its duplicate's: "gift "Rose" x5
// from "anna"".
func giftText(e *tikcraft.GiftEvent) string {
	return fmt.Sprintf("gift %s x%d from %s", strconv.Quote(e.Gift.Name), e.Count(), quoteUser(&e.User))
}

// fromUser words a follow, share or subscription: "follow from "anna"".
func fromUser(ev tikcraft.Event) string {
	var u *tikcraft.User
	switch e := ev.(type) {
	case *tikcraft.FollowEvent:
		u = &e.User
	case *tikcraft.ShareEvent:
		u = &e.User
	case *tikcraft.SubscribeEvent:
		u = &e.User
	default:
		return ""
	}
	return string(ev.Type()) + " from " + quoteUser(u)
}

func streakState(e *tikcraft.GiftEvent) string {
	switch {
	case !e.Gift.Combo:
		return "single gift"
	case e.RepeatEnd:
		return fmt.Sprintf("streak ended at %d", e.Count())
	}
	return fmt.Sprintf("streak going, %d so far", e.Count())
}

// quoteUser shows the handle, and the nickname when it differs.
func quoteUser(u *tikcraft.User) string {
	name := strconv.Quote(u.Name())
	if n := strings.TrimSpace(u.Nickname); n != "" && n != u.Name() {
		name += " (" + strconv.Quote(n) + ")"
	}
	return name
}

// like returns a line when the stream's likes crossed a milestone, else "".
func (c *Console) like(e *tikcraft.LikeEvent) string {
	if e.Total > c.likeTotal {
		c.likeTotal = e.Total
	} else if e.Total <= 0 {
		c.likeTotal += max(e.Count, 0)
	}
	m := c.likeTotal / c.likeEvery * c.likeEvery
	if m <= c.likeMilestone || m == 0 {
		return ""
	}
	c.likeMilestone = m
	return fmt.Sprintf("likes passed %d (last from %s)", m, quoteUser(&e.User))
}

func (c *Console) join(e *tikcraft.JoinEvent) {
	if c.joins == 0 {
		c.joinsSince = c.now()
	}
	c.joins++
	if len(c.joinNames) < 3 {
		c.joinNames = append(c.joinNames, strconv.Quote(e.User.Name()))
	}
	if c.joins >= maxFoldedJoins {
		c.flushJoins()
		return
	}
	c.flushJoinsIfDue()
}

func (c *Console) flushJoinsIfDue() {
	if c.joins > 0 && c.now().Sub(c.joinsSince) >= foldJoinsFor {
		c.flushJoins()
	}
}

func (c *Console) flushJoins() {
	if c.joins == 0 {
		return
	}
	text := fmt.Sprintf("%d joined: %s", c.joins, strings.Join(c.joinNames, ", "))
	if c.joins == 1 {
		text = "join " + c.joinNames[0]
	} else if more := c.joins - len(c.joinNames); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	c.joins, c.joinNames = 0, nil
	c.line(false, "event", text)
}

// Picked prints a $random pick (rules.Set.OnPick): the rule that ran
// $random, what fired it and the rule it picked.
func (c *Console) Picked(p rules.Pick) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushJoins()
	c.line(false, "random", fmt.Sprintf("%s ran $random and picked %s (%s)", p.Rule, strconv.Quote(p.Picked), p.Cause))
}

// Delivered prints the outcome of one delivery attempt and counts it
// (pipeline.Options.OnDelivery).
func (c *Console) Delivered(d deliver.Delivery) {
	c.delivered(d.Item, deliveryOutcome{Err: d.Err, Reply: d.Reply.Text, Refused: d.Reply.Refused, Retries: d.Reply.Resends, Parked: d.Outcome == deliver.Parked})
}

func (c *Console) delivered(item queue.Item, out deliveryOutcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	left := !item.Enqueued.IsZero() && item.Enqueued.Before(c.start)
	a := item.Action
	what := actionText(a)
	fb := make([]byte, 0, 32+len(a.Trigger)+len(a.User))
	fb = strconv.AppendQuote(append(fb, "trigger="...), a.Trigger)
	fb = strconv.AppendQuote(append(fb, " user="...), a.User)
	if left {
		fb = append(fb, " (left from an earlier run)"...)
	}
	from := string(fb)
	switch {
	case out.Err == nil:
		if left {
			c.stats.LeftDelivered++
		} else {
			c.stats.Delivered++
		}
		if c.dry {
			return
		}
		text := what + "  " + from
		if out.Retries > 0 {
			text += fmt.Sprintf("  (sent again %d×: no answer at first)", out.Retries)
		}
		if out.Refused {
			// Minecraft ran nothing: the streamer must fix the rule.
			text += "  Minecraft said: " + strconv.Quote(clip.Line(out.Reply, 120))
		}
		c.flushJoins()
		c.line(out.Refused, "sent", text)
	case errors.Is(out.Err, tikcraft.ErrRejected) || out.Parked:
		if left {
			c.stats.LeftRejected++
		} else {
			c.stats.Rejected++
		}
		c.flushJoins()
		c.line(true, "skipped", fmt.Sprintf("%s  %s: %s", what, from, clip.Line(out.Err.Error(), 300)))
	default:
		c.stats.Failed++
		c.flushJoins()
		c.line(true, "failed", fmt.Sprintf("%s  %s: %s; it is kept and sent again", what, from, clip.Line(out.Err.Error(), 300)))
	}
}

func actionText(a tikcraft.Action) string {
	switch {
	case a.Kind == tikcraft.KindAlert:
		return "alert " + strconv.Quote(a.Alert.Title+" | "+a.Alert.Subtitle)
	case a.Kind == tikcraft.KindOverlay || a.Kind == tikcraft.KindOBS || a.Kind == tikcraft.KindHTTP:
		return clip.Line(a.String(), 200)
	case a.Plugin:
		return "!" + clip.Line(a.Command, 200)
	}
	return "/" + clip.Line(a.Command, 200)
}

// Finish prints what is still folded and what waits; later lines are
// written at once.
func (c *Console) Finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushJoins()
	c.finished = true
	c.writeLocked()
}

// Stats returns the counts so far.
func (c *Console) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Queued counts actions as they are queued (pipeline.Options.OnQueued and
// the injector's OnQueued), by where they came from: a test firing (its
// Source starts "test: ", web.TestSourcePrefix), an overlay's own trigger
// ("overlay …", inject.Injector.Trigger) or an event.
func (c *Console) Queued(acts []tikcraft.Action) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range acts {
		c.stats.Actions++
		switch {
		case strings.HasPrefix(a.Source, "test: "):
			c.stats.Tests++
		case strings.HasPrefix(a.Source, "overlay "):
			c.stats.FromOverlays++
		}
	}
}

// Waiting is this run's actions neither delivered nor skipped yet: still
// in the queue.
func (st Stats) Waiting() int64 { return max(st.Actions-st.Delivered-st.Rejected, 0) }

// Summary is the closing line: this run's numbers, which add up (actions =
// delivered + skipped + not delivered), and leftovers from an earlier run
// apart.
func (st Stats) Summary() string {
	s := fmt.Sprintf("%d events, %d actions", st.Events, st.Actions)
	var from []string
	if st.FromOverlays > 0 {
		from = append(from, fmt.Sprintf("%d fired by the overlays' timer and goals", st.FromOverlays))
	}
	if st.Tests > 0 {
		from = append(from, fmt.Sprintf("%d by tests", st.Tests))
	}
	if len(from) > 0 {
		s += " (" + strings.Join(from, ", ") + ")"
	}
	s += fmt.Sprintf(", %d delivered", st.Delivered)
	if st.Rejected > 0 {
		s += fmt.Sprintf(", %d skipped", st.Rejected)
	}
	if n := st.Waiting(); n > 0 {
		s += fmt.Sprintf(", %d not delivered", n)
	}
	if st.LeftDelivered+st.LeftRejected > 0 {
		s += fmt.Sprintf("; and %d actions left from an earlier run delivered", st.LeftDelivered)
		if st.LeftRejected > 0 {
			s += fmt.Sprintf(" (%d skipped)", st.LeftRejected)
		}
	}
	return s
}

// Minecraft prints what logging in to Minecraft at start found
// (rcon.Client.Connect): nothing when it worked — the log says
// "connected" —, a warning when the password was refused or the server
// cannot be reached, so that it shows before the first gift.
func (c *Console) Minecraft(err error) {
	if err == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	text := clip.Line(err.Error(), 400)
	if errors.Is(err, tikcraft.ErrPermanent) {
		text += "; actions wait in the queue: fix it, then restart tikcraft"
	} else {
		text += "; actions wait in the queue and go out once it answers"
	}
	c.flushJoins()
	c.line(true, "minecraft", text)
}

// TikTok prints a change of the TikTok connection's state. Problems are
// warnings, so --quiet still shows them; the same line twice in a row is
// printed once.
func (c *Console) TikTok(st tiktok.State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.haveState = true
	text := st.String()
	if text == c.lastState {
		return
	}
	c.lastState = text
	c.flushJoins()
	c.line(st.Err != nil, "tiktok", text)
}
