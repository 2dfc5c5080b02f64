package web

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/recent"
)

// Sizes of what the dashboard remembers. A browser that connects gets these,
// never the whole session.
const (
	feedSize    = 100
	actionsSize = 50
	queuedSize  = 20
	clientQueue = 1024 // messages buffered per browser before it is dropped and reconnects
	foldJoins   = 30 * time.Second
	maxFolded   = 5 // names shown in a folded join line

	// frame is how often the browsers get what changed: the feed items,
	// actions and deliveries of a frame go out together, encoded outside
	// the dashboard's lock, so a burst of events costs each browser one
	// wake-up and one write, and items that a later one in the same frame
	// replaces or pushes off the lists are never sent. Five a second is
	// live enough for a person reading it, and half the wake-ups, encodings
	// and writes of ten at 100 events a second (docs/PERFORMANCE.md).
	frame = 200 * time.Millisecond
)

// SSE event types.
const (
	TypeEvent    = "event"    // a feed item, new or updated (same id)
	TypeAction   = "action"   // actions the engine queued
	TypeDelivery = "delivery" // the outcome of one delivery attempt
	TypeState    = "state"    // the status: connections, counters, pause, rules (on connect: everything)
	TypeQueue    = "queue"    // pending count, oldest age, commands per second
)

// Conn is the state of a connection (TikTok or Minecraft), in plain words.
type Conn struct {
	State  string    `json:"state"`
	Detail string    `json:"detail,omitempty"` // the last error, for the streamer
	Since  time.Time `json:"since"`
}

// Connection states.
const (
	TikTokWaiting      = "waiting for LIVE"
	TikTokConnected    = "connected"
	TikTokReconnecting = "reconnecting"
	TikTokEnded        = "LIVE ended"
	TikTokConnecting   = "connecting"
	TikTokStopped      = "stopped"

	MinecraftUnknown     = "not contacted yet"
	MinecraftConnected   = "connected"
	MinecraftRefused     = "refused password"
	MinecraftUnreachable = "unreachable"
	MinecraftDryRun      = "dry run"

	// OBS's states use the same words (the page colours them alike).
	OBSUnknown     = "not contacted yet"
	OBSConnected   = "connected"
	OBSRefused     = "refused password"
	OBSUnreachable = "unreachable"
)

// FeedItem is one line of the live feed. Viewer text is data: the page
// shows it with textContent, never as markup.
type FeedItem struct {
	ID       int64     `json:"id"`
	Time     time.Time `json:"time"`
	Type     string    `json:"type"`
	User     string    `json:"user,omitempty"`
	Nickname string    `json:"nickname,omitempty"`
	Text     string    `json:"text,omitempty"` // chat, disconnect reason, room id
	Gift     string    `json:"gift,omitempty"`
	GiftID   int64     `json:"gift_id,omitempty"`
	Count    int64     `json:"count,omitempty"` // gifts so far, likes, viewers, folded joins
	Total    int64     `json:"total,omitempty"` // the room's like total
	Streak   string    `json:"streak,omitempty"`
	Diamonds int64     `json:"diamonds,omitempty"` // of the whole item: price × count
	Users    []string  `json:"users,omitempty"`    // folded joins: the first few names
	Test     bool      `json:"test,omitempty"`
}

// Streak states of a gift item.
const (
	StreakSingle = "single"
	StreakOpen   = "streaking"
	StreakEnded  = "ended"
)

// ActionItem is one action, queued or delivered.
type ActionItem struct {
	ID       int64     `json:"id"` // queue id (deliveries); 0 for queued ones
	Time     time.Time `json:"time"`
	Kind     string    `json:"kind"`
	Text     string    `json:"text"`
	Trigger  string    `json:"trigger,omitempty"`
	User     string    `json:"user,omitempty"`
	Source   string    `json:"source,omitempty"`
	Test     bool      `json:"test,omitempty"`
	Result   string    `json:"result,omitempty"`
	Reply    string    `json:"reply,omitempty"` // Minecraft's answer, or the error
	Attempts int       `json:"attempts,omitempty"`
	Millis   int64     `json:"latency_ms,omitempty"`
}

