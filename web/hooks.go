package web

import (
	"context"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/tiktok"
)

// The pipeline's hooks feed the dashboard through these methods; it never
// wraps the queue or the sink to watch them.

// Sending notes the action just handed to its output
// (pipeline.Options.OnSend). Only Minecraft's lane counts for the time in
// flight the queue shows: a $http request or OBS waiting never makes
// Minecraft look slow.
func (d *Dashboard) Sending(it queue.Item) {
	switch queue.LaneOf(it.Action) {
	case queue.LaneMinecraft:
		d.sending.Store(time.Now().UnixNano())
	case queue.LaneHTTP:
		d.httpSending.Store(&sent{command: it.Action.Command, at: time.Now()})
	}
}

// Delivery shows the outcome of one delivery attempt
// (pipeline.Options.OnDelivery).
func (d *Dashboard) Delivery(dl deliver.Delivery) {
	switch queue.LaneOf(dl.Item.Action) {
	case queue.LaneMinecraft:
		d.sending.Store(0)
	case queue.LaneHTTP:
		d.httpSending.Store(nil)
	}
	o := Delivery{Item: dl.Item, Err: dl.Err, Latency: dl.Latency, Reply: dl.Reply.Text}
	switch dl.Outcome {
	case deliver.Parked:
		o.Result = ResultParked
	case deliver.Rejected:
		o.Result = ResultRejected
	case deliver.Retried:
		o.Result = ResultRetrying
	}
	d.Delivered(o)
}

// TikTokState shows the TikTok client's connection state (its OnState).
func (d *Dashboard) TikTokState(st tiktok.State) {
	state := TikTokReconnecting
	switch st.Phase {
	case tiktok.PhaseWaiting:
		state = TikTokWaiting
	case tiktok.PhaseConnected:
		state = TikTokConnected
	case tiktok.PhaseConnecting:
		state = TikTokConnecting
	case tiktok.PhaseStopped:
		state = TikTokStopped
	}
	detail := ""
	if st.Phase != tiktok.PhaseConnected || st.Err != nil {
		detail = st.String()
	} else if st.RoomID != "" {
		detail = "room " + st.RoomID
	}
	d.SetTikTok(state, detail)
}

// Watch shows the queue's numbers (every lane) every second until ctx
// ends, and the Minecraft connection as sink (Minecraft's output, behind
// the pause gate) reports it; addr is
// the RCON address shown, dry a run without Minecraft. The RCON client
// retries on its own, so a delivery that takes long is also a sign that
// Minecraft stopped answering.
func (d *Dashboard) Watch(ctx context.Context, q queue.Queue, sink tikcraft.Sink, addr string, dry bool) {
	if dry {
		d.SetMinecraft(MinecraftDryRun, "no Minecraft server configured: commands are printed")
	} else {
		d.SetMinecraft(MinecraftUnknown, addr)
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, oldest, lanes, err := laneQueues(ctx, q, d.slowHTTPTarget(time.Now()))
		if err != nil {
			continue
		}
		var inFlight time.Duration
		if s := d.sending.Load(); s != 0 {
			inFlight = time.Since(time.Unix(0, s))
		}
		d.SetQueue(n, oldest, inFlight, lanes...)
		if dry {
			continue
		}
		if st, ok := tikcraft.StateOf(sink); ok {
			switch {
			case st.Connected:
				d.SetMinecraft(MinecraftConnected, addr)
			case st.Problem == "":
				// not contacted yet: keep what the dashboard shows
			case st.Refused:
				d.SetMinecraft(MinecraftRefused, st.Problem)
			default:
				d.SetMinecraft(MinecraftUnreachable, st.Problem+"; tikcraft keeps trying and nothing is lost")
			}
			continue
		}
		if inFlight > 3*time.Second {
			d.SetMinecraft(MinecraftUnreachable, fmt.Sprintf("no answer from %s for %s; tikcraft keeps trying and nothing is lost", addr, inFlight.Round(time.Second)))
		}
	}
}

// slowHTTPTarget is the host:port of the $http request on its way for a
// second or more at now, or "": a moment into a request is no reason to
// name its target.
func (d *Dashboard) slowHTTPTarget(now time.Time) string {
	f := d.httpSending.Load()
	if f == nil || now.Sub(f.at) < time.Second {
		return ""
	}
	host, err := actions.HTTPHost(f.command)
	if err != nil {
		return ""
	}
	return host
}

// laneQueues reads the queue once per lane: the total and the oldest of
// every lane together, and each lane's figures when an output besides
// Minecraft has actions waiting (lanes is nil otherwise), so that the page
// can say which output they wait for; httpTarget is the $http lane's
// slow target (slowHTTPTarget).
func laneQueues(ctx context.Context, q queue.Queue, httpTarget string) (total int, oldest time.Time, lanes []LaneQueue, err error) {
	others := false
	now := time.Now()
	for _, l := range queue.Lanes() {
		n, o, err := q.Stats(ctx, l)
		if err != nil {
			return 0, time.Time{}, nil, err
		}
		if n == 0 {
			continue
		}
		total += n
		if !o.IsZero() && (oldest.IsZero() || o.Before(oldest)) {
			oldest = o
		}
		lq := LaneQueue{Lane: l.String(), Pending: n}
		if l == queue.LaneHTTP {
			lq.Target = httpTarget
		}
		if !o.IsZero() {
			lq.OldestAge = now.Sub(o).Seconds()
		}
		lanes = append(lanes, lq)
		others = others || l != queue.LaneMinecraft
	}
	if !others {
		lanes = nil
	}
	return total, oldest, lanes, nil
}
