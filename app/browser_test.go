package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tikcraft/tikcraft/bench"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/web"
)

// The browser tests drive a real Chromium, headless, one per test binary.
// Without one installed they skip with a message saying how to get one.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	dir    string
	err    error
}

func TestMain(m *testing.M) {
	if os.Getenv(benchPeerEnv) != "" {
		// This test binary is the peer of a bench test (benchPeer).
		if err := bench.RunPeer(context.Background(), os.Stdin, os.Stdout, slog.New(slog.DiscardHandler)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

func chromiumPath() string {
	if p := os.Getenv("TIKCRAFT_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab opens a new tab in the shared browser.
func tab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("no Chromium installed: the browser tests need one (Debian: apt-get install chromium; or set TIKCRAFT_CHROMIUM)")
	}
	browser.once.Do(func() {
		browser.dir, browser.err = os.MkdirTemp("", "tikcraft-chromium")
		if browser.err != nil {
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.UserDataDir(browser.dir),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			// As in OBS's browser sources: the alerts page plays sounds
			// without a click.
			chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
			chromedp.WindowSize(1440, 1000),
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		if err := chromedp.Do(bctx); err != nil {
			browser.err = fmt.Errorf("starting %s: %w", path, err)
		}
		browser.ctx = bctx
		browser.cancel = func() { bcancel(); acancel() }
	})
	if browser.err != nil {
		t.Fatalf("Chromium is installed but did not start: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancel2(); cancel() })
	return ctx
}

type step = chromedp.Action[chromedp.Void]

func run(t *testing.T, ctx context.Context, what string, steps ...step) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// Say what the page showed: the failure is then plain.
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: %v\npage:\n%s", what, err, page)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// void drops an action's value.
func void[T any](a chromedp.Action[T]) step {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// waitText waits until the element's text contains want.
func waitText(sel, want string) step {
	return void(chromedp.Poll[bool](fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").includes(%q)`, sel, want), chromedp.WithPollingInterval(50*time.Millisecond)))
}

func setValue(sel, v string) step { return chromedp.SetValue(chromedp.CSS(sel), v) }
func click(sel string) step       { return chromedp.Click(chromedp.CSS(sel)) }

const (
	hostileNick = `<img src=x onerror="document.title='pwned'">`
	hostileID   = `<script>document.title='pwned'</script>`
)

// TestBrowserDashboard opens the dashboard of a running demo in Chromium:
// the demo's events appear live, a hostile nickname stays text, a test
// trigger fired from the panel reaches a real RCON server and the feed,
// pause and resume work, and a broken actions file shows its diagnostic
// while the old rules keep working.
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	d := startDashDemo(t, "", dashActions,
		`{"type":"gift","msg_id":"h1","user":{"id":"66","unique_id":"`+hostileID+`","nickname":"`+strings.ReplaceAll(hostileNick, `"`, `\"`)+`"},"gift":{"id":5655,"name":"Rose","combo":false,"diamonds":1},"time":"2026-01-01T10:00:00Z"}`,
		// No unique_id: the nickname stands in for the name, bidirectional
		// controls and all.
		`{"type":"gift","msg_id":"h2","user":{"id":"67","nickname":"\u202eNOID\u2066x\u2069\u200f"},"gift":{"id":5655,"name":"Ro\u202ese","combo":false,"diamonds":1},"time":"2026-01-01T10:00:01Z"}`)
	const bidi = `/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(document.body.textContent)`
	run(t, ctx, "open the dashboard",
		chromedp.Navigate(d.base+"/?token="+d.token),
		waitText("#live-state", "dashboard connected"),
		waitText("#feed", "sent Rose"),
		waitText("#r-gifters", hostileID),
		waitText("#r-gifters", "NOIDx"),
		waitText("#feed", "NOIDx"),
	)
	if get(t, ctx, chromedp.Evaluate[bool](bidi)) {
		t.Error("the dashboard shows a viewer's bidirectional controls")
	}
	run(t, ctx, "reload",
		// The page as the server renders it (html/template), before the
		// script redraws it.
		chromedp.Reload(),
		waitText("#r-gifters", hostileID),
		waitText("#r-gifters", "NOIDx"),
		waitText("#feed", hostileNick),
	)
	if get(t, ctx, chromedp.Evaluate[bool](bidi)) {
		t.Error("the dashboard as the server renders it shows a viewer's bidirectional controls")
	}
	url := get(t, ctx, chromedp.Location())
	title := get(t, ctx, chromedp.Title())
	injected := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("img, #feed script, #report script").length`))
	if strings.Contains(url, d.token) {
		t.Errorf("the token stayed in the address bar: %s", url)
	}
	if injected != 0 || title == "pwned" {
		t.Fatalf("a nickname became markup (%d elements, title %q)", injected, title)
	}

	t.Run("fire from the test panel", func(t *testing.T) {
		run(t, ctx, "fire rose",
			setValue("#fire-trigger", "rose"),
			setValue("#fire-user", "panel_user"),
			setValue("#fire-count", "2"),
			click("#fire-btn"),
			waitText("#fire-result", "Fired rose ×2 as panel_user: 2 actions queued"),
			waitText("#fire-result", "sent as the gift Rose, id 5655"),
			waitText("#feed", "panel_user sent Rose ×2"),
			waitText("#actions", "say rose panel_user"),
		)
		d.waitCommand(t, "say rose panel_user")
		badge := get(t, ctx, chromedp.Text(chromedp.CSS(`#feed li:first-child .test`)))
		if badge != "TEST" {
			t.Errorf("test firing shown without the TEST badge: %q", badge)
		}
	})

	t.Run("pause and resume", func(t *testing.T) {
		run(t, ctx, "pause",
			click("#pause-btn"),
			waitText("#pause-state", "paused"),
			waitText("#pause-btn", "Resume"),
			setValue("#fire-trigger", "follow"),
			setValue("#fire-user", "while_paused"),
			setValue("#fire-count", "1"),
			click("#fire-btn"),
			waitText("#fire-result", "as while_paused"),
			waitText("#q-pending", "1"),
		)
		if slices.Contains(d.rcon.Commands(), "say thanks while_paused") {
			t.Fatal("delivered while paused")
		}
		run(t, ctx, "resume",
			click("#pause-btn"),
			waitText("#pause-state", "delivering"),
		)
		d.waitCommand(t, "say thanks while_paused")
	})

	t.Run("reload a broken file", func(t *testing.T) {
		write(t, filepath.Join(d.dir, "actions.mca"), "rose:/say rose {user}\nthis line is broken\n")
		run(t, ctx, "reload",
			click("#reload-btn"),
			waitText("#rules-error", "has 1 error"),
			waitText("#diagnostics", "actions.mca:2:"),
			setValue("#fire-trigger", "follow"),
			setValue("#fire-user", "old_rules"),
			click("#fire-btn"),
			waitText("#fire-result", "Fired follow"),
		)
		d.waitCommand(t, "say thanks old_rules")
	})

	t.Run("read-only without the token", func(t *testing.T) {
		other := tab(t)
		run(t, other, "open without token",
			chromedp.Navigate(d.base+"/"),
			void(chromedp.Evaluate[bool](`localStorage.removeItem("tikcraft-token"), true`)),
			chromedp.Reload(),
			waitText("#live-state", "dashboard connected"),
		)
		disabled := get(t, other, chromedp.Evaluate[bool](`document.querySelector("#fire-btn").disabled && !document.querySelector("#readonly").hidden`))
		if !disabled {
			t.Error("the buttons work without the token")
		}
	})
}

// TestBrowserScreenshots writes the dashboard screenshots for the docs from
// a real demo run: TIKCRAFT_SCREENSHOTS=docs go test ./app -run Screenshots
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("TIKCRAFT_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TIKCRAFT_SCREENSHOTS=DIR to write the docs' screenshots (docs/dashboard.png)")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // relative to the repository, not to app/
	}
	ctx := tab(t)
	d, link := startBuiltinDemo(t, "minecraft:\n  pause_on_death: true\n")
	run(t, ctx, "open", chromedp.Navigate(link), waitText("#live-state", "dashboard connected"))
	d.waitFor(t, "a round of demo traffic", func(s web.Snapshot) bool {
		return slices.ContainsFunc(s.Feed, func(f web.FeedItem) bool { return f.Gift == "Lion" })
	})
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "rose", "user": "test_viewer", "count": 3})
	run(t, ctx, "the test firing", waitText("#feed", "test_viewer sent"), waitText("#r-tests", "1"))
	png := get(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, "dashboard.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	// The player died: delivery waits for the respawn.
	res, err := http.Post(d.base+"/webhook?token="+d.token, "application/json", strings.NewReader(`{"event":"player_death","player":"Steve"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	run(t, ctx, "the death pause", waitText("#pause-state", "the player died"), waitText("#feed", "Steve died"))
	png = get(t, ctx, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, "dashboard-death-pause.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// startBuiltinDemo runs the demo with its built-in traffic and rules
// against a real RCON server, as a streamer sees it, for the screenshot
// tests; it returns the dashboard and its link, and stops at cleanup.
func startBuiltinDemo(t *testing.T, yamlExtra string) (*dashDemo, string) {
	t.Helper()
	srv := rcontest.Start(t, testPassword)
	cfgDir := t.TempDir()
	write(t, filepath.Join(cfgDir, "tikcraft.yaml"), fmt.Sprintf("rcon:\n  address: %s\n  password: %s\nweb:\n  listen: 127.0.0.1:0\n%s", srv.Addr(), testPassword, yamlExtra))
	out := newLines()
	dctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Demo(dctx, DemoOptions{Options: Options{ConfigPath: filepath.Join(cfgDir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard}, Seed: 1})
	}()
	t.Cleanup(func() { cancel(); <-done })
	first := <-out.ch
	link := first[strings.Index(first, "Dashboard: ")+len("Dashboard: "):]
	base := link[:strings.Index(link, "/?token=")]
	return &dashDemo{base: base, token: link[strings.Index(link, "=")+1:], rcon: srv}, link
}
