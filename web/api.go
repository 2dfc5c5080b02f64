package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/rules"
)

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.page)
	mux.Handle("GET /assets/", assetHandler())
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.o.Dashboard.Snapshot()) })
	mux.HandleFunc("GET /api/events", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"events": s.o.Dashboard.Snapshot().Feed})
	})
	mux.HandleFunc("GET /api/queue", func(w http.ResponseWriter, r *http.Request) {
		snap := s.o.Dashboard.Snapshot()
		writeJSON(w, http.StatusOK, map[string]any{"queue": snap.Queue, "pause": snap.Pause, "actions": snap.Actions, "queued": snap.Queued})
	})
	mux.HandleFunc("GET /api/report", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.o.Dashboard.Report()) })
	mux.HandleFunc("GET /api/rules", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.o.Dashboard.Status().Rules)
	})
	mux.HandleFunc("GET /api/stream", s.stream)

	mux.HandleFunc("POST /api/trigger", s.mutating(s.fire))
	mux.HandleFunc("POST /api/pause", s.mutating(func(w http.ResponseWriter, r *http.Request) { s.pause(w, true) }))
	mux.HandleFunc("POST /api/resume", s.mutating(func(w http.ResponseWriter, r *http.Request) { s.pause(w, false) }))
	mux.HandleFunc("POST /api/reload", s.mutating(s.reload))
	mux.HandleFunc("POST /webhook", s.mutating(s.webhook))
	s.overlayRoutes(mux)
	s.editorRoutes(mux)
	s.consoleRoutes(mux)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if m, ok := apiMethods[r.URL.Path]; ok {
			w.Header().Set("Allow", m)
			httpError(w, http.StatusMethodNotAllowed, r.URL.Path+" takes "+m)
			return
		}
		httpError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path+" (see docs/WEB.md)")
	})
}

// apiMethods are the API's endpoints, for 405 answers.
var apiMethods = map[string]string{
	"/api/state": "GET", "/api/events": "GET", "/api/queue": "GET", "/api/report": "GET", "/api/rules": "GET", "/api/stream": "GET",
	"/api/trigger": "POST", "/api/pause": "POST", "/api/resume": "POST", "/api/reload": "POST",
	"/api/overlay/reset": "POST", "/api/overlay/adjust": "POST",
	"/api/actions": "GET, POST", "/api/check": "POST", "/api/complete": "GET", "/api/rcon": "POST",
}

// mutating wraps a handler that changes state: the token is required and
// the body is capped.
func (s *Server) mutating(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.RequireToken(w, r) {
			return
		}
		limit := int64(maxAPIBody)
		switch r.URL.Path {
		case "/webhook":
			limit = maxWebhookBody
		case "/api/actions", "/api/check":
			limit = maxActionsBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		w.Header().Set("Cache-Control", "no-store")
		h(w, r)
	}
}

func (s *Server) fire(w http.ResponseWriter, r *http.Request) {
	if s.o.Injector == nil {
		httpError(w, http.StatusConflict, "test triggers are not available in this run")
		return
	}
	f, err := readFire(r)
	if err != nil {
		requestError(w, err)
		return
	}
	res, err := s.o.Injector.Fire(r.Context(), f)
	if err != nil {
		requestError(w, err)
		return
	}
	s.log.Info("test trigger fired", "trigger", res.Trigger, "user", res.User, "count", res.Count, "actions", len(res.Actions))
	writeJSON(w, http.StatusOK, res)
}

