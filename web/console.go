package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/actions"
)

// Minecraft runs the commands typed in the dashboard's console
// (rcon.Client): over the connection the actions use, but never through
// the queue.
type Minecraft interface {
	Exec(ctx context.Context, cmd string) (string, error)
}

// ConsoleCommand is one command of the console and its outcome, for the
// event log.
type ConsoleCommand struct {
	Time    time.Time
	Command string // as sent, without the "/"
	Reply   string
	Err     error // why Minecraft gave no answer
	Latency time.Duration
}

// consoleTimeout bounds how long the console waits for Minecraft: the
// streamer is waiting for the answer, while the queue's own deliveries
// keep retrying on their own.
const consoleTimeout = 15 * time.Second

const noMinecraft = "there is no Minecraft server in this run: the demo prints its commands instead of sending them. " +
	"To use the console, put your server's rcon: address and password in tikcraft.yaml and start `tikcraft run` (or `tikcraft demo -c tikcraft.yaml`)"

func (s *Server) consoleRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/rcon", s.mutating(s.rcon))
}

// rcon answers POST /api/rcon {"command": "list"} with {"reply": "..."}:
// 409 without Minecraft (a dry run), 400 for a command Minecraft cannot
// take, 502 when Minecraft did not answer.
func (s *Server) rcon(w http.ResponseWriter, r *http.Request) {
	if s.o.Minecraft == nil {
		httpError(w, http.StatusConflict, noMinecraft)
		return
	}
	cmd, err := readCommand(r)
	if err != nil {
		requestError(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), consoleTimeout)
	defer cancel()
	start := time.Now()
	reply, err := s.o.Minecraft.Exec(ctx, cmd)
	c := ConsoleCommand{Time: start, Command: cmd, Reply: reply, Err: err, Latency: time.Since(start)}
	if s.o.OnConsole != nil {
		s.o.OnConsole(c)
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("Minecraft did not answer within %s (%w); the actions queue keeps trying on its own", consoleTimeout, err)
		} else {
			err = fmt.Errorf("no answer from Minecraft: %w", err)
		}
		s.log.Warn("console command from the dashboard got no answer", "command", cmd, "error", err)
		httpError(w, http.StatusBadGateway, err.Error())
		return
	}
	s.log.Info("console command from the dashboard", "command", cmd, "reply", reply)
	writeJSON(w, http.StatusOK, map[string]string{"reply": reply})
}

// readCommand reads {"command": "..."} (or a form field command, or a
// text/plain body that is the command) and
// checks it: one line of text Minecraft can take over RCON. A leading "/"
// is dropped, as the actions file drops it.
func readCommand(r *http.Request) (string, error) {
	var cmd string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body struct {
			Command *string `json:"command"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			return "", bodyError(err)
		}
		if body.Command == nil {
			return "", fmt.Errorf(`%w: command is missing: send {"command": "list"}`, ErrInvalid)
		}
		cmd = *body.Command
	} else if ct == "text/plain" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return "", bodyError(err)
		}
		cmd = string(b)
	} else {
		if err := r.ParseForm(); err != nil {
			return "", bodyError(err)
		}
		cmd = r.Form.Get("command")
	}
	// One leading slash is the chat habit and goes; a second stays, as
	// WorldEdit's //set is /set over RCON.
	cmd = strings.TrimPrefix(strings.TrimSpace(cmd), "/")
	switch {
	case strings.Trim(cmd, "/ ") == "":
		return "", fmt.Errorf("%w: the command is empty", ErrInvalid)
	case len(cmd) > actions.MaxCommandBytes:
		return "", fmt.Errorf("%w: the command is %d bytes long; Minecraft takes at most %d over RCON", ErrInvalid, len(cmd), actions.MaxCommandBytes)
	case !cleanText(cmd, actions.MaxCommandBytes):
		return "", fmt.Errorf("%w: the command must be one line of text, without control characters", ErrInvalid)
	}
	return cmd, nil
}
