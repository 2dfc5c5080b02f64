package tiktok2mc

import (
	"fmt"
	"strings"
	"sync"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/tiktok"
)

// Tiktok2Mc ran a rule for a gift when the gift's name and the rule's
// trigger became the same text after its clean-up (t2mName): "Heart Me"
// and "heart_me" did, "HeartMe" and "Heart Me" did not. tikcraft matches
// names ignoring "_" and "-" as well (actions.Normalize), so a trigger that
// Tiktok2Mc ran for no gift can name one in tikcraft: "🌹Rose 🌹" became
// "rose_", which no gift is, and "rose_" is the Rose to tikcraft. Such a
// line is left as a comment (strayTrigger says why): converted, it would
// run for every Rose, which Tiktok2Mc never did, and tikcraft cannot write
// a rule that runs for no gift but keeps that name.

// t2mName is Tiktok2Mc's clean-up of a trigger and of a gift's name: lower
// case, spaces as "_", anything but a-z, 0-9, "_" and "-" dropped.
func t2mName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchable is a gift or an event a Tiktok2Mc trigger could name.
type matchable struct {
	what, every string // "the gift Rose", "every Rose"; "a follow", "every follow"
	name        string // its name as Tiktok2Mc cleaned it up: "rose", "follow"
	rule        string // the trigger that names it in tikcraft: "rose", "follow"
}

// t2mEvents are the triggers Tiktok2Mc fired for something other than a
// gift, by their exact name: the events and the like rules' functions of
// its default config.
var t2mEvents = []matchable{
	{"a follow", "every follow", "follow", "follow"},
	{"a join", "every join", "join", "join"},
	{"a share", "every share", "share", "share"},
	{"a chat message", "every chat message", "comment", "comment"},
	{"a like rule's function likes", "every like rule with function likes", "likes", "likes"},
	{"a like rule's function like_2", "every like rule with function like_2", "like_2", "like_2"},
}

// matchables maps tikcraft's form of a name (actions.Normalize) to the
// gifts of the built-in list (Tiktok2Mc's own gifts.json) and the events
// it names. Built once: it is the same for every conversion.
var matchables = sync.OnceValue(func() map[string][]matchable {
	out := map[string][]matchable{}
	for _, e := range t2mEvents {
		out[actions.Normalize(e.name)] = append(out[actions.Normalize(e.name)], e)
	}
	for _, g := range builtinGifts().Gifts() {
		if k := actions.Normalize(g.Name); k != "" {
			out[k] = append(out[k], matchable{"the gift " + g.Name, "every " + g.Name, t2mName(g.Name), TriggerName(g.Name)})
		}
	}
	return out
})

// strayTrigger says why a trigger of a Tiktok2Mc file is not carried over
// when Tiktok2Mc ran it for no gift or event while tikcraft would run it
// for one; "" when both run it for the same ones (or for none). Gift ids
// and tikcraft's own syntax (conditions in []) are left alone.
func strayTrigger(trigger string) string {
	if strings.Contains(trigger, "[") || strings.Trim(trigger, "0123456789") == "" {
		return ""
	}
	name := t2mName(trigger)
	var missed *matchable
	for _, c := range matchables()[actions.Normalize(name)] {
		if c.name == name {
			return ""
		}
		if missed == nil {
			missed = &c
		}
	}
	if missed == nil {
		return ""
	}
	return fmt.Sprintf("Tiktok2Mc read the trigger as %s, not %s, so it never ran it for %s; tikcraft ignores _ and - in names and would run it for %s (write %s: if you meant that)",
		name, missed.name, missed.what, missed.every, missed.rule)
}

// builtinGifts is tikcraft's built-in gift list (Tiktok2Mc's own
// gifts.json), read once: it is the same for every conversion.
var builtinGifts = sync.OnceValue(tiktok.BuiltinGifts)

// tikcraftEvent says what tikcraft fires trigger for when that is an event
// Tiktok2Mc never fired it for: gift (every gift without a rule of its
// own), subscribe, first_gift, follow_milestone, viewers_milestone,
// timer_end, likegoal_reached, goal_ID_reached, compared as tikcraft
// compares names ("Sub-scribe" is subscribe). "" for any other trigger:
// Tiktok2Mc's own events (follow, join, share, comment; one spelt
// otherwise, "Fol_low", is strayTrigger's, which callers ask first), gift
// names and ids, names only a like rule or $random runs. Tiktok2Mc ran such a rule only for a gift of its exact
// name, by a like rule naming it or through $random; tikcraft would run it
// for every such event.
func tikcraftEvent(trigger string) string {
	if strings.Contains(trigger, "[") || strings.Trim(trigger, "0123456789") == "" {
		return ""
	}
	k := actions.Normalize(trigger)
	switch k {
	case "gift":
		return "every gift that has no rule of its own"
	case "subscribe":
		return "every subscription"
	case "firstgift":
		return "each viewer's first gift of a LIVE"
	case "followmilestone":
		return "the follow milestones of follows.milestones"
	case "viewersmilestone":
		return "the viewer milestones of viewers.milestones"
	case "timerend":
		return "the timer overlay reaching zero"
	case "likegoalreached":
		return "the like goal being reached"
	}
	if actions.IsOverlayTrigger(k) {
		return "a goal of overlays.goals being reached"
	}
	return ""
}

// namedGifts returns the ids of the gifts of list that Tiktok2Mc ran a
// rule with trigger for: those whose cleaned-up name is the trigger's.
func namedGifts(list *tiktok.GiftList, trigger string) []int64 {
	name := t2mName(trigger)
	var ids []int64
	for _, g := range list.Gifts() {
		if name != "" && t2mName(g.Name) == name {
			ids = append(ids, g.ID)
		}
	}
	return ids
}
