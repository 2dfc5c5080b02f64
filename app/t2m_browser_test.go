package app

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserNamedAlerts: Tiktok2Mc's named overlays. An @party>> alert
// shows on /overlay/alerts?name=party only, a plain >> alert on
// /overlay/alerts only, both at the same time. A nickname in an alert is
// display text: an emoji family (joined by U+200D) stays one family, a
// direction override (U+202E) is dropped before it reaches the page.
func TestBrowserNamedAlerts(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "", "party:/say party {user}; @party>>Party time|{nickname}|60\nrose:>>A rose|{nickname}|60\n")
	named, plain := tab(t), tab(t)
	run(t, named, "open ?name=party", chromedp.Navigate(d.base+"/overlay/alerts?name=party"), waitJS(`document.body.dataset.ready === "1"`))
	run(t, plain, "open the default", chromedp.Navigate(d.base+"/overlay/alerts"), waitJS(`document.body.dataset.ready === "1"`))
	const family = "👨\u200d👩\u200d👧 Anna"
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "party", "user": "\u202eBob\u2066 \u200fB"})
	run(t, named, "the party alert", waitText("#alert-title", "Party time"), waitJS(`document.querySelector("#alert").classList.contains("show")`))
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": family})
	run(t, plain, "the rose alert", waitText("#alert-title", "A rose"), waitJS(`document.querySelector("#alert").classList.contains("show")`))
	for _, c := range []struct {
		ctx               context.Context
		name, title, want string
	}{{named, "named", "Party time", "Bob B"}, {plain, "default", "A rose", family}} {
		if got := get(t, c.ctx, chromedp.Evaluate[string](`document.querySelector("#alert-title").textContent`)); got != c.title {
			t.Fatalf("the %s overlay shows %q", c.name, got)
		}
		if got := get(t, c.ctx, chromedp.Evaluate[string](`document.querySelector("#alert-subtitle").textContent`)); got != c.want {
			t.Errorf("the %s overlay's nickname is %q, want %q", c.name, got, c.want)
		}
	}
	// The page's own cleaning is not what strips the override: the state
	// the server sends has none.
	res, err := http.Get(d.base + "/overlay/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if s := string(body); strings.ContainsAny(s, "\u202e\u2066\u200f") || strings.Contains(s, `\u202e`) || !strings.Contains(s, "Bob B") || !strings.Contains(s, "\u200d") {
		t.Errorf("the overlay state has a direction control or lost the joiner: %s", s)
	}
}
