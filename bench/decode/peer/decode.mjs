// The Node side of bench/decode: TikTok-Live-Connector 2.5.0 decoding a
// capture file (one base64 WebSocket frame per line, as `tikcraft run
// --capture` writes it) into the same events tikcraft prints, one line of
// compact JSON each, on stdout.
//
//   node decode.mjs FILE > /dev/null
//
// Decoding is the connector's own entry point, deserializeWebSocketMessage
// (push frame, gunzip, fetch result, every message by its schema), called
// frame after frame as the connector does for each WebSocket message. Each
// decoded message of a method tikcraft uses is then mapped to tikcraft's
// event fields (docs/EVENTS.md) by the connector's rules and stringified, so
// both sides write the same information and the comparison is of decoding,
// not of how much JSON each side chooses to print. The time it reports on
// stderr (one JSON line) starts after the modules are loaded and ends after
// the last write: Node's start-up is not counted against it.

import { readFileSync } from "node:fs";
import { deserializeWebSocketMessage } from "tiktok-live-connector";

const user = (u) => ({
  id: u && u.id !== "0" ? u.id : (u?.idStr ?? ""),
  unique_id: u?.displayId ?? "",
  nickname: u?.nickname ?? "",
});

const meta = (d, msgId) => {
  const e = {};
  const id = msgId !== "0" ? msgId : d.common?.msgId;
  if (id && id !== "0") e.msg_id = id;
  const ms = Number(d.common?.createTime ?? 0);
  if (ms > 0) e.time = new Date(ms).toISOString();
  return e;
};

// event maps one decoded message to tikcraft's event, or null.
function event(method, d, msgId) {
  switch (method) {
    case "WebcastGiftMessage": {
      const e = { type: "gift", ...meta(d, msgId), user: user(d.user) };
      const g = d.gift ?? {};
      e.gift = { id: Number(g.id && g.id !== "0" ? g.id : d.giftId), name: g.name ?? "", combo: g.type === 1, diamonds: g.diamondCount ?? 0 };
      e.repeat_count = d.repeatCount > 0 ? d.repeatCount : 1;
      e.repeat_end = d.repeatEnd === 1;
      if (d.groupId !== "0") e.group_id = d.groupId;
      return e;
    }
    case "WebcastLikeMessage":
      return { type: "like", ...meta(d, msgId), user: user(d.user), count: d.count, total: Number(d.total) };
    case "WebcastSocialMessage": {
      const key = (d.common?.displayText?.key ?? "").toLowerCase();
      if (key.includes("follow")) return { type: "follow", ...meta(d, msgId), user: user(d.user) };
      if (key.includes("share")) return { type: "share", ...meta(d, msgId), user: user(d.user) };
      return null;
    }
    case "WebcastMemberMessage":
      if (d.action === 1) return { type: "join", ...meta(d, msgId), user: user(d.user) };
      if (d.action === 3) return { type: "subscribe", ...meta(d, msgId), user: user(d.user) };
      return null;
    case "WebcastChatMessage":
      return { type: "chat", ...meta(d, msgId), user: user(d.user), text: d.content };
    case "WebcastRoomUserSeqMessage":
      return { type: "viewers", ...meta(d, msgId), count: Number(d.total) };
    case "WebcastControlMessage":
      return d.action === 3 || d.action === 4 ? { type: "stream_end", ...meta(d, msgId) } : null;
    case "WebcastSubNotifyMessage":
      return { type: "subscribe", ...meta(d, msgId), user: user(d.user) };
  }
  return null;
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node decode.mjs CAPTURE_FILE");
  process.exit(2);
}

const start = process.hrtime.bigint();
let frames = 0;
let events = 0;
let out = [];
let pending = 0;
// Output goes out in chunks of 64 KiB, like tikcraft's buffered writer, and
// each chunk is handed to the pipe before decoding goes on.
const flush = () => {
  const chunk = out.join("");
  out = [];
  pending = 0;
  return new Promise((resolve, reject) => process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())));
};

for (const line of readFileSync(file, "utf8").split("\n")) {
  const b64 = line.trim();
  if (b64 === "") continue;
  const frame = await deserializeWebSocketMessage(Buffer.from(b64, "base64"));
  frames++;
  for (const m of frame.protoMessageFetchResult?.messages ?? []) {
    const e = m.decodedData && event(m.method, m.decodedData.data, m.msgId);
    if (!e) continue;
    const s = JSON.stringify(e) + "\n";
    out.push(s);
    pending += s.length;
    events++;
    if (pending >= 64 << 10) await flush();
  }
}
await flush();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.error(JSON.stringify({ frames, events, seconds }));
