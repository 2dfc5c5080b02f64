package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/index.html"))

// csp allows only this server's own scripts and styles: even if some
// viewer text got into the page as markup, no script of theirs could run.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-store")
	data := struct {
		Status   Status
		Report   Report
		Overlays []string
	}{s.o.Dashboard.Status(), s.o.Dashboard.Report(), nil}
	if s.o.Overlays != nil {
		data.Overlays = OverlayNames
	}
	if err := pageTemplate.Execute(w, data); err != nil {
		s.log.Debug("writing the dashboard page", "error", err)
	}
}

func assetHandler() http.Handler {
	sub, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only the script and the style sheet: no listing, no raw template.
		if p := r.URL.Path; !strings.HasSuffix(p, ".js") && !strings.HasSuffix(p, ".css") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", csp)
		files.ServeHTTP(w, r)
	}))
}
