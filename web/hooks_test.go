package web

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/tiktok"
)

func TestTikTokStateOnTheDashboard(t *testing.T) {
	dash := NewDashboard("run")
	for _, c := range []struct {
		st           tiktok.State
		state, words string
	}{
		{tiktok.State{Phase: tiktok.PhaseWaiting, User: "anna", Retry: 30 * time.Second}, TikTokWaiting, "@anna is not live"},
		{tiktok.State{Phase: tiktok.PhaseConnecting, User: "anna", RoomID: "7"}, TikTokConnecting, "room 7"},
		{tiktok.State{Phase: tiktok.PhaseConnected, User: "anna", RoomID: "7"}, TikTokConnected, "room 7"},
		{tiktok.State{Phase: tiktok.PhaseReconnecting, User: "anna", Err: errors.New("cannot resolve www.tiktok.com — are you online?"), Retry: 4 * time.Second},
			TikTokReconnecting, "cannot resolve www.tiktok.com — are you online?; trying again in 4s"},
	} {
		dash.TikTokState(c.st)
		if got := dash.Status().TikTok; got.State != c.state || !strings.Contains(got.Detail, c.words) {
			t.Errorf("%v: dashboard shows %q / %q, want %q with %q", c.st.Phase, got.State, got.Detail, c.state, c.words)
		}
	}
}
