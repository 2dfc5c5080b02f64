package source

import (
	"context"
	"fmt"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/webcast"
)

// Live follows a TikTok LIVE: the real Webcast client as a Source.
type Live struct {
	Config tiktok.Config
	// Capture, if set, gets every received frame appended (run --capture).
	Capture string
}

// Run receives events until ctx ends or the client gives up.
func (l *Live) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	tc := l.Config
	if l.Capture != "" {
		w, err := webcast.AppendCapture(l.Capture)
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
