package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tikcraft/tikcraft/web"

	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/store"
)

// ResetOptions are reset's arguments.
type ResetOptions struct {
	Options
	// Parts are timer, wins, deaths, likegoal, feed, top, goals, "goal ID"
	// (one goal of overlays.goals); "all" for every one.
	Parts []string
}

// Reset sets overlay parts back to their start: in the running tikcraft
// through its dashboard when one answers, else in the data directory's
// saved state.
func Reset(ctx context.Context, ro ResetOptions) error {
	ro.defaults()
	parts, err := resetParts(ro.Parts)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(ro.Options)
	if err != nil {
		return err
	}
	if done, err := resetRunning(ctx, ro, cfg, parts); done || err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DataDir, ro.Log)
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("%w\n(the running tikcraft's dashboard did not answer either; check web.listen)", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	m := overlay.New(ctx, overlay.Options{Config: overlay.ConfigFrom(cfg.Overlays), Log: ro.Log, Saver: st})
	if err := m.Reset(ctx, parts...); err != nil {
		return err
	}
	fmt.Fprintf(ro.Stdout, "reset %s in %s; the overlays show it at the next start\n", strings.Join(parts, ", "), cfg.DataDir)
	return nil
}

func resetParts(args []string) ([]string, error) {
	names := strings.Join(overlay.Parts(), ", ") + ", goal ID"
	if len(args) == 0 {
		return nil, fmt.Errorf("name what to reset: %s, or all", names)
	}
	var parts []string
	for i := 0; i < len(args); i++ {
		a := strings.ToLower(strings.TrimSpace(args[i]))
		if a == "goal" {
			// "goal ID" resets one goal of overlays.goals; the overlays
			// say whether it exists.
			if i+1 >= len(args) {
				return nil, errors.New("name the goal to reset: tikcraft reset goal ID (the id in overlays.goals), or tikcraft reset goals for all")
			}
			i++
			a = overlay.GoalPart(strings.ToLower(strings.TrimSpace(args[i])))
		}
		switch {
		case a == "all":
			return overlay.Parts(), nil
		case !slices.Contains(overlay.Parts(), a) && !strings.HasPrefix(a, "goal:"):
			return nil, fmt.Errorf("cannot reset %q: name %s, or all", a, names)
		case !slices.Contains(parts, a):
			parts = append(parts, a)
		}
	}
	return parts, nil
}

// resetRunning asks the running tikcraft to reset; done is false when
// none answers (then the saved state is reset instead).
func resetRunning(ctx context.Context, ro ResetOptions, cfg *config.Config, parts []string) (done bool, err error) {
	c, err := webClient(cfg)
	if err != nil {
		return false, nil
	}
	if err := c.ResetOverlays(ctx, parts); err != nil {
		if errors.Is(err, web.ErrRefused) {
			return true, err
		}
		ro.Log.Debug("no running tikcraft answered", "error", err)
		return false, nil
	}
	fmt.Fprintf(ro.Stdout, "reset %s in the running tikcraft (%s)\n", strings.Join(parts, ", "), c.Base)
	return true, nil
}
