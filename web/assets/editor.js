// tikcraft dashboard: the actions editor and the Minecraft console. Text
// from the file, from Minecraft and from the server is put in the page
// with textContent, never as markup.
"use strict";
(function () {
  const T = window.tikcraft;
  if (!T) return;
  const { api, el } = T;
  const $ = (id) => document.getElementById(id);
  const norm = (s) => String(s).toLowerCase().replace(/[^a-z0-9]/g, "");

  // ---- a completion list, shared by the editor and the console ----
  // show(items, at) shows items at {left, top} inside the list's parent;
  // pick() is called with the chosen item, cancel() when it closes (a
  // request on its way must not open it again).
  function completer(list, pick, cancel) {
    let items = [], sel = 0;
    const self = {
      get open() { return !list.hidden; },
      close() { list.hidden = true; items = []; cancel(); },
      show(found, at) {
        items = found;
        sel = 0;
        if (!items.length) { self.close(); return; }
        list.replaceChildren(...items.map((it, i) => {
          const li = el("li");
          li.setAttribute("role", "option");
          li.append(el("span", "", it.text), el("small", "", it.detail || ""));
          li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(items[i]); });
          return li;
        }));
        list.style.left = Math.max(0, at.left) + "px";
        list.style.top = Math.max(0, at.top) + "px";
        list.hidden = false;
        mark();
      },
      // key handles a keydown while open; true when it was for the list.
      key(e) {
        if (list.hidden) return false;
        switch (e.key) {
          case "ArrowDown": sel = (sel + 1) % items.length; mark(); break;
          case "ArrowUp": sel = (sel - 1 + items.length) % items.length; mark(); break;
          case "Enter":
            // A word already complete keeps Enter for a new line (or for
            // sending, in the console); Tab still picks.
            if (items.some((it) => it.text === self.prefix)) { self.close(); return false; }
            pick(items[sel]);
            break;
          case "Tab": pick(items[sel]); break;
          case "Escape": self.close(); break;
          default: return false;
        }
        e.preventDefault();
        return true;
      },
    };
    function mark() {
      [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === sel ? "true" : "false"));
      const cur = list.children[sel];
      if (cur) cur.scrollIntoView({ block: "nearest" });
    }
    return self;
  }

  async function completions(query) {
    try {
      const res = await fetch("/api/complete?" + query, { headers: { Accept: "application/json" } });
      return res.ok ? await res.json() : null;
    } catch (e) { return null; }
  }

  // Typing one of these (or space) may start a word worth completing.
  const completeAfter = /[A-Za-z0-9_:.\/\[,{$#>-]/;

  // ================= the actions editor =================
  const ta = $("ed-text"), gutter = $("ed-gutter"), back = $("ed-backdrop"), code = $("ed-code");
  const status = $("ed-status");
  let saved = "";        // the text as last loaded or saved
  // The version of the file that text came from: a save is refused (409,
  // "changed") when the file changed on disk since; base is then the
  // version there now, so the next Save writes over that one only, as
  // the message says.
  let base = "";
  let file = "", editable = false, loadedAt = "";
  let diags = [];        // of the last check, for the text it checked
  let ruleLines = [];    // [{trigger, line}] of the last check
  let running = new Set(); // normalized triggers running now
  let checkSeq = 0, checkTimer = 0, drawQueued = false;

  function say(text, cls) {
    status.className = "result" + (cls ? " " + cls : "");
    status.textContent = text;
  }
  const dirty = () => ta.value !== saved;
  function showDirty() { $("ed-dirty").hidden = !dirty(); }

  async function load() {
    let data;
    try {
      const res = await fetch("/api/actions", { headers: { Accept: "application/json" } });
      data = await res.json();
      if (!res.ok) {
        $("ed-note").hidden = false;
        $("ed-note").textContent = data.error || ("cannot load the actions file: HTTP " + res.status);
        ta.readOnly = true;
        return;
      }
    } catch (e) { return; }
    file = data.file || "";
    editable = !!data.editable;
    saved = data.text || "";
    base = data.version || "";
    ta.value = saved;
    $("ed-file").textContent = file || "built-in example";
    $("ed-note").hidden = editable;
    $("ed-note").textContent = editable ? "" : data.reason;
    $("ed-save").hidden = !editable;
    showDirty();
    draw();
    check(0);
  }

  // ---- live diagnostics ----
  function check(delay) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      if (!T.hasToken()) return; // checking needs the token, like saving
      const seq = ++checkSeq;
      let res;
      try { res = await api("POST", "/api/check", { text: ta.value }); } catch (e) { return; }
      if (seq !== checkSeq || !res.ok) return; // a newer check is on its way
      diags = res.data.diagnostics || [];
      ruleLines = res.data.rules || [];
      draw();
      showDiagnostics();
    }, delay);
  }

  const mine = (d) => !d.file || !file || d.file === file || (!editable && d.file === "actions.mca");
  const sevClass = (d) => (d.severity === "error" ? "err" : "warn");

  function showDiagnostics() {
    $("ed-diagnostics").replaceChildren(...diags.map((d) => {
      const li = el("li", sevClass(d) + (mine(d) ? "" : " other"),
        (mine(d) ? "line " + d.line + ":" + d.col : d.file + ":" + d.line + ":" + d.col) + ": " + d.severity + ": " + d.message);
      if (mine(d)) li.addEventListener("click", () => jump(d.line, d.col));
      return li;
    }));
  }

  // offset of 1-based character column col in s (columns count code
  // points; JavaScript strings count UTF-16 units).
  function offsetOf(s, col) {
    let i = 0;
    for (let c = 1; c < col && i < s.length; c++) i += s.codePointAt(i) > 0xffff ? 2 : 1;
    return i;
  }

  function jump(line, col) {
    const lines = ta.value.split("\n");
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += offsetOf(lines[line - 1] || "", col);
    ta.focus();
    ta.setSelectionRange(pos, pos);
    const lh = lineHeight();
    ta.scrollTop = Math.max(0, (line - 1) * lh - ta.clientHeight / 2);
  }

  // ---- drawing: line numbers, test buttons, underlines, messages ----
  function draw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => { drawQueued = false; drawNow(); });
  }
  function drawNow() {
    const lines = ta.value.split("\n");
    const byLine = new Map();
    diags.filter(mine).forEach((d) => {
      if (!byLine.has(d.line)) byLine.set(d.line, []);
      byLine.get(d.line).push(d);
    });
    const rulesAt = new Map(ruleLines.map((r) => [r.line, r.trigger]));
    const canFire = T.hasToken();
    // The gutter changes with the line count, the diagnostics and the
    // rules, not with every letter typed.
    const key = [lines.length, canFire, [...running].join(), JSON.stringify(ruleLines), JSON.stringify([...byLine])].join("|");
    if (key !== gutterKey) { gutterKey = key; drawGutter(lines.length, byLine, rulesAt, canFire); }
    let plain = "";
    const frag = document.createDocumentFragment();
    lines.forEach((s, i) => {
      const ds = (byLine.get(i + 1) || []).slice().sort((a, b) => a.col - b.col);
      if (!ds.length) { plain += s + "\n"; return; }
      frag.append(plain);
      plain = "";
      let at = 0;
      ds.forEach((d) => {
        const start = Math.max(at, offsetOf(s, d.col));
        if (start > s.length) return;
        const word = /^[^\s;]*/.exec(s.slice(start))[0] || s.slice(start, start + 1);
        frag.append(s.slice(at, start), el("mark", sevClass(d), word || " "));
        at = start + word.length;
      });
      frag.append(s.slice(at));
      const d = ds.find((x) => x.severity === "error") || ds[0];
      frag.append(el("span", "msg " + sevClass(d), d.message + (ds.length > 1 ? " (+" + (ds.length - 1) + " more)" : "")), "\n");
    });
    frag.append(plain);
    back.replaceChildren(frag);
    scrolled();
  }

  let gutterKey = "";
  function drawGutter(count, byLine, rulesAt, canFire) {
    const rows = Array.from({ length: count }, (_, i) => {
      const n = i + 1, ds = byLine.get(n) || [];
      const row = el("div", "ln" + (ds.some((d) => d.severity === "error") ? " err" : ds.length ? " warn" : ""));
      const trig = rulesAt.get(n);
      if (trig !== undefined) {
        const b = el("button", "", "▶");
        b.type = "button";
        const live = running.has(norm(trig));
        b.disabled = !canFire || !live;
        b.title = live ? "fire " + trig + " as a test" : trig + " is not running yet: save first";
        b.addEventListener("click", () => fire(trig));
        row.append(b);
      }
      row.append(el("span", "", n));
      if (ds.length) row.title = ds.map((d) => d.severity + ": " + d.message).join("\n");
      return row;
    });
    gutter.replaceChildren(...rows);
  }

  function scrolled() {
    back.style.transform = "translate(" + -ta.scrollLeft + "px," + -ta.scrollTop + "px)";
    gutter.style.transform = "translateY(" + -ta.scrollTop + "px)";
  }

  async function fire(trigger) {
    const user = ($("fire-user") && $("fire-user").value) || "tikcraft_test";
    say("firing " + trigger + "…");
    const res = await api("POST", "/api/trigger", { trigger, user, count: 1 });
    if (res.ok) {
      const n = res.data.actions.length;
      say("Fired " + res.data.trigger + " as " + res.data.user + ": " + n + " action" + (n === 1 ? "" : "s") + " queued.", "ok");
    } else {
      say(res.data.error || "failed: HTTP " + res.status, "error");
    }
  }

  async function save() {
    if (!editable || !T.hasToken()) return;
    say("saving…");
    const text = ta.value;
    let res;
    try { res = await api("POST", "/api/actions", { text, base }); } catch (e) { say("tikcraft is not reachable", "error"); return; }
    if (res.status === 409 && res.data.changed) {
      base = res.data.version || "";
      say("Not saved: " + res.data.error + ".", "error");
      return;
    }
    if (res.status === 422) {
      diags = res.data.diagnostics || [];
      draw();
      showDiagnostics();
      say("Not saved: " + res.data.error + ".", "error");
      return;
    }
    if (!res.ok) { say(res.data.error || "failed: HTTP " + res.status, "error"); return; }
    saved = text;
    base = res.data.version || "";
    showDirty();
    const r = res.data.rules || {};
    running = new Set((r.triggers || []).map((t) => norm(t.name)));
    loadedAt = (r.loaded || "") + "|" + (r.error || "");
    const w = (res.data.diagnostics || []).length;
    say("Saved" + (res.data.backup ? " (the previous file is " + res.data.backup + ")" : "") + ": " +
      (r.triggers || []).length + " rules running now" + (w ? ", " + w + " warning" + (w === 1 ? "" : "s") : "") + ".", "ok");
    check(0);
  }

  // ---- completion in the editor ----
  let charWidth = 0;
  const lineHeight = () => parseFloat(getComputedStyle(ta).lineHeight) || 20;
  function caretAt() {
    if (!charWidth) charWidth = $("ed-measure").getBoundingClientRect().width / 10 || 8;
    const pos = ta.selectionStart, before = ta.value.slice(0, pos);
    const line = before.split("\n").length - 1;
    const col = pos - (before.lastIndexOf("\n") + 1);
    const cs = getComputedStyle(ta);
    return {
      left: code.offsetLeft + parseFloat(cs.paddingLeft) + col * charWidth - ta.scrollLeft,
      top: parseFloat(cs.paddingTop) + (line + 1) * lineHeight() - ta.scrollTop + 2,
    };
  }
  let completeSeq = 0, completeTimer = 0;
  const edList = completer($("ed-complete"), (it) => {
    const prefix = edList.prefix || "";
    const pos = ta.selectionStart;
    ta.focus();
    ta.setSelectionRange(pos - prefix.length, pos);
    if (!document.execCommand("insertText", false, it.text)) ta.setRangeText(it.text, pos - prefix.length, pos, "end");
    edList.close();
    onInput();
    if (/[\/]$/.test(it.text)) complete(0);
  }, () => { clearTimeout(completeTimer); completeSeq++; });
  function complete(delay) {
    clearTimeout(completeTimer);
    completeTimer = setTimeout(async () => {
      const seq = ++completeSeq, pos = ta.selectionStart, text = ta.value;
      const line = text.slice(text.lastIndexOf("\n", pos - 1) + 1, pos);
      const c = await completions("line=" + encodeURIComponent(line));
      // Only for the place it was asked for: the caret may have moved.
      if (seq !== completeSeq || !c || document.activeElement !== ta || ta.selectionStart !== pos || ta.value !== text) return;
      edList.prefix = c.prefix;
      edList.show(c.items, caretAt());
    }, delay);
  }

  function onInput() {
    showDirty();
    draw();
    check(300);
  }
  ta.addEventListener("input", (e) => {
    onInput();
    const typed = e.data || "";
    if (edList.open || (e.inputType === "insertText" && (typed === " " || completeAfter.test(typed)))) complete(60);
  });
  ta.addEventListener("keydown", (e) => {
    if (edList.key(e)) return;
    if (e.key === " " && e.ctrlKey) { e.preventDefault(); complete(0); return; }
    if (e.key === "s" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); return; }
    if (["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown", "Enter"].includes(e.key)) edList.close();
  });
  ta.addEventListener("scroll", () => { scrolled(); edList.close(); });
  ta.addEventListener("blur", () => setTimeout(() => edList.close(), 150));
  ta.addEventListener("mousedown", () => edList.close());
  $("ed-save").addEventListener("click", save);
  $("ed-revert").addEventListener("click", () => { load(); say(""); });
  window.addEventListener("beforeunload", (e) => { if (editable && dirty()) { e.preventDefault(); e.returnValue = ""; } });

  // The running rules come with every status: the test buttons follow
  // them, and a file changed elsewhere (or reloaded) is loaded again
  // unless there are unsaved changes here.
  document.addEventListener("tikcraft:status", (e) => {
    const r = e.detail.rules || {};
    const next = new Set((r.triggers || []).map((t) => norm(t.name)));
    const changed = next.size !== running.size || [...next].some((x) => !running.has(x));
    running = next;
    if (changed) draw();
    // A reload that failed keeps the loaded time but sets the error.
    const key = (r.loaded || "") + "|" + (r.error || "");
    if (loadedAt && key !== loadedAt && !dirty()) load();
    loadedAt = key;
    consoleMode(e.detail.minecraft);
  });

  // ================= the Minecraft console =================
  const input = $("con-input"), log = $("con-log");
  const histKey = "tikcraft-console-history";
  let history = [];
  try { history = JSON.parse(localStorage.getItem(histKey) || "[]"); } catch (e) { history = []; }
  let histAt = history.length, draft = "";

  function logLine(cls, text) {
    log.append(el("li", cls, text));
    while (log.children.length > 500) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }
  function consoleMode(mc) {
    const dry = mc && mc.state === "dry run";
    $("con-note").hidden = !dry;
    $("con-note").textContent = dry ? "No Minecraft server in this run: the demo prints its commands instead of sending them, so the console has no one to talk to." : "";
  }

  $("con-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    conList.close();
    const command = input.value.trim().replace(/^\//, "");
    if (!command) return;
    if (history[history.length - 1] !== command) history.push(command);
    history = history.slice(-100);
    try { localStorage.setItem(histKey, JSON.stringify(history)); } catch (err) { /* private mode */ }
    histAt = history.length;
    draft = "";
    input.value = "";
    logLine("cmd", "> /" + command);
    $("con-send").disabled = true;
    let res;
    try { res = await api("POST", "/api/rcon", { command }); } catch (err) { res = { ok: false, data: { error: "tikcraft is not reachable" } }; }
    $("con-send").disabled = !T.hasToken();
    if (res.ok) {
      // Minecraft colours text with § codes; the console shows it plain.
      const reply = String(res.data.reply || "").replace(/§./g, "");
      logLine(reply ? "reply" : "reply empty", reply || "(no answer text)");
    } else {
      logLine("fail", res.data.error || "failed: HTTP " + res.status);
    }
    input.focus();
  });

  const conList = completer($("con-complete"), (it) => {
    const prefix = conList.prefix || "";
    const pos = input.selectionStart;
    input.setRangeText(it.text, pos - prefix.length, pos, "end");
    conList.close();
    input.focus();
  }, () => { clearTimeout(conTimer); conSeq++; });
  let conSeq = 0, conTimer = 0;
  function conComplete(delay, single) {
    clearTimeout(conTimer);
    conTimer = setTimeout(async () => {
      const seq = ++conSeq, pos = input.selectionStart, text = input.value;
      const c = await completions("command=" + encodeURIComponent(text.slice(0, pos)));
      if (seq !== conSeq || !c || document.activeElement !== input || input.selectionStart !== pos || input.value !== text) return;
      conList.prefix = c.prefix;
      if (single) {
        // Tab as in a shell: the one name starting so, or what all of
        // them share; else the list.
        const starts = c.items.map((it) => it.text).filter((x) => x.startsWith(c.prefix));
        let common = starts[0] || "";
        starts.forEach((x) => { while (!x.startsWith(common)) common = common.slice(0, -1); });
        if (starts.length === 1 || common.length > c.prefix.length) {
          input.setRangeText(common, pos - c.prefix.length, pos, "end");
          return;
        }
      }
      conList.show(c.items, { left: input.offsetLeft, top: input.offsetTop + input.offsetHeight + 2 });
    }, delay);
  }
  input.addEventListener("input", (e) => {
    const typed = e.data || "";
    if (conList.open || (e.inputType === "insertText" && (typed === " " || completeAfter.test(typed)))) conComplete(60);
  });
  input.addEventListener("keydown", (e) => {
    if (conList.key(e)) return;
    if (e.key === "Tab" && input.value.trim()) { e.preventDefault(); conComplete(0, true); return; }
    if (e.key === " " && e.ctrlKey) { e.preventDefault(); conComplete(0); return; }
    if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      if (!history.length) return;
      e.preventDefault();
      if (histAt === history.length) draft = input.value;
      histAt = Math.min(history.length, Math.max(0, histAt + (e.key === "ArrowUp" ? -1 : 1)));
      input.value = histAt === history.length ? draft : history[histAt];
      input.setSelectionRange(input.value.length, input.value.length);
    }
  });
  input.addEventListener("blur", () => setTimeout(() => conList.close(), 150));

  load();
})();
