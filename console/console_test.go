package console

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
)

func TestConsoleFoldsJoinsAndShowsLikeMilestones(t *testing.T) {
	var b bytes.Buffer
	c := New(&b, Options{Quiet: false, Dry: false, LikeEvery: 100, JoinRule: false})
	clock := time.Unix(1000, 0)
	c.now = func() time.Time { return clock }
	for i := range 5 {
		c.Event(&tikcraft.JoinEvent{User: tikcraft.User{UniqueID: fmt.Sprintf("v%d", i)}})
	}
	c.Event(&tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "anna"}, Count: 40, Total: 40})
	c.Event(&tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "anna"}, Count: 70, Total: 110})
	c.Event(&tikcraft.LikeEvent{User: tikcraft.User{UniqueID: "bob"}, Count: 5, Total: 115})
	c.Event(&tikcraft.ChatEvent{User: tikcraft.User{UniqueID: "bob"}, Text: "hi"})
	c.Event(&tikcraft.JoinEvent{User: tikcraft.User{UniqueID: "late"}})
	clock = clock.Add(11 * time.Second)
	c.Event(&tikcraft.ViewersEvent{Count: 3})
	c.Finish()
	want := "[event]   5 joined: \"v0\", \"v1\", \"v2\" and 2 more\n" +
		"[event]   likes passed 100 (last from \"anna\")\n" +
		"[event]   join \"late\"\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	if c.Stats().Events != 11 {
		t.Errorf("events %d", c.Stats().Events)
	}
}

func TestConsoleActionsQuietAndLeftovers(t *testing.T) {
	var b bytes.Buffer
	c := New(&b, Options{Quiet: false, Dry: false, LikeEvery: 0, JoinRule: true})
	old := queue.Item{ID: 1, Enqueued: c.start.Add(-time.Hour), Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say old", Trigger: "follow", User: "x"}}
	plugin := queue.Item{ID: 2, Enqueued: c.start, Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "tnt 2", Plugin: true, Trigger: "money", User: "anna"}}
	c.delivered(old, deliveryOutcome{})
	c.delivered(plugin, deliveryOutcome{Err: errors.New("Minecraft RCON at 127.0.0.1:25575 is not reachable")})
	c.delivered(plugin, deliveryOutcome{})
	c.delivered(plugin, deliveryOutcome{Err: fmt.Errorf("too long: %w", tikcraft.ErrRejected)})
	out := b.String()
	for _, want := range []string{
		`[sent]    /say old  trigger="follow" user="x" (left from an earlier run)`,
		`[failed]  !tnt 2  trigger="money" user="anna": Minecraft RCON at 127.0.0.1:25575 is not reachable; it is kept and sent again`,
		`[sent]    !tnt 2  trigger="money" user="anna"`,
		`[skipped] !tnt 2  trigger="money" user="anna": too long: action rejected`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("lacks %q", want)
		}
	}
	st := c.Stats()
	if st.Delivered != 1 || st.Rejected != 1 || st.Failed != 1 || st.LeftDelivered != 1 {
		t.Errorf("stats %+v", st)
	}
	if s := st.Summary(); s != "0 events, 0 actions, 1 delivered, 1 skipped; and 1 actions left from an earlier run delivered" {
		t.Errorf("summary %q", s)
	}
	if t.Failed() {
		t.Log(out)
	}

	b.Reset()
	q := New(&b, Options{Quiet: true, Dry: false, LikeEvery: 0, JoinRule: true})
	q.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "anna"}})
	q.delivered(plugin, deliveryOutcome{})
	q.Picked(rules.Pick{Rule: "rose", Cause: "gift", Picked: "pick"})
	q.delivered(plugin, deliveryOutcome{Err: errors.New("down")})
	if out := b.String(); strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "[failed]") {
		t.Fatalf("quiet console printed:\n%s", out)
	}
}

