package rules

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/userfile"
)

// Errors of Reload.
var (
	// ErrNotReloadable: the rules do not come from a file (the demo's
	// embedded example).
	ErrNotReloadable = errors.New("these rules cannot be reloaded")
	// ErrKept: the file could not be read or has errors; the running rules
	// stay.
	ErrKept = errors.New("the running rules stay")
)

// Status is what the dashboard shows of the rules.
type Status struct {
	File       string
	Loaded     time.Time // when the rules in force were loaded
	Reloadable bool
	Rules      *actions.File // the rules in force
	// Diagnostics of the last file read, formatted FILE:LINE:COL.
	Diagnostics []string
	// Error is set when the last reload failed: Rules still run.
	Error string
}

// Reloader reloads the actions file behind a Set: on demand (the
// dashboard's button) and when it changes on disk. A file with errors never
// replaces the running rules; the streamer sees why.
type Reloader struct {
	set    *Set
	path   string // "": not reloadable
	cfg    *config.Config
	log    *slog.Logger
	notify func(Status)

	mu       sync.Mutex
	loaded   []byte // content of the running rules, or of the last file tried
	loadedAt time.Time
	status   Status
}

// NewReloader watches path (the file set was loaded from, with diags
// formatted FILE:LINE:COL; "" when it came from no file) and tells notify
// every change of Status. src is the text set was loaded from: the
// editor shows it when there is no file, and the watcher reloads the file
// only once it differs.
func NewReloader(set *Set, path string, src []byte, diags []string, cfg *config.Config, log *slog.Logger, notify func(Status)) *Reloader {
	r := &Reloader{set: set, path: path, cfg: cfg, log: log, notify: notify, loadedAt: time.Now(), loaded: src}
	r.status = Status{File: path, Loaded: r.loadedAt, Reloadable: path != "", Rules: set.File(), Diagnostics: diags}
	return r
}

