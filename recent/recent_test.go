package recent

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestIDsRemembersExactlyTheLastN checks Add against a model (the slice of
// ids added, newest last) for random sequences: an id is a duplicate iff it
// is among the last n distinct ids remembered.
func TestIDsRemembersExactlyTheLastN(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 1))
		n := rng.IntN(6)
		s := New(n)
		var model []string // remembered, oldest first
		for range 200 {
			id := strconv.Itoa(rng.IntN(10))
			if rng.IntN(20) == 0 {
				id = ""
			}
			want := true
			for _, m := range model {
				if m == id {
					want = false
				}
			}
			if id == "" {
				want = true
			}
			if got := s.Add(id); got != want {
				t.Fatalf("seed %d n %d: Add(%q) = %t, want %t (remembered %q)", seed, n, id, got, want, model)
			}
			if want && id != "" && n > 0 {
				model = append(model, id)
				if len(model) > n {
					model = model[1:]
				}
			}
		}
	}
}
