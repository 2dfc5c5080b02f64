package web

import (
	"context"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/tiktok"
)

// The pipeline's hooks feed the dashboard through these methods; it never
// wraps the queue or the sink to watch them.

// Delivery shows the outcome of one delivery attempt
// (pipeline.Options.OnDelivery).
func (d *Dashboard) Delivery(dl deliver.Delivery) {
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
// the pause gate) reports it; flights is what the lanes are delivering
// (the pipeline's deliver.Flights), addr the RCON address shown, dry a run
// without Minecraft. The RCON client retries on its own, so a delivery
// that takes long is also a sign that Minecraft stopped answering.
func (d *Dashboard) Watch(ctx context.Context, q queue.Queue, sink tikcraft.Sink, flights deliver.InFlighter, addr string, dry bool) {
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
		inFlight, err := d.showQueue(ctx, q, flights, time.Now())
		if err != nil || dry {
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

// showQueue shows the queue's numbers at now, with what the lanes are
// delivering as flights tells (deliver's own record, which the status
// lines read too): how long Minecraft's command in flight has taken, which
// is returned, and the target of a slow $http request. Only Minecraft's
// lane counts for the time in flight: a $http request or OBS waiting never
// makes Minecraft look slow.
func (d *Dashboard) showQueue(ctx context.Context, q queue.Queue, flights deliver.InFlighter, now time.Time) (inFlight time.Duration, err error) {
	host, _, _ := deliver.SlowHTTP(flights, now)
	n, oldest, lanes, err := laneQueues(ctx, q, host)
	if err != nil {
		return 0, err
	}
	if _, since, ok := flights.InFlight(queue.LaneMinecraft); ok {
		inFlight = now.Sub(since)
	}
	d.SetQueue(n, oldest, inFlight, lanes...)
	return inFlight, nil
}

// laneQueues reads the queue once per lane: the total and the oldest of
// every lane together, and each lane's figures when an output besides
// Minecraft has actions waiting (lanes is nil otherwise), so that the page
// can say which output they wait for; httpTarget is the $http lane's
// slow target (deliver.SlowHTTP).
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
