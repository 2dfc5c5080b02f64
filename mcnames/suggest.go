package mcnames

import (
	"cmp"
	"slices"
	"strings"
)

// maxSuggestions is how many names a problem suggests at most.
const maxSuggestions = 3

// Suggest returns up to three names of kind k closest to word (a typo of
// one of them), closest first; none when nothing is close. A namespace on
// word is ignored.
func (n *Names) Suggest(k Kind, word string) []string {
	if k >= numKinds {
		return nil
	}
	if _, path, ok := strings.Cut(word, ":"); ok {
		word = path
	}
	word = strings.ToLower(word)
	// Edits are counted in bytes; a word this long is no typo of a name.
	if word == "" || len(word) > 80 {
		return nil
	}
	limit := maxDistance(len(word))
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	for _, name := range n.lists[k] {
		if abs(len(name)-len(word)) <= limit {
			if d := distance(word, name, limit); d <= limit {
				cands = append(cands, cand{name, d})
				continue
			}
		}
		// A name cut short (lightning for lightning_bolt) is further than
		// any typo, but still the one meant.
		if len(word) >= 4 && strings.HasPrefix(name, word) {
			cands = append(cands, cand{name, limit + 1})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.name, b.name)) })
	// Only the nearest: golden_aple suggests golden_apple and golden_axe,
	// not golden_hoe as well.
	if len(cands) > 0 {
		best := cands[0].d
		cands = slices.DeleteFunc(cands, func(c cand) bool { return c.d > best+1 })
	}
	out := make([]string, 0, min(len(cands), maxSuggestions))
	for _, c := range cands[:min(len(cands), maxSuggestions)] {
		out = append(out, c.name)
	}
	return out
}

// maxDistance is how many edits still count as a typo of a word this long:
// one in a short word (tp, kill), up to four in a long sound name.
func maxDistance(n int) int {
	switch {
	case n <= 4:
		return 1
	case n <= 8:
		return 2
	case n <= 16:
		return 3
	}
	return 4
}

// distance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of two neighbours each
// count one), or limit+1 once it must exceed limit.
func distance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
