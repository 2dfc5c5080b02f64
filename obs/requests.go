package obs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/andreykaipov/goobs"
	"github.com/andreykaipov/goobs/api/requests/filters"
	"github.com/andreykaipov/goobs/api/requests/inputs"
	"github.com/andreykaipov/goobs/api/requests/mediainputs"
	"github.com/andreykaipov/goobs/api/requests/sceneitems"
	"github.com/andreykaipov/goobs/api/requests/scenes"

	"github.com/tikcraft/tikcraft/actions"
)

// revert is a change a "for" turns back.
type revert struct {
	back  actions.OBSOp // sets it back to how it was before
	timer *time.Timer
}

// revertKey names what op changes: a scene item or a filter. Changes to
// the same thing share one pending revert.
func revertKey(op actions.OBSOp, scene string) string {
	if op.Verb == actions.OBSFilter {
		return "filter\x00" + op.Source + "\x00" + op.Filter
	}
	return "item\x00" + scene + "\x00" + op.Source
}

// apply carries out op on c. A show, hide or filter with For schedules
// its revert; one without For cancels a pending revert of the same thing,
// as the newest change wins.
func (s *Sink) apply(ctx context.Context, c *goobs.Client, op actions.OBSOp) error {
	req := func(f func() error) error { return call(ctx, s.cfg.RequestTimeout, f) }
	switch op.Verb {
	case actions.OBSScene:
		return describeRefusal(req(func() error {
			_, err := c.Scenes.SetCurrentProgramScene(&scenes.SetCurrentProgramSceneParams{SceneName: &op.Scene})
			return err
		}), "switch to scene %q", op.Scene)
	case actions.OBSText:
		return describeRefusal(req(func() error {
			_, err := c.Inputs.SetInputSettings(&inputs.SetInputSettingsParams{InputName: &op.Source, InputSettings: map[string]any{"text": op.Text}, Overlay: ptr(true)})
			return err
		}), "set the text of %q", op.Source)
	case actions.OBSMedia:
		action := "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_" + strings.ToUpper(op.Media)
		return describeRefusal(req(func() error {
			_, err := c.MediaInputs.TriggerMediaInputAction(&mediainputs.TriggerMediaInputActionParams{InputName: &op.Source, MediaAction: &action})
			return err
		}), "%s the media source %q", op.Media, op.Source)
	case actions.OBSShow, actions.OBSHide:
		return s.setItem(ctx, c, op)
	case actions.OBSFilter:
		return s.setFilter(ctx, c, op)
	}
	return fmt.Errorf("unknown $obs action %q", op.Verb)
}

func (s *Sink) setItem(ctx context.Context, c *goobs.Client, op actions.OBSOp) error {
	req := func(f func() error) error { return call(ctx, s.cfg.RequestTimeout, f) }
	scene := op.Scene
	if scene == "" {
		err := req(func() error {
			r, err := c.Scenes.GetCurrentProgramScene(&scenes.GetCurrentProgramSceneParams{})
			if err == nil {
				scene = cmp.Or(r.SceneName, r.CurrentProgramSceneName)
			}
			return err
		})
		if err != nil {
			return describeRefusal(err, "find the program scene")
		}
	}
	var id int
	err := req(func() error {
		r, err := c.SceneItems.GetSceneItemId(&sceneitems.GetSceneItemIdParams{SceneName: &scene, SourceName: &op.Source})
		if err == nil {
			id = r.SceneItemId
		}
		return err
	})
	if err != nil {
		return describeRefusal(err, "find source %q in scene %q", op.Source, scene)
	}
	show := op.Verb == actions.OBSShow
	key := revertKey(op, scene)
	var back *actions.OBSOp
	if op.For > 0 && !s.pending(key) {
		var was bool
		err := req(func() error {
			r, err := c.SceneItems.GetSceneItemEnabled(&sceneitems.GetSceneItemEnabledParams{SceneName: &scene, SceneItemId: &id})
			if err == nil {
				was = r.SceneItemEnabled
			}
			return err
		})
		if err != nil {
			return describeRefusal(err, "read whether %q shows in %q", op.Source, scene)
		}
		b := actions.OBSOp{Verb: actions.OBSHide, Source: op.Source, Scene: scene}
		if was {
			b.Verb = actions.OBSShow
		}
		back = &b
	}
	err = req(func() error {
		_, err := c.SceneItems.SetSceneItemEnabled(&sceneitems.SetSceneItemEnabledParams{SceneName: &scene, SceneItemId: &id, SceneItemEnabled: &show})
		return err
	})
	if err != nil {
		return describeRefusal(err, "%s %q in %q", op.Verb, op.Source, scene)
	}
	s.schedule(key, op.For, back)
	return nil
}

