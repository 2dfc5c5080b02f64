// Writes the conformance fixtures for package webcast from code we did not
// write: frames are encoded with the published v3 schema (tiktok-live-proto)
// and decoded again with tiktok-live-connector's own deserializer; the
// expected events are read from what the connector decoded, using the
// connector's rules (follow/share by display key, stream end on control
// action 3 or 4, streakable when gift.type is 1).
//
//   cd webcast/testdata/conformance && npm ci && npm run fixtures
//
// Output (committed): fixtures.json and frames.capture (the same frames, one
// base64 line each). The Go tests only read the output.

import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as v3 from "tiktok-live-proto/v3";
import { deserializeWebSocketMessage } from "tiktok-live-connector";

// The v3 encoders have no fromPartial; decoding nothing gives a message with
// every field at its default, which the encoder accepts.
const mk = (type, fields) => Object.assign(type.decode(new Uint8Array(0)), fields);
const enc = (type, fields) => type.encode(mk(type, fields)).finish();

const T0 = 1767225600000n; // 2026-01-01T00:00:00Z in ms
let nextID = 7301000000000000000n;

const anna = { id: "7234567890123456789", displayId: "anna_123", nickname: "Anna 🌹" };
const bob = { id: "6900000000000000001", displayId: "bob.builds", nickname: "Bob <b>&\"quotes\"" };
const noNumericID = { id: "0", idStr: "6811111111111111111", displayId: "idstr_only", nickname: "" };
// Viewers whose flags TikTok sends in the user struct (follow_info,
// user_attr, badge_list); nested messages need mk as well.
const badges = (...scenes) => scenes.map((sceneType) => mk(v3.BadgeStruct, { sceneType, display: true }));
const cleo = {
  id: "7111111111111111111", displayId: "cleo.mod", nickname: "Cleo",
  followInfo: mk(v3.FollowInfo, { followStatus: "2", followerCount: "310", followingCount: "52" }),
  userAttr: mk(v3.UserAttr, { isAdmin: true }),
  badgeList: badges(8, 7),
};
const dan = {
  id: "7222222222222222222", displayId: "dan_fan", nickname: "Dan",
  followInfo: mk(v3.FollowInfo, { followStatus: "1" }),
  badgeList: badges(1),
};
const eve = {
  id: "7333333333333333333", displayId: "eve_sub", nickname: "Eve",
  followInfo: mk(v3.FollowInfo, { followStatus: "0", followerCount: "9" }),
  userAttr: mk(v3.UserAttr, { isMuted: true }),
  badgeList: badges(6, 4, 10),
};

function message(method, type, fields, offsetMs = 0) {
  const msgId = String(nextID++);
  const common = mk(v3.CommonMessageData, {
    method,
    msgId,
    roomId: "7400000000000000000",
    createTime: String(T0 + BigInt(offsetMs)),
    ...(fields.displayKey ? { displayText: mk(v3.MessageCommonText, { key: fields.displayKey, defaultPattern: "{0:user}" }) } : {}),
  });
  delete fields.displayKey;
  const user = fields.user ? mk(v3.User, fields.user) : undefined;
  const payload = enc(type, { ...fields, common, ...(user ? { user } : {}) });
  return mk(v3.BaseProtoMessage, { method, payload, msgId });
}

const gift = (user, g, repeatCount, repeatEnd, groupId, off, identity) =>
  message("WebcastGiftMessage", v3.WebcastGiftMessage, {
    user,
    giftId: g.id,
    repeatCount,
    repeatEnd,
    groupId,
    gift: mk(v3.Gift, { id: g.id, name: g.name, type: g.type, diamondCount: g.diamonds, combo: g.type === 1 }),
    ...(identity ? { userIdentity: mk(v3.UserIdentity, identity) } : {}),
  }, off);

const rose = { id: "5655", name: "Rose", type: 1, diamonds: 1 };
const lion = { id: "6369", name: "Lion", type: 2, diamonds: 29999 };

