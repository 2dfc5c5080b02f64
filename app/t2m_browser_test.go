package app

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserNamedAlerts: Tiktok2Mc's named overlays. An @party>> alert
// shows on /overlay/alerts?name=party only, a plain >> alert on
// /overlay/alerts only, both at the same time.
func TestBrowserNamedAlerts(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "", "party:/say party {user}; @party>>Party time|{nickname}|60\nrose:>>A rose|{nickname}|60\n")
	named, plain := tab(t), tab(t)
	run(t, named, "open ?name=party", chromedp.Navigate(d.base+"/overlay/alerts?name=party"), waitJS(`document.body.dataset.ready === "1"`))
	run(t, plain, "open the default", chromedp.Navigate(d.base+"/overlay/alerts"), waitJS(`document.body.dataset.ready === "1"`))
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "party", "user": "anna"})
	run(t, named, "the party alert", waitText("#alert-title", "Party time"), waitJS(`document.querySelector("#alert").classList.contains("show")`))
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "bob"})
	run(t, plain, "the rose alert", waitText("#alert-title", "A rose"), waitJS(`document.querySelector("#alert").classList.contains("show")`))
	if got := get(t, named, chromedp.Evaluate[string](`document.querySelector("#alert-title").textContent`)); got != "Party time" {
		t.Fatalf("the named overlay shows %q", got)
	}
	if got := get(t, plain, chromedp.Evaluate[string](`document.querySelector("#alert-title").textContent`)); got != "A rose" {
		t.Fatalf("the default overlay shows %q", got)
	}
}
