package actions

import "slices"

// randomEligible reports whether $random may pick r. By default it picks
// any named rule but the events (follow, share, join, subscribe,
// comment...), like rules (likes and like_2 always count as such), the
// overlays' rules and rules using $random. random.only replaces that with
// its list (any named rule but one using $random: Tiktok2Mc's allow-only
// pool may hold follow); random.never takes rules out of either.
func randomEligible(r *Rule, likes map[string]bool, opts Options) bool {
	if r.random || r.Kind != Named {
		return false
	}
	key := Normalize(r.Trigger)
	if slices.ContainsFunc(opts.RandomNever, func(n string) bool { return Normalize(n) == key }) {
		return false
	}
	if len(opts.RandomOnly) > 0 {
		return slices.ContainsFunc(opts.RandomOnly, func(n string) bool { return Normalize(n) == key })
	}
	return !IsEventTrigger(r.Trigger) && !likes[key] && !IsOverlayTrigger(r.Trigger)
}
