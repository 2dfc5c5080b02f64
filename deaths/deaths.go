// Package deaths learns when the player dies and respawns in Minecraft, and
// counts the deaths. Two sources: a server plugin posting webhooks (the
// MinecraftServerAPI plugin Tiktok2Mc uses, parsed by ParseWebhook), or, on a
// vanilla server, a deathCount scoreboard objective polled over RCON
// (Scoreboard). A Tracker turns both into a death count and, with
// minecraft.pause_on_death, into pausing delivery until the respawn.
package deaths

import (
	"sync"
)

// What a Minecraft happening means.
const (
	Death   = "death"
	Respawn = "respawn"
	Ignore  = "ignore"
)

// Pauser holds delivery from a death until the respawn (pause.Gate).
type Pauser interface {
	Died()
	Respawned()
}

// Tracker counts deaths and pauses delivery on them. It is safe for
// concurrent use.
type Tracker struct {
	pauser Pauser // nil: deaths are only counted

	mu       sync.Mutex
	deaths   int64
	dead     bool
	onChange []func(Count)
	notify   sync.Mutex // keeps listeners in order
}

// Count is the tracker's state.
type Count struct {
	Deaths int64  `json:"deaths"` // since tikcraft started
	Dead   bool   `json:"dead"`   // a death was seen and no respawn yet
	Player string `json:"player,omitempty"`
}

// NewTracker returns a tracker; with p non-nil every death pauses delivery
// through it until the respawn.
func NewTracker(p Pauser) *Tracker { return &Tracker{pauser: p} }

// OnChange registers f, called in order after every death and respawn. f
// must not call the tracker.
func (t *Tracker) OnChange(f func(Count)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.onChange = append(t.onChange, f)
}

// Died records n deaths of player (n < 1 counts as 1).
func (t *Tracker) Died(player string, n int64) {
	if n < 1 {
		n = 1
	}
	t.mu.Lock()
	t.deaths += n
	t.dead = true
	c := Count{Deaths: t.deaths, Dead: true, Player: player}
	t.tell(c)
	if t.pauser != nil {
		t.pauser.Died()
	}
}

// Respawned records that player is back. It ends a death pause.
func (t *Tracker) Respawned(player string) {
	t.mu.Lock()
	t.dead = false
	c := Count{Deaths: t.deaths, Player: player}
	t.tell(c)
	if t.pauser != nil {
		t.pauser.Respawned()
	}
}

// Dead reports whether a death was seen and no respawn since.
func (t *Tracker) Dead() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dead
}

// Count returns the state now.
func (t *Tracker) Count() Count {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Count{Deaths: t.deaths, Dead: t.dead}
}

// tell is called with mu held and releases it.
func (t *Tracker) tell(c Count) {
	listeners := t.onChange
	t.notify.Lock()
	defer t.notify.Unlock()
	t.mu.Unlock()
	for _, f := range listeners {
		f(c)
	}
}
