// tikcraft OBS overlays. Everything a viewer can type (names, chat, alert
// text) goes into the page with textContent, never as markup; query
// parameters only ever set checked CSS values.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const kind = body.dataset.kind;
  const params = new URLSearchParams(location.search);

  // ---- look: config defaults (data-*), then ?font=&color=&accent=&background=&size=&align= ----
  const colorRe = /^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20})$/;
  const fontRe = /^[A-Za-z0-9 ,_-]{1,100}$/;
  const root = document.documentElement.style;
  function pick(name, ok) {
    const q = params.get(name);
    if (q !== null && ok(q)) return q;
    const d = body.dataset[name];
    return d && ok(d) ? d : null;
  }
  const hex = (v) => /^[0-9a-fA-F]{3,8}$/.test(v) ? "#" + v : v; // ?color=ff0000 without the #
  const color = (v) => colorRe.test(hex(v));
  const font = pick("font", (v) => fontRe.test(v));
  if (font) root.setProperty("--font", font);
  for (const n of ["color", "accent", "background"]) {
    const v = pick(n, color);
    if (v) root.setProperty("--" + n, hex(v));
  }
  const size = pick("size", (v) => /^[0-9]{1,3}$/.test(v) && +v >= 8 && +v <= 400);
  if (size) root.setProperty("--size", size + "px");
  const align = pick("align", (v) => v === "left" || v === "center" || v === "right");
  if (align) { root.setProperty("--align", align); body.dataset.align = align; }
  const labels = { timer: "", deaths: "Deaths", wins: "Wins", top: "Top gifters" };
  const label = params.has("label") ? params.get("label").slice(0, 100) : labels[kind];
  if ($("label")) $("label").textContent = label || "";
  const num = (n) => Number(n || 0).toLocaleString("en-US");

  // ---- alerts ----
  // ?name=NAME shows the alerts of a named overlay (@NAME>> in the actions
  // file); without it, or with name=default, the unnamed ones.
  const alertName = /^[a-z0-9_-]{1,32}$/.test((params.get("name") || "").toLowerCase()) ? params.get("name").toLowerCase() : "default";
  const own = (o, k) => (o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : null);
  let shownAlert = 0, hideTimer = 0, goneTimer = 0;
  function renderAlert(a) {
    const box = $("alert");
    if (!a) {
      box.classList.remove("show");
      return;
    }
    if (a.id === shownAlert) return;
    const fresh = shownAlert !== 0 || a.left_ms > (a.seconds * 1000) / 2;
    shownAlert = a.id;
    clearTimeout(hideTimer);
    clearTimeout(goneTimer);
    root.setProperty("--fade-in", (a.fade_in_ms | 0) + "ms");
    root.setProperty("--fade-out", (a.fade_out_ms | 0) + "ms");
    $("alert-title").textContent = clean(a.title || "");
    $("alert-subtitle").textContent = clean(a.subtitle || "");
    box.hidden = false;
    box.classList.remove("show");
    void box.offsetWidth; // restart the fade
    box.classList.add("show");
    hideTimer = setTimeout(() => box.classList.remove("show"), Math.max(0, a.left_ms - (a.fade_out_ms | 0)));
    if (a.sound && fresh) queueSound({ file: a.sound, volume: 100 });
  }

  // ---- sounds: one at a time, in order (an alert's when it shows, $sound
  // when it comes); "overlap" plays at once over the others. ----
  const audioLog = []; // what the players did, for tests and a look in the console
  window.tikcraftAudio = audioLog;
  const waiting = [];
  let playing = false, lastSound = -1;
  function note(ev, file) {
    audioLog.push(ev + ":" + file);
    if (audioLog.length > 100) audioLog.shift();
  }
  function play(snd, done) {
    let finished = false, guard = 0;
    const end = (ev) => {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      note(ev, snd.file);
      done();
    };
    const audio = new Audio("/overlay/sounds/" + encodeURIComponent(snd.file));
    audio.volume = Math.min(1, Math.max(0, (snd.volume || 100) / 100));
    let started = false; // "playing" comes again after a stall
    audio.addEventListener("playing", () => {
      if (!started) note("playing", snd.file + "@" + Math.round(audio.volume * 100));
      started = true;
    });
    audio.addEventListener("ended", () => end("ended"));
    audio.addEventListener("error", () => end("error"));
    // A sound that stalls must not hold the others up for ever.
    audio.addEventListener("loadedmetadata", () => {
      if (isFinite(audio.duration)) { clearTimeout(guard); guard = setTimeout(() => end("timeout"), audio.duration * 1000 + 5000); }
    });
    guard = setTimeout(() => end("timeout"), 120000);
    audio.play().catch(() => end("blocked")); // OBS allows autoplay; a browser tab may not
  }
  function next() {
    if (playing || waiting.length === 0) return;
    playing = true;
    play(waiting.shift(), () => { playing = false; next(); });
  }
  function queueSound(snd) {
    if (params.has("mute")) return;
    if (snd.overlap) { play(snd, () => {}); return; }
    waiting.push(snd);
    if (waiting.length > 20) waiting.shift();
    next();
  }
  function renderSounds(list) {
    list = list || [];
    // The first state only says where we are: what came before the page
    // opened is never played late.
    if (lastSound < 0) {
      lastSound = list.reduce((m, snd) => Math.max(m, snd.id), 0);
      return;
    }
    for (const snd of list) {
      if (snd.id > lastSound) {
        lastSound = snd.id;
        if (snd.age_ms < 10000) queueSound(snd); // not after a long reconnect
      }
    }
  }

  // ---- timer: counts down locally between messages ----
  let timer = null, timerAt = 0;
  function fmt(ms) {
    const s = Math.ceil(Math.max(0, ms) / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function drawTimer() {
    if (!timer) return;
    const left = timer.running ? timer.left_ms - (performance.now() - timerAt) : timer.left_ms;
    $("timer").textContent = fmt(left);
    body.classList.toggle("timer-ended", !!timer.ended);
    body.classList.toggle("timer-paused", !!timer.paused);
  }

  function li(cls) { const e = document.createElement("li"); if (cls) e.className = cls; return e; }
  // Bidirectional controls (U+202E and friends) would make what follows a
  // name read backwards; tikcraft strips them already, this is the page's
  // own guard, with each name isolated by the stylesheet as well.
  function clean(text) { return String(text).replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ""); }
  function span(cls, text) { const e = document.createElement("span"); e.className = cls; e.textContent = clean(text); return e; }
  const feedWords = { gift: "sent", follow: "followed", share: "shared the LIVE", subscribe: "subscribed", chat: ":", like: "liked", join: "joined" };

  function render(s) {
    switch (kind) {
      case "alerts":
        renderAlert(alertName === "default" ? s.alert : own(s.alerts, alertName));
        // $sound plays on the default alerts page only, so that several
        // alert pages in one scene never play it twice.
        if (alertName === "default") renderSounds(s.sounds);
        break;
      case "likegoal":
      case "goal": {
        const g = kind === "goal" ? (s.goals || {})[body.dataset.goal] : s.likegoal;
        if (!g) break;
        $("goal-label").textContent = params.has("label") ? params.get("label").slice(0, 100) : (g.label || "");
        $("goal-count").textContent = num(g.have) + " / " + num(g.need);
        $("goal-fill").style.width = (g.need > 0 ? Math.min(100, (100 * g.have) / g.need) : 0) + "%";
        break;
      }
      case "timer": timer = s.timer; timerAt = performance.now(); drawTimer(); break;
      case "deaths": $("count").textContent = num(s.deaths); break;
      case "wins": $("count").textContent = num(s.wins); break;
      case "feed": {
        const ol = $("feed");
        const items = (s.feed || []).slice().reverse();
        ol.replaceChildren(...items.map((it) => {
          const e = li("t-" + (feedWords[it.type] ? it.type : "other"));
          e.append(span("user", it.user || ""), span("what", (feedWords[it.type] || "") + (it.text ? " " + it.text : "")));
          return e;
        }));
        break;
      }
      case "top": {
        $("top").replaceChildren(...(s.top || []).map((g) => {
          const e = li("");
          e.append(span("user", g.name || ""), span("diamonds", num(g.diamonds) + " 💎"));
          return e;
        }));
        break;
      }
    }
    body.dataset.ready = "1";
  }
  if (kind === "timer") setInterval(drawTimer, 200);

  // A WebSocket, not an EventSource: OBS's browser sources share one
  // browser, which keeps at most 6 HTTP streams per host, and there are 7
  // overlays. Each message is the whole of the page's part; after a drop,
  // reconnect.
  const connect = () => {
    // ?part=: only this page's share of the state, and only when it changed.
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/overlay/ws?part=" + encodeURIComponent(kind));
    ws.onmessage = (e) => {
      try { render(JSON.parse(e.data)); } catch (err) { /* a bad message changes nothing */ }
    };
    ws.onclose = () => setTimeout(connect, 2000);
  };
  connect();
})();