// Delivery results.
const (
	ResultQueued   = "queued"
	ResultSent     = "sent"
	ResultRetrying = "failed, retrying"
	ResultRejected = "rejected"
	ResultParked   = "parked"
)

// Delivery is one delivery outcome, as the worker reports it.
type Delivery struct {
	Item    queue.Item
	Err     error
	Latency time.Duration
	// Reply is Minecraft's answer, when the sink reports it.
	Reply string
	// Result overrides the result derived from Err (ResultParked...).
	Result string
}

// Queue is the state of the action queue.
type Queue struct {
	Pending   int       `json:"pending"`
	Oldest    time.Time `json:"oldest,omitzero"`
	OldestAge float64   `json:"oldest_seconds"`
	PerSecond float64   `json:"per_second"` // commands delivered per second, last 10 s
	InFlight  float64   `json:"in_flight_seconds,omitempty"`
	// Lanes are the outputs with actions waiting, each its own line, so
	// that a $http target or OBS that is down is not read as Minecraft
	// falling behind (the figures above add every lane up).
	Lanes []LaneQueue `json:"lanes,omitempty"`
}

// LaneQueue is what waits for one output (queue.Lane's name: minecraft,
// overlays, http, obs).
type LaneQueue struct {
	Lane      string  `json:"lane"`
	Pending   int     `json:"pending"`
	OldestAge float64 `json:"oldest_seconds"`
	// Target is, for the http lane, the host:port of the $http request
	// that has been on its way for a second or more: the server that
	// holds the others up.
	Target string `json:"target,omitempty"`
}

// Pause says what holds delivery.
type Pause struct {
	Paused bool      `json:"paused"`
	Manual bool      `json:"manual"`
	Death  bool      `json:"death"`
	Until  time.Time `json:"until,omitzero"`
}

// Counters are this session's numbers.
type Counters struct {
	Viewers  int64 `json:"viewers"`
	Likes    int64 `json:"likes"`
	Diamonds int64 `json:"diamonds"`
	Gifts    int64 `json:"gifts"`
	Deaths   int64 `json:"deaths"`
	Dead     bool  `json:"dead"`
}

// Rules are the actions file as the dashboard shows it.
type Rules struct {
	File        string        `json:"file"`
	Loaded      time.Time     `json:"loaded,omitzero"`
	Reloadable  bool          `json:"reloadable"`
	Triggers    []TriggerInfo `json:"triggers"`
	Likes       []LikeInfo    `json:"like_rules"`
	Diagnostics []string      `json:"diagnostics"`
	// Error is set when the last reload failed: the rules above still run.
	Error string `json:"error,omitempty"`
}

// TriggerInfo is one rule of the actions file.
type TriggerInfo struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"` // gift, event, likes
	Line     int      `json:"line"`
	Commands []string `json:"commands"`
}

// LikeInfo is one like rule of the config.
type LikeInfo struct {
	ID       string `json:"id"`
	Every    int64  `json:"every"`
	Function string `json:"function"`
}

// Status is everything but the lists.
type Status struct {
	Mode      string    `json:"mode"` // "demo" or "run"
	Started   time.Time `json:"started"`
	TikTok    Conn      `json:"tiktok"`
	Minecraft Conn      `json:"minecraft"`
	// OBS is OBS Studio's connection, for $obs actions; nil when no obs
	// section is configured (the page then shows none).
	OBS      *Conn    `json:"obs,omitempty"`
	Counters Counters `json:"counters"`
	Queue    Queue    `json:"queue"`
	Pause    Pause    `json:"pause"`
	Rules    Rules    `json:"rules"`
}

// Snapshot is what a browser gets when it connects.
type Snapshot struct {
	Status
	Feed    []FeedItem   `json:"feed"`
	Actions []ActionItem `json:"actions"`
	Queued  []ActionItem `json:"queued"`
}

// Message is one SSE message: its type and JSON data.
type Message struct {
	Type string
	Data []byte
}

