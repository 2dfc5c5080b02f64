// Package jsonl reads and writes the JSONL event format: one JSON object per
// line, one event per object. It is the contract shared by `replay`,
// `decode` and the event log; docs/EVENTS.md describes it for users.
package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/clip"
)

// wireEvent is the union of all event fields as they appear on a line.
type wireEvent struct {
	Type        string     `json:"type"`
	MsgID       flexString `json:"msg_id,omitempty"`
	Time        *eventTime `json:"time,omitempty"`
	User        *wireUser  `json:"user,omitempty"`
	Gift        *wireGift  `json:"gift,omitempty"`
	RepeatCount *flexInt   `json:"repeat_count,omitempty"`
	RepeatEnd   *bool      `json:"repeat_end,omitempty"`
	GroupID     flexString `json:"group_id,omitempty"`
	Count       *flexInt   `json:"count,omitempty"`
	Total       *flexInt   `json:"total,omitempty"`
	Text        *string    `json:"text,omitempty"`
	RoomID      flexString `json:"room_id,omitempty"`
	Reason      *string    `json:"reason,omitempty"`
	Test        bool       `json:"test,omitempty"`
}

type wireUser struct {
	ID       flexString `json:"id"`
	UniqueID string     `json:"unique_id"`
	Nickname string     `json:"nickname"`
	// The audience flags, written only when true.
	Follower   bool `json:"follower,omitempty"`
	Subscriber bool `json:"subscriber,omitempty"`
	Moderator  bool `json:"moderator,omitempty"`
	FanClub    bool `json:"fan_club,omitempty"`
}

type wireGift struct {
	ID       flexInt `json:"id"`
	Name     string  `json:"name"`
	Combo    bool    `json:"combo"`
	Diamonds flexInt `json:"diamonds"`
}

// flexString accepts a JSON string or number: ids are numbers in some tools
// and strings in others, and both mean the same.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("want a string or a number")
	}
	*s = flexString(n.String())
	return nil
}

// flexInt accepts a JSON number or a numeric string. Values beyond int64 are
// an error rather than silently wrapping.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("want a whole number, got %.40s", s)
		}
		v = int64(f)
	}
	*n = flexInt(v)
	return nil
}

// Unmarshal decodes one line into an event. Unknown fields are ignored; an
// unknown type, malformed JSON or a field of the wrong type is an error that
// names the field.
func Unmarshal(line []byte) (tikcraft.Event, error) {
	var w wireEvent
	if err := json.Unmarshal(line, &w); err != nil {
		return nil, describe(err)
	}
	meta := tikcraft.Meta{MsgID: string(w.MsgID), Test: w.Test}
	if w.Time != nil {
		meta.Time = time.Time(*w.Time)
	}
	user := func() tikcraft.User {
		if w.User == nil {
			return tikcraft.User{}
		}
		return tikcraft.User{ID: string(w.User.ID), UniqueID: w.User.UniqueID, Nickname: w.User.Nickname,
			Follower: w.User.Follower, Subscriber: w.User.Subscriber, Moderator: w.User.Moderator, FanClub: w.User.FanClub}
	}
	i64 := func(p *flexInt) int64 {
		if p == nil {
			return 0
		}
		return int64(*p)
	}
	switch tikcraft.EventType(w.Type) {
	case tikcraft.TypeGift:
		ev := &tikcraft.GiftEvent{Meta: meta, User: user(), GroupID: string(w.GroupID)}
		if w.Gift != nil {
			ev.Gift = tikcraft.Gift{ID: int64(w.Gift.ID), Name: w.Gift.Name, Combo: w.Gift.Combo, Diamonds: int64(w.Gift.Diamonds)}
		}
		ev.RepeatCount = 1
		if w.RepeatCount != nil {
			ev.RepeatCount = int64(*w.RepeatCount)
		}
		if w.RepeatEnd != nil {
			ev.RepeatEnd = *w.RepeatEnd
		}
		return ev, nil
	case tikcraft.TypeFollow:
		return &tikcraft.FollowEvent{Meta: meta, User: user()}, nil
	case tikcraft.TypeShare:
		return &tikcraft.ShareEvent{Meta: meta, User: user()}, nil
	case tikcraft.TypeJoin:
		return &tikcraft.JoinEvent{Meta: meta, User: user()}, nil
	case tikcraft.TypeSubscribe:
		return &tikcraft.SubscribeEvent{Meta: meta, User: user()}, nil
	case tikcraft.TypeLike:
		return &tikcraft.LikeEvent{Meta: meta, User: user(), Count: i64(w.Count), Total: i64(w.Total)}, nil
	case tikcraft.TypeChat:
		ev := &tikcraft.ChatEvent{Meta: meta, User: user()}
		if w.Text != nil {
			ev.Text = *w.Text
		}
		return ev, nil
	case tikcraft.TypeViewers:
		return &tikcraft.ViewersEvent{Meta: meta, Count: i64(w.Count)}, nil
	case tikcraft.TypeConnect:
		return &tikcraft.ConnectEvent{Meta: meta, RoomID: string(w.RoomID)}, nil
	case tikcraft.TypeDisconnect:
		ev := &tikcraft.DisconnectEvent{Meta: meta}
		if w.Reason != nil {
			ev.Reason = *w.Reason
		}
		return ev, nil
	case tikcraft.TypeStreamEnd:
		return &tikcraft.StreamEndEvent{Meta: meta}, nil
	case "":
		return nil, errors.New(`missing "type" field`)
	default:
		return nil, fmt.Errorf("unknown event type %q (known: gift, follow, share, like, join, chat, subscribe, viewers, connect, disconnect, stream_end)", clip.String(w.Type, 40))
	}
}

// describe turns encoding/json errors into messages that name the field.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return fmt.Errorf("a line must be a JSON object, got %s", te.Value)
		}
		return fmt.Errorf("field %q: wrong type (got %s, want %s)", field, te.Value, friendlyType(te.Type.String()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed JSON at byte %d: %w", se.Offset, err)
	}
	// Errors from flexInt/flexString carry no field name through encoding/json;
	// keep their text, which says what was wanted.
	return fmt.Errorf("malformed event: %w", err)
}

func friendlyType(t string) string {
	switch {
	case strings.Contains(t, "flexInt"), strings.HasPrefix(t, "int"):
		return "number"
	case strings.Contains(t, "flexString"), t == "string", t == "*string":
		return "string"
	case strings.Contains(t, "bool"):
		return "true or false"
	case strings.Contains(t, "wire"):
		return "object"
	}
	return t
}

// Marshal encodes an event as one line of JSON, without the trailing newline.
func Marshal(ev tikcraft.Event) ([]byte, error) {
	b, err := AppendEvent(nil, ev)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// The MarshalJSON methods below and wireEvent are the encoding/json form of
// a line; AppendEvent writes the same bytes by hand (append_test.go checks).

func (f flexInt) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(f), 10), nil }

// eventTime is an RFC 3339 timestamp whose parse errors name the field.
type eventTime time.Time

func (t *eventTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`field "time": want an RFC 3339 string such as "2026-11-22T18:00:00Z"`)
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf(`field "time": %q is not an RFC 3339 time such as "2026-11-22T18:00:00Z"`, clip.String(s, 40))
	}
	*t = eventTime(v)
	return nil
}

func (t eventTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).Format(time.RFC3339Nano))
}