// Nothing a viewer types can add a line or fake one.
func TestConsoleLinesCannotBeForged(t *testing.T) {
	var b bytes.Buffer
	c := New(&b, Options{Quiet: false, Dry: false, LikeEvery: 0, JoinRule: true})
	evil := tikcraft.User{UniqueID: "x\n[sent]    /op x", Nickname: "\r\n[event] fake"}
	c.Event(&tikcraft.GiftEvent{User: evil, Gift: tikcraft.Gift{Name: "Rose\n[sent] /op"}, RepeatCount: 1})
	c.Event(&tikcraft.FollowEvent{User: evil})
	c.delivered(queue.Item{Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say a\nb", User: evil.UniqueID, Trigger: "t\n"}}, deliveryOutcome{})
	if n := strings.Count(b.String(), "\n"); n != 3 {
		t.Fatalf("%d lines:\n%s", n, b.String())
	}
}

// Minecraft's error answer and resends show on the action's line; a
// refused command is a warning, so --quiet keeps it.
func TestConsoleShowsMinecraftsErrorReply(t *testing.T) {
	var b bytes.Buffer
	c := New(&b, Options{Quiet: true, Dry: false, LikeEvery: 0, JoinRule: true})
	it := queue.Item{ID: 1, Enqueued: c.start, Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "summn creeper", Trigger: "rose", User: "anna"}}
	c.delivered(it, deliveryOutcome{Reply: "Unknown or incomplete command, see below for error", Refused: true, Retries: 1})
	c.delivered(it, deliveryOutcome{Reply: "Summoned new Creeper"})
	want := `[sent]    /summn creeper  trigger="rose" user="anna"  (sent again 1×: no answer at first)  Minecraft said: "Unknown or incomplete command, see below for error"` + "\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// The summary adds up: the actions the overlays' own triggers and tests
// queued count among this run's actions (they are delivered like the
// others), so "N actions" is always delivered + skipped + not delivered.
func TestSummaryAddsUp(t *testing.T) {
	c := New(&bytes.Buffer{}, Options{Dry: true})
	act := func(source string) tikcraft.Action {
		return tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say x", Source: source}
	}
	events := []tikcraft.Action{act("gift Rose x1 from anna"), act("follow from bob"), act("follow from cy"), act("chat from dee")}
	overlays := []tikcraft.Action{act("overlay likegoal_reached"), act("overlay timer_end")}
	tests := []tikcraft.Action{act("test: gift Rose x1 from tikcraft_test")}
	c.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "bob"}})
	c.Queued(events)
	c.Queued(overlays)
	c.Queued(tests)
	all := append(append(append([]tikcraft.Action{}, events...), overlays...), tests...)
	for i, a := range all {
		item := queue.Item{ID: int64(i + 1), Enqueued: c.start.Add(time.Millisecond), Action: a}
		switch i {
		case 0: // not delivered yet
		case 1:
			c.delivered(item, deliveryOutcome{Err: tikcraft.ErrRejected})
		default:
			c.delivered(item, deliveryOutcome{})
		}
	}
	st := c.Stats()
	if st.Actions != 7 || st.Delivered+st.Rejected+st.Waiting() != st.Actions {
		t.Fatalf("stats %+v do not add up", st)
	}
	want := "1 events, 7 actions (2 fired by the overlays' timer and goals, 1 by tests), 5 delivered, 1 skipped, 1 not delivered"
	if s := st.Summary(); s != want {
		t.Fatalf("summary %q\nwant    %q", s, want)
	}
}

// With FlushEvery, lines wait and are written together (one write for a
// burst); a problem is written at once with what waited before it, and
// Finish writes the rest. The lines are the same as written one by one.
func TestConsoleWritesLinesTogether(t *testing.T) {
	var one, together countingWriter
	direct := New(&one, Options{})
	batched := New(&together, Options{FlushEvery: time.Hour})
	for _, c := range []*Console{direct, batched} {
		for i := range 3 {
			c.Event(&tikcraft.FollowEvent{User: tikcraft.User{UniqueID: fmt.Sprint("v", i)}})
		}
	}
	if together.writes != 0 || one.writes != 3 {
		t.Fatalf("writes: %d batched (want 0 yet), %d direct (want 3)", together.writes, one.writes)
	}
	for _, c := range []*Console{direct, batched} {
		c.Delivered(deliverFailure())
	}
	if together.writes != 1 || !strings.Contains(together.String(), "failed") {
		t.Fatalf("a problem waited: %d writes, %q", together.writes, together.String())
	}
	for _, c := range []*Console{direct, batched} {
		c.Event(&tikcraft.ShareEvent{User: tikcraft.User{UniqueID: "late"}})
		c.Finish()
	}
	if together.writes != 2 || together.String() != one.String() {
		t.Fatalf("batched (%d writes):\n%s\ndirect:\n%s", together.writes, together.String(), one.String())
	}
}

type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

func deliverFailure() deliver.Delivery {
	return deliver.Delivery{Item: queue.Item{ID: 1, Action: tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "rose", User: "anna"}},
		Err: errors.New("connection refused")}
}

// A message TikTok sent twice gets a marked line only where its first
// had a line of its own: a gift, a follow, a join that a rule reacts to;
// not a like (only milestones have lines) nor a folded join.
func TestDuplicateIsMarkedWhereTheEventHasALine(t *testing.T) {
	anna := tikcraft.User{UniqueID: "anna"}
	gift := &tikcraft.GiftEvent{User: anna, Gift: tikcraft.Gift{Name: "Rose"}}
	for _, tt := range []struct {
		name     string
		joinRule bool
		ev       tikcraft.Event
		want     string
	}{
		{"gift", false, gift, `[event]   gift "Rose" x1 from "anna": duplicate of a message already handled, ignored` + "\n"},
		{"follow", false, &tikcraft.FollowEvent{User: anna}, `[event]   follow from "anna": duplicate of a message already handled, ignored` + "\n"},
		{"like", false, &tikcraft.LikeEvent{User: anna, Count: 5, Total: 500}, ""},
		{"folded join", false, &tikcraft.JoinEvent{User: anna}, ""},
		{"join with a rule", true, &tikcraft.JoinEvent{User: anna}, `[event]   join "anna": duplicate of a message already handled, ignored` + "\n"},
		{"chat", false, &tikcraft.ChatEvent{User: anna, Text: "hi"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			c := New(&b, Options{LikeEvery: 100, JoinRule: tt.joinRule})
			c.Duplicate(tt.ev)
			c.Finish()
			if b.String() != tt.want || c.Stats().Events != 0 {
				t.Fatalf("got %q (%d events counted), want %q", b.String(), c.Stats().Events, tt.want)
			}
		})
	}
}