const cases = [
  { name: "gift_streak_update", msgs: [gift(anna, rose, 3, 0, "1700000000123", 10)] },
  { name: "gift_streak_end", msgs: [gift(anna, rose, 5, 1, "1700000000123", 20)] },
  { name: "gift_non_combo", msgs: [gift(bob, lion, 1, 0, "0", 30)] },
  { name: "like", msgs: [message("WebcastLikeMessage", v3.WebcastLikeMessage, { user: anna, count: 15, total: "4821" }, 40)] },
  { name: "follow", msgs: [message("WebcastSocialMessage", v3.WebcastSocialMessage, { user: bob, displayKey: "pm_main_follow_message_viewer_2", action: "1" }, 50)] },
  { name: "share", msgs: [message("WebcastSocialMessage", v3.WebcastSocialMessage, { user: noNumericID, displayKey: "pm_mt_guidance_share", action: "3" }, 60)] },
  { name: "join", msgs: [message("WebcastMemberMessage", v3.WebcastMemberMessage, { user: anna, action: 1, memberCount: 88 }, 70)] },
  { name: "chat", msgs: [message("WebcastChatMessage", v3.WebcastChatMessage, { user: bob, content: "/op me; say \"hi\" 🎉\n<script>" }, 80)] },
  { name: "viewers", msgs: [message("WebcastRoomUserSeqMessage", v3.WebcastRoomUserSeqMessage, { total: "1234", totalUser: "99999" }, 90)] },
  { name: "stream_end", msgs: [message("WebcastControlMessage", v3.WebcastControlMessage, { action: 3 }, 100)] },
  { name: "stream_suspended", msgs: [message("WebcastControlMessage", v3.WebcastControlMessage, { action: 4 }, 110)] },
  { name: "subscribe_subnotify", msgs: [message("WebcastSubNotifyMessage", v3.WebcastSubNotifyMessage, { user: anna, subMonth: "2" }, 120)] },
  { name: "subscribe_member", msgs: [message("WebcastMemberMessage", v3.WebcastMemberMessage, { user: bob, action: 3 }, 130)] },
  {
    name: "mixed_gzip_header_need_ack",
    headers: [{ key: "compress_type", value: "gzip" }],
    gzip: true,
    needAck: true,
    msgs: [
      gift(bob, rose, 1, 0, "1700000000999", 140),
      message("WebcastEnvelopeMessage", v3.WebcastEnvelopeMessage, {}, 141),
      message("WebcastControlMessage", v3.WebcastControlMessage, { action: 1 }, 142),
      message("WebcastSocialMessage", v3.WebcastSocialMessage, { user: anna, displayKey: "pm_some_other_social" }, 143),
      message("WebcastMemberMessage", v3.WebcastMemberMessage, { user: anna, action: 0 }, 144),
      message("WebcastChatMessage", v3.WebcastChatMessage, { user: anna, content: "gg" }, 145),
      gift(bob, rose, 1, 1, "1700000000999", 146),
    ],
  },
  { name: "gzip_magic_only", gzip: true, msgs: [message("WebcastLikeMessage", v3.WebcastLikeMessage, { user: bob, count: 1 }, 150)] },
  // Audience flags (issue 16). Added last so the frames above stay as they were.
  {
    name: "user_flags_in_user_struct",
    msgs: [
      message("WebcastChatMessage", v3.WebcastChatMessage, { user: cleo, content: "hi from a mod" }, 160),
      message("WebcastLikeMessage", v3.WebcastLikeMessage, { user: dan, count: 2, total: "4823" }, 161),
      message("WebcastMemberMessage", v3.WebcastMemberMessage, { user: eve, action: 1 }, 162),
      message("WebcastSubNotifyMessage", v3.WebcastSubNotifyMessage, { user: eve, subMonth: "1" }, 163),
      message("WebcastSocialMessage", v3.WebcastSocialMessage, { user: eve, displayKey: "pm_mt_guidance_share" }, 164),
    ],
  },
  {
    name: "user_flags_in_identity",
    msgs: [
      gift(anna, lion, 1, 0, "0", 170, { isSubscriberOfAnchor: true, isModeratorOfAnchor: true }),
      gift(bob, rose, 1, 1, "1700000000777", 171, { isMutualFollowingWithAnchor: true, isGiftGiverOfAnchor: true }),
      message("WebcastChatMessage", v3.WebcastChatMessage, {
        user: anna, content: "identity only", userIdentity: mk(v3.UserIdentity, { isFollowerOfAnchor: true, isAnchor: false }),
      }, 172),
      message("WebcastChatMessage", v3.WebcastChatMessage, {
        user: eve, content: "struct and identity", userIdentity: mk(v3.UserIdentity, { isGiftGiverOfAnchor: true }),
      }, 173),
    ],
  },
  // A follow's user is a follower, whatever follow_info says.
  { name: "follow_by_non_follower_struct", msgs: [message("WebcastSocialMessage", v3.WebcastSocialMessage, { user: eve, displayKey: "pm_main_follow_message_viewer_2", action: "1" }, 180)] },
];

// userOf maps a decoded user, and the message's user identity, to the
// expected tikcraft user. The flags follow docs/EVENTS.md: follower when
// follow_info.follow_status >= 1, the identity says follower or mutual, or
// the event is a follow; subscriber when a badge has scene 4 or 7 or the
// identity says subscriber; moderator when user_attr.is_admin, a badge has
// scene 1 or the identity says moderator; fan club when a badge has scene
// 10 (FANS). They are written only when true.
const userOf = (u, identity, isFollow) => {
  const out = {
    id: u && u.id !== "0" ? u.id : (u?.idStr ?? ""),
    unique_id: u?.displayId ?? "",
    nickname: u?.nickname ?? "",
  };
  const scenes = (u?.badgeList ?? []).map((b) => b.sceneType);
  const B = v3.BadgeSceneType;
  if (isFollow || BigInt(u?.followInfo?.followStatus ?? "0") >= 1n || identity?.isFollowerOfAnchor || identity?.isMutualFollowingWithAnchor) out.follower = true;
  if (scenes.includes(B.SUBSCRIBER) || scenes.includes(B.NEW_SUBSCRIBER) || identity?.isSubscriberOfAnchor) out.subscriber = true;
  if (u?.userAttr?.isAdmin || scenes.includes(B.ADMIN) || identity?.isModeratorOfAnchor) out.moderator = true;
  if (scenes.includes(10)) out.fan_club = true; // BadgeSceneType FANS
  return out;
};

