package obs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/andreykaipov/goobs"
	"github.com/andreykaipov/goobs/api/requests/filters"
	"github.com/andreykaipov/goobs/api/requests/general"
	"github.com/andreykaipov/goobs/api/requests/inputs"
	"github.com/andreykaipov/goobs/api/requests/sceneitems"
	"github.com/andreykaipov/goobs/api/requests/scenes"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/redact"
)

// Ref is a $obs action of an actions file and where it is written
// ("actions.mca:3:10"), for Inspect.
type Ref struct {
	Where string
	Op    actions.OBSOp
}

// Report is what Inspect found.
type Report struct {
	Version   string // OBS Studio's version
	WebSocket string // obs-websocket's version
	// Problems are the scenes, sources and filters rules name but OBS does
	// not have, each "WHERE: warning: ...".
	Problems []string
}

// Inspect logs in to OBS and checks that every scene, source and filter
// refs name exists there (check --connect). A failure to log in is an
// error worded like the sink's state.
func Inspect(ctx context.Context, cfg Config, refs []Ref) (Report, error) {
	cfg.defaults()
	secrets := redact.New(cfg.Password)
	c, _, err := dial(ctx, cfg)
	if err != nil {
		msg, _ := Describe(cfg.Address, cfg.Password != "", secrets.Error(err))
		return Report{}, errors.New(msg)
	}
	defer c.Disconnect()
	var rep Report
	err = call(ctx, cfg.RequestTimeout, func() error {
		v, err := c.General.GetVersion(&general.GetVersionParams{})
		if err == nil {
			rep.Version, rep.WebSocket = v.ObsVersion, v.ObsWebSocketVersion
		}
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("OBS at %s did not say its version: %v", cfg.Address, secrets.Error(err))
	}
	if len(refs) == 0 {
		return rep, nil
	}
	have, err := look(ctx, cfg, c)
	if err != nil {
		return rep, fmt.Errorf("could not read OBS's scenes and sources: %v", secrets.Error(err))
	}
	for _, r := range refs {
		if msg := have.check(ctx, cfg, c, r.Op); msg != "" {
			rep.Problems = append(rep.Problems, r.Where+": warning: "+msg)
		}
	}
	return rep, nil
}

// obsNames is what OBS has.
type obsNames struct {
	scenes  []string            // in OBS's order
	inputs  map[string]string   // name -> kind
	items   map[string][]string // scene -> its sources
	filters map[string][]string // source -> its filters, read on demand
}

func look(ctx context.Context, cfg Config, c *goobs.Client) (*obsNames, error) {
	have := &obsNames{inputs: map[string]string{}, items: map[string][]string{}, filters: map[string][]string{}}
	req := func(f func() error) error { return call(ctx, cfg.RequestTimeout, f) }
	err := req(func() error {
		r, err := c.Scenes.GetSceneList(&scenes.GetSceneListParams{})
		if err != nil {
			return err
		}
		for _, s := range r.Scenes {
			have.scenes = append(have.scenes, s.SceneName)
		}
		// OBS lists scenes bottom first.
		slices.Reverse(have.scenes)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = req(func() error {
		r, err := c.Inputs.GetInputList(&inputs.GetInputListParams{})
		if err != nil {
			return err
		}
		for _, in := range r.Inputs {
			have.inputs[in.InputName] = in.InputKind
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, scene := range have.scenes {
		err := req(func() error {
			r, err := c.SceneItems.GetSceneItemList(&sceneitems.GetSceneItemListParams{SceneName: &scene})
			if err != nil {
				return err
			}
			for _, it := range r.SceneItems {
				have.items[scene] = append(have.items[scene], it.SourceName)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return have, nil
}

// check returns what OBS lacks for op, or "".
func (h *obsNames) check(ctx context.Context, cfg Config, c *goobs.Client, op actions.OBSOp) string {
	switch op.Verb {
	case actions.OBSScene:
		return h.scene(op.Scene)
	case actions.OBSShow, actions.OBSHide:
		if op.Scene != "" {
			if msg := h.scene(op.Scene); msg != "" {
				return msg
			}
			if !slices.Contains(h.items[op.Scene], op.Source) {
				return fmt.Sprintf("scene %q in OBS has no source %q (it has %s)", op.Scene, op.Source, list(h.items[op.Scene]))
			}
			return ""
		}
		for _, items := range h.items {
			if slices.Contains(items, op.Source) {
				return ""
			}
		}
		return fmt.Sprintf("no scene in OBS has a source %q to %s (add it to the scenes it should %s in, or check the spelling)", op.Source, op.Verb, op.Verb)
	case actions.OBSText:
		kind, ok := h.inputs[op.Source]
		if !ok {
			return fmt.Sprintf("OBS has no source %q to set the text of (its sources: %s)", op.Source, list(h.names()))
		}
		if !strings.Contains(kind, "text") {
			return fmt.Sprintf("OBS source %q is a %s, not a text source", op.Source, kind)
		}
	case actions.OBSMedia:
		kind, ok := h.inputs[op.Source]
		if !ok {
			return fmt.Sprintf("OBS has no media source %q (its sources: %s)", op.Source, list(h.names()))
		}
		if kind != "ffmpeg_source" && kind != "vlc_source" {
			return fmt.Sprintf("OBS source %q is a %s, not a media source", op.Source, kind)
		}
	case actions.OBSFilter:
		if _, ok := h.inputs[op.Source]; !ok && !slices.Contains(h.scenes, op.Source) {
			return fmt.Sprintf("OBS has no source %q for filter %q (its sources: %s)", op.Source, op.Filter, list(h.names()))
		}
		fs, ok := h.filters[op.Source]
		if !ok {
			call(ctx, cfg.RequestTimeout, func() error {
				r, err := c.Filters.GetSourceFilterList(&filters.GetSourceFilterListParams{SourceName: &op.Source})
				if err == nil {
					for _, f := range r.Filters {
						fs = append(fs, f.FilterName)
					}
				}
				return err
			})
			h.filters[op.Source] = fs
		}
		if !slices.Contains(fs, op.Filter) {
			return fmt.Sprintf("OBS source %q has no filter %q (it has %s)", op.Source, op.Filter, list(fs))
		}
	}
	return ""
}

func (h *obsNames) scene(name string) string {
	if slices.Contains(h.scenes, name) {
		return ""
	}
	return fmt.Sprintf("OBS has no scene %q (its scenes: %s)", name, list(h.scenes))
}

func (h *obsNames) names() []string {
	out := make([]string, 0, len(h.inputs))
	for n := range h.inputs {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// list names a few names for a message.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, 0, 8)
	for _, n := range names[:min(len(names), 8)] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > 8 {
		s += fmt.Sprintf(" and %d more", len(names)-8)
	}
	return s
}
