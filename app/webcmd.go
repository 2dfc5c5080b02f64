package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/web"
)

// EnvWebToken gives `tikcraft trigger` the token of a tikcraft that keeps
// it in memory (a demo without data_dir prints it in its link).
const EnvWebToken = "TIKCRAFT_WEB_TOKEN"

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
	if base, err := webBase(cfg); err == nil {
		fmt.Fprintf(o.Stderr, "dashboard:   %s/?token=%s\nwebhook URL: %s/webhook?token=%s (for the Minecraft plugin)\n", base, token, base, token)
	}
	return nil
}

// webBase is the http://host:port a command on this computer reaches the
// running tikcraft's dashboard at.
func webBase(cfg *config.Config) (string, error) {
	if !cfg.Web.Enabled() {
		return "", errors.New("the dashboard is off (web.listen: off in the config), so there is nothing to send a trigger to")
	}
	host, port, err := net.SplitHostPort(cfg.Web.Listen)
	if err != nil {
		return "", fmt.Errorf("web.listen %q is not host:port", cfg.Web.Listen)
	}
	if port == "0" {
		return "", errors.New("web.listen has port 0, so the running tikcraft chose a port of its own: set web.listen to a fixed port, e.g. " + config.DefaultWebListen)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// TriggerOptions are trigger's flags.
type TriggerOptions struct {
	Options
	Trigger string
	User    string
	Count   int64
}

// Trigger fires a test trigger in the tikcraft running with this config,
// through its dashboard's API.
func Trigger(ctx context.Context, to TriggerOptions) error {
	to.defaults()
	f := web.Fire{Trigger: to.Trigger, User: to.User, Count: to.Count}
	if err := web.ValidateFire(&f); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), web.ErrInvalid.Error()+": "))
	}
	cfg, err := loadConfig(to.Options)
	if err != nil {
		return err
	}
	base, err := webBase(cfg)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(os.Getenv(EnvWebToken))
	if token == "" {
		if token, err = web.ReadToken(cfg.DataDir); err != nil {
			return fmt.Errorf("%w\nA demo without data_dir keeps its token in memory: copy it from the link the demo printed into %s", err, EnvWebToken)
		}
	}
	body, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/trigger", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("no tikcraft is answering at %s: start `tikcraft run` or `tikcraft demo` with the same config first (web.listen says where its dashboard is)", base)
		}
		return fmt.Errorf("could not reach the tikcraft at %s: %w", base, errors.Unwrap(err))
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return fmt.Errorf("the running tikcraft refused: %s", e.Error)
		}
		return fmt.Errorf("the running tikcraft answered HTTP %d", res.StatusCode)
	}
	var fired web.Fired
	if err := json.Unmarshal(raw, &fired); err != nil {
		return fmt.Errorf("unexpected answer from %s: %w", base, err)
	}
	fmt.Fprintf(to.Stdout, "fired %s x%d as %s (a test): %d %s queued\n", fired.Trigger, fired.Count, fired.User, len(fired.Actions), plural(len(fired.Actions), "action"))
	for _, a := range fired.Actions {
		fmt.Fprintf(to.Stdout, "  %s\n", a)
	}
	return nil
}