// Dashboard is the live state the pages show, fed from the pipeline's
// hooks. Every method is safe for concurrent use and never blocks on a
// browser: a browser that falls behind is dropped and reconnects, getting
// the current state.
type Dashboard struct {
	mu      sync.Mutex
	status  Status
	feed    []FeedItem // oldest first
	nextID  int64
	streaks map[string]int64 // streak key → feed item id
	actions []ActionItem
	queued  []ActionItem
	rate    []time.Time // recent successful deliveries, for PerSecond
	tally   *tally
	seen    *recent.IDs
	dirty   bool

	subs map[*subscriber]struct{}
	// overlaySent is each overlay part as last sent (PublishOverlay), so
	// that an unchanged part is not sent again.
	overlaySent map[string][]byte
	// out is what changed since the last frame, each entry numbered (seq)
	// so that a browser that subscribed meanwhile, whose snapshot has it
	// already, is not sent it again. armed: a frame is due.
	out     outbox
	seq     uint64
	armed   bool
	frameMu sync.Mutex // one frame at a time, so that they arrive in order
	frame   time.Duration
	// afterSend, if set, is called when a frame's entries are sent,
	// before its status (tests).
	afterSend func()
	now       func() time.Time
}

type subscriber struct {
	ch    chan Message
	types map[string]bool // nil: all of the dashboard's own (not the overlays')
	gone  chan struct{}   // closed when dropped
	from  uint64          // the last outbox entry its snapshot holds
}

func (s *subscriber) wants(typ string) bool {
	if s.types == nil {
		return typ != TypeOverlay && !strings.HasPrefix(typ, TypeOverlay+"/")
	}
	return s.types[typ]
}

// outbox holds what a frame sends, oldest first.
type outbox struct {
	feed      []numbered[FeedItem]
	queued    []numbered[ActionItem]
	delivered []numbered[ActionItem]
	queue     []numbered[Queue]
}

type numbered[T any] struct {
	seq uint64
	v   T
}

// stage adds v to a list of the outbox, keeping at most keep entries once
// it holds twice as many (those further back would be cut by the frame).
func stage[T any](list []numbered[T], seq uint64, v T, keep int) []numbered[T] {
	if len(list) >= 2*keep {
		list = append(list[:0], list[len(list)-keep:]...)
	}
	return append(list, numbered[T]{seq, v})
}

// NewDashboard returns an empty dashboard for mode "demo" or "run".
func NewDashboard(mode string) *Dashboard {
	now := time.Now()
	d := &Dashboard{
		streaks: map[string]int64{},
		tally:   newTally(now),
		seen:    recent.New(1 << 13),
		subs:    map[*subscriber]struct{}{},
		frame:   frame,
		now:     time.Now,

		overlaySent: map[string][]byte{},
	}
	d.status = Status{
		Mode:      mode,
		Started:   now,
		TikTok:    Conn{State: TikTokWaiting, Since: now},
		Minecraft: Conn{State: MinecraftUnknown, Since: now},
		Rules:     Rules{Triggers: []TriggerInfo{}, Likes: []LikeInfo{}, Diagnostics: []string{}},
	}
	return d
}

