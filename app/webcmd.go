package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/web"
)

// loadConfig reads only tikcraft.yaml: the web commands need no actions
// file.
func loadConfig(o Options) (*config.Config, error) {
	path := o.ConfigPath
	if path == "" {
		if _, err := os.Stat(DefaultConfigFile); err == nil {
			path = DefaultConfigFile
		}
	}
	var layers []config.Layer
	if path != "" {
		l, err := config.File(path)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	cfg, _, err := config.Load(layers...)
	if err != nil {
		return nil, fmt.Errorf("%w:\n%v", ErrInvalid, err)
	}
	return cfg, nil
}

// WebToken prints the dashboard token of the data directory, making one if
// there is none yet, and says where to use it.
func WebToken(o Options) error {
	o.defaults()
	cfg, err := loadConfig(o)
	if err != nil {
		return err
	}
	token, created, err := web.LoadToken(cfg.DataDir)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.Stdout, token)
	if created {
		fmt.Fprintf(o.Stderr, "made a new token in %s\n", cfg.DataDir)
	}
	if cfg.Web.Enabled() {
		if base, err := web.ClientBase(cfg.Web.Listen); err == nil {
			fmt.Fprintf(o.Stderr, "dashboard:   %s/?token=%s\nwebhook URL: %s/webhook?token=%s (for the Minecraft plugin)\n", base, token, base, token)
		}
	}
	return nil
}

// webClient reaches the tikcraft running with cfg: its dashboard's address
// and token (from TIKCRAFT_WEB_TOKEN, else data_dir).
func webClient(cfg *config.Config) (web.Client, error) {
	if !cfg.Web.Enabled() {
		return web.Client{}, errors.New("the dashboard is off (web.listen: off in the config), so there is nothing to send a trigger to")
	}
	base, err := web.ClientBase(cfg.Web.Listen)
	if err != nil {
		return web.Client{}, err
	}
	token := strings.TrimSpace(os.Getenv(web.EnvToken))
	if token == "" {
		if token, err = web.ReadToken(cfg.DataDir); err != nil {
			return web.Client{}, fmt.Errorf("%w\nA demo without data_dir keeps its token in memory: copy it from the link the demo printed into %s", err, web.EnvToken)
		}
	}
	return web.Client{Base: base, Token: token}, nil
}

// TriggerOptions are trigger's flags.
type TriggerOptions struct {
	Options
	Trigger string
	User    string
	Count   int64
}

// Trigger fires a test trigger in the tikcraft running with this config,
// through its dashboard's API, which validates it.
func Trigger(ctx context.Context, to TriggerOptions) error {
	to.defaults()
	cfg, err := loadConfig(to.Options)
	if err != nil {
		return err
	}
	c, err := webClient(cfg)
	if err != nil {
		return err
	}
	fired, err := c.Fire(ctx, web.Fire{Trigger: to.Trigger, User: to.User, Count: to.Count})
	if errors.Is(err, web.ErrNotRunning) {
		return fmt.Errorf("no tikcraft is answering at %s: start `tikcraft run` or `tikcraft demo` with the same config first (web.listen says where its dashboard is)", c.Base)
	}
	if err != nil {
		return err
	}
	what := fired.Trigger
	if g := fired.Gift; g != nil {
		// Which gift was sent and which rule it ran: "Galaxy" runs 11046.
		what = fmt.Sprintf("gift %s (id %d, %d %s) → rule %s", strconv.Quote(g.Name), g.ID, g.Diamonds, plural(int(g.Diamonds), "diamond"), fired.Trigger)
	}
	fmt.Fprintf(to.Stdout, "fired %s x%d as %s (a test): %d %s queued\n", what, fired.Count, fired.User, len(fired.Actions), plural(len(fired.Actions), "action"))
	for _, a := range fired.Actions {
		fmt.Fprintf(to.Stdout, "  %s\n", a)
	}
	return nil
}
