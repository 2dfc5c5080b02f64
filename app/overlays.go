package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/store"
	"github.com/tikcraft/tikcraft/web"
)

// overlayConfig turns the overlays keys of the config into the overlay
// package's configuration.
func overlayConfig(c config.Overlays) overlay.Config {
	oc := overlay.Defaults()
	if c.Alerts.DisplayMode != "" {
		oc.Alerts.Mode = c.Alerts.DisplayMode
	}
	if c.Alerts.MaxQueue > 0 {
		oc.Alerts.MaxQueue = c.Alerts.MaxQueue
	}
	if c.Alerts.FadeIn != nil {
		oc.Alerts.FadeIn = time.Duration(*c.Alerts.FadeIn) * time.Millisecond
	}
	if c.Alerts.FadeOut != nil {
		oc.Alerts.FadeOut = time.Duration(*c.Alerts.FadeOut) * time.Millisecond
	}
	if c.LikeGoal.InitialGoal > 0 {
		oc.LikeGoal.Initial = c.LikeGoal.InitialGoal
	}
	if c.LikeGoal.Multiplier != nil {
		oc.LikeGoal.Multiplier = *c.LikeGoal.Multiplier
	}
	if c.LikeGoal.Label != nil {
		oc.LikeGoal.Label = *c.LikeGoal.Label
	}
	if c.Timer.Start > 0 {
		oc.Timer.Start = c.Timer.Start.D()
	}
	if c.Timer.ResetOnDeath != nil {
		oc.Timer.ResetOnDeath = *c.Timer.ResetOnDeath
	}
	if c.Timer.WinOnEnd != nil {
		oc.Timer.WinOnEnd = *c.Timer.WinOnEnd
	}
	if c.Feed.Size > 0 {
		oc.Feed.Size = c.Feed.Size
	}
	if c.Feed.Kinds != nil {
		oc.Feed.Kinds = c.Feed.Kinds
	}
	if c.Top.Size > 0 {
		oc.Top.Size = c.Top.Size
	}
	if c.NewLiveReset != nil {
		oc.NewLiveReset = c.NewLiveReset
	}
	for _, g := range c.Goals {
		gc := overlay.DefaultGoal(g.ID, g.Type)
		if g.InitialGoal > 0 {
			gc.Initial = g.InitialGoal
		}
		if g.Multiplier != nil {
			gc.Multiplier = *g.Multiplier
		}
		if g.Label != nil {
			gc.Label = *g.Label
		}
		oc.Goals = append(oc.Goals, gc)
	}
	return oc
}

// checkGoalTriggers warns about a goal_ID_reached rule whose ID is not a
// goal of overlays.goals: it would never run.
func (s *Setup) checkGoalTriggers() {
	ids := goalIDs(s.Config.Overlays)
	for _, r := range s.Actions.Rules() {
		n := strings.ToLower(r.Trigger)
		rest, isGoal := strings.CutPrefix(n, "goal_")
		id, reached := strings.CutSuffix(rest, "_reached")
		if !isGoal || !reached || id == "" || slices.Contains(ids, id) {
			continue
		}
		s.add("warning", fmt.Sprintf("%s:%d:%d: warning: %s runs when the goal %q of overlays.goals is reached, but there is no such goal (goals: %s); it will never run", s.ActionsName, r.Line, r.Col, r.Trigger, id, strings.Join(ids, ", ")))
	}
}

// goalIDs are the ids of overlays.goals.
func goalIDs(c config.Overlays) []string {
	var ids []string
	for _, g := range c.Goals {
		ids = append(ids, g.ID)
	}
	return ids
}

func overlayStyle(c config.Overlays) web.OverlayStyle {
	s := c.Style
	return web.OverlayStyle{Font: s.Font, Color: s.Color, Accent: s.Accent, Background: s.Background, Size: s.Size, Align: s.Align}
}

// overlayRoute sends alerts and overlay actions to the overlays and the
// rest on to next. With echo (a dry run) they also go to next, which
// prints them.
type overlayRoute struct {
	next tikcraft.Sink
	ov   tikcraft.Sink
	echo bool
}

func isOverlayAction(a tikcraft.Action) bool {
	return a.Kind == tikcraft.KindAlert || a.Kind == tikcraft.KindOverlay
}

func (r *overlayRoute) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := r.DeliverReply(ctx, a)
	return err
}

// DeliverReply passes on next's answer (tikcraft.Replier).
func (r *overlayRoute) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	if isOverlayAction(a) {
		if err := r.ov.Deliver(ctx, a); err != nil || !r.echo {
			return tikcraft.Reply{}, err
		}
	}
	if rp, ok := r.next.(tikcraft.Replier); ok {
		return rp.DeliverReply(ctx, a)
	}
	return tikcraft.Reply{}, r.next.Deliver(ctx, a)
}

// SinkState passes on next's state (tikcraft.StateReporter).
func (r *overlayRoute) SinkState() tikcraft.SinkState {
	st, _ := deliver.StateOf(r.next)
	return st
}

