// Package suggest finds the known names closest to a misspelled one, for
// the "did you mean" part of an error message: a config key, a
// placeholder, a gift name.
package suggest

import (
	"slices"
	"strings"
)

// Distance is the number of typing slips between a and b: characters
// (runes) inserted, deleted or replaced, and two neighbours swapped
// ("rsoe" is one slip from "rose"). It is the optimal string alignment
// distance.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: two back (for swaps), the last and this one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Closest returns the names at most maxEdits edits from word, ignoring
// case, nearest first (names at the same distance keep their order). Each
// name is returned once.
func Closest(word string, names []string, maxEdits int) []string {
	type hit struct {
		name string
		d    int
	}
	w := strings.ToLower(word)
	var hits []hit
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if d := Distance(w, strings.ToLower(n)); d <= maxEdits {
			hits = append(hits, hit{n, d})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.d - b.d })
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.name
	}
	return out
}
