package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/userfile"
)

// TypeOverlay is the SSE message type of the overlays' state.
const TypeOverlay = "overlay"

// OverlayNames are the overlay pages, /overlay/NAME.
var OverlayNames = []string{"alerts", "likegoal", "timer", "deaths", "wins", "feed", "top"}

// overlayPartOf is one page's share of the state, by the part its page
// names (/overlay/ws?part=wins): the fields of the whole state that page
// reads, under the same names. A page then gets a message only when its
// own part changed, and only that part: the wins page a few bytes when the
// wins change, nothing when the feed does.
func overlayPartOf(part string, s overlay.Snapshot) (any, bool) {
	switch part {
	case "alerts":
		return struct {
			Alert  *overlay.AlertView            `json:"alert"`
			Alerts map[string]*overlay.AlertView `json:"alerts,omitempty"`
			Sounds []overlay.Sound               `json:"sounds"`
		}{s.Alert, s.Alerts, s.Sounds}, true
	case "likegoal":
		return struct {
			LikeGoal overlay.LikeGoalView `json:"likegoal"`
		}{s.LikeGoal}, true
	case "goal":
		return struct {
			Goals map[string]overlay.GoalView `json:"goals"`
		}{s.Goals}, true
	case "timer":
		return struct {
			Timer overlay.TimerView `json:"timer"`
		}{s.Timer}, true
	case "deaths":
		return struct {
			Deaths int64 `json:"deaths"`
		}{s.Deaths}, true
	case "wins":
		return struct {
			Wins int64 `json:"wins"`
		}{s.Wins}, true
	case "feed":
		return struct {
			Feed []overlay.FeedItem `json:"feed"`
		}{s.Feed}, true
	case "top":
		return struct {
			Top []overlay.Gifter `json:"top"`
		}{s.Top}, true
	}
	return nil, false
}

// overlayPartNames are the parts overlayPartOf knows, in a fixed order.
var overlayPartNames = []string{"alerts", "likegoal", "goal", "timer", "deaths", "wins", "feed", "top"}

// overlayPartType is the message type of one part's changes.
func overlayPartType(part string) string { return TypeOverlay + "/" + part }

// overlayPart reads ?part= of an overlay stream: "" (the whole state, for
// other tools) or one of overlayPartNames.
func overlayPart(r *http.Request) (string, error) {
	part := r.URL.Query().Get("part")
	if part != "" && !slices.Contains(overlayPartNames, part) {
		return "", fmt.Errorf("no such overlay part: the parts are %s (or none, for the whole state)", strings.Join(overlayPartNames, ", "))
	}
	return part, nil
}

// overlayFirst is a stream's first message: the whole state or its part.
func (s *Server) overlayFirst(part string) ([]byte, error) {
	snap := s.o.Overlays.Snapshot()
	if part == "" {
		return json.Marshal(snap)
	}
	v, _ := overlayPartOf(part, snap)
	return json.Marshal(v)
}

// overlaySubscribe subscribes to the changes of the whole state or of one part.
func (s *Server) overlaySubscribe(part string) *Subscription {
	if part == "" {
		return s.o.Dashboard.SubscribeOnly(TypeOverlay)
	}
	return s.o.Dashboard.SubscribeOnly(overlayPartType(part))
}

// PublishOverlay hands a new overlay state to the pages: the whole state to
// the streams that asked for it, and each part that changed since the last
// time to the pages showing it. Each is encoded only if somebody listens.
func (d *Dashboard) PublishOverlay(snap overlay.Snapshot) {
	d.Publish(TypeOverlay, snap)
	for _, part := range overlayPartNames {
		typ := overlayPartType(part)
		d.mu.Lock()
		wanted := d.wantedLocked(typ)
		if !wanted {
			// Nobody to compare with: a page that connects gets the
			// state first, and then every change.
			delete(d.overlaySent, part)
		}
		d.mu.Unlock()
		if !wanted {
			continue
		}
		v, _ := overlayPartOf(part, snap)
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		d.mu.Lock()
		if !bytes.Equal(d.overlaySent[part], b) {
			d.overlaySent[part] = b
			d.sendRaw(typ, b)
		}
		d.mu.Unlock()
	}
}

// Overlays is the state behind the OBS overlay pages (overlay.Manager).
// Changes reach the pages as Dashboard.Publish(TypeOverlay, state).
type Overlays interface {
	// Snapshot is the state a page gets first.
	Snapshot() overlay.Snapshot
	// Reset resets the named parts; overlay.ErrUnknownPart names an
	// unknown one.
	Reset(ctx context.Context, parts ...string) error
	// Deliver carries out an overlay action (the dashboard's wins buttons).
	Deliver(ctx context.Context, a tikcraft.Action) error
}