// Event shows an event in the feed and counts it. test marks an event
// fired from the test panel: it is shown as a test and counted apart.
func (d *Dashboard) Event(ev tikcraft.Event, test bool) {
	if ev == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !test && !d.seen.Add(tikcraft.MessageKey(ev)) {
		return // a duplicate: the engine drops it too
	}
	now := d.now()
	d.tally.event(ev, test)
	st := &d.status
	if st.TikTok.State == TikTokWaiting && !test {
		// A source without connect events (run --source demo, replay).
		st.TikTok = Conn{State: TikTokConnected, Detail: "events arriving", Since: now}
	}
	item := FeedItem{Time: now, Type: string(ev.Type()), Test: test}
	openStreak := "" // a streak whose later updates go to this item
	setUser := func(u *tikcraft.User) {
		item.User, item.Nickname = actions.DisplayText(u.Name()), actions.DisplayText(u.DisplayName())
	}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		setUser(&e.User)
		item.Gift, item.GiftID, item.Count, item.Streak = actions.DisplayText(e.Gift.Name), e.Gift.ID, 1, StreakSingle
		if e.Gift.Combo {
			item.Count, item.Streak = e.Count(), StreakOpen
			if e.RepeatEnd {
				item.Streak = StreakEnded
			}
			key := streakKey(e)
			if id, ok := d.streaks[key]; ok {
				if i := d.find(id); i >= 0 {
					old := d.feed[i]
					item.Count = max(item.Count, old.Count) // an out-of-order update never shrinks it
					item.ID, item.Time = id, old.Time
				}
			}
			if item.Streak == StreakEnded {
				delete(d.streaks, key)
			} else {
				openStreak = key
			}
		}
		item.Diamonds = max(e.Gift.Diamonds, 0) * min(item.Count, 1_000_000)
		if !test {
			st.Counters.Diamonds, st.Counters.Gifts = d.tally.diamonds, d.tally.gifts
		}
	case *tikcraft.LikeEvent:
		setUser(&e.User)
		item.Count, item.Total = e.Count, e.Total
		if !test {
			st.Counters.Likes = d.tally.likes
		}
	case *tikcraft.ChatEvent:
		setUser(&e.User)
		item.Text = actions.DisplayText(e.Text)
	case *tikcraft.FollowEvent:
		setUser(&e.User)
	case *tikcraft.ShareEvent:
		setUser(&e.User)
	case *tikcraft.SubscribeEvent:
		setUser(&e.User)
	case *tikcraft.JoinEvent:
		// Joins fold into one line while they keep coming.
		if n := len(d.feed); n > 0 && d.feed[n-1].Type == string(tikcraft.TypeJoin) && d.feed[n-1].Test == test && now.Sub(d.feed[n-1].Time) < foldJoins {
			item = d.feed[n-1]
			item.Users = append([]string(nil), item.Users...)
		}
		item.Count++
		name := actions.DisplayText(e.User.Name())
		if len(item.Users) < maxFolded {
			item.Users = append(item.Users, name)
		}
		item.User = name
	case *tikcraft.ViewersEvent:
		if !test {
			st.Counters.Viewers = e.Count
		}
		d.touchLocked()
		return // a number, not a feed line
	case *tikcraft.ConnectEvent:
		item.Text = e.RoomID
		st.TikTok = Conn{State: TikTokConnected, Since: now}
		if e.RoomID != "" {
			st.TikTok.Detail = "room " + e.RoomID
		}
	case *tikcraft.DisconnectEvent:
		item.Text = actions.DisplayText(e.Reason)
		if st.TikTok.State != TikTokEnded {
			st.TikTok = Conn{State: TikTokReconnecting, Detail: e.Reason, Since: now}
		}
	case *tikcraft.StreamEndEvent:
		st.TikTok = Conn{State: TikTokEnded, Detail: "waiting for the next LIVE", Since: now}
		clear(d.streaks)
	}
	d.touchLocked()
	id := d.put(item)
	if openStreak != "" {
		d.streaks[openStreak] = id
		d.trimStreaks()
	}
}

func streakKey(e *tikcraft.GiftEvent) string {
	return e.User.Key() + "\x00" + e.User.Name() + "\x00" + giftKey(e.Gift) + "\x00" + e.GroupID
}

func (d *Dashboard) trimStreaks() {
	if len(d.streaks) <= 4*feedSize {
		return
	}
	for k, id := range d.streaks {
		if d.find(id) < 0 {
			delete(d.streaks, k)
		}
	}
}

// find returns the index of the feed item id, or -1.
func (d *Dashboard) find(id int64) int {
	for i := len(d.feed) - 1; i >= 0; i-- {
		if d.feed[i].ID == id {
			return i
		}
	}
	return -1
}

// put adds or updates a feed item, sends it and returns its id. mu is
// held.
func (d *Dashboard) put(item FeedItem) int64 {
	if item.ID != 0 {
		if i := d.find(item.ID); i >= 0 {
			d.feed[i] = item
			d.stageFeed(item)
			return item.ID
		}
	}
	d.nextID++
	item.ID = d.nextID
	d.feed = keepLast(append(d.feed, item), feedSize)
	d.stageFeed(item)
	return item.ID
}

// keepLast trims list to its last n entries once it holds twice as many:
// one copy per n appends instead of one per append. Readers take last.
func keepLast[T any](list []T, n int) []T {
	if len(list) > 2*n {
		list = append(list[:0], list[len(list)-n:]...)
	}
	return list
}