// startOverlays makes the overlays' state for run or demo, restored from
// the store when the queue is one, and starts ticking it. Changes go to
// the overlay pages; timer_end and likegoal_reached fire their rules into
// the real queue.
func (ui *webUI) startOverlays(q any) {
	var saver overlay.Saver
	if sv, ok := q.(overlay.Saver); ok {
		saver = sv
	}
	ui.ov = overlay.New(ui.ctx, overlay.Options{
		Config:  overlayConfig(ui.s.Config.Overlays),
		Log:     ui.log,
		Saver:   saver,
		Publish: func(s overlay.Snapshot) { ui.dash.Publish(web.TypeOverlay, s) },
		Fire:    ui.fireOverlayTrigger,
	})
	ui.wg.Add(1)
	go func() {
		defer ui.wg.Done()
		ui.ov.Run(ui.ctx)
	}()
}

// fireOverlayTrigger runs an overlay trigger's rule, if the actions file
// has one, and queues its actions.
func (ui *webUI) fireOverlayTrigger(trigger string) {
	rules := ui.s.rules
	if rules == nil || !rules.Has(trigger) || ui.closed.Load() {
		return
	}
	acts := rules.Fire(trigger, engine.Vars{User: trigger, Nickname: trigger, Count: 1})
	for i := range acts {
		acts[i].Source = "overlay " + trigger
	}
	if len(acts) == 0 {
		return
	}
	if err := ui.q.Push(context.WithoutCancel(ui.ctx), acts...); err != nil {
		ui.log.Error("could not queue the actions of an overlay trigger", "trigger", trigger, "error", err)
		return
	}
	ui.dash.Queued(acts)
	ui.log.Info("overlay trigger fired", "trigger", trigger, "actions", len(acts))
}

// OverlayState is the overlays' state for the pages (web.Overlays).
func (ui *webUI) OverlayState() any {
	if ui.ov == nil {
		return overlay.Snapshot{Feed: []overlay.FeedItem{}}
	}
	return ui.ov.Snapshot()
}

// ResetOverlays is the dashboard's reset buttons (web.Overlays).
func (ui *webUI) ResetOverlays(ctx context.Context, parts []string) error {
	if ui.ov == nil {
		return fmt.Errorf("%w: the overlays are not running yet", web.ErrUnavailable)
	}
	if err := ui.ov.Reset(ctx, parts...); err != nil {
		if errors.Is(err, overlay.ErrUnknownPart) {
			return fmt.Errorf("%w: %v", web.ErrInvalid, err)
		}
		return err
	}
	ui.dash.Note("overlay", "reset "+strings.Join(parts, ", "))
	return nil
}

// AdjustOverlay is the dashboard's wins buttons (web.Overlays): the
// change is applied at once, not queued behind Minecraft's commands.
func (ui *webUI) AdjustOverlay(ctx context.Context, op string) error {
	if ui.ov == nil {
		return fmt.Errorf("%w: the overlays are not running yet", web.ErrUnavailable)
	}
	if err := ui.ov.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: op, Trigger: "dashboard"}); err != nil {
		return fmt.Errorf("%w: %v", web.ErrInvalid, err)
	}
	return nil
}

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
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("%w\n(the running tikcraft's dashboard did not answer either; check web.listen)", err)
	}
	defer unlock()
	st, err := store.Open(ctx, cfg.DataDir, ro.Log)
	if err != nil {
		return err
	}
	defer st.Close()
	m := overlay.New(ctx, overlay.Options{Config: overlayConfig(cfg.Overlays), Log: ro.Log, Saver: st})
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
	base, err := webBase(cfg)
	if err != nil {
		return false, nil
	}
	token := strings.TrimSpace(os.Getenv(EnvWebToken))
	if token == "" {
		if token, err = web.ReadToken(cfg.DataDir); err != nil {
			return false, nil
		}
	}
	body, _ := json.Marshal(map[string]any{"parts": parts})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/overlay/reset", bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return false, nil
		}
		ro.Log.Debug("no running tikcraft answered", "error", err)
		return false, nil
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return true, fmt.Errorf("the running tikcraft refused: %s", e.Error)
		}
		return true, fmt.Errorf("the running tikcraft answered HTTP %d", res.StatusCode)
	}
	fmt.Fprintf(ro.Stdout, "reset %s in the running tikcraft (%s)\n", strings.Join(parts, ", "), base)
	return true, nil
}

// overlayLog shows alerts and overlay actions in the log where no overlay
// runs (replay).
type overlayLog struct{ log *slog.Logger }

func (a overlayLog) Deliver(_ context.Context, act tikcraft.Action) error {
	if act.Kind == tikcraft.KindOverlay {
		a.log.Info("overlay action (no overlay runs in this command)", "action", "$"+act.Command, "trigger", act.Trigger)
		return nil
	}
	a.log.Info("alert", "title", act.Alert.Title, "subtitle", act.Alert.Subtitle, "seconds", act.Alert.Seconds, "sound", act.Sound(), "trigger", act.Trigger, "user", act.User)
	return nil
}
