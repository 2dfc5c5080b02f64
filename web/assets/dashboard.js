// tikcraft dashboard. Everything a viewer can type (names, chat) is put in
// the page with textContent, never as markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const FEED_MAX = 100, ACTIONS_MAX = 50;

  // The token comes in the link tikcraft prints. Keep it for this browser
  // and take it out of the address bar, which may be on stream.
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    try { localStorage.setItem("tikcraft-token", params.get("token")); } catch (e) { /* private mode */ }
    params.delete("token");
    const q = params.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
  }
  let token = "";
  try { token = localStorage.getItem("tikcraft-token") || ""; } catch (e) { /* private mode */ }
  const setReadOnly = (ro) => {
    $("readonly").hidden = !ro;
    document.querySelectorAll(".needs-token").forEach((b) => { b.disabled = ro; });
  };
  setReadOnly(!token);

  async function api(method, path, body) {
    const opts = { method, headers: {} };
    if (token) opts.headers["Authorization"] = "Bearer " + token;
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    let data = {};
    try { data = await res.json(); } catch (e) { /* empty */ }
    if (res.status === 401) {
      token = "";
      try { localStorage.removeItem("tikcraft-token"); } catch (e) { /* */ }
      setReadOnly(true);
    }
    return { ok: res.ok, status: res.status, data };
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = clean(text);
    return e;
  }
  // Bidirectional controls (U+202E and friends) in a viewer's name or chat
  // would make what follows read backwards: shown without them.
  function clean(text) { return String(text).replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ""); }
  // The editor and the console (editor.js) share these.
  window.tikcraft = { api, el, hasToken: () => token !== "" };
  const num = (n) => Number(n || 0).toLocaleString();
  const clock = (t) => { const d = new Date(t); return isNaN(d) ? "" : d.toLocaleTimeString(); };
  const secs = (s) => s >= 3600 ? Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min"
    : s >= 60 ? Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s" : Math.floor(s) + " s";

  // ---- status ----
  let status = null;
  function setConn(id, c) {
    $(id).dataset.state = c.state;
    $(id + "-state").textContent = c.state;
    $(id + "-detail").textContent = c.detail || "";
  }
  function renderStatus(s) {
    status = s;
    $("mode").textContent = s.mode;
    setConn("tiktok", s.tiktok);
    setConn("minecraft", s.minecraft);
    $("obs").hidden = !s.obs;
    if (s.obs) setConn("obs", s.obs);
    const c = s.counters;
    $("c-viewers").textContent = num(c.viewers);
    $("c-likes").textContent = num(c.likes);
    $("c-diamonds").textContent = num(c.diamonds);
    $("c-gifts").textContent = num(c.gifts);
    $("c-deaths").textContent = num(c.deaths) + (c.dead ? " (dead)" : "");
    renderQueue(s.queue);
    renderPause(s.pause);
    renderRules(s.rules);
    document.dispatchEvent(new CustomEvent("tikcraft:status", { detail: s }));
  }
  function renderQueue(q) {
    $("q-pending").textContent = num(q.pending);
    $("q-oldest").textContent = q.pending ? secs(q.oldest_seconds) : "–";
    $("q-rate").textContent = (q.per_second || 0).toFixed(1);
    // Each output's own lane: a dead $http target or OBS waits alone.
    const names = { minecraft: "Minecraft", overlays: "overlays", http: "$http", obs: "OBS" };
    const lanes = q.lanes || [];
    $("q-lanes").hidden = !lanes.length;
    $("q-lanes").textContent = lanes.length ? "waiting by output: " + lanes.map((l) =>
      (names[l.lane] || l.lane) + " " + num(l.pending) + " (oldest " + secs(l.oldest_seconds) +
      (l.target ? ", waiting for " + l.target : "") + ")").join(" · ") : "";
  }
  function renderPause(p) {
    let text = "delivering";
    if (p.paused) {
      text = p.death && !p.manual ? "paused: the player died" : "paused";
      if (p.death && p.until) text += " (resumes by " + clock(p.until) + " at the latest)";
    }
    $("pause-state").textContent = text;
    $("pause-state").className = p.paused ? "paused" : "";
    $("pause-btn").textContent = p.paused ? "Resume" : "Pause";
  }

  // ---- rules and the test panel ----
  let rulesKey = "";
  function renderRules(r) {
    const key = JSON.stringify(r);
    if (key === rulesKey) return;
    rulesKey = key;
    $("rules-file").textContent = r.file;
    $("rules-loaded").textContent = r.loaded ? "loaded " + clock(r.loaded) : "";
    $("reload-btn").hidden = !r.reloadable;
    $("rules-error").hidden = !r.error;
    $("rules-error").textContent = r.error || "";
    const diags = $("diagnostics");
    diags.replaceChildren(...(r.diagnostics || []).map((d) => el("li", "", d)));
    const rows = (r.triggers || []).map((t) => {
      const tr = el("tr");
      tr.append(el("td", "", t.name));
      const td = el("td");
      (t.commands || []).forEach((c) => { td.append(el("code", "", c), " "); });
      tr.append(td);
      return tr;
    });
    $("rules").replaceChildren(...rows);

    const sel = $("fire-trigger");
    const keep = sel.value;
    const groups = [];
    const group = (label, items) => {
      if (!items.length) return;
      const g = el("optgroup");
      g.label = label;
      items.forEach(([value, text]) => { const o = el("option", "", text); o.value = value; g.append(o); });
      groups.push(g);
    };
    const likeFns = new Set((r.like_rules || []).map((l) => l.function.toLowerCase()));
    group("Rules", (r.triggers || []).filter((t) => t.kind !== "likes" && !likeFns.has(t.name.toLowerCase()))
      .map((t) => [t.name, t.name + (t.kind === "event" ? "" : " (gift)")]));
    group("Like rules", (r.like_rules || []).map((l) => [l.id, l.id + ": every " + l.every + " likes → " + l.function]));
    sel.replaceChildren(...groups);
    if (keep) sel.value = keep;
  }

  $("fire").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const trigger = $("fire-custom").value.trim() || $("fire-trigger").value;
    const body = { trigger, user: $("fire-user").value, count: Number($("fire-count").value) || 1 };
    const out = $("fire-result");
    out.className = "result";
    out.textContent = "firing…";
    const res = await api("POST", "/api/trigger", body);
    if (res.ok) {
      const n = res.data.actions.length;
      const g = res.data.gift;
      out.textContent = "Fired " + res.data.trigger + " ×" + res.data.count + " as " + res.data.user + ": " + n + " action" + (n === 1 ? "" : "s") + " queued" +
        (g ? " (sent as the gift " + g.name + ", id " + g.id + ", " + num(g.diamonds) + " diamonds)." : ".");
      out.classList.add("ok");
      loadReport();
    } else {
      out.textContent = res.data.error || ("failed: HTTP " + res.status);
      out.classList.add("error");
    }
  });
  $("pause-btn").addEventListener("click", async () => {
    const res = await api("POST", status && status.pause.paused ? "/api/resume" : "/api/pause");
    if (res.ok) renderPause(res.data);
  });
  document.querySelectorAll("#overlays button").forEach((b) => b.addEventListener("click", async () => {
    const out = $("overlay-result");
    const res = b.dataset.reset
      ? await api("POST", "/api/overlay/reset", { parts: [b.dataset.reset] })
      : await api("POST", "/api/overlay/adjust", { op: b.dataset.adjust });
    out.className = "result " + (res.ok ? "ok" : "error");
    out.textContent = res.ok ? "Done: " + b.textContent + ". Wins " + res.data.wins + ", deaths " + res.data.deaths + "."
      : (res.data.error || ("failed: HTTP " + res.status));
  }));
  $("reload-btn").addEventListener("click", async () => {
    const res = await api("POST", "/api/reload");
    if (res.data.rules) renderRules(res.data.rules);
  });

  // ---- feed ----
  const feedItems = new Map();
  function feedText(it) {
    const who = it.nickname && it.nickname !== it.user ? it.nickname + " (@" + it.user + ")" : it.user;
    switch (it.type) {
      case "gift": {
        let s = who + " sent " + (it.gift || "gift " + it.gift_id) + " ×" + num(it.count);
        if (it.streak === "streaking") s += " (streak going…)";
        if (it.streak === "ended") s += " (streak ended)";
        if (it.diamonds) s += " · " + num(it.diamonds) + " diamonds";
        return s;
      }
      case "like": return who + " liked ×" + num(it.count) + (it.total ? " (room total " + num(it.total) + ")" : "");
      case "chat": return who + ": " + it.text;
      case "follow": return who + " followed";
      case "share": return who + " shared the LIVE";
      case "subscribe": return who + " subscribed";
      case "join": {
        const names = (it.users || []).join(", ");
        const more = it.count - (it.users || []).length;
        return names + (more > 0 ? " and " + num(more) + " more" : "") + " joined";
      }
      case "connect": return "connected to the LIVE" + (it.text ? " (room " + it.text + ")" : "");
      case "disconnect": return "lost the LIVE: " + (it.text || "connection closed") + "; reconnecting";
      case "stream_end": return "the LIVE ended";
      default: return it.text || it.type;
    }
  }
  function feedNode(it) {
    const li = el("li", "item t-" + it.type);
    li.dataset.id = it.id;
    li.append(el("time", "", clock(it.time)), el("span", "kind", it.type));
    if (it.test) li.append(el("span", "test", "TEST"));
    li.append(el("span", "text", feedText(it)));
    return li;
  }
  function putFeed(it) {
    const old = feedItems.get(it.id);
    const node = feedNode(it);
    if (old) {
      old.replaceWith(node);
    } else {
      $("feed").prepend(node);
      while ($("feed").children.length > FEED_MAX) {
        const last = $("feed").lastElementChild;
        feedItems.delete(Number(last.dataset.id));
        last.remove();
      }
    }
    feedItems.set(it.id, node);
  }

  // ---- actions ----
  const actionRows = new Map();
  function actionNode(a) {
    const tr = el("tr", "r-" + (a.result || "").split(",")[0].replace(/\s+/g, "-"));
    tr.append(el("td", "", clock(a.time)));
    const td = el("td");
    td.append(el("code", "", a.text));
    if (a.test) td.append(" ", el("span", "test", "TEST"));
    tr.append(td, el("td", "", a.trigger), el("td", "", a.user));
    let res = a.result || "";
    if (a.attempts > 1) res += " (attempt " + a.attempts + ")";
    const rt = el("td", "result", res);
    if (a.reply) rt.title = a.reply;
    if (a.reply && a.result !== "sent") rt.append(el("small", "", " " + a.reply));
    tr.append(rt);
    return tr;
  }
  function putAction(a) {
    const key = a.id || ("q" + Math.random());
    const node = actionNode(a);
    const old = actionRows.get(key);
    if (old) {
      old.replaceWith(node);
    } else {
      $("actions").prepend(node);
      while ($("actions").children.length > ACTIONS_MAX) {
        const last = $("actions").lastElementChild;
        actionRows.forEach((v, k) => { if (v === last) actionRows.delete(k); });
        last.remove();
      }
    }
    actionRows.set(key, node);
  }

  // ---- report ----
  function rows(id, list, cols) {
    $(id).replaceChildren(...(list || []).map((x) => {
      const tr = el("tr");
      cols.forEach((c) => tr.append(el("td", "", typeof x[c] === "number" ? num(x[c]) : x[c])));
      return tr;
    }));
  }
  async function loadReport() {
    const res = await api("GET", "/api/report");
    if (!res.ok) return;
    const r = res.data;
    $("r-gifts").textContent = num(r.gifts);
    $("r-diamonds").textContent = num(r.diamonds);
    $("r-likes").textContent = num(r.likes);
    $("r-executed").textContent = num(r.actions.executed);
    $("r-rejected").textContent = num(r.actions.rejected);
    $("r-retried").textContent = num(r.actions.failed_attempts);
    $("r-tests").textContent = num(r.tests.events);
    rows("r-gifters", r.top_gifters, ["name", "gifts", "diamonds"]);
    rows("r-topgifts", r.top_gifts, ["name", "gifts", "diamonds"]);
    rows("r-events", r.events, ["type", "messages", "amount"]);
  }
  setInterval(() => { if (!document.hidden) loadReport(); }, 5000);

  // ---- live updates ----
  function connect() {
    const es = new EventSource("/api/stream?types=event,delivery,queue");
    const live = (state, text) => { $("live").dataset.state = state; $("live-state").textContent = text; };
    // This page's own link to tikcraft, not the LIVE's: worded so that it
    // never reads as a green "live" beside a red TikTok.
    es.onopen = () => live("connected", "dashboard connected");
    es.onerror = () => live("reconnecting", "dashboard lost tikcraft, reconnecting…");
    es.addEventListener("state", (e) => {
      const s = JSON.parse(e.data);
      if (s.feed) { // a snapshot: the page starts over from the current state
        $("feed").replaceChildren();
        feedItems.clear();
        s.feed.forEach(putFeed);
        $("actions").replaceChildren();
        actionRows.clear();
        s.actions.forEach(putAction);
        loadReport();
      }
      renderStatus(s);
    });
    es.addEventListener("event", (e) => putFeed(JSON.parse(e.data)));
    es.addEventListener("delivery", (e) => putAction(JSON.parse(e.data)));
    es.addEventListener("queue", (e) => renderQueue(JSON.parse(e.data)));
    es.addEventListener("action", () => { /* queued actions show up as deliveries */ });
  }
  connect();
  loadReport();
})();