// last is the last n entries of list, copied.
func last[T any](list []T, n int) []T {
	return append([]T{}, list[max(len(list)-n, 0):]...)
}

func (d *Dashboard) stageFeed(item FeedItem) {
	if seq, ok := d.stageLocked(TypeEvent); ok {
		d.out.feed = stage(d.out.feed, seq, item, feedSize)
	}
}

// stageLocked numbers an entry of type typ for the next frame and arms
// it, or reports false when no browser takes that type; mu is held.
func (d *Dashboard) stageLocked(typ string) (uint64, bool) {
	if !d.wantedLocked(typ) {
		return 0, false
	}
	d.seq++
	d.armLocked()
	return d.seq, true
}

// armLocked makes sure a frame is due; mu is held.
func (d *Dashboard) armLocked() {
	if !d.armed {
		d.armed = true
		time.AfterFunc(d.frame, d.sendFrame)
	}
}

// touchLocked notes that the status changed: the next frame sends it, and
// one is made due for it if a browser takes the status (one that comes
// later starts from a snapshot; the overlay pages do not take it).
// Nothing polls for changes, so a quiet LIVE wakes nothing; mu is held.
func (d *Dashboard) touchLocked() {
	d.dirty = true
	if d.wantedLocked(TypeState) {
		d.armLocked()
	}
}

// Note adds a line of tikcraft's own to the feed (a death, a reload).
func (d *Dashboard) Note(typ, text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.put(FeedItem{Time: d.now(), Type: typ, Text: text})
}

// Queued shows actions the engine (or a test trigger) queued.
func (d *Dashboard) Queued(acts []tikcraft.Action) {
	if len(acts) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	for _, a := range acts {
		it := actionItem(a, now)
		it.Result = ResultQueued
		d.tally.queued(1, it.Test)
		d.queued = keepLast(append(d.queued, it), queuedSize)
		if seq, ok := d.stageLocked(TypeAction); ok {
			d.out.queued = stage(d.out.queued, seq, it, queuedSize)
		}
	}
}

// IsTest reports whether an action came from the test panel.
func IsTest(a tikcraft.Action) bool { return strings.HasPrefix(a.Source, TestSourcePrefix) }

// TestSourcePrefix starts the Source of every action a test trigger caused,
// so that it stays marked through the durable queue.
const TestSourcePrefix = "test: "

func actionItem(a tikcraft.Action, now time.Time) ActionItem {
	return ActionItem{Time: now, Kind: string(a.Kind), Text: actions.DisplayText(a.String()), Trigger: a.Trigger, User: actions.DisplayText(a.User), Source: actions.DisplayText(a.Source), Test: IsTest(a)}
}

// Delivered shows the outcome of a delivery attempt. An action retried
// keeps its line (same queue id) with the attempts counted.
func (d *Dashboard) Delivered(o Delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	it := actionItem(o.Item.Action, now)
	it.ID, it.Millis, it.Reply, it.Attempts = o.Item.ID, o.Latency.Milliseconds(), o.Reply, 1
	switch {
	case o.Result != "":
		it.Result = o.Result
	case o.Err == nil:
		it.Result = ResultSent
	case errors.Is(o.Err, tikcraft.ErrRejected):
		it.Result = ResultRejected
	default:
		it.Result = ResultRetrying
	}
	if o.Err != nil && it.Reply == "" {
		it.Reply = o.Err.Error()
	}
	d.tally.delivered(it.Result, it.Test)
	st := &d.status
	switch {
	case !toMinecraft(o.Item.Action.Kind):
		// Overlays, OBS and web requests say nothing about Minecraft.
		if o.Err == nil {
			d.rate = append(d.rate, now)
		}
	case o.Err == nil && st.Minecraft.State != MinecraftDryRun:
		if st.Minecraft.State != MinecraftConnected {
			st.Minecraft = Conn{State: MinecraftConnected, Since: now}
			d.touchLocked()
		}
		d.rate = append(d.rate, now)
	case o.Err == nil:
		d.rate = append(d.rate, now)
	case errors.Is(o.Err, tikcraft.ErrRejected):
	case errors.Is(o.Err, tikcraft.ErrPermanent):
		st.Minecraft = Conn{State: MinecraftRefused, Detail: o.Err.Error(), Since: now}
		d.touchLocked()
	default:
		st.Minecraft = Conn{State: MinecraftUnreachable, Detail: o.Err.Error(), Since: now}
		d.touchLocked()
	}
	if n := len(d.actions); n > 0 && d.actions[n-1].ID == it.ID && it.ID != 0 {
		it.Attempts = d.actions[n-1].Attempts + 1
		d.actions[n-1] = it
	} else {
		d.actions = keepLast(append(d.actions, it), actionsSize)
	}
	if seq, ok := d.stageLocked(TypeDelivery); ok {
		d.out.delivered = stage(d.out.delivered, seq, it, actionsSize)
	}
}