// expected maps one message as tiktok-live-connector decoded it to the event
// tikcraft must produce, or null when tikcraft must produce none.
function expected(method, d, msgId) {
  const meta = { msg_id: msgId, time_ms: d.common.createTime };
  switch (method) {
    case "WebcastGiftMessage":
      return {
        type: "gift", ...meta, user: userOf(d.user, d.userIdentity),
        gift: { id: d.gift.id, name: d.gift.name, combo: d.gift.type === 1, diamonds: d.gift.diamondCount },
        repeat_count: d.repeatCount, repeat_end: d.repeatEnd === 1,
        group_id: d.groupId === "0" ? "" : d.groupId,
      };
    case "WebcastLikeMessage":
      return { type: "like", ...meta, user: userOf(d.user), count: d.count, total: d.total };
    case "WebcastSocialMessage":
      if (d.common?.displayText?.key?.includes("follow")) return { type: "follow", ...meta, user: userOf(d.user, undefined, true) };
      if (d.common?.displayText?.key?.includes("share")) return { type: "share", ...meta, user: userOf(d.user) };
      return null;
    case "WebcastMemberMessage":
      if (d.action === v3.MemberMessageAction.MEMBER_MESSAGE_ACTION_JOINED) return { type: "join", ...meta, user: userOf(d.user) };
      if (d.action === v3.MemberMessageAction.MEMBER_MESSAGE_ACTION_SUBSCRIBED) return { type: "subscribe", ...meta, user: userOf(d.user) };
      return null;
    case "WebcastChatMessage":
      return { type: "chat", ...meta, user: userOf(d.user, d.userIdentity), text: d.content };
    case "WebcastRoomUserSeqMessage":
      return { type: "viewers", ...meta, count: d.total };
    case "WebcastControlMessage":
      // The peers end the stream on both; tikcraft treats a suspension
      // as a disconnect and goes back into the room (docs/TIKTOK.md).
      if (d.action === v3.ControlAction.CONTROL_ACTION_STREAM_ENDED) return { type: "stream_end", ...meta };
      if (d.action === v3.ControlAction.CONTROL_ACTION_STREAM_SUSPENDED) return { type: "disconnect", ...meta };
      return null;
    case "WebcastSubNotifyMessage":
      return { type: "subscribe", ...meta, user: userOf(d.user) };
  }
  return null;
}

const out = [];
const capture = [];
let logId = 9000;
for (const c of cases) {
  const internalExt = `internal_src:dim|wss_push_room_id:7400000000000000000|fetch_id:${logId}`;
  let payload = v3.ProtoMessageFetchResult.encode(mk(v3.ProtoMessageFetchResult, {
    messages: c.msgs,
    cursor: `t-${logId}_r-1_d-1_u-1`,
    internalExt,
    needAck: !!c.needAck,
    now: String(T0),
  })).finish();
  if (c.gzip) payload = gzipSync(payload);
  const frame = v3.WebcastPushFrame.encode(mk(v3.WebcastPushFrame, {
    seqId: String(logId + 1),
    logId: String(logId),
    headers: (c.headers ?? []).map((h) => mk(v3.PushHeader, h)),
    payloadEncoding: "pb",
    payloadType: "msg",
    payload,
  })).finish();

  const decoded = await deserializeWebSocketMessage(Buffer.from(frame));
  const res = decoded.protoMessageFetchResult;
  const events = [];
  for (const m of res.messages) {
    if (m.decodeError) throw m.decodeError;
    const e = m.decodedData && expected(m.method, m.decodedData.data, m.msgId);
    if (e) events.push(e);
  }
  const b64 = Buffer.from(frame).toString("base64");
  out.push({
    name: c.name,
    frame: b64,
    log_id: decoded.logId,
    compressed: !!c.gzip,
    need_ack: res.needAck,
    internal_ext: res.internalExt,
    cursor: res.cursor,
    messages: res.messages.length,
    events,
  });
  capture.push(b64);
  logId += 10;
}

writeFileSync(new URL("fixtures.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
writeFileSync(new URL("frames.capture", import.meta.url), capture.join("\n") + "\n");
console.log(`wrote ${out.length} fixtures`);
