package web

import (
	"strings"
	"testing"
)

// TestGoalPages: /overlay/goal?id=ID serves each goal of overlays.goals;
// an unknown id says which exist; the index lists them.
func TestGoalPages(t *testing.T) {
	ts, _, _ := startOverlays(t)
	code, body := ts.do(t, req{method: "GET", path: "/overlay/goal?id=followers"})
	if code != 200 || !strings.Contains(body, `data-kind="goal" data-goal="followers"`) || !strings.Contains(body, `id="goal-fill"`) {
		t.Fatalf("goal page: %d\n%s", code, body)
	}
	for _, p := range []string{"/overlay/goal", "/overlay/goal?id=likes", `/overlay/goal?id="><script>`} {
		code, body := ts.do(t, req{method: "GET", path: p})
		if code != 404 || !strings.Contains(body, "the goals are /overlay/goal?id=followers, /overlay/goal?id=coins") || strings.Contains(body, "<script>") {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	if code, body := ts.do(t, req{method: "GET", path: "/overlay/"}); code != 200 || !strings.Contains(body, "/overlay/goal?id=coins") {
		t.Errorf("index: %d %s", code, body)
	}
}
