package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"usr", "user", 1},
		{"user", "usr", 1},
		{"kitten", "sitting", 3},
		{"Galaxi", "Galaxy", 1},
		{"héllo", "hello", 1}, // runes, not bytes
		{"abc", "", 3},
		{"rsoe", "rose", 1}, // a swap is one slip
		{"ab", "ba", 1},
		{"abc", "ca", 3},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// Distance is symmetric, zero only for equal strings, and never more than
// the longer length.
func FuzzDistance(f *testing.F) {
	f.Add("usr", "user")
	f.Add("", "x")
	f.Add("héllo", "hallo")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return
		}
		d := Distance(a, b)
		if d != Distance(b, a) {
			t.Fatalf("not symmetric: %q %q", a, b)
		}
		if (d == 0) != (string([]rune(a)) == string([]rune(b))) {
			t.Fatalf("Distance(%q, %q) = %d", a, b, d)
		}
		if d > max(len([]rune(a)), len([]rune(b))) {
			t.Fatalf("Distance(%q, %q) = %d, longer than both", a, b, d)
		}
	})
}

func TestClosest(t *testing.T) {
	names := []string{"user", "nickname", "gift", "count", "coins", "message"}
	for _, tt := range []struct {
		word string
		max  int
		want []string
	}{
		{"usr", 2, []string{"user"}},
		{"USER", 0, []string{"user"}},
		{"coint", 1, []string{"count", "coins"}},
		{"zzzzzz", 2, nil},
	} {
		if got := Closest(tt.word, names, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q, %d) = %q, want %q", tt.word, tt.max, got, tt.want)
		}
	}
}