// OverlayStyle is the overlays' default look; each URL's query
// parameters override it (docs/OVERLAYS.md).
type OverlayStyle struct {
	Font, Color, Accent, Background string
	Size                            int
	Align                           string
}

// overlayCSP is the dashboard's policy, plus the alert sounds.
const overlayCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"

var overlayTemplate = template.Must(template.ParseFS(assets, "assets/overlay.html"))

func (s *Server) overlayRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /overlay/{name}", s.overlayPage)
	mux.HandleFunc("GET /overlay/{$}", s.overlayIndex)
	mux.HandleFunc("GET /overlay/state", func(w http.ResponseWriter, r *http.Request) {
		if s.o.Overlays == nil {
			httpError(w, http.StatusConflict, "the overlays are not available in this run")
			return
		}
		writeJSON(w, http.StatusOK, s.o.Overlays.Snapshot())
	})
	mux.HandleFunc("GET /overlay/stream", s.overlayStream)
	mux.HandleFunc("GET /overlay/ws", s.overlaySocket)
	mux.HandleFunc("GET /overlay/sounds/{file}", s.overlaySound)
	mux.HandleFunc("POST /api/overlay/reset", s.mutating(s.overlayReset))
	mux.HandleFunc("POST /api/overlay/adjust", s.mutating(s.overlayAdjust))
}

func (s *Server) overlayIndex(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("The OBS overlays of this tikcraft (docs/OVERLAYS.md):\n")
	for _, n := range OverlayNames {
		fmt.Fprintf(&b, "  %soverlay/%s\n", s.URL(), n)
	}
	for _, id := range s.o.Goals {
		fmt.Fprintf(&b, "  %soverlay/goal?id=%s\n", s.URL(), url.QueryEscape(id))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, b.String())
}