func (s *Sink) setFilter(ctx context.Context, c *goobs.Client, op actions.OBSOp) error {
	req := func(f func() error) error { return call(ctx, s.cfg.RequestTimeout, f) }
	key := revertKey(op, "")
	var back *actions.OBSOp
	if op.For > 0 && !s.pending(key) {
		var was bool
		err := req(func() error {
			r, err := c.Filters.GetSourceFilter(&filters.GetSourceFilterParams{SourceName: &op.Source, FilterName: &op.Filter})
			if err == nil {
				was = r.FilterEnabled
			}
			return err
		})
		if err != nil {
			return describeRefusal(err, "find filter %q on %q", op.Filter, op.Source)
		}
		back = &actions.OBSOp{Verb: actions.OBSFilter, Source: op.Source, Filter: op.Filter, On: was}
	}
	err := req(func() error {
		_, err := c.Filters.SetSourceFilterEnabled(&filters.SetSourceFilterEnabledParams{SourceName: &op.Source, FilterName: &op.Filter, FilterEnabled: &op.On})
		return err
	})
	if err != nil {
		return describeRefusal(err, "turn filter %q on %q %s", op.Filter, op.Source, onOff(op.On))
	}
	s.schedule(key, op.For, back)
	return nil
}

func (s *Sink) pending(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reverts[key] != nil
}

// schedule sets up, moves or cancels the revert of key: with d > 0 the
// thing is turned back d from now (to how it was before the first of
// several overlapping changes: back is nil when one is pending); with d ==
// 0 a pending revert is cancelled.
func (s *Sink) schedule(key string, d time.Duration, back *actions.OBSOp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reverts[key]
	if r != nil {
		r.timer.Stop()
		delete(s.reverts, key)
	}
	if d <= 0 || s.life.Err() != nil {
		return
	}
	if r == nil {
		if back == nil {
			return // cancelled meanwhile by a change without "for"
		}
		r = &revert{back: *back}
	}
	r.timer = time.AfterFunc(d, func() { s.runRevert(key, r) })
	s.reverts[key] = r
}

// runRevert turns a change back, unless a newer change replaced the
// revert meanwhile. OBS may be away: it then waits like an action.
func (s *Sink) runRevert(key string, r *revert) {
	s.mu.Lock()
	if s.reverts[key] != r {
		s.mu.Unlock()
		return
	}
	delete(s.reverts, key)
	s.mu.Unlock()
	what := "$obs " + r.back.String()
	if err := s.do(s.life, r.back, what, "for", time.Now().Add(s.cfg.MaxWait)); err != nil && s.life.Err() == nil && !errors.Is(err, ErrDropped) {
		s.log.Warn("could not turn an OBS change back", "action", what, "error", err)
	}
}

// describeRefusal words what OBS could not do; goobs's text of OBS's
// answer ("request X: ResourceNotFound (600): ...") is kept after it.
func describeRefusal(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "request ") {
		msg = rest
	}
	return fmt.Errorf("OBS could not %s: %s", fmt.Sprintf(format, args...), msg)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func ptr[T any](v T) *T { return &v }