// readFire reads a Fire from a JSON body, or from form or query fields
// (for tools that can only post a URL), and validates every field.
func readFire(r *http.Request) (Fire, error) {
	var f Fire
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var raw struct {
			Trigger any `json:"trigger"`
			User    any `json:"user"`
			Count   any `json:"count"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&raw); err != nil {
			return f, bodyError(err)
		}
		var err error
		if f.Trigger, err = jsonText("trigger", raw.Trigger); err != nil {
			return f, err
		}
		if f.User, err = jsonText("user", raw.User); err != nil {
			return f, err
		}
		switch c := raw.Count.(type) {
		case nil:
		case float64:
			if c != float64(int64(c)) {
				return f, fmt.Errorf("%w: count must be a whole number, not %v", ErrInvalid, c)
			}
			f.Count = int64(c)
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(c), 10, 64)
			if err != nil {
				return f, fmt.Errorf("%w: count must be a whole number, not %q", ErrInvalid, clip.String(c, 20))
			}
			f.Count = n
		default:
			return f, fmt.Errorf("%w: count must be a whole number", ErrInvalid)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return f, bodyError(err)
		}
		f.Trigger, f.User = r.Form.Get("trigger"), r.Form.Get("user")
		if c := strings.TrimSpace(r.Form.Get("count")); c != "" {
			n, err := strconv.ParseInt(c, 10, 64)
			if err != nil {
				return f, fmt.Errorf("%w: count must be a whole number, not %q", ErrInvalid, clip.String(c, 20))
			}
			f.Count = n
		}
	}
	return f, ValidateFire(&f)
}

// ValidateFire checks the fields of f and fills in the defaults.
func ValidateFire(f *Fire) error {
	f.Trigger, f.User = strings.TrimSpace(f.Trigger), strings.TrimSpace(f.User)
	if f.User == "" {
		f.User = DefaultTestUser
	}
	if f.Count == 0 {
		f.Count = 1
	}
	switch {
	case f.Trigger == "":
		return fmt.Errorf("%w: trigger is missing: name a trigger of the actions file, a gift, follow, share or a like rule", ErrInvalid)
	case !cleanText(f.Trigger, maxTriggerLen):
		return fmt.Errorf("%w: trigger must be at most %d characters of text without control characters", ErrInvalid, maxTriggerLen)
	case !cleanText(f.User, maxUserLen):
		return fmt.Errorf("%w: user must be at most %d characters of text without control characters", ErrInvalid, maxUserLen)
	case f.Count < 1 || f.Count > MaxTestCount:
		return fmt.Errorf("%w: count must be from 1 to %d", ErrInvalid, MaxTestCount)
	}
	return nil
}

func cleanText(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func jsonText(field string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case float64:
		if field == "trigger" && v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10), nil // a gift id
		}
	}
	return "", fmt.Errorf("%w: %s must be text", ErrInvalid, field)
}

func (s *Server) pause(w http.ResponseWriter, paused bool) {
	if s.o.Pauser == nil {
		httpError(w, http.StatusConflict, "pausing is not available in this run")
		return
	}
	if paused {
		s.o.Pauser.Pause()
		s.log.Info("delivery paused from the dashboard")
	} else {
		s.o.Pauser.Resume()
		s.log.Info("delivery resumed from the dashboard")
	}
	writeJSON(w, http.StatusOK, s.o.Dashboard.Status().Pause)
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if s.o.Reloader == nil {
		httpError(w, http.StatusConflict, "reloading is not available in this run")
		return
	}
	err := s.o.Reloader.Reload(r.Context())
	shown := s.o.Dashboard.Status().Rules
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]any{"reloaded": true, "rules": shown})
	case errors.Is(err, rules.ErrNotReloadable):
		httpError(w, http.StatusConflict, err.Error())
	default: // the file could not be read or has errors: the running rules stay
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"reloaded": false, "error": err.Error(), "rules": shown})
	}
}

func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	if s.o.Webhook == nil {
		httpError(w, http.StatusConflict, "the webhook is not available in this run")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		requestError(w, bodyError(err))
		return
	}
	means, err := s.o.Webhook.Webhook(r.Context(), body)
	if err != nil { // the body is not a webhook message
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	if means == "" {
		means = "ignore"
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "means": means})
}

func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge{mb.Limit}
	}
	return fmt.Errorf("%w: the body is not valid: %v", ErrInvalid, err)
}

type tooLarge struct{ limit int64 }

func (t tooLarge) Error() string { return fmt.Sprintf("the body is larger than %d bytes", t.limit) }

func requestError(w http.ResponseWriter, err error) {
	var tl tooLarge
	switch {
	case errors.As(err, &tl):
		httpError(w, http.StatusRequestEntityTooLarge, err.Error())
	case errors.Is(err, ErrInvalid):
		httpError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	case errors.Is(err, ErrNotFound):
		httpError(w, http.StatusNotFound, strings.TrimPrefix(err.Error(), ErrNotFound.Error()+": "))
	case errors.Is(err, ErrUnavailable):
		httpError(w, http.StatusConflict, strings.TrimPrefix(err.Error(), ErrUnavailable.Error()+": "))
	default:
		httpError(w, http.StatusInternalServerError, err.Error())
	}
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// stream is the SSE endpoint. The first message is a full snapshot (type
// state), so a tab that slept or lost the connection catches up from the
// current state; EventSource reconnects on its own after retry ms.
// ?types=event,state limits the types sent.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	var types map[string]bool
	if t := r.URL.Query().Get("types"); t != "" {
		types = map[string]bool{TypeState: true}
		for _, x := range strings.Split(t, ",") {
			if x = strings.TrimSpace(x); x != "" && len(types) < 32 {
				types[x] = true
			}
		}
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream lasts as long as the tab is open
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sub := s.o.Dashboard.subscribe(types)
	defer s.o.Dashboard.unsubscribe(sub)
	// What waits is written into one buffer and sent with one flush: a
	// frame of the dashboard is one write, not one per message.
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("retry: 2000\n\n"); err != nil {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case m := <-sub.ch:
			if err := writeSSE(bw, m); err != nil {
				return
			}
			for more := true; more; {
				select {
				case m := <-sub.ch:
					if err := writeSSE(bw, m); err != nil {
						return
					}
				default:
					more = false
				}
			}
		case <-ping.C:
			if _, err := bw.WriteString(": ping\n\n"); err != nil {
				return
			}
		case <-sub.gone:
			return // fell behind: the browser reconnects and gets the current state
		case <-r.Context().Done():
			return
		}
		if err := bw.Flush(); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// writeSSE writes one message. The data is JSON on one line (encoding/json
// escapes line breaks inside strings), so it cannot end the message early.
func writeSSE(w io.Writer, m Message) error {
	for _, s := range [...]string{"event: ", m.Type, "\ndata: "} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	if _, err := w.Write(m.Data); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n\n")
	return err
}