func (s *Server) overlayPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	known := false
	for _, n := range OverlayNames {
		known = known || n == name
	}
	goal := ""
	if name == "goal" {
		goal = r.URL.Query().Get("id")
		if !slices.Contains(s.o.Goals, goal) {
			msg := "no such goal: overlays.goals in tikcraft.yaml has none"
			if len(s.o.Goals) > 0 {
				msg = "no such goal: the goals are /overlay/goal?id=" + strings.Join(s.o.Goals, ", /overlay/goal?id=")
			}
			http.Error(w, msg, http.StatusNotFound)
			return
		}
		known = true
	}
	if !known {
		http.Error(w, "no such overlay: the overlays are /overlay/"+strings.Join(OverlayNames, ", /overlay/")+", /overlay/goal?id=ID", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", overlayCSP)
	h.Set("Cache-Control", "no-store")
	st := s.o.OverlayStyle
	data := struct {
		Kind  string
		Goal  string
		Style OverlayStyle
	}{name, goal, st}
	if err := overlayTemplate.Execute(w, data); err != nil {
		s.log.Debug("writing an overlay page", "error", err)
	}
}

// overlayStream is the overlays' SSE endpoint: the state first, then every
// change. Each message is the whole state (or the whole of one part, with
// ?part=), so a page that reconnects is at once up to date.
func (s *Server) overlayStream(w http.ResponseWriter, r *http.Request) {
	if s.o.Overlays == nil {
		httpError(w, http.StatusConflict, "the overlays are not available in this run")
		return
	}
	part, err := overlayPart(r)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sub := s.overlaySubscribe(part)
	defer sub.Close()
	first, err := s.overlayFirst(part)
	if err != nil {
		return
	}
	if _, err := io.WriteString(w, "retry: 2000\n\n"); err != nil {
		return
	}
	if err := writeSSE(w, Message{Type: TypeOverlay, Data: first}); err != nil {
		return
	}
	rc.Flush()
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case m := <-sub.C:
			if err := writeSSE(w, Message{Type: TypeOverlay, Data: latest(sub.C, m).Data}); err != nil {
				return
			}
		case <-ping.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
		case <-sub.Done:
			return
		case <-r.Context().Done():
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// overlaySocket is overlayStream over a WebSocket, which the pages use:
// a browser keeps at most 6 HTTP connections per host, and OBS's browser
// sources share one browser, so seven overlays each holding an SSE stream
// would leave the seventh waiting forever. WebSockets do not count
// against that limit. Each message is the whole state as JSON, or with
// ?part= the whole of that part, sent only when it changed.
func (s *Server) overlaySocket(w http.ResponseWriter, r *http.Request) {
	if s.o.Overlays == nil {
		httpError(w, http.StatusConflict, "the overlays are not available in this run")
		return
	}
	part, err := overlayPart(r)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Accept checks that the page asking is served from this host.
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context()) // the pages never send; this notices them leaving
	sub := s.overlaySubscribe(part)
	defer sub.Close()
	send := func(data []byte) bool {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return c.Write(wctx, websocket.MessageText, data) == nil
	}
	first, err := s.overlayFirst(part)
	if err != nil || !send(first) {
		return
	}
	for {
		select {
		case m := <-sub.C:
			if !send(latest(sub.C, m).Data) {
				return
			}
		case <-sub.Done:
			c.Close(websocket.StatusGoingAway, "tikcraft is stopping")
			return
		case <-ctx.Done():
			return
		}
	}
}

// latest returns the last of m and the messages waiting in c: each is the
// whole state, so a page that fell behind gets one message, not a backlog.
func latest(c <-chan Message, m Message) Message {
	for {
		select {
		case next := <-c:
			m = next
		default:
			return m
		}
	}
}

// soundKind is an alert sound for userfile's checks; no size cap (a sound
// is streamed, never read whole).
var soundKind = userfile.Kind{Name: "alert sound", Max: math.MaxInt64}

// overlaySound serves a file of the sounds folder. Only plain file names
// of sound files are served (actions.ValidSoundName), and through an
// os.Root, so no name can reach outside the folder.
func (s *Server) overlaySound(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !actions.ValidSoundName(name) || s.o.Sounds == "" {
		http.NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(s.o.Sounds)
	if err != nil {
		s.log.Debug("no sounds folder", "folder", s.o.Sounds, "error", err)
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	// Only an ordinary file, opened without waiting: a pipe would hold the
	// request (and OBS's alert) for good. A link that stays inside the
	// folder is followed.
	f, fi, err := userfile.OpenIn(root, name, soundKind)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.badSound.Log("file", name, "error", err)
		} else {
			s.noSound.Log("file", name, "folder", s.o.Sounds)
		}
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h := w.Header()
	if ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func (s *Server) overlayReset(w http.ResponseWriter, r *http.Request) {
	if s.o.Overlays == nil {
		httpError(w, http.StatusConflict, "the overlays are not available in this run")
		return
	}
	var body struct {
		Parts []string `json:"parts"`
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			requestError(w, bodyError(err))
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			requestError(w, bodyError(err))
			return
		}
		body.Parts = r.Form["part"]
	}
	if len(body.Parts) == 0 || len(body.Parts) > 10 {
		httpError(w, http.StatusBadRequest, "name what to reset: parts timer, wins, deaths, likegoal, feed, top, goals or goal:ID")
		return
	}
	if err := s.o.Overlays.Reset(r.Context(), body.Parts...); err != nil {
		if errors.Is(err, overlay.ErrUnknownPart) {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		requestError(w, err)
		return
	}
	s.log.Info("overlays reset from the dashboard", "parts", strings.Join(body.Parts, ","))
	s.o.Dashboard.Note("overlay", "reset "+strings.Join(body.Parts, ", "))
	writeJSON(w, http.StatusOK, s.o.Overlays.Snapshot())
}

func (s *Server) overlayAdjust(w http.ResponseWriter, r *http.Request) {
	if s.o.Overlays == nil {
		httpError(w, http.StatusConflict, "the overlays are not available in this run")
		return
	}
	var body struct {
		Op string `json:"op"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		requestError(w, bodyError(err))
		return
	}
	op := strings.TrimPrefix(strings.TrimSpace(body.Op), "$")
	if _, err := actions.ParseOverlay(op); err != nil || len(op) > 100 {
		httpError(w, http.StatusBadRequest, "op must be an overlay action such as \"wins +1\" or \"timer +60s\"")
		return
	}
	// Applied at once, not queued behind Minecraft's commands.
	if err := s.o.Overlays.Deliver(r.Context(), tikcraft.Action{Kind: tikcraft.KindOverlay, Command: op, Trigger: "dashboard"}); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.o.Overlays.Snapshot())
}

// StyleOf is the overlays' default look from overlays.style in tikcraft.yaml.
func StyleOf(c config.Overlays) OverlayStyle {
	s := c.Style
	return OverlayStyle{Font: s.Font, Color: s.Color, Accent: s.Accent, Background: s.Background, Size: s.Size, Align: s.Align}
}