// SetTikTok sets TikTok's connection state (from the client's state hook).
func (d *Dashboard) SetTikTok(state, detail string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.status.TikTok.State != state || d.status.TikTok.Detail != detail {
		d.status.TikTok = Conn{State: state, Detail: detail, Since: d.now()}
		d.touchLocked()
	}
}

// toMinecraft reports whether an action of kind k goes to Minecraft.
func toMinecraft(k tikcraft.ActionKind) bool {
	return k == tikcraft.KindCommand || k == ""
}

// SetOBS sets OBS's connection state (from the OBS sink's state hook;
// see OBSConn).
func (d *Dashboard) SetOBS(c Conn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old := d.status.OBS; old == nil || old.State != c.State || old.Detail != c.Detail {
		if c.Since.IsZero() {
			c.Since = d.now()
		}
		d.status.OBS = &c
		d.touchLocked()
	}
}

// OBSConn words an OBS sink's state for the dashboard.
func OBSConn(st tikcraft.SinkState) Conn {
	switch {
	case st.Connected:
		return Conn{State: OBSConnected}
	case st.Refused:
		return Conn{State: OBSRefused, Detail: st.Problem, Since: st.Since}
	case st.Problem != "":
		return Conn{State: OBSUnreachable, Detail: st.Problem, Since: st.Since}
	}
	return Conn{State: OBSUnknown}
}

// SetMinecraft sets Minecraft's connection state.
func (d *Dashboard) SetMinecraft(state, detail string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.status.Minecraft.State != state || d.status.Minecraft.Detail != detail {
		d.status.Minecraft = Conn{State: state, Detail: detail, Since: d.now()}
		d.touchLocked()
	}
}

// SetQueue updates the queue numbers and sends them when they changed.
// inFlight is how long the action being delivered has been waiting for
// Minecraft (0: none).
func (d *Dashboard) SetQueue(pending int, oldest time.Time, inFlight time.Duration, lanes ...LaneQueue) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	cut := now.Add(-10 * time.Second)
	i := 0
	for i < len(d.rate) && d.rate[i].Before(cut) {
		i++
	}
	d.rate = d.rate[i:]
	q := Queue{Pending: pending, Oldest: oldest, PerSecond: float64(len(d.rate)) / 10, InFlight: inFlight.Seconds(), Lanes: lanes}
	if !oldest.IsZero() {
		q.OldestAge = now.Sub(oldest).Seconds()
	}
	d.tally.pending = pending
	old := d.status.Queue
	d.status.Queue = q
	if old.Pending != q.Pending || old.PerSecond != q.PerSecond || int(old.OldestAge) != int(q.OldestAge) || int(old.InFlight) != int(q.InFlight) || !sameLanes(old.Lanes, q.Lanes) {
		if seq, ok := d.stageLocked(TypeQueue); ok {
			d.out.queue = stage(d.out.queue, seq, q, 1)
		}
	}
}

// sameLanes: the lanes' figures as the page shows them (whole seconds).
func sameLanes(a, b []LaneQueue) bool {
	return slices.EqualFunc(a, b, func(x, y LaneQueue) bool {
		return x.Lane == y.Lane && x.Pending == y.Pending && int(x.OldestAge) == int(y.OldestAge) && x.Target == y.Target
	})
}

// SetPause shows what holds delivery.
func (d *Dashboard) SetPause(p Pause) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status.Pause = p
	d.dirty = true // said now, not at the next frame
	d.flushLocked()
}

