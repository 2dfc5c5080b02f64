package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/tiktok"
)

// console is what a streamer watches while tikcraft runs (run and demo
// print the same): one line per event (gift with its streak progress,
// follow, share, subscribe, like milestones, joins folded into counts),
// one per $random pick naming the rule it picked and what caused it, and
// one per delivered action with its result. With quiet only failures are
// shown. It also counts this run's work apart from actions left over from
// an earlier run, for the summary.
//
// It is fed by the pipeline's hooks: OnEvent (event), the rules adapter
// (picked) and the Recorder, which recorder wraps so that the event log
// still gets everything. Viewer-controlled text is always quoted, so
// nothing a viewer types can forge or break a line.
type console struct {
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

	stats consoleStats
}

// consoleStats are the counts for the summary line.
type consoleStats struct {
	Events                      int64
	Delivered, Rejected, Failed int64 // this run's actions
	LeftDelivered, LeftRejected int64 // actions from an earlier run
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

func newConsole(w io.Writer, quiet, dry bool, likeEvery int64, joinRule bool) *console {
	if likeEvery <= 0 {
		likeEvery = 100
	}
	c := &console{w: w, quiet: quiet, dry: dry, now: time.Now, likeEvery: likeEvery, foldJoins: !joinRule}
	c.start = c.now()
	return c
}

// line prints one line; shown reports lines that --quiet keeps.
func (c *console) line(warn bool, tag, text string) {
	if c.quiet && !warn {
		return
	}
	fmt.Fprintf(c.w, "%-9s %s\n", "["+tag+"]", text)
}

// event prints ev (pipeline.Options.OnEvent).
func (c *console) event(ev tikcraft.Event) {
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
		text = fmt.Sprintf("gift %s x%d from %s (%s)", strconv.Quote(e.Gift.Name), e.Count(), quoteUser(&e.User), streakState(e))
	case *tikcraft.LikeEvent:
		text = c.like(e)
	case *tikcraft.FollowEvent:
		text = "follow from " + quoteUser(&e.User)
	case *tikcraft.ShareEvent:
		text = "share from " + quoteUser(&e.User)
	case *tikcraft.SubscribeEvent:
		text = "subscribe from " + quoteUser(&e.User)
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
func (c *console) like(e *tikcraft.LikeEvent) string {
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

func (c *console) join(e *tikcraft.JoinEvent) {
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

func (c *console) flushJoinsIfDue() {
	if c.joins > 0 && c.now().Sub(c.joinsSince) >= foldJoinsFor {
		c.flushJoins()
	}
}

func (c *console) flushJoins() {
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

// picked prints a $random pick: the rule that ran $random, what fired it
// and the rule it picked.
func (c *console) picked(trigger, cause, pick string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushJoins()
	c.line(false, "random", fmt.Sprintf("%s ran $random and picked %s (%s)", trigger, strconv.Quote(pick), cause))
}

// delivered prints the result of one delivery attempt and counts it.
func (c *console) delivered(item queue.Item, out deliveryOutcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	left := !item.Enqueued.IsZero() && item.Enqueued.Before(c.start)
	a := item.Action
	what := actionText(a)
	from := fmt.Sprintf("trigger=%s user=%s", strconv.Quote(a.Trigger), strconv.Quote(a.User))
	if left {
		from += " (left from an earlier run)"
	}
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
		text := fmt.Sprintf("%s  %s", what, from)
		if out.Retries > 0 {
			text += fmt.Sprintf("  (sent again %d×: no answer at first)", out.Retries)
		}
		if out.Refused {
			// Minecraft ran nothing: the streamer must fix the rule.
			text += "  Minecraft said: " + strconv.Quote(oneLine(out.Reply, 120))
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
		c.line(true, "skipped", fmt.Sprintf("%s  %s: %s", what, from, oneLine(out.Err.Error(), 300)))
	default:
		c.stats.Failed++
		c.flushJoins()
		c.line(true, "failed", fmt.Sprintf("%s  %s: %s; it is kept and sent again", what, from, oneLine(out.Err.Error(), 300)))
	}
}

func actionText(a tikcraft.Action) string {
	switch {
	case a.Kind == tikcraft.KindAlert:
		return "alert " + strconv.Quote(a.Alert.Title+" | "+a.Alert.Subtitle)
	case a.Kind == tikcraft.KindOverlay || a.Kind == tikcraft.KindOBS:
		return oneLine(a.String(), 200)
	case a.Plugin:
		return "!" + oneLine(a.Command, 200)
	}
	return "/" + oneLine(a.Command, 200)
}

// finish prints what is still folded.
func (c *console) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushJoins()
}

// snapshot returns the counts so far.
func (c *console) snapshot() consoleStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// summary is the closing line: this run's numbers, and leftovers from an
// earlier run apart.
func (st consoleStats) summary(events, actions int64) string {
	s := fmt.Sprintf("%d events, %d actions, %d delivered", events, actions, st.Delivered)
	if st.Rejected > 0 {
		s += fmt.Sprintf(", %d skipped", st.Rejected)
	}
	if st.LeftDelivered+st.LeftRejected > 0 {
		s += fmt.Sprintf("; and %d actions left from an earlier run delivered", st.LeftDelivered)
		if st.LeftRejected > 0 {
			s += fmt.Sprintf(" (%d skipped)", st.LeftRejected)
		}
	}
	return s
}

// recorder tees the pipeline's Recorder: the event log (next, may be nil)
// gets everything, the console sees every delivery.
type recorder struct {
	next    pipeline.Recorder
	console *console
}

func (r recorder) LogEvent(ctx context.Context, ev tikcraft.Event) {
	if r.next != nil {
		r.next.LogEvent(ctx, ev)
	}
}

func (r recorder) LogDelivery(ctx context.Context, d deliver.Delivery) {
	if r.next != nil {
		r.next.LogDelivery(ctx, d)
	}
	r.console.delivered(d.Item, deliveryOutcome{Err: d.Err, Reply: d.Reply.Text, Refused: d.Reply.Refused, Retries: d.Reply.Resends, Parked: d.Outcome == deliver.Parked})
}

// tiktok prints a change of the TikTok connection's state. Problems are
// warnings, so --quiet still shows them; the same line twice in a row is
// printed once.
func (c *console) tiktok(st tiktok.State) {
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
