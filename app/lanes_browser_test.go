package app

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// TestBrowserQueueByOutput: with a $http target that never answers, the
// dashboard's queue panel says the actions wait for $http, and Minecraft's
// commands are delivered meanwhile.
func TestBrowserQueueByOutput(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	t.Cleanup(func() { close(hang); target.Close() })
	u, _ := url.Parse(target.URL)
	ctx := tab(t)
	mc := rcontest.Start(t, testPassword)
	d := startDashDemoOn(t, mc, "http:\n  allow: ["+u.Hostname()+"]\n  timeout: 10m\n",
		"follow:/say thanks {user}; $http POST "+target.URL+"/hook\n")
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow", "user": "one"})
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow", "user": "two"})
	d.waitCommand(t, "say thanks two")
	run(t, ctx, "open the dashboard",
		chromedp.Navigate(d.base+"/?token="+d.token),
		waitText("#live-state", "dashboard connected"),
		waitText("#q-lanes", "waiting by output: $http 2"),
		// The request on its way names the server that holds them up.
		waitText("#q-lanes", "waiting for "+u.Host+")"),
	)
}
