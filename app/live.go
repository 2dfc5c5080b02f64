package app

import (
	"context"
	"fmt"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/webcast"
)

// liveSource follows a TikTok LIVE: the real Webcast client as a Source.
type liveSource struct {
	cfg     config.TikTok
	capture string             // append every received frame here (run --capture)
	frames  tiktok.FrameWriter // if set (and no capture), sees every received frame: bench times them
	opts    Options
	// onState, if set, is told every connection state change (the
	// console and the dashboard).
	onState func(tiktok.State)
}

func (l *liveSource) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	tc := tiktok.Config{
		User:         l.cfg.User,
		SignServer:   l.cfg.SignServer,
		APIKey:       l.cfg.SignAPIKey.Reveal(),
		RetryOffline: l.cfg.RetryOffline.D(),
		WebBase:      l.cfg.WebBase,
		Log:          l.opts.Log,
		OnState:      l.onState,
	}
	if l.frames != nil {
		tc.Capture = l.frames
	}
	if l.capture != "" {
		w, err := webcast.AppendCapture(l.capture)
		if err != nil {
			return fmt.Errorf("opening the capture file: %w", err)
		}
		defer w.Close()
		tc.Capture = w
	}
	c, err := tiktok.New(tc)
	if err != nil {
		return err
	}
	c.OnEvent(emit)
	return c.Run(ctx)
}
