package actions

import (
	"slices"
	"testing"
)

func TestRandomPool(t *testing.T) {
	const src = "galaxy:$random\nfollow:/say f\nlikes:/say l\na:/say a\nmoney_gun:/summon wither x50\nb:/say b\n"
	pool := func(opts Options) []string {
		f, diags := Parse("a.mca", []byte(src), opts)
		for _, d := range diags {
			if d.Severity == Error {
				t.Fatal(d)
			}
		}
		var out []string
		for _, r := range f.random {
			out = append(out, r.Trigger)
		}
		return out
	}
	for _, tt := range []struct {
		opts Options
		want []string
	}{
		{Options{}, []string{"a", "money_gun", "b"}},
		{Options{RandomNever: []string{"Money Gun"}}, []string{"a", "b"}},
		{Options{RandomOnly: []string{"follow", "b", "galaxy", "nothere"}}, []string{"follow", "b"}},
		{Options{RandomOnly: []string{"a", "money_gun"}, RandomNever: []string{"moneygun"}}, []string{"a"}},
	} {
		if got := pool(tt.opts); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: pool %v, want %v", tt.opts, got, tt.want)
		}
	}
}