// SetDeaths shows the death count.
func (d *Dashboard) SetDeaths(n int64, dead bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status.Counters.Deaths, d.status.Counters.Dead = n, dead
	d.dirty = true // said now, not at the next frame
	d.flushLocked()
}

// SetRules shows the actions file.
func (d *Dashboard) SetRules(r Rules) {
	if r.Triggers == nil {
		r.Triggers = []TriggerInfo{}
	}
	if r.Likes == nil {
		r.Likes = []LikeInfo{}
	}
	if r.Diagnostics == nil {
		r.Diagnostics = []string{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status.Rules = r
	d.dirty = true // said now, not at the next frame
	d.flushLocked()
}

// Status returns the status now.
func (d *Dashboard) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// Snapshot returns everything a page needs to draw itself.
func (d *Dashboard) Snapshot() Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.snapshotLocked()
}

func (d *Dashboard) snapshotLocked() Snapshot {
	return Snapshot{
		Status:  d.status,
		Feed:    last(d.feed, feedSize),
		Actions: last(d.actions, actionsSize),
		Queued:  last(d.queued, queuedSize),
	}
}

// Report is the session report so far.
func (d *Dashboard) Report() Report {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tally.report(d.now())
}

// Publish sends a message of another type (the overlays' own) to the
// browsers that asked for it. v is encoded outside the dashboard's lock,
// and not at all when no browser wants it.
func (d *Dashboard) Publish(typ string, v any) {
	d.mu.Lock()
	wanted := d.wantedLocked(typ)
	d.mu.Unlock()
	if !wanted {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sendRaw(typ, b)
}

// Flush sends what changed at once, then the status if it changed since
// the last one.
func (d *Dashboard) Flush() { d.sendFrame() }

// sendFrame sends the outbox: each entry encoded once, outside the lock,
// to every browser that takes its type and lacks it; of the feed items
// and deliveries only the last version of each, and of every list only
// what a page keeps.
func (d *Dashboard) sendFrame() {
	d.frameMu.Lock()
	defer d.frameMu.Unlock()
	d.mu.Lock()
	out := d.out
	d.out, d.armed = outbox{}, false
	subs := make([]*subscriber, 0, len(d.subs))
	for s := range d.subs {
		subs = append(subs, s)
	}
	d.mu.Unlock()

	var msgs []numbered[Message]
	add := func(seq uint64, typ string, v any) {
		if b, err := json.Marshal(v); err == nil {
			msgs = append(msgs, numbered[Message]{seq, Message{Type: typ, Data: b}})
		}
	}
	for _, it := range lastOf(out.feed, feedSize, func(f FeedItem) int64 { return f.ID }) {
		add(it.seq, TypeEvent, it.v)
	}
	for _, it := range lastOf(out.queued, queuedSize, nil) {
		add(it.seq, TypeAction, it.v)
	}
	for _, it := range lastOf(out.delivered, actionsSize, func(a ActionItem) int64 { return a.ID }) {
		add(it.seq, TypeDelivery, it.v)
	}
	for _, it := range lastOf(out.queue, 1, nil) {
		add(it.seq, TypeQueue, it.v)
	}
	if len(msgs) == 0 {
		d.mu.Lock()
		d.flushStatusLocked()
		d.mu.Unlock()
		return
	}
	var slow []*subscriber
	for _, s := range subs {
		for _, m := range msgs {
			if m.seq <= s.from || !s.wants(m.v.Type) {
				continue
			}
			select {
			case s.ch <- m.v:
				continue
			default: // too slow: it reconnects and gets the current state
			}
			slow = append(slow, s)
			break
		}
	}
	if d.afterSend != nil {
		d.afterSend()
	}
	d.mu.Lock()
	for _, s := range slow {
		d.dropLocked(s)
	}
	// The status changed with these events (counters): it goes with
	// them, in the same wake-up of each browser.
	d.flushStatusLocked()
	d.mu.Unlock()
}

// flushStatusLocked ends a frame with the status, unless entries staged
// while the frame was sent made the next one due: the status may already
// say what they did (a delivery's Minecraft state), so it goes after them,
// with that frame; mu is held.
func (d *Dashboard) flushStatusLocked() {
	if !d.armed {
		d.flushLocked()
	}
}

// lastOf is the last n entries of list, in order, after dropping every
// entry that a later one with the same id (non-zero) replaces.
func lastOf[T any](list []numbered[T], n int, id func(T) int64) []numbered[T] {
	if id != nil {
		seen := make(map[int64]bool, len(list))
		kept := list[:0:0]
		for i := len(list) - 1; i >= 0; i-- {
			k := id(list[i].v)
			if k != 0 && seen[k] {
				continue
			}
			seen[k] = true
			kept = append(kept, list[i])
		}
		slices.Reverse(kept)
		list = kept
	}
	return list[max(len(list)-n, 0):]
}

func (d *Dashboard) flushLocked() {
	if !d.dirty {
		return
	}
	d.dirty = false
	d.send(TypeState, d.status)
}

// Subscription receives the dashboard's messages (what /api/stream sends).
type Subscription struct {
	d *Dashboard
	s *subscriber
	// C delivers the messages; the first is a snapshot of type state.
	C <-chan Message
	// Done is closed when the subscriber fell behind and was dropped, or
	// closed.
	Done <-chan struct{}
}

// Close ends the subscription.
func (s *Subscription) Close() { s.d.unsubscribe(s.s) }

// Subscribe returns the messages of the given types (none: all), starting
// with a snapshot. A subscriber that does not keep up is dropped (Done).
func (d *Dashboard) Subscribe(types ...string) *Subscription {
	var m map[string]bool
	if len(types) > 0 {
		m = map[string]bool{TypeState: true}
		for _, t := range types {
			m[t] = true
		}
	}
	s := d.subscribe(m)
	return &Subscription{d: d, s: s, C: s.ch, Done: s.gone}
}

// SubscribeOnly returns the messages of the given types only, without the
// dashboard's snapshot and status (the overlay pages).
func (d *Dashboard) SubscribeOnly(types ...string) *Subscription {
	m := map[string]bool{}
	for _, t := range types {
		m[t] = true
	}
	s := &subscriber{ch: make(chan Message, clientQueue), types: m, gone: make(chan struct{})}
	d.mu.Lock()
	s.from = d.seq
	d.subs[s] = struct{}{}
	d.mu.Unlock()
	return &Subscription{d: d, s: s, C: s.ch, Done: s.gone}
}

// subscribe registers a browser. The first message is a full snapshot.
// types limits the messages to those types (nil: all).
func (d *Dashboard) subscribe(types map[string]bool) *subscriber {
	s := &subscriber{ch: make(chan Message, clientQueue), types: types, gone: make(chan struct{})}
	d.mu.Lock()
	defer d.mu.Unlock()
	if b, err := json.Marshal(d.snapshotLocked()); err == nil {
		s.ch <- Message{Type: TypeState, Data: b}
	}
	s.from = d.seq
	d.subs[s] = struct{}{}
	return s
}

func (d *Dashboard) unsubscribe(s *subscriber) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropLocked(s)
}

// dropLocked ends a subscription; mu is held.
func (d *Dashboard) dropLocked(s *subscriber) {
	if _, ok := d.subs[s]; ok {
		delete(d.subs, s)
		close(s.gone)
	}
}

// wantedLocked reports whether a subscriber takes messages of typ; mu is
// held.
func (d *Dashboard) wantedLocked(typ string) bool {
	for s := range d.subs {
		if s.wants(typ) {
			return true
		}
	}
	return false
}

// send marshals v once and queues it for every subscriber that wants it
// (none: nothing is encoded); mu is held.
func (d *Dashboard) send(typ string, v any) {
	if !d.wantedLocked(typ) {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	d.sendRaw(typ, b)
}

// sendRaw queues an encoded message; mu is held.
func (d *Dashboard) sendRaw(typ string, b []byte) {
	m := Message{Type: typ, Data: b}
	for s := range d.subs {
		if !s.wants(typ) {
			continue
		}
		select {
		case s.ch <- m:
		default: // too slow: drop it; it reconnects and gets the current state
			d.dropLocked(s)
		}
	}
}
