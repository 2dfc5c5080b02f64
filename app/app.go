// Package app is tikcraft's composition root: it loads tikcraft.yaml and
// the actions file (Load), builds the pipeline the same way for every
// command that runs one (assemble: run, demo, replay, drain, bench), and
// wires the other commands to the packages that do their work (check,
// init, migrate, gifts, decode, report, reset, trigger, web-token). The
// CLI in cmd/tikcraft only parses flags and calls it.
package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/examples"
	"github.com/tikcraft/tikcraft/redact"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/userfile"
)

// DefaultConfigFile is read when -c is not given and it exists.
const DefaultConfigFile = "tikcraft.yaml"

// Options are the flags every command shares.
type Options struct {
	ConfigPath  string // -c; "" means ./tikcraft.yaml when it exists
	ActionsPath string // overrides the config's actions (check's argument)
	Stdout      io.Writer
	Stderr      io.Writer
	Log         *slog.Logger
	// Secrets, if set, learns the RCON password and the sign API key when
	// the config is loaded, so that the log handler and the event log
	// built on it mask them.
	Secrets *redact.Secrets
	// Quiet keeps only warnings and errors on the console (--quiet).
	Quiet bool
}

func (o *Options) defaults() {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Setup is a loaded configuration with its actions file.
type Setup struct {
	Config      *config.Config
	Actions     *actions.File
	ActionsName string
	// ActionsText is the text the rules were read from, and ActionsFromFile
	// whether that was ActionsName's file (not the embedded example): only
	// then can the dashboard reload and edit it.
	ActionsText     []byte
	ActionsFromFile bool
	// Diagnostics of both files, formatted FILE:LINE:COL: severity: message.
	Diagnostics []string
	Errors      int
	Warnings    int
	// errors are the Diagnostics that are errors, for ErrInvalid's
	// message: some have no FILE:LINE:COL before their severity (a
	// missing or refused actions file), so the text cannot tell.
	errors []string
}

// ErrInvalid is returned (wrapped) when the files have errors; the
// diagnostics say where.
var ErrInvalid = errors.New("the configuration has errors")

// Load reads the configuration and the actions file. With demo set it
// starts from the embedded demo configuration and example actions, and only
// an explicit -c file overrides them: the demo never picks up
// ./tikcraft.yaml by itself, so it cannot send fake gifts to the
// streamer's real server by surprise. It returns the Setup even when it has
// errors so that check can print everything.
func Load(o Options, demo bool) (*Setup, error) {
	o.defaults()
	var layers []config.Layer
	if demo {
		layers = append(layers, config.Layer{Name: "the demo's built-in settings", Data: []byte(examples.DemoConfig), Builtin: true})
	}
	path := o.ConfigPath
	if path == "" && !demo {
		// Lstat: a link to nothing is read, and refused by name, rather
		// than skipped for the defaults.
		if _, err := os.Lstat(DefaultConfigFile); err == nil {
			path = DefaultConfigFile
		} else if txt := userfile.TxtAdded(DefaultConfigFile); txt != "" {
			// Running on the defaults would ignore every setting the
			// streamer made (the RCON password first).
			return nil, fmt.Errorf("there is no %s here, so tikcraft would run without your settings: %s", DefaultConfigFile, txt)
		}
	}
	if path != "" {
		l, err := config.File(path)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	cfg, cdiags, _ := config.Load(layers...)
	o.Secrets.Add(cfg.RCON.Password.Reveal(), cfg.TikTok.SignAPIKey.Reveal(), cfg.OBS.Password.Reveal())
	s := &Setup{Config: cfg}
	for _, d := range cdiags {
		s.add(d.Severity, d.String())
	}
	if cfg.Foreign() {
		return s, fmt.Errorf("%w:\n%s", ErrInvalid, strings.Join(s.errors, "\n"))
	}
	// The demo with -c plays the streamer's own rules when the actions
	// file is there, even if the config does not name it.
	useFile := !demo || cfg.ActionsConfigured
	if demo && path != "" && !useFile {
		if _, err := os.Lstat(cfg.Actions); err == nil {
			useFile = true
		}
	}

	actionsPath := cfg.Actions
	var src []byte
	switch {
	case o.ActionsPath != "":
		actionsPath = o.ActionsPath
		fallthrough
	case useFile:
		b, err := rules.ReadFile(actionsPath)
		if err != nil {
			msg := "error: " + err.Error()
			if errors.Is(err, os.ErrNotExist) {
				// No FILE: prefix: the message must not point at a file
				// that does not exist.
				where := "create it (tikcraft init writes a commented one; see docs/ACTIONS.md)"
				if path != "" {
					where += fmt.Sprintf(", or set actions: in %s", path)
				}
				if txt := userfile.TxtAdded(actionsPath); txt != "" {
					where = txt
				}
				msg = fmt.Sprintf("error: actions file %s not found: %s", actionsPath, where)
			}
			s.add("error", msg)
			return s, fmt.Errorf("%w:\n%s", ErrInvalid, strings.Join(s.errors, "\n"))
		}
		src = b
		s.ActionsFromFile = true
	default:
		actionsPath = "(embedded example actions.mca)"
		src = []byte(examples.Actions)
	}
	s.ActionsName, s.ActionsText = actionsPath, src
	f, adiags := rules.Parse(cfg, actionsPath, src)
	s.Actions = f
	for _, d := range adiags {
		s.add(d.Severity.String(), d.String())
	}
	s.checkUser(demo)
	if s.Errors > 0 {
		return s, fmt.Errorf("%w:\n%s", ErrInvalid, strings.Join(s.errors, "\n"))
	}
	return s, nil
}

// checkUser reports a tiktok.user that was set but is not a TikTok
// handle: empty, or a display name with spaces, or still the example from
// tikcraft init (that account may exist: run would follow a stranger's
// LIVE). A config that does not set it at all is fine for everything but
// run, which says so itself. The demo never follows anyone, so the
// example handle is fine there.
func (s *Setup) checkUser(demo bool) {
	at := s.Config.TikTok.UserAt
	if at.File == "" {
		return
	}
	u := s.Config.TikTok.User
	name, err := tiktok.NormalizeUser(u)
	switch {
	case err != nil:
		at.Message = err.Error()
		if strings.ContainsAny(strings.TrimSpace(u), " \t") && !strings.Contains(u, "/") {
			at.Message = fmt.Sprintf("tiktok.user %q looks like a display name, not a TikTok handle: use the @name from your profile link (tiktok.com/@name), which has no spaces, for example \"@%s\"", u, suggestHandle(u))
		}
	case !demo && isExampleUser(name):
		at.Message = fmt.Sprintf("tiktok.user is still the example %q from tikcraft init: set it to your own TikTok handle, the @name in your profile link (tiktok.com/@name)", examples.User)
	default:
		return
	}
	at.Severity = "error"
	s.add("error", at.String())
}

// isExampleUser reports whether name (normalized, as tiktok.NormalizeUser
// returns it) is the example config's placeholder handle.
func isExampleUser(name string) bool {
	return strings.EqualFold(name, strings.TrimPrefix(examples.User, "@"))
}

// suggestHandle makes a handle-shaped example out of a display name.
func suggestHandle(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "@")) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "your_name"
	}
	return b.String()
}

func (s *Setup) add(severity, line string) {
	switch severity {
	case "error":
		s.Errors++
		s.errors = append(s.errors, line)
	case "warning":
		s.Warnings++
	}
	s.Diagnostics = append(s.Diagnostics, line)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (s *Setup) engineConfig() engine.Config {
	c := s.Config
	ec := engine.Config{
		Mode:              c.Gifts.Mode,
		StreakTimeout:     c.Gifts.StreakTimeout.D(),
		MaxRepeat:         int64(c.Gifts.MaxRepeat),
		FollowOncePerUser: c.Follows.OncePerUserEnabled(),
		FollowMilestones:  c.Follows.Milestones,
		ViewerMilestones:  c.Viewers.Milestones,
		FollowForever:     c.Follows.RememberForever(),
		Chat:              chatCommands(c.ChatCommands),
	}
	for _, t := range c.Likes.Triggers {
		if t.Enabled() {
			ec.Likes = append(ec.Likes, engine.LikeRule{ID: t.ID, Every: t.Every, Function: t.Function, Payload: t.Payload, PerUser: t.PerUser})
		}
	}
	return ec
}
