// Package rules is the rule set in force while tikcraft runs: the actions
// file the engine reads, swapped whole when the file is reloaded, with the
// generator $random picks with and, in datapack mode, the pack its plain
// rules run from. Parse validates an actions file as check does, so that
// check, a start and a reload judge a file the same way.
package rules

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/datapack"
	"github.com/tikcraft/tikcraft/engine"
)

// Set is the live rules. It is safe for concurrent use: the pipeline fires
// rules while the dashboard fires test triggers and a reload swaps the file.
type Set struct {
	mu    sync.Mutex
	f     *actions.File
	bound map[*actions.Rule]*rule
	rnd   *rand.Rand
	// onPick, if set, is told each rule $random picks (the console).
	onPick func(Pick)
	// pack, in datapack mode, runs the rules it holds as one function
	// command per firing.
	pack *datapack.Live
}

// Pick is one choice of $random, for the console.
type Pick struct {
	Rule   string // the rule that ran $random
	Cause  string // what fired it, e.g. `gift "Rose" from "anna"`
	Picked string // the rule it picked
}

var _ engine.Rules = (*Set)(nil)

// New makes the live rules from f; seed 0 picks a random seed for $random.
func New(f *actions.File, seed uint64) *Set {
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &Set{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	s.swapLocked(f)
	return s
}

// File is the actions file in force.
func (s *Set) File() *actions.File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f
}

// Swap puts f in force (a reload), and rebuilds the data pack for it.
func (s *Set) Swap(f *actions.File) {
	s.mu.Lock()
	s.swapLocked(f)
	pack := s.pack
	s.mu.Unlock()
	pack.Update(f)
}

func (s *Set) swapLocked(f *actions.File) {
	s.f = f
	s.bound = make(map[*actions.Rule]*rule, len(f.Rules()))
	for _, r := range f.Rules() {
		s.bound[r] = &rule{s: s, f: f, r: r}
	}
}

// OnPick sets the hook told every $random pick from now on.
func (s *Set) OnPick(fn func(Pick)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPick = fn
}

// UsePack turns datapack mode on: the rules p holds run as one function
// call each.
func (s *Set) UsePack(p *datapack.Live) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pack = p
}

// MatchGift returns the trigger a gift fires, or "".
func (s *Set) MatchGift(g tikcraft.Gift) string {
	if r := s.File().MatchGift(g.Name, g.ID, g.Diamonds); r != nil {
		return r.Trigger
	}
	return ""
}

// MatchChat returns the trigger a chat message fires, or "".
func (s *Set) MatchChat(text string) string {
	if r := s.File().MatchChat(text); r != nil {
		return r.Trigger
	}
	return ""
}

// Rule returns trigger's rule, or nil.
func (s *Set) Rule(trigger string) engine.Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.bound[s.f.Lookup(trigger)]; b != nil {
		return b
	}
	return nil
}

// Lookup returns trigger's rule in the file in force and the engine's view
// of it, or nils.
func (s *Set) Lookup(trigger string) (*actions.Rule, engine.Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.f.Lookup(trigger)
	if b := s.bound[r]; b != nil {
		return r, b
	}
	return nil, nil
}

// rule is one rule of the file in force, as the engine fires it.
type rule struct {
	s *Set
	f *actions.File // the file r belongs to: a swap while a firing is on its way does not mix files
	r *actions.Rule
}

var _ engine.Rule = (*rule)(nil)

func (b *rule) Conditions() tikcraft.Conditions { return b.r.Conditions }

// Fire expands one firing. The set's lock also guards $random's
// generator, which test triggers use from other goroutines.
func (b *rule) Fire(v engine.Vars) []tikcraft.Action {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	vars := actions.Vars{User: v.User, Nickname: v.Nickname, Gift: v.Gift, Count: v.Count, Coins: v.Coins, Message: v.Message}
	if a, ok := s.pack.Pack().Call(b.r, vars); ok {
		return []tikcraft.Action{a}
	}
	var picked func(*actions.Rule)
	if s.onPick != nil {
		onPick := s.onPick
		picked = func(p *actions.Rule) {
			cause := "from " + strconv.Quote(v.User)
			if v.Gift != "" {
				cause = fmt.Sprintf("gift %s from %s", strconv.Quote(v.Gift), strconv.Quote(v.User))
			}
			onPick(Pick{Rule: b.r.Trigger, Cause: cause, Picked: p.Trigger})
		}
	}
	return b.f.FireTraced(b.r, vars, s.rnd, picked)
}

// FromText makes live rules from actions-file text with no options, for
// built-in rules (bench) and tests; seed as in New. It fails on the first
// error in src.
func FromText(name, src string, seed uint64) (*Set, error) {
	f, diags := actions.Parse(name, []byte(src), actions.Options{})
	for _, d := range diags {
		if d.Severity == actions.Error {
			return nil, fmt.Errorf("%s", d)
		}
	}
	return New(f, seed), nil
}
