package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
)

// marshalReference is Marshal as encoding/json wrote it before AppendEvent:
// the reference AppendEvent must match byte for byte.
func marshalReference(ev tikcraft.Event) ([]byte, error) {
	if ev == nil {
		return nil, errors.New("nil event")
	}
	m := ev.EventMeta()
	w := wireEvent{Type: string(ev.Type()), MsgID: flexString(m.MsgID), Test: m.Test}
	if !m.Time.IsZero() {
		t := eventTime(m.Time.UTC())
		w.Time = &t
	}
	u := func(u tikcraft.User) *wireUser {
		return &wireUser{ID: flexString(u.ID), UniqueID: u.UniqueID, Nickname: u.Nickname,
			Follower: u.Follower, Subscriber: u.Subscriber, Moderator: u.Moderator}
	}
	n := func(v int64) *flexInt { f := flexInt(v); return &f }
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		w.User = u(e.User)
		w.Gift = &wireGift{ID: flexInt(e.Gift.ID), Name: e.Gift.Name, Combo: e.Gift.Combo, Diamonds: flexInt(e.Gift.Diamonds)}
		w.RepeatCount = n(e.Count())
		w.RepeatEnd = &e.RepeatEnd
		w.GroupID = flexString(e.GroupID)
	case *tikcraft.FollowEvent:
		w.User = u(e.User)
	case *tikcraft.ShareEvent:
		w.User = u(e.User)
	case *tikcraft.JoinEvent:
		w.User = u(e.User)
	case *tikcraft.SubscribeEvent:
		w.User = u(e.User)
	case *tikcraft.LikeEvent:
		w.User = u(e.User)
		w.Count, w.Total = n(e.Count), n(e.Total)
	case *tikcraft.ChatEvent:
		w.User = u(e.User)
		w.Text = &e.Text
	case *tikcraft.ViewersEvent:
		w.Count = n(e.Count)
	case *tikcraft.ConnectEvent:
		w.RoomID = flexString(e.RoomID)
	case *tikcraft.DisconnectEvent:
		if e.Reason != "" {
			w.Reason = &e.Reason
		}
	case *tikcraft.StreamEndEvent:
	default:
		return nil, fmt.Errorf("cannot encode event of type %T", ev)
	}
	return json.Marshal(w)
}

// hostile are strings a viewer can type or TikTok can send: each must come
// out exactly as encoding/json writes it.
var hostile = []string{
	"", "anna_123", "Anna 🌹", "ミク", "Bob <b>&\"quotes\"", "</script><script>alert(1)</script>",
	"back\\slash", "tab\tnew\nline\rcr", "\b\f", "nul\x00 esc\x1b del\x7f", "\x01\x02\x1f ",
	"line\u2028para\u2029", "bad \xff\xfe utf8", "\xc3", "\xe2\x80", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 too big",
	"\uFFFD replacement", "\U0001F600 emoji", "mixed <\xff\u2028&>\n",
}

func allEvents() []tikcraft.Event {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	times := []time.Time{{}, t0, t0.Add(10 * time.Millisecond), t0.Add(123456789), time.UnixMilli(-1).UTC(),
		time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), time.UnixMilli(1 << 62).UTC()}
	var evs []tikcraft.Event
	for i, s := range hostile {
		meta := tikcraft.Meta{MsgID: hostile[(i+1)%len(hostile)], Time: times[i%len(times)], Test: i%4 == 1}
		u := tikcraft.User{ID: hostile[(i+2)%len(hostile)], UniqueID: s, Nickname: hostile[(i+3)%len(hostile)],
			Follower: i%2 == 1, Subscriber: i%3 == 1, Moderator: i%5 >= 3}
		n := []int64{0, 1, -1, 15, 1 << 62, -1 << 63}[i%6]
		evs = append(evs,
			&tikcraft.GiftEvent{Meta: meta, User: u, Gift: tikcraft.Gift{ID: n, Name: s, Combo: i%2 == 0, Diamonds: -n}, RepeatCount: n, RepeatEnd: i%3 == 0, GroupID: s},
			&tikcraft.FollowEvent{Meta: meta, User: u},
			&tikcraft.ShareEvent{Meta: meta, User: u},
			&tikcraft.JoinEvent{Meta: meta, User: u},
			&tikcraft.SubscribeEvent{Meta: meta, User: u},
			&tikcraft.LikeEvent{Meta: meta, User: u, Count: n, Total: -n},
			&tikcraft.ChatEvent{Meta: meta, User: u, Text: s},
			&tikcraft.ViewersEvent{Meta: meta, Count: n},
			&tikcraft.ConnectEvent{Meta: meta, RoomID: s},
			&tikcraft.DisconnectEvent{Meta: meta, Reason: s},
			&tikcraft.StreamEndEvent{Meta: meta},
		)
	}
	return evs
}

