package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDashboardAtPhoneWidth opens the dashboard of a running demo
// at a phone's width (390 px, as a streamer checks it from the phone while
// on stream): with long viewer names, a long chat message and long
// commands in the feed and the queue, nothing scrolls sideways. The page's
// own connection reads as the dashboard's, not as a "live" beside TikTok.
func TestBrowserDashboardAtPhoneWidth(t *testing.T) {
	ctx := tab(t)
	long := strings.Repeat("creeper_fan_", 8) // 96 characters without a space
	user := fmt.Sprintf(`{"id":"7","unique_id":%q,"nickname":%q}`, long, strings.Repeat("Ｗ", 40))
	d := startDashDemo(t, "", "rose:/say "+strings.Repeat("thanks_", 30)+" {user}\nfollow:/tellraw @a {\"text\":\"welcome {user}\",\"color\":\"gold\"}\n",
		`{"type":"gift","msg_id":"g1","user":`+user+`,"gift":{"id":5655,"name":"Rose","combo":false,"diamonds":1},"time":"2026-01-01T10:00:00Z"}`,
		`{"type":"follow","msg_id":"f1","user":`+user+`,"time":"2026-01-01T10:00:01Z"}`,
		`{"type":"chat","msg_id":"c1","user":`+user+`,"text":"`+strings.Repeat("hello", 40)+`","time":"2026-01-01T10:00:02Z"}`,
	)
	run(t, ctx, "open the dashboard at 390 px",
		chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(d.base+"/?token="+d.token),
		waitText("#live-state", "dashboard connected"),
		waitText("#feed", long),
		waitText("#actions", "thanks_thanks_"),
		waitText("#actions", "welcome creeper_fan_creeper_fan_"),
		waitText("#r-gifters", long),
	)
	width := get(t, ctx, chromedp.Evaluate[int](`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`))
	if width > 390 {
		wide := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className + " right=" + Math.round(e.getBoundingClientRect().right)).join("\n")`))
		t.Fatalf("the page is %d px wide at 390 px; too wide:\n%s", width, wide)
	}
	if txt := get(t, ctx, chromedp.Text(chromedp.CSS("#live"))); strings.Contains(strings.ToLower(txt), "live") {
		t.Errorf("the page's own connection reads %q", txt)
	}
}
