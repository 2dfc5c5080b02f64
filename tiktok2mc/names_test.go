package tiktok2mc

import (
	"strings"
	"testing"
)

// A trigger Tiktok2Mc ran for no gift or event, and tikcraft would run for
// one, is stray: Tiktok2Mc compared its cleaned-up names exactly,
// tikcraft ignores "_" and "-".
func TestStrayTrigger(t *testing.T) {
	for _, c := range []struct {
		trigger, want string // want: "" or part of the reason
	}{
		{"🌹Rose 🌹", "read the trigger as rose_, not rose, so it never ran it for the gift Rose; tikcraft ignores _ and - in names and would run it for every Rose (write rose: if you meant that)"},
		{"rose__", "never ran it for the gift Rose"},
		{"HeartMe", "read the trigger as heartme, not heart_me"},
		{"follow_", "never ran it for a follow"},
		{"like2", "a like rule's function like_2"},
		{"like-2", "read the trigger as like-2, not like_2"},
		{"Rose", ""}, {"rose", ""}, {"ROSE!", ""}, {"Heart Me", ""}, {"heart_me", ""}, {"'Tom the Tomato'", ""},
		{"Like-Pop", ""}, {"follow", ""}, {"like_2", ""}, {"5655", ""}, {"boom", ""}, {"rose[cooldown=30s]", ""}, {"🌹", ""},
	} {
		got := strayTrigger(c.trigger)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("strayTrigger(%q) = %q, want %q", c.trigger, got, c.want)
		}
	}
}
