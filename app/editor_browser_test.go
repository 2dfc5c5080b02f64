package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tikcraft/tikcraft/web"
)

// TestBrowserEditorAndConsole edits the actions file and talks to
// Minecraft in Chromium, as a streamer would: a typo typed in the editor
// is underlined with its message while typing, the fix clears it, Save
// writes the file and the rules list shows the new rule at once, the ▶
// of the new rule fires it into a real RCON server; the console completes
// a command with Tab, sends list and shows Minecraft's reply, and ↑
// brings the command back.
func TestBrowserEditorAndConsole(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	mc := minecraftLike(t)
	d := startDashDemoOn(t, mc, "data_dir: "+t.TempDir()+"\nminecraft:\n  version: 1.21.4\n", dashActions)
	path := filepath.Join(d.dir, "actions.mca")
	run(t, ctx, "open the dashboard",
		chromedp.Navigate(d.base+"/?token="+d.token),
		waitText("#live-state", "dashboard connected"),
		void(chromedp.Poll[bool](`document.querySelector("#ed-text").value.includes("rose:/say rose {user}")`)),
	)

	t.Run("a typo is shown while typing", func(t *testing.T) {
		run(t, ctx, "type a rule with a typo",
			void(chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#ed-text"); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)),
			chromedp.SendKeys(chromedp.CSS("#ed-text"), "lion:/summon creper ~ ~ ~"),
			press("Escape", 27),
			waitText("#ed-diagnostics", "did you mean creeper"),
			waitText("#ed-backdrop mark.err", "creper"),
			waitText("#ed-backdrop .msg.err", "unknown entity type"),
			waitText("#ed-gutter .ln.err", "4"),
		)
		if dirty := get(t, ctx, chromedp.Evaluate[bool](`!document.querySelector("#ed-dirty").hidden`)); !dirty {
			t.Error("unsaved changes not shown")
		}
		if readFile(t, path) != dashActions {
			t.Fatal("typing wrote the file")
		}
	})

	t.Run("the fix clears it and saves", func(t *testing.T) {
		run(t, ctx, "fix the typo",
			void(chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#ed-text"); const i = ta.value.indexOf("creper"); ta.focus(); ta.setSelectionRange(i, i + 6); return true })()`)),
			chromedp.SendKeys(chromedp.CSS("#ed-text"), "creeper"),
			press("Escape", 27),
			void(chromedp.Poll[bool](`document.querySelector("#ed-diagnostics").children.length === 0 && document.querySelectorAll("#ed-backdrop mark").length === 0`)),
			click("#ed-save"),
			waitText("#ed-status", "Saved"),
			waitText("#rules", "/summon creeper ~ ~ ~"),
		)
		if got := readFile(t, path); got != dashActions+"lion:/summon creeper ~ ~ ~" {
			t.Errorf("file holds %q", got)
		}
		if readFile(t, path+".bak") != dashActions {
			t.Error("no backup of the previous file")
		}
		if !slices.ContainsFunc(d.rules(t).Triggers, func(r web.TriggerInfo) bool { return r.Name == "lion" }) {
			t.Error("GET /api/rules does not show the saved rule")
		}
	})

	// Notepad saves the file while the editor has changes of its own: Save
	// does not write over Notepad's, and says so; Save again does.
	t.Run("a change on disk is not written over", func(t *testing.T) {
		mine := dashActions + "lion:/summon creeper ~ ~ ~\n# mine"
		notepad := dashActions + "lion:/summon creeper ~ ~ ~\nshare:/say notepad\n"
		run(t, ctx, "edit",
			void(chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#ed-text"); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)),
			chromedp.SendKeys(chromedp.CSS("#ed-text"), "\n# mine"),
			press("Escape", 27),
		)
		if err := os.WriteFile(path, []byte(notepad), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "save over notepad's",
			waitText("#rules", "/say notepad"), // the watcher ran it
			click("#ed-save"),
			waitText("#ed-status", "changed on disk since the editor loaded it"),
		)
		if got := readFile(t, path); got != notepad {
			t.Fatalf("the editor wrote over notepad's change: %q", got)
		}
		run(t, ctx, "save again", click("#ed-save"), waitText("#ed-status", "Saved"))
		if got := readFile(t, path); got != mine {
			t.Errorf("file holds %q, want the editor's %q", got, mine)
		}
	})

	t.Run("the rule's test button fires it", func(t *testing.T) {
		run(t, ctx, "fire lion from the editor",
			void(chromedp.Poll[bool](`(() => { const b = [...document.querySelectorAll("#ed-gutter .ln")][3]?.querySelector("button"); return !!b && !b.disabled })()`)),
			void(chromedp.Evaluate[bool](`([...document.querySelectorAll("#ed-gutter .ln")][3].querySelector("button").click(), true)`)),
			waitText("#ed-status", "Fired lion"),
		)
		d.waitCommand(t, "summon creeper ~ ~ ~")
	})

	t.Run("completion", func(t *testing.T) {
		run(t, ctx, "complete an entity",
			void(chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#ed-text"); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)),
			chromedp.SendKeys(chromedp.CSS("#ed-text"), "\ngalaxy:/summon bre"),
			waitText("#ed-complete", "breeze"),
			press("Enter", 13),
		)
		got := get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#ed-text").value`))
		if !strings.HasSuffix(got, "galaxy:/summon breeze") {
			t.Errorf("after picking breeze the text ends %q", got[max(0, len(got)-40):])
		}
	})

	t.Run("console", func(t *testing.T) {
		run(t, ctx, "send list",
			click("#con-input"),
			chromedp.SendKeys(chromedp.CSS("#con-input"), "lis"),
			press("Tab", 9),
			void(chromedp.Poll[bool](`document.querySelector("#con-input").value === "list"`)),
			click("#con-send"),
			waitText("#con-log", "> /list"),
			waitText("#con-log", listReply),
			press("ArrowUp", 38),
			void(chromedp.Poll[bool](`document.querySelector("#con-input").value === "list"`)),
		)
		if got := mc.Commands(); !slices.Contains(got, "list") {
			t.Errorf("Minecraft got %q", got)
		}
		if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#con-log script, #con-log img").length`)); n != 0 {
			t.Error("the reply became markup")
		}
	})
}

// press sends a key as a browser does for a person: a keydown a page can
// cancel, then a keyup. (SendKeys adds a char event, which types the key's
// text even when the page cancelled the keydown.)
func press(key string, code int64) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestBrowserEditorScreenshot writes docs/editor.png, the editor with a
// typo and a completion list and the console after list:
// TIKCRAFT_SCREENSHOTS=docs go test ./app -run Screenshot
func TestBrowserEditorScreenshot(t *testing.T) {
	dir := os.Getenv("TIKCRAFT_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TIKCRAFT_SCREENSHOTS=DIR to write the docs' screenshots (docs/editor.png)")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	ctx := tab(t)
	d := startDashDemoOn(t, minecraftLike(t), "data_dir: "+t.TempDir()+"\nminecraft:\n  version: 1.21.4\n", dashActions)
	run(t, ctx, "a typo, a completion and the console",
		chromedp.Navigate(d.base+"/?token="+d.token),
		waitText("#live-state", "dashboard connected"),
		void(chromedp.Poll[bool](`document.querySelector("#ed-text").value.includes("rose:/say rose {user}")`)),
		click("#con-input"),
		chromedp.SendKeys(chromedp.CSS("#con-input"), "list"),
		click("#con-send"),
		waitText("#con-log", listReply),
		void(chromedp.Evaluate[bool](`(() => { const ta = document.querySelector("#ed-text"); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)),
		chromedp.SendKeys(chromedp.CSS("#ed-text"), "lion:/execute at @a run summon creper ~ ~ ~\ngalaxy:/give @a diamond_sw"),
		waitText("#ed-diagnostics", "did you mean creeper"),
		waitText("#ed-complete", "diamond_sword"),
	)
	png := get(t, ctx, chromedp.Screenshot(chromedp.CSS(".workbench")))
	if err := os.WriteFile(filepath.Join(dir, "editor.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
