package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestLRUMatchesAModel is a property test: whatever the writes, the lru
// holds what a plain recency list bounded to max holds, evicts the same
// keys and lists them oldest first in the same order.
func TestLRUMatchesAModel(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		max := r.IntN(6) + 1
		l := newLRU[int](max)
		var model []string // oldest first
		vals := map[string]int{}
		for op := range 300 {
			k := strconv.Itoa(r.IntN(max * 3))
			if r.IntN(3) == 0 {
				v, ok := l.get(k)
				if want, in := vals[k]; ok != in || ok && v != want {
					t.Fatalf("seed %d op %d: get(%s) = %d, %t; want %d, %t", seed, op, k, v, ok, want, in)
				}
				continue
			}
			var wantEvicted string
			wantOK := false
			if i := slices.Index(model, k); i >= 0 {
				model = slices.Delete(model, i, i+1)
			} else if len(model) == max {
				wantEvicted, wantOK = model[0], true
				model = model[1:]
				delete(vals, wantEvicted)
			}
			model = append(model, k)
			vals[k] = op
			if ev, ok := l.put(k, op); ev != wantEvicted || ok != wantOK {
				t.Fatalf("seed %d op %d: put(%s) evicted %q, %t; want %q, %t", seed, op, k, ev, ok, wantEvicted, wantOK)
			}
			if got := slices.Collect(l.oldestFirst()); !slices.Equal(got, model) {
				t.Fatalf("seed %d op %d: holds %v, want %v", seed, op, got, model)
			}
		}
	}
}

// An entry of a full lru costs little: a LIVE of new viewers fills each
// of the engine's lrus to MaxViewers. Reported, not asserted (speed and
// size go in benchmarks): go test -run '^$' -bench LRUFull ./engine
func BenchmarkLRUFull(b *testing.B) {
	const n = 100000
	keys := make([]string, 2*n)
	for i := range keys {
		keys[i] = "gift:5655\x00" + strconv.Itoa(100000+i)
	}
	b.ReportAllocs()
	for b.Loop() {
		l := newLRU[int64](n)
		for i, k := range keys {
			l.put(k, int64(i))
		}
	}
}
