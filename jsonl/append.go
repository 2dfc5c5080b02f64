package jsonl

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft"
)

// AppendEvent appends ev to dst as one line of JSON, without the newline.
// The bytes are exactly what encoding/json made of the event before this
// encoder was written by hand (same field order, same omissions, same
// escaping: <, >, &, U+2028 and U+2029 escaped, invalid UTF-8 replaced by
// \ufffd), so lines written by older versions and newer ones compare equal;
// append_test.go holds the encoding/json version and checks the two agree.
// It exists because decode writes one line per event and reflection was a
// fifth of its time.
func AppendEvent(dst []byte, ev tikcraft.Event) ([]byte, error) {
	if ev == nil {
		return dst, errors.New("nil event")
	}
	start := len(dst)
	m := ev.EventMeta()
	dst = append(dst, `{"type":`...)
	dst = appendString(dst, string(ev.Type()))
	if m.MsgID != "" {
		dst = append(dst, `,"msg_id":`...)
		dst = appendString(dst, m.MsgID)
	}
	if !m.Time.IsZero() {
		dst = append(dst, `,"time":"`...)
		dst = m.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, '"')
	}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		dst = appendUser(dst, &e.User)
		dst = append(dst, `,"gift":{"id":`...)
		dst = strconv.AppendInt(dst, e.Gift.ID, 10)
		dst = append(dst, `,"name":`...)
		dst = appendString(dst, e.Gift.Name)
		dst = append(dst, `,"combo":`...)
		dst = strconv.AppendBool(dst, e.Gift.Combo)
		dst = append(dst, `,"diamonds":`...)
		dst = strconv.AppendInt(dst, e.Gift.Diamonds, 10)
		dst = append(dst, `},"repeat_count":`...)
		dst = strconv.AppendInt(dst, e.Count(), 10)
		dst = append(dst, `,"repeat_end":`...)
		dst = strconv.AppendBool(dst, e.RepeatEnd)
		if e.GroupID != "" {
			dst = append(dst, `,"group_id":`...)
			dst = appendString(dst, e.GroupID)
		}
	case *tikcraft.FollowEvent:
		dst = appendUser(dst, &e.User)
	case *tikcraft.ShareEvent:
		dst = appendUser(dst, &e.User)
	case *tikcraft.JoinEvent:
		dst = appendUser(dst, &e.User)
	case *tikcraft.SubscribeEvent:
		dst = appendUser(dst, &e.User)
	case *tikcraft.LikeEvent:
		dst = appendUser(dst, &e.User)
		dst = append(dst, `,"count":`...)
		dst = strconv.AppendInt(dst, e.Count, 10)
		dst = append(dst, `,"total":`...)
		dst = strconv.AppendInt(dst, e.Total, 10)
	case *tikcraft.ChatEvent:
		dst = appendUser(dst, &e.User)
		dst = append(dst, `,"text":`...)
		dst = appendString(dst, e.Text)
	case *tikcraft.ViewersEvent:
		dst = append(dst, `,"count":`...)
		dst = strconv.AppendInt(dst, e.Count, 10)
	case *tikcraft.ConnectEvent:
		if e.RoomID != "" {
			dst = append(dst, `,"room_id":`...)
			dst = appendString(dst, e.RoomID)
		}
	case *tikcraft.DisconnectEvent:
		if e.Reason != "" {
			dst = append(dst, `,"reason":`...)
			dst = appendString(dst, e.Reason)
		}
	case *tikcraft.StreamEndEvent:
	default:
		return dst[:start], fmt.Errorf("cannot encode event of type %T", ev)
	}
	if m.Test {
		dst = append(dst, `,"test":true`...)
	}
	return append(dst, '}'), nil
}

func appendUser(dst []byte, u *tikcraft.User) []byte {
	dst = append(dst, `,"user":{"id":`...)
	dst = appendString(dst, u.ID)
	dst = append(dst, `,"unique_id":`...)
	dst = appendString(dst, u.UniqueID)
	dst = append(dst, `,"nickname":`...)
	dst = appendString(dst, u.Nickname)
	// Only when true, so lines of viewers without flags stay as they were.
	if u.Follower {
		dst = append(dst, `,"follower":true`...)
	}
	if u.Subscriber {
		dst = append(dst, `,"subscriber":true`...)
	}
	if u.Moderator {
		dst = append(dst, `,"moderator":true`...)
	}
	if u.FanClub {
		dst = append(dst, `,"fan_club":true`...)
	}
	return append(dst, '}')
}

// safeByte marks the ASCII bytes a JSON string holds as they are. Quotes,
// backslashes and control bytes must be escaped; <, > and & are escaped as
// encoding/json does, so that a nickname can never close a <script> block
// of a page that embeds a line.
var safeByte = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safeByte[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript: escaped like encoding/json.
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
