package app

import (
	"context"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/obs"
)

// obsConfig is the OBS connection the obs section of tikcraft.yaml
// describes.
func obsConfig(c *config.Config) obs.Config {
	return obs.Config{Address: c.OBS.Address, Password: c.OBS.Password.Reveal()}
}

// obsRefs lists the $obs actions of the actions file with where they are
// written, for check --connect.
func obsRefs(s *Setup) []obs.Ref {
	var refs []obs.Ref
	for _, r := range s.Actions.Rules() {
		for _, c := range r.Commands {
			if c.Kind == actions.OBS {
				refs = append(refs, obs.Ref{Where: fmt.Sprintf("%s:%d:%d", s.ActionsName, c.Line, c.Col), Op: c.OBS})
			}
		}
	}
	return refs
}

// checkOBS logs in to OBS and warns about the scenes, sources and filters
// rules name but OBS lacks. It reports whether OBS answered.
func checkOBS(ctx context.Context, co CheckOptions, s *Setup, timeout time.Duration) bool {
	w := co.Stdout
	cfg := obsConfig(s.Config)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rep, err := obs.Inspect(ctx, cfg, obsRefs(s))
	if err != nil {
		fmt.Fprintf(w, "obs: error: %v\n", err)
		return false
	}
	fmt.Fprintf(w, "obs: ok: OBS %s (obs-websocket %s) answered at %s with this password\n", rep.Version, rep.WebSocket, cfg.Address)
	for _, p := range rep.Problems {
		fmt.Fprintln(w, p)
		s.Warnings++
	}
	return true
}
