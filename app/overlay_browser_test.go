package app

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

const overlayActions = `rose:/say rose {user}; >>{nickname}|sent a Rose|60
addtime:$timer +60s
pausetime:$timer pause
win:$wins +1 x2
follow:/say thanks {user}
likes:/say likes {user}
`

const overlayEvents = `{"type":"like","msg_id":"l1","user":{"unique_id":"liker"},"count":15}
{"type":"gift","msg_id":"g1","user":{"id":"7","unique_id":"bigfan","nickname":"Big Fan"},"gift":{"id":5760,"name":"Lion","combo":false,"diamonds":29999}}
{"type":"gift","msg_id":"g2","user":{"id":"66","unique_id":"evil","nickname":"` + `<img src=x onerror=\"document.title='pwned'\">` + `"},"gift":{"id":5655,"name":"Rose","combo":false,"diamonds":1}}
{"type":"follow","msg_id":"f1","user":{"id":"8","unique_id":"newfan","nickname":"New Fan"}}`

// waitJS waits until the expression is true.
func waitJS(expr string) step {
	return void(chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// TestBrowserOverlays opens each OBS overlay of a running demo in
// Chromium, fires the actions that change it and finds the new text or
// width in the page; hostile nicknames stay text everywhere.
func TestBrowserOverlays(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	d := startDashDemo(t, "overlays:\n  timer: {start: 10m}\n  likegoal: {initial_goal: 10, multiplier: 2, label: Likes}\n  feed: {kinds: [gift, follow]}\n", overlayActions, overlayEvents)
	open := func(t *testing.T, name string) {
		t.Helper()
		run(t, ctx, "open /overlay/"+name, chromedp.Navigate(d.base+"/overlay/"+name), waitJS(`document.body.dataset.ready === "1"`))
	}
	noMarkup := func(t *testing.T) {
		t.Helper()
		if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("img, #box script").length`)); n != 0 || get(t, ctx, chromedp.Title()) == "pwned" {
			t.Fatalf("viewer text became markup (%d elements)", n)
		}
		bg := get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if bg != "rgba(0, 0, 0, 0)" {
			t.Errorf("the page is not transparent for OBS: background %s", bg)
		}
	}

	t.Run("alerts", func(t *testing.T) {
		open(t, "alerts")
		// An alert is display text: the quotes stay, and stay text.
		d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": hostileNick})
		run(t, ctx, "the alert", waitText("#alert-title", "<img src=x"), waitText("#alert-subtitle", "sent a Rose"), waitJS(`document.querySelector("#alert").classList.contains("show")`))
		if got := get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#alert-title").textContent`)); got != hostileNick {
			t.Errorf("the alert shows %q, want the nickname as written, %q", got, hostileNick)
		}
		noMarkup(t)
	})
	t.Run("timer", func(t *testing.T) {
		open(t, "timer")
		run(t, ctx, "counting down", waitJS(`/^(9:5\d|10:00)$/.test(document.querySelector("#timer").textContent)`))
		d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "addtime"})
		run(t, ctx, "a minute more", waitJS(`/^(10:5\d|11:00)$/.test(document.querySelector("#timer").textContent)`))
		d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "pausetime"})
		run(t, ctx, "paused", waitJS(`document.body.classList.contains("timer-paused")`))
		// A death starts the timer again from overlays.timer.start.
		res, err := http.Post(d.base+"/webhook?token="+d.token, "application/json", strings.NewReader(`{"event":"player_death","player":"Steve"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		run(t, ctx, "reset by the death", waitText("#timer", "10:00"))
	})
	t.Run("deaths", func(t *testing.T) {
		open(t, "deaths?label=Tode")
		run(t, ctx, "one death", waitText("#count", "1"), waitText("#label", "Tode"))
	})
	t.Run("wins", func(t *testing.T) {
		open(t, "wins?color=ff0&size=64")
		d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "win"})
		run(t, ctx, "two wins", waitText("#count", "2"))
		if c := get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).color + " " + getComputedStyle(document.body).fontSize`)); c != "rgb(255, 255, 0) 64px" {
			t.Errorf("query parameters not applied: %s", c)
		}
		// The dashboard's buttons.
		dash := tab(t)
		run(t, dash, "dashboard wins +1", chromedp.Navigate(d.base+"/?token="+d.token), waitText("#overlays", "Wins +1"),
			click(`#overlays button[data-adjust="wins +1"]`), waitText("#overlay-result", "Wins 3"))
		run(t, ctx, "three wins", waitText("#count", "3"))
		run(t, dash, "dashboard reset", click(`#overlays button[data-reset="wins"]`), waitText("#overlay-result", "Wins 0"))
		run(t, ctx, "no wins", waitText("#count", "0"))
	})
	t.Run("likegoal", func(t *testing.T) {
		open(t, "likegoal")
		// 15 likes with a first goal of 10 doubling: goal 2 needs 20.
		run(t, ctx, "the bar", waitText("#goal-count", "15 / 20"), waitText("#goal-label", "Likes"),
			waitJS(`document.querySelector("#goal-fill").style.width === "75%"`))
	})
	t.Run("feed", func(t *testing.T) {
		open(t, "feed")
		run(t, ctx, "the feed", waitText("#feed", "New Fan"), waitText("#feed", "<img src=x"), waitText("#feed", "Lion"))
		noMarkup(t)
	})
	t.Run("top", func(t *testing.T) {
		open(t, "top")
		run(t, ctx, "top gifters", waitText("#top li:first-child", "Big Fan"), waitText("#top li:first-child", "29,999"), waitText("#top", "<img src=x"))
		noMarkup(t)
	})
}