func TestAppendEventMatchesEncodingJSON(t *testing.T) {
	for _, ev := range allEvents() {
		want, err := marshalReference(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Marshal(ev)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Marshal(%T %+v)\n got %s (%v)\nwant %s", ev, ev, got, err, want)
		}
		// Appending keeps what is already there.
		if got, _ := AppendEvent([]byte("prefix"), ev); !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("AppendEvent after a prefix = %s", got)
		}
	}
}

type otherEvent struct{ tikcraft.Meta }

func (otherEvent) Type() tikcraft.EventType { return "other" }

func TestAppendEventErrors(t *testing.T) {
	for _, ev := range []tikcraft.Event{nil, &otherEvent{}} {
		if b, err := Marshal(ev); err == nil || b != nil {
			t.Errorf("Marshal(%T) = %q, %v; want an error", ev, b, err)
		}
		if b, err := AppendEvent([]byte("keep"), ev); err == nil || string(b) != "keep" {
			t.Errorf("AppendEvent(%T) = %q, %v; want the input back and an error", ev, b, err)
		}
	}
}

// FuzzAppendEvent: for any strings and numbers, the hand-written encoding
// is encoding/json's, and it is valid JSON that reads back.
func FuzzAppendEvent(f *testing.F) {
	for i, s := range hostile {
		f.Add(uint8(i), s, hostile[(i+1)%len(hostile)], int64(i)<<40, int64(-i))
	}
	f.Fuzz(func(t *testing.T, kind uint8, a, b string, n, ms int64) {
		meta := tikcraft.Meta{MsgID: b, Test: kind >= 128}
		if ms != 0 {
			meta.Time = time.UnixMilli(ms)
		}
		// Bits 3 to 5 of kind choose the audience flags.
		u := tikcraft.User{ID: b, UniqueID: a, Nickname: a + b, Follower: kind&8 != 0, Subscriber: kind&16 != 0, Moderator: kind&32 != 0}
		evs := []tikcraft.Event{
			&tikcraft.GiftEvent{Meta: meta, User: u, Gift: tikcraft.Gift{ID: n, Name: a, Combo: n%2 == 0, Diamonds: ms}, RepeatCount: n, RepeatEnd: ms%2 == 0, GroupID: b},
			&tikcraft.ChatEvent{Meta: meta, User: u, Text: a},
			&tikcraft.LikeEvent{Meta: meta, User: u, Count: n, Total: ms},
			&tikcraft.ViewersEvent{Meta: meta, Count: n},
			&tikcraft.ConnectEvent{Meta: meta, RoomID: a},
			&tikcraft.DisconnectEvent{Meta: meta, Reason: a},
			&tikcraft.FollowEvent{Meta: meta, User: u},
		}
		ev := evs[int(kind)%len(evs)]
		want, err := marshalReference(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Marshal(ev)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got %s (%v)\nwant %s", got, err, want)
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %s", got)
		}
	})
}

func TestBufferedWriterWritesInChunks(t *testing.T) {
	var out countingWriter
	w := NewBufferedWriter(&out, 1000)
	ev := &tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "anna"}, Text: strings.Repeat("x", 80)}
	line, _ := Marshal(ev)
	for range 100 {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if out.writes == 0 || out.writes > 100*(len(line)+1)/1000 {
		t.Errorf("%d writes before Flush for %d bytes in chunks of 1000", out.writes, out.Len())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat(string(line)+"\n", 100)
	if out.String() != want {
		t.Errorf("output differs from 100 lines of %s", line)
	}
	if err := w.Write(&otherEvent{}); err == nil {
		t.Error("an event that cannot be encoded was written")
	}
	if err := w.Flush(); err != nil || out.String() != want {
		t.Errorf("a failed Write left something behind: %v", err)
	}
}

func TestUnbufferedWriterWritesEachLine(t *testing.T) {
	var out countingWriter
	w := NewWriter(&out)
	for i := range 3 {
		if err := w.Write(&tikcraft.ViewersEvent{Count: int64(i)}); err != nil {
			t.Fatal(err)
		}
		if out.writes != i+1 {
			t.Fatalf("after %d events: %d writes", i+1, out.writes)
		}
	}
	if got := out.String(); got != "{\"type\":\"viewers\",\"count\":0}\n{\"type\":\"viewers\",\"count\":1}\n{\"type\":\"viewers\",\"count\":2}\n" {
		t.Errorf("output %q", got)
	}
}

func TestWriterKeepsTheFirstError(t *testing.T) {
	broken := errors.New("pipe closed")
	w := NewBufferedWriter(failingWriter{broken}, 10)
	if err := w.Write(&tikcraft.StreamEndEvent{}); !errors.Is(err, broken) {
		t.Fatalf("Write = %v, want %v", err, broken)
	}
	if err := w.Write(&tikcraft.StreamEndEvent{}); !errors.Is(err, broken) {
		t.Errorf("second Write = %v", err)
	}
	if err := w.Flush(); !errors.Is(err, broken) {
		t.Errorf("Flush = %v", err)
	}
}

type countingWriter struct {
	bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

type failingWriter struct{ err error }

func (f failingWriter) Write(p []byte) (int, error) { return 0, fmt.Errorf("write: %w", f.err) }
