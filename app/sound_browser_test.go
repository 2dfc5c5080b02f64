package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tikcraft/tikcraft/obs/obstest"
)

// TestBrowserSounds opens /overlay/alerts in Chromium and proves from the
// media elements' events that the page really plays the sounds: $sound
// files one after the other, never overlapping, an alert's sound when its
// alert shows, and an "overlap" sound at once over another.
func TestBrowserSounds(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	sounds := t.TempDir()
	for name, d := range map[string]time.Duration{"a.wav": 400 * time.Millisecond, "b b.wav": 300 * time.Millisecond, "horn.wav": 300 * time.Millisecond, "long.wav": 30 * time.Second} {
		if err := os.WriteFile(filepath.Join(sounds, name), obstest.Tone(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := startDashDemo(t, fmt.Sprintf("overlays:\n  sounds: %q\n", sounds), `two:$sound a.wav 80; $sound "b b.wav" 30
alert:>>Hi|there|1|sound=horn.wav
long:$sound long.wav
over:$sound horn.wav overlap
`)
	// Sounds from before the page opened are never played late.
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "two"})
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, st := d.call(t, "GET", "/overlay/state", nil)
		if s, _ := st["sounds"].([]any); len(s) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sounds never reached the overlays: %v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	run(t, ctx, "open /overlay/alerts", chromedp.Navigate(d.base+"/overlay/alerts"), waitJS(`document.body.dataset.ready === "1"`))
	log := func() []string {
		return get(t, ctx, chromedp.Evaluate[[]string](`window.tikcraftAudio.slice()`))
	}
	waitLog := func(what string, n int) []string {
		t.Helper()
		run(t, ctx, what, waitJS(fmt.Sprintf(`window.tikcraftAudio.length >= %d`, n)))
		return log()
	}

	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "two"})
	got := waitLog("two sounds played", 4)
	if strings.Join(got, ",") != "playing:a.wav@80,ended:a.wav,playing:b b.wav@30,ended:b b.wav" {
		t.Fatalf("two $sound: %q (each must end before the next plays)", got)
	}

	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "alert"})
	run(t, ctx, "the alert", waitText("#alert-title", "Hi"))
	got = waitLog("the alert's sound", 6)
	if strings.Join(got[4:], ",") != "playing:horn.wav@100,ended:horn.wav" {
		t.Fatalf("alert sound: %q", got)
	}

	// A long sound (30s), then one that may overlap it: it plays and ends
	// while the long one still plays.
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "long"})
	waitLog("the long sound starts", 7)
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "over"})
	got = waitLog("the overlapping sound ends", 9)
	if strings.Join(got[6:], ",") != "playing:long.wav@100,playing:horn.wav@100,ended:horn.wav" {
		t.Fatalf("overlap: %q", got)
	}
}