// TestBrowserOverlayScreenshots writes docs/overlay-*.png from a real demo
// run: TIKCRAFT_SCREENSHOTS=docs go test ./app -run OverlayScreenshots
func TestBrowserOverlayScreenshots(t *testing.T) {
	dir := os.Getenv("TIKCRAFT_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TIKCRAFT_SCREENSHOTS=DIR to write the docs' screenshots (docs/overlay-*.png)")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	d, _ := startBuiltinDemo(t, "")
	// A round of the demo's traffic: likes, gifts, a death ($deaths on Lion).
	for _, name := range []string{"alerts", "likegoal", "timer", "deaths", "wins", "feed", "top"} {
		ctx := tab(t)
		scene := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetDefaultBackgroundColorOverride, emulation.SetDefaultBackgroundColorOverrideParams{Color: &cdp.RGBA{R: 38, G: 52, B: 44, A: 1}})
			return chromedp.Void{}, err
		}
		run(t, ctx, "open "+name, scene, chromedp.EmulateViewport(900, 320), chromedp.Navigate(d.base+"/overlay/"+name), waitJS(`document.body.dataset.ready === "1"`))
		switch name {
		case "alerts":
			d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "11046", "user": "Anna"})
			run(t, ctx, "an alert", waitText("#alert-title", "GALAXY"), chromedp.Sleep(time.Second))
		case "wins":
			d.call(t, "POST", "/api/overlay/adjust", map[string]any{"op": "wins +3"})
			run(t, ctx, "wins", waitText("#count", "3"))
		case "likegoal":
			run(t, ctx, "likes", waitJS(`document.querySelector("#goal-fill").style.width !== "0%" && document.querySelector("#goal-fill").style.width !== ""`), chromedp.Sleep(500*time.Millisecond))
		case "deaths":
			run(t, ctx, "a death", waitJS(`document.querySelector("#count").textContent !== "0"`))
		case "feed":
			run(t, ctx, "the feed", waitJS(`document.querySelectorAll("#feed li").length >= 4`))
		case "top":
			run(t, ctx, "top", waitJS(`document.querySelectorAll("#top li").length >= 3`))
		}
		png := get(t, ctx, chromedp.CaptureScreenshot())
		if err := os.WriteFile(filepath.Join(dir, "overlay-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		// Leave the page: Chromium keeps at most 6 connections per host,
		// and each overlay holds one stream.
		run(t, ctx, "leave "+name, chromedp.Navigate("about:blank"))
	}
}

// TestBrowserAllOverlaysAtOnce opens the seven overlays side by side in
// one browser, as an OBS scene does (its browser sources share one
// browser): every page must get its state and its updates, though a
// browser keeps at most 6 HTTP streams per host.
func TestBrowserAllOverlaysAtOnce(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "", overlayActions, overlayEvents)
	names := []string{"alerts", "timer", "deaths", "likegoal", "feed", "top", "wins"}
	tabs := map[string]context.Context{}
	for _, name := range names {
		ctx := tab(t)
		run(t, ctx, "open /overlay/"+name, chromedp.Navigate(d.base+"/overlay/"+name), waitJS(`document.body.dataset.ready === "1"`))
		tabs[name] = ctx
	}
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "win"})
	run(t, tabs["wins"], "the seventh overlay still updates", waitText("#count", "2"))
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "anna"})
	run(t, tabs["alerts"], "and the first", waitText("#alert-subtitle", "sent a Rose"))
}