// Status is the rules' state now.
func (r *Reloader) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Reload reads the file again. The new rules replace the running ones only
// when the file has no errors; otherwise the error (wrapping ErrKept) says
// why and the old rules keep running.
func (r *Reloader) Reload(context.Context) error {
	if r.path == "" {
		return fmt.Errorf("%w: the demo runs the embedded example actions; name your own file (actions: in a config given with -c) to reload it", ErrNotReloadable)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	src, err := ReadFile(r.path)
	if err != nil {
		msg := fmt.Sprintf("%s; the rules loaded at %s keep running", err, r.loadedAt.Format(time.TimeOnly))
		r.show([]string{msg}, msg)
		r.log.Warn("reload: cannot read the actions file; the running rules stay", "file", r.path, "error", err.Error())
		return fmt.Errorf("%w: %s", ErrKept, msg)
	}
	return r.reload(src)
}

// reload validates src and swaps it in; mu is held.
func (r *Reloader) reload(src []byte) error {
	r.loaded = src
	if Empty(src) && len(r.set.File().Rules()) > 0 {
		// An editor that saves by truncating first shows an empty file for
		// a moment; taking it would silently drop every rule mid-LIVE.
		msg := fmt.Sprintf("%s is empty; the rules loaded at %s keep running until it has content again. To run with no rules, leave a comment line in it (# no rules)", r.path, r.loadedAt.Format(time.TimeOnly))
		r.show([]string{r.path + ":1:1: warning: the file is empty"}, msg)
		r.log.Warn("the actions file is empty; keeping the running rules until it has content again (a comment line alone means: no rules)", "file", r.path)
		return fmt.Errorf("%w: %s", ErrKept, msg)
	}
	f, diags := Parse(r.cfg, r.path, src)
	var errs []string
	for _, d := range diags {
		if d.Severity == actions.Error {
			errs = append(errs, d.String())
		}
	}
	if len(errs) > 0 {
		msg := fmt.Sprintf("%s has %d %s; the rules loaded at %s keep running until it is fixed", r.path, len(errs), plural(len(errs), "error"), r.loadedAt.Format(time.TimeOnly))
		r.show(diagStrings(diags), msg)
		r.log.Warn("the actions file has errors; keeping the running rules", "file", r.path, "errors", strings.Join(errs, "\n"))
		return fmt.Errorf("%w: %s:\n%s", ErrKept, msg, strings.Join(errs, "\n"))
	}
	r.set.Swap(f)
	r.loadedAt = time.Now()
	r.show(diagStrings(diags), "")
	triggers, commands := f.Stats()
	r.log.Info("reloaded the actions file", "file", r.path, "triggers", triggers, "commands", commands, "warnings", len(diags))
	return nil
}

// show updates the status; mu is held.
func (r *Reloader) show(diags []string, failure string) {
	r.status = Status{File: r.path, Loaded: r.loadedAt, Reloadable: true, Rules: r.set.File(), Diagnostics: diags, Error: failure}
	if r.notify != nil {
		r.notify(r.status)
	}
}

// Watch reloads the file when it changes on disk, until ctx ends. It polls
// every interval (portable, and editors that save by replacing the file are
// seen too) and waits until two looks agree, so that a file still being
// written is not read. It reads only an ordinary file, never waiting on a
// pipe: a file that is gone, or a folder, a pipe, a device or a file over
// MaxFileSize in its place keeps the running rules, is said once (in the
// log and on the dashboard), and the file is read again once it is back.
func (r *Reloader) Watch(ctx context.Context, every time.Duration) {
	if r.path == "" {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	type look struct {
		mod     time.Time
		size    int64
		problem string // why the file cannot be read; "" when it can
	}
	stat := func() look {
		fi, err := FileKind.Stat(r.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return look{problem: r.path + " is gone"}
		case err != nil:
			return look{problem: err.Error()}
		}
		return look{mod: fi.ModTime(), size: fi.Size()}
	}
	// No look yet: the file is read once two looks agree, also the first
	// time, since it may have changed between the load and the first look.
	var last look
	pending := false
	warned := "" // the problem said last; "" once the file is fine
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := stat()
		if now.problem != "" {
			// Said once it is seen twice: an editor that saves by
			// replacing the file leaves no file for a moment.
			if now == last && now.problem != warned {
				warned = now.problem
				r.warn(now.problem)
			}
			last = now
			continue
		}
		if now != last {
			last, pending = now, true
			continue
		}
		if !pending {
			continue
		}
		pending = false
		// Read under the lock (ReadFile never waits on a pipe): a save
		// from the editor then comes wholly before or after, and a text
		// read before it is never taken for a change after it.
		r.mu.Lock()
		src, err := ReadFile(r.path)
		if err != nil {
			// Seen but not readable (no permission; on Windows, a file
			// another program holds): said once, tried again each look.
			r.mu.Unlock()
			if problem := err.Error(); problem != warned {
				warned = problem
				r.warn(problem)
			}
			pending = true
			continue
		}
		if int64(len(src)) != now.size {
			// Changed since the look (an editor that empties the file
			// before writing it): the next looks tell.
			r.mu.Unlock()
			pending = true
			continue
		}
		// While a problem is shown (said here, or met by the reload
		// button) the file is loaded even if it is what ran, so that the
		// dashboard stops showing it; otherwise only a change is.
		if !bytes.Equal(src, r.loaded) || r.status.Error != "" {
			r.log.Info("the actions file changed; reloading it", "file", r.path)
			if err := r.reload(src); err != nil && !errors.Is(err, ErrKept) {
				r.log.Warn("reload failed", "error", err)
			}
		}
		warned = ""
		r.mu.Unlock()
	}
}

// warn says why the file cannot be read now, in the log and on the
// dashboard, and that the running rules stay.
func (r *Reloader) warn(problem string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := fmt.Sprintf("%s; the rules loaded at %s keep running, and tikcraft reads the file again as soon as it can", problem, r.loadedAt.Format(time.TimeOnly))
	r.log.Warn(msg)
	r.show([]string{msg}, msg)
}

// Parse reads an actions file as check does: the actions language with the
// options the config gives it, and the config's like rules, which must name
// a trigger of the file.
func Parse(cfg *config.Config, name string, src []byte) (*actions.File, []actions.Diagnostic) {
	f, diags := actions.Parse(name, src, ParseOptions(cfg))
	if _, _, nul := userfile.NUL(src); nul || userfile.UTF16(src) {
		// Not readable as text (saved as "Unicode"): what rules it holds
		// is unknown, so "like rule runs likes, which is not a trigger"
		// would only send the streamer looking for a rule that is there.
		return f, diags
	}
	if Empty(src) {
		diags = append(diags, actions.Diagnostic{File: name, Line: 1, Col: 1, Severity: actions.Warning,
			Message: EmptyWarning})
	}
	for _, t := range cfg.Likes.Triggers {
		switch {
		case !t.Enabled() || f.Lookup(t.Function) != nil:
		case t.Builtin:
			// A like rule of tikcraft's own settings (the demo's): the
			// actions file is where it can be made to work.
			diags = append(diags, actions.Diagnostic{File: name, Line: 1, Col: 1, Severity: actions.Warning,
				Message: fmt.Sprintf("like rule %q of %s runs %q, which is not a trigger in %s; it will do nothing: add a %s: rule to %s, or set likes: in your config to like rules of your own",
					t.ID, t.File, t.Function, name, t.Function, name)})
		default:
			diags = append(diags, actions.Diagnostic{File: t.File, Line: t.Line, Col: t.Col, Severity: actions.Warning,
				Message: fmt.Sprintf("like rule %q runs %q, which is not a trigger in %s; it will do nothing", t.ID, t.Function, name)})
		}
	}
	for _, n := range append(slices.Clone(cfg.Random.Only), cfg.Random.Never...) {
		if f.Lookup(n) == nil {
			diags = append(diags, actions.Diagnostic{File: cfg.Random.At.File, Line: cfg.Random.At.Line, Col: cfg.Random.At.Col, Severity: actions.Warning,
				Message: fmt.Sprintf("random names %q, which is not a rule in %s", n, name)})
		}
	}
	var goals []string
	for _, g := range cfg.Overlays.Goals {
		goals = append(goals, g.ID)
	}
	for _, r := range f.Rules() {
		rest, isGoal := strings.CutPrefix(strings.ToLower(r.Trigger), "goal_")
		id, reached := strings.CutSuffix(rest, "_reached")
		if isGoal && reached && id != "" && !slices.Contains(goals, id) {
			diags = append(diags, actions.Diagnostic{File: name, Line: r.Line, Col: r.Col, Severity: actions.Warning,
				Message: fmt.Sprintf("%s runs when the goal %q of overlays.goals is reached, but there is no such goal (goals: %s); it will never run", r.Trigger, id, strings.Join(goals, ", "))})
		}
	}
	return f, diags
}

// ParseOptions are the options of the actions language the config sets.
func ParseOptions(cfg *config.Config) actions.Options {
	return actions.Options{LikeFunctions: cfg.LikeFunctions(), HTTPAllow: cfg.HTTP.Allow, Minecraft: cfg.Minecraft.Names(),
		RandomOnly: cfg.Random.Only, RandomNever: cfg.Random.Never, OBS: cfg.OBSConfigured, SoundsDir: cfg.Overlays.Sounds}
}

func diagStrings(diags []actions.Diagnostic) []string {
	out := make([]string, len(diags))
	for i, d := range diags {
		out[i] = d.String()
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
