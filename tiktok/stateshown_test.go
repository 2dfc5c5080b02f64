package tiktok_test

import (
	"net"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/tiktok"
)

// With StateShown the console says each change of the connection, so the
// client logs the same changes at debug level only: a retry reaches the
// streamer once, not as a console line and a warning. Without it (no one
// shows the states) the warning stays.
func TestStateShownLogsChangesAtDebugLevel(t *testing.T) {
	for _, shown := range []bool{true, false} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		var states stateLog
		h := start(t, sim.Options{}, func(c *tiktok.Config) {
			c.WebBase, c.SignServer, c.OnState, c.StateShown = "http://"+addr, "http://"+addr, states.add, shown
		})
		h.run()
		h.logs.wait(t, h.ctx, "could not check whether @sim_streamer is live")
		h.stop()
		logs := h.logs.all()
		warned := strings.Contains(logs, "WARN could not check whether")
		if warned == shown || shown && !strings.Contains(logs, "DEBUG could not check whether") {
			t.Errorf("StateShown %t: logs\n%s", shown, logs)
		}
		retried := false
		for _, st := range states.all() {
			retried = retried || st.Phase == tiktok.PhaseReconnecting && st.Err != nil
		}
		if !retried {
			t.Errorf("StateShown %t: OnState never told the retry: %v", shown, states.all())
		}
	}
}
