package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/rules"
)

// Editor reads, checks and saves the actions file for the dashboard's
// editor (rules.Reloader).
type Editor interface {
	// Source is the file as it is on disk now.
	Source() (rules.Source, error)
	// Check judges a text as `tikcraft check` does.
	Check(src []byte) (*actions.File, []actions.Diagnostic)
	// Save writes a valid text and runs its rules at once; an error
	// wrapping rules.ErrInvalid means nothing was written,
	// rules.ErrNotReloadable that the rules come from no file,
	// rules.ErrChanged that the file changed on disk since base (a
	// Source.Version, rules.VersionDeleted for a file that was not
	// there; "" writes whatever is there).
	Save(src []byte, base string) (rules.Saved, error)
}

// maxActionsBody bounds the actions file the editor sends: a big
// Tiktok2Mc file is a few hundred KiB.
const maxActionsBody = 1 << 20

// Diagnostic is one problem of the actions file, as the editor shows it.
type Diagnostic struct {
	File     string `json:"file"` // the actions file, or tikcraft.yaml for a like rule's
	Line     int    `json:"line"`
	Col      int    `json:"col"` // characters from 1
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// RuleLine is a rule of a checked text, for the editor's test buttons.
type RuleLine struct {
	Trigger string `json:"trigger"`
	Line    int    `json:"line"`
}

func diagnosticsOf(diags []actions.Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(diags))
	for i, d := range diags {
		out[i] = Diagnostic{File: d.File, Line: d.Line, Col: d.Col, Severity: d.Severity.String(), Message: d.Message}
	}
	return out
}

func count(diags []actions.Diagnostic, sev actions.Severity) int {
	n := 0
	for _, d := range diags {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

func (s *Server) editorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/actions", s.actionsFile)
	mux.HandleFunc("POST /api/actions", s.mutating(s.saveActions))
	mux.HandleFunc("POST /api/check", s.mutating(s.checkActions))
	mux.HandleFunc("GET /api/complete", s.complete)
}

const noEditor = "editing the actions file is not available in this run"

// actionsFile answers GET /api/actions: the file as text/plain, or as
// JSON ({"file", "text", "editable", "reason"}) for a client that asks
// for JSON (Accept: application/json, or ?format=json).
func (s *Server) actionsFile(w http.ResponseWriter, r *http.Request) {
	if s.o.Editor == nil {
		httpError(w, http.StatusConflict, noEditor)
		return
	}
	src, err := s.o.Editor.Source()
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"file": src.File, "text": string(src.Text), "editable": src.Editable, "reason": src.Reason, "version": src.Version})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(src.Text)
}

func wantsJSON(r *http.Request) bool {
	if r.URL.Query().Get("format") == "json" {
		return true
	}
	first, _, _ := strings.Cut(r.Header.Get("Accept"), ",")
	mt, _, _ := mime.ParseMediaType(first)
	return mt == "application/json"
}

// readText reads an actions text: the body as it is (text/plain), or
// {"text": "...", "base": "..."} when it is sent as JSON; base is the
// version of the file the text was edited from (GET /api/actions'
// "version"), or "".
func readText(r *http.Request) (text []byte, base string, err error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, "", bodyError(err)
		}
		return b, "", nil
	}
	var body struct {
		Text *string `json:"text"`
		Base string  `json:"base"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, "", bodyError(err)
	}
	if body.Text == nil {
		return nil, "", fmt.Errorf(`%w: send the actions as {"text": "..."}, or as the body with Content-Type: text/plain`, ErrInvalid)
	}
	return []byte(*body.Text), body.Base, nil
}

// editorText reads the text sent to the editor's endpoints; false when
// the request was answered already (no editor in this run, a bad body).
func (s *Server) editorText(w http.ResponseWriter, r *http.Request) (src []byte, base string, ok bool) {
	if s.o.Editor == nil {
		httpError(w, http.StatusConflict, noEditor)
		return nil, "", false
	}
	src, base, err := readText(r)
	if err != nil {
		requestError(w, err)
		return nil, "", false
	}
	return src, base, true
}

// checkActions answers POST /api/check: the diagnostics `tikcraft check`
// would give the text, and its rules; nothing is written or run.
func (s *Server) checkActions(w http.ResponseWriter, r *http.Request) {
	src, _, ok := s.editorText(w, r)
	if !ok {
		return
	}
	f, diags := s.o.Editor.Check(src)
	lines := []RuleLine{}
	if f != nil {
		for _, ru := range f.Rules() {
			lines = append(lines, RuleLine{Trigger: ru.Trigger, Line: ru.Line})
		}
	}
	errs := count(diags, actions.Error)
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": errs == 0, "errors": errs, "warnings": count(diags, actions.Warning),
		"diagnostics": diagnosticsOf(diags), "rules": lines,
	})
}

// saveActions answers POST /api/actions: 200 when the text was saved and
// its rules run, 422 with the diagnostics when it has errors (nothing
// written), 409 when the rules come from no file, or ("changed": true)
// when the file changed on disk since the "base" version the text was
// edited from (with the "version" there now, to save over it).
func (s *Server) saveActions(w http.ResponseWriter, r *http.Request) {
	src, base, ok := s.editorText(w, r)
	if !ok {
		return
	}
	saved, err := s.o.Editor.Save(src, base)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]any{
			"saved": true, "file": saved.File, "backup": saved.Backup, "version": saved.Version,
			"diagnostics": diagnosticsOf(saved.Diagnostics), "rules": s.o.Dashboard.Status().Rules,
		})
	case errors.Is(err, rules.ErrChanged):
		writeJSON(w, http.StatusConflict, map[string]any{"saved": false, "changed": true, "error": err.Error(), "version": saved.Version})
	case errors.Is(err, rules.ErrNotReloadable):
		httpError(w, http.StatusConflict, err.Error())
	case errors.Is(err, rules.ErrInvalid):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"saved": false, "error": err.Error(), "diagnostics": diagnosticsOf(saved.Diagnostics),
		})
	default:
		s.log.Error("saving the actions file from the dashboard failed", "error", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"saved": false, "error": err.Error()})
	}
}
