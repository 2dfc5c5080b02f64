package app

import (
	"testing"

	"github.com/tikcraft/tikcraft/queue"
)

// The stop line names what `tikcraft drain` waits for by the outputs that
// hold the kept actions, most first: never Minecraft for $http requests.
func TestKeptLine(t *testing.T) {
	lanes := func(mc, overlays, http, obs int) (k [queue.NumLanes]int) {
		k[queue.LaneMinecraft], k[queue.LaneOverlays], k[queue.LaneHTTP], k[queue.LaneOBS] = mc, overlays, http, obs
		return k
	}
	for _, tt := range []struct {
		n    int
		kept [queue.NumLanes]int
		want string
	}{
		{3, lanes(3, 0, 0, 0), "3 actions are kept in data: the next `tikcraft run` sends them first (or `tikcraft drain` once Minecraft answers)"},
		{1, lanes(1, 0, 0, 0), "1 action is kept in data: the next `tikcraft run` sends it first (or `tikcraft drain` once Minecraft answers)"},
		{12, lanes(0, 0, 12, 0), "12 actions (12 for $http requests) are kept in data: the next `tikcraft run` sends them first (or `tikcraft drain` once the $http target answers)"},
		{13, lanes(1, 0, 12, 0), "13 actions (1 for Minecraft, 12 for $http requests) are kept in data: the next `tikcraft run` sends them first (or `tikcraft drain` once the $http target and Minecraft answer)"},
		{9, lanes(5, 1, 1, 2), "9 actions (5 for Minecraft, 1 for the overlays, 1 for $http requests, 2 for OBS) are kept in data: the next `tikcraft run` sends them first (or `tikcraft drain` once Minecraft, OBS and the $http target answer)"},
		{2, lanes(0, 2, 0, 0), "2 actions (2 for the overlays) are kept in data: the next `tikcraft run` sends them first (or `tikcraft drain`)"},
		{1, lanes(0, 0, 0, 1), "1 action (1 for OBS) is kept in data: the next `tikcraft run` sends it first (or `tikcraft drain` once OBS answers)"},
	} {
		if got := keptLine(tt.n, tt.kept, "data"); got != tt.want {
			t.Errorf("keptLine(%d, %v) =\n%s\nwant\n%s", tt.n, tt.kept, got, tt.want)
		}
	}
}
