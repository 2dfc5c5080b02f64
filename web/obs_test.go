package web

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// TestOBSState: OBS's state shows only once set; OBS, overlay and web
// request outcomes never change what the page says about Minecraft.
func TestOBSState(t *testing.T) {
	d := NewDashboard("run")
	if d.Status().OBS != nil {
		t.Fatal("OBS shown without an obs section")
	}
	since := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	d.SetOBS(OBSConn(tikcraft.SinkState{Problem: "OBS is not running at 127.0.0.1:4455", Since: since}))
	if o := d.Status().OBS; o == nil || o.State != OBSUnreachable || !strings.Contains(o.Detail, "not running") || !o.Since.Equal(since) {
		t.Fatalf("%+v", o)
	}
	d.SetOBS(OBSConn(tikcraft.SinkState{Refused: true, Problem: "OBS refused the password"}))
	if o := d.Status().OBS; o.State != OBSRefused {
		t.Fatalf("%+v", o)
	}
	d.SetOBS(OBSConn(tikcraft.SinkState{Connected: true}))
	if o := d.Status().OBS; o.State != OBSConnected || o.Detail != "" {
		t.Fatalf("%+v", o)
	}

	for i, a := range []tikcraft.Action{
		{Kind: tikcraft.KindOBS, Command: `scene "Game"`},
		{Kind: tikcraft.KindHTTP, Command: "POST http://localhost:8080/x"},
		{Kind: tikcraft.KindOverlay, Command: "wins +1"},
	} {
		d.Delivered(Delivery{Item: queue.Item{ID: int64(i + 1), Action: a}, Err: errors.New("connection refused")})
		d.Delivered(Delivery{Item: queue.Item{ID: int64(i + 1), Action: a}, Err: fmt.Errorf("dropped: %w", tikcraft.ErrRejected)})
		d.Delivered(Delivery{Item: queue.Item{ID: int64(i + 1), Action: a}})
	}
	if m := d.Status().Minecraft; m.State != MinecraftUnknown {
		t.Errorf("minecraft %+v after OBS, HTTP and overlay outcomes", m)
	}
}
