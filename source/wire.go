package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/tiktok"
)

// Wire sends a scenario through the wire-level simulator, received by
// the real TikTok client over a loopback WebSocket, so the demo exercises
// the same code as a real LIVE.
//
// A finite scenario (an event file) ends the simulated LIVE when it runs
// out, and the demo returns once the client has received everything. A
// stream_end inside the scenario ends the simulated LIVE and starts the
// next one, as a streamer going live again would.
type Wire struct {
	Traffic Source
	Log     *slog.Logger
	// OnState, if set, is told every change of the client's connection;
	// StateShown says it shows them to the streamer (tiktok.Config).
	OnState    func(tiktok.State)
	StateShown bool
}

// Run plays Traffic through the simulator to the client, whose events it
// emits; it ends when a finite Traffic has been received whole, or ctx ends.
func (d *Wire) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv, err := sim.Start(sim.Options{User: "tikcraft_demo", Log: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	client := &Live{Config: tiktok.Config{
		User:         "@" + srv.User(),
		SignServer:   srv.URL(),
		WebBase:      srv.URL(),
		RetryOffline: time.Second,
		Log:          log,
		OnState:      d.OnState,
		StateShown:   d.StateShown,
	}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The scenario waits for the client to be in the LIVE before it
	// starts, and again after each stream_end, so that even at full speed
	// it is not played to an empty room.
	connected := make(chan struct{}, 1)
	waitConnected := func() error {
		select {
		case <-connected:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// pushedEnds and gotEnds count LIVE ends; once the scenario is over
	// and the client has seen every end, it has seen everything.
	var mu sync.Mutex
	pushedEnds, gotEnds, over := 0, 0, false
	finishIfDone := func() {
		if over && gotEnds >= pushedEnds {
			cancel()
		}
	}
	ids := wireIDs{}
	played := make(chan error, 1)
	go func() {
		if err := waitConnected(); err != nil {
			played <- err
			return
		}
		// ended: the scenario's own stream_end ended the LIVE; the next
		// event starts a new one (a scenario ending in stream_end leaves
		// it ended).
		var waitErr error
		ended := false
		err := d.Traffic.Run(ctx, func(ev tikcraft.Event) {
			if waitErr != nil {
				return
			}
			if ended {
				srv.GoLive()
				if waitErr = waitConnected(); waitErr != nil {
					return
				}
				ended = false
			}
			ev = ids.numeric(ev)
			if err := srv.Push(ev); err != nil {
				log.Warn("the simulator could not send a scenario event; skipped", "event", string(ev.Type()), "error", err)
				return
			}
			if ev.Type() != tikcraft.TypeStreamEnd {
				return
			}
			mu.Lock()
			pushedEnds++
			mu.Unlock()
			select { // a connect from before this end does not count
			case <-connected:
			default:
			}
			ended = true
		})
		if err == nil {
			err = waitErr
		}
		if err == nil && !ended {
			// The scenario ran out: end the LIVE, so that the client's
			// StreamEnd says it has received everything before it.
			err = srv.EndStream()
			mu.Lock()
			pushedEnds++
			mu.Unlock()
		}
		if err == nil {
			mu.Lock()
			over = true
			finishIfDone()
			mu.Unlock()
		}
		played <- err
	}()
	err = client.Run(ctx, func(ev tikcraft.Event) {
		emit(ev)
		switch ev.Type() {
		case tikcraft.TypeConnect:
			select {
			case connected <- struct{}{}:
			default:
			}
		case tikcraft.TypeStreamEnd:
			mu.Lock()
			gotEnds++
			finishIfDone()
			mu.Unlock()
		}
	})
	cancel()
	if perr := <-played; perr != nil && !errors.Is(perr, context.Canceled) && !errors.Is(perr, context.DeadlineExceeded) {
		return fmt.Errorf("demo traffic: %w", perr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// wireIDs gives TikTok-style numeric ids to scenario events whose msg_id or
// group_id are words (the JSONL format allows any string; the wire carries
// numbers). The same word always gets the same number, so duplicates stay
// duplicates and a streak stays one streak.
type wireIDs map[string]string

// firstWireID keeps invented ids clear of the simulator's own numbering.
const firstWireID = 8100000000000000001

func (w wireIDs) id(s string) string {
	if s == "" {
		return s
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(n, 10) == s {
		return s
	}
	if v, ok := w[s]; ok {
		return v
	}
	v := strconv.FormatInt(firstWireID+int64(len(w)), 10)
	w[s] = v
	return v
}

// numeric rewrites ev's ids in place: scenario events go only to the
// simulator, nothing else holds them.
func (w wireIDs) numeric(ev tikcraft.Event) tikcraft.Event {
	if ev == nil {
		return ev
	}
	m := ev.EventMeta()
	m.MsgID = w.id(m.MsgID)
	if g, ok := ev.(*tikcraft.GiftEvent); ok {
		g.GroupID = w.id(g.GroupID)
	}
	return ev
}
