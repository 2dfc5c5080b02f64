package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/source"
)

// wireDemo is the demo traffic sent through the wire-level simulator and
// received by the real TikTok client over a loopback WebSocket, so the demo
// exercises the same code as a real LIVE.
type wireDemo struct {
	seed uint64
	opts Options
}

func (d *wireDemo) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	srv, err := sim.Start(sim.Options{User: "tikcraft_demo", Log: d.opts.Log})
	if err != nil {
		return err
	}
	defer srv.Close()
	client := &liveSource{
		cfg: config.TikTok{
			User:         "@" + srv.User(),
			SignServer:   srv.URL(),
			WebBase:      srv.URL(),
			RetryOffline: config.Duration(time.Second),
		},
		opts: d.opts,
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	played := make(chan error, 1)
	go func() {
		script := &source.Script{Round: func(n int) []source.Step { return source.Demo(d.seed, n) }, Speed: 1}
		played <- script.Run(ctx, func(ev tikcraft.Event) {
			if err := srv.Push(ev); err != nil {
				d.opts.Log.Warn("simulator could not send a demo event", "error", err)
			}
		})
	}()
	err = client.Run(ctx, emit)
	cancel()
	if perr := <-played; perr != nil && !errors.Is(perr, context.Canceled) && !errors.Is(perr, context.DeadlineExceeded) {
		return fmt.Errorf("demo traffic: %w", perr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}
