package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/connerr"
)

// EnvToken gives the commands that talk to a running tikcraft the token of
// one that keeps it in memory (a demo without data_dir prints it in its
// link).
const EnvToken = "TIKCRAFT_WEB_TOKEN"

// Errors of Client: nobody answers, or the running tikcraft answered no.
var (
	ErrNotRunning = errors.New("no tikcraft is answering")
	ErrRefused    = errors.New("the running tikcraft refused")
)

// Client is another process talking to a running tikcraft's API: `tikcraft
// trigger` and `tikcraft reset`.
type Client struct {
	Base  string // http://host:port
	Token string
}

// ClientBase is the http://host:port a command on this computer reaches a
// dashboard listening on listen at.
func ClientBase(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("web.listen %q is not host:port", listen)
	}
	if port == "0" {
		return "", errors.New("web.listen has port 0, so the running tikcraft chose a port of its own: set web.listen to a fixed port, e.g. 127.0.0.1:8765")
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// Fire fires a test trigger; the running tikcraft validates f.
func (c Client) Fire(ctx context.Context, f Fire) (Fired, error) {
	var fired Fired
	err := c.post(ctx, "/api/trigger", f, &fired, 15*time.Second)
	return fired, err
}

// ResetOverlays sets overlay parts back to their start.
func (c Client) ResetOverlays(ctx context.Context, parts []string) error {
	return c.post(ctx, "/api/overlay/reset", map[string]any{"parts": parts}, nil, 10*time.Second)
}

// post sends body as JSON and reads the answer into out (if not nil). An
// error wraps ErrNotRunning when nobody answers.
func (c Client) post(ctx context.Context, path string, body, out any, timeout time.Duration) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if connerr.Refused(err) {
			return fmt.Errorf("%w at %s", ErrNotRunning, c.Base)
		}
		return fmt.Errorf("could not reach the tikcraft at %s: %w", c.Base, errors.Unwrap(err))
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(answer, &e) == nil && e.Error != "" {
			return fmt.Errorf("%w: %s", ErrRefused, strings.TrimSpace(e.Error))
		}
		return fmt.Errorf("%w with HTTP %d", ErrRefused, res.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("unexpected answer from %s: %w", c.Base, err)
		}
	}
	return nil
}
