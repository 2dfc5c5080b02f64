package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

var (
	anna = tikcraft.User{ID: "1", UniqueID: "anna_123", Nickname: "Anna"}
	bob  = tikcraft.User{ID: "2", UniqueID: "bob"}
	carl = tikcraft.User{Nickname: "Carl 🎉"} // no ids: keyed by nickname
	rose = tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}
	lion = tikcraft.Gift{ID: 6369, Name: "Lion", Diamonds: 29999}
)

func gift(msg string, u tikcraft.User, g tikcraft.Gift, count int64, end bool, group string) *tikcraft.GiftEvent {
	return &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: msg}, User: u, Gift: g, RepeatCount: count, RepeatEnd: end, GroupID: group}
}

func TestReportCountsStreaksOnceAndIgnoresDuplicates(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})

	// Before the period: not counted.
	s.LogEvent(ctx, gift("old", anna, lion, 1, true, ""))
	s.Push(ctx, cmd(0))
	it, _ := s.Next(ctx, queue.LaneMinecraft)
	s.LogDelivery(ctx, delivery(it, nil, time.Hour))
	s.Ack(ctx, it.ID)
	c.add(time.Hour)
	since := c.now()
	c.add(time.Minute)

	for _, ev := range []tikcraft.Event{
		// anna: a Rose streak of 3 with its updates and a re-sent one...
		gift("a1", anna, rose, 1, false, "g1"),
		gift("a2", anna, rose, 3, false, "g1"),
		gift("a2", anna, rose, 3, false, "g1"), // duplicate
		gift("a3", anna, rose, 3, true, "g1"),
		// ...and another streak of 2.
		gift("b1", anna, rose, 2, true, "g2"),
		// bob: a Rose streak whose end never came (2), and two Lions.
		gift("b2", bob, rose, 1, false, "g3"),
		gift("b3", bob, rose, 2, false, "g3"),
		gift("c1", bob, lion, 1, true, ""),
		gift("c2", bob, lion, 0, true, ""),
		gift("c2", bob, lion, 0, true, ""), // duplicate
		// carl: a non-combo gift counts 1 whatever repeat_count says.
		gift("d1", carl, lion, 5, true, ""),
		// Likes; the same msg id on another type is another message.
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l1"}, User: anna, Count: 15},
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l2"}, User: bob, Count: 10},
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "l1"}, User: anna, Count: 15}, // duplicate
		&tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: "a1"}, User: anna, Count: 1},
		// Without a msg id nothing can be told apart: both count.
		&tikcraft.FollowEvent{User: anna},
		&tikcraft.FollowEvent{User: anna},
		&tikcraft.ViewersEvent{Count: 120},
	} {
		s.LogEvent(ctx, ev)
	}

	// Deliveries: 1 executed at once, 2 after a failed attempt, 3 rejected,
	// 4 failing and still queued.
	s.Push(ctx, cmd(1), cmd(2), cmd(3), cmd(4))
	outcome := func(want string, err error, latency time.Duration, ack bool) {
		t.Helper()
		it, _ := s.Next(ctx, queue.LaneMinecraft)
		if it.Action.Command != want {
			t.Fatalf("head is %q, want %q", it.Action.Command, want)
		}
		s.LogDelivery(ctx, delivery(it, err, latency))
		if ack {
			s.Ack(ctx, it.ID)
		}
	}
	outcome("say 1", nil, 10*time.Millisecond, true)
	outcome("say 2", errors.New("connection refused"), time.Second, false)
	outcome("say 2", nil, 30*time.Millisecond, true)
	outcome("say 3", fmt.Errorf("command too long: %w", tikcraft.ErrRejected), 5*time.Millisecond, true)
	outcome("say 4", errors.New("connection refused"), 2*time.Second, false)
	c.add(time.Minute)

	rep, err := s.Report(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	want := &Report{
		Since: since,
		Until: c.now(),
		Events: []TypeCount{
			{Type: "gift", Messages: 9, Amount: 10},
			{Type: "like", Messages: 3, Amount: 26},
			{Type: "follow", Messages: 2},
			{Type: "viewers", Messages: 1},
		},
		Gifts:    10,                      // anna 3+2 Roses, bob 2 Roses + 2 Lions, carl 1 Lion
		Diamonds: 5 + 2 + 3*lion.Diamonds, // Roses are 1 diamond each
		TopGifts: []GiftTotal{
			{Gift: "Lion", Gifts: 3, Diamonds: 3 * lion.Diamonds},
			{Gift: "Rose", Gifts: 7, Diamonds: 7},
		},
		TopGifters: []UserTotal{
			{User: "bob", Gifts: 4, Diamonds: 2 + 2*lion.Diamonds},
			{User: "Carl 🎉", Gifts: 1, Diamonds: lion.Diamonds},
			{User: "anna_123", Gifts: 5, Diamonds: 5},
		},
		Actions: ActionCounts{Executed: 2, Failed: 1, FailedAttempts: 3, Pending: 1, OldestPending: since.Add(time.Minute)},
		Slowest: []SlowDelivery{
			{Command: "say 2", Trigger: "t", Latency: 30 * time.Millisecond, At: since.Add(time.Minute)},
			{Command: "say 1", Trigger: "t", Latency: 10 * time.Millisecond, At: since.Add(time.Minute)},
		},
	}
	normalizeTimes(rep)
	normalizeTimes(want)
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("report\n got %+v\nwant %+v", rep, want)
	}

	// Everything: the old Lion and the old slow delivery are in.
	all, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Gifts != 11 || all.Actions.Executed != 3 || len(all.Slowest) != 3 || all.Slowest[0].Latency != time.Hour {
		t.Errorf("report of everything: %d gifts, %+v, slowest %+v", all.Gifts, all.Actions, all.Slowest)
	}
}

// normalizeTimes makes times comparable with reflect.DeepEqual.
func normalizeTimes(r *Report) {
	fix := func(t *time.Time) {
		if !t.IsZero() {
			*t = time.Unix(0, t.UnixNano()).UTC()
		}
	}
	fix(&r.Since)
	fix(&r.Until)
	fix(&r.Actions.OldestPending)
	for i := range r.Slowest {
		fix(&r.Slowest[i].At)
	}
}

// The gift numbers of the report match a direct count on random traffic:
// interleaved streaks, updates out of order, re-sent messages, non-combo
// gifts with odd repeat counts, and groups shared by accident.
func TestReportGiftCountingProperty(t *testing.T) {
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	c := newClock()
	s := openT(t, t.TempDir(), options{now: c.now})
	users := []tikcraft.User{anna, bob, carl, {ID: "4", Nickname: "Dee"}}
	gifts := []tikcraft.Gift{rose, {ID: 7934, Name: "Heart Me", Combo: true, Diamonds: 1}, {ID: 11046, Name: "Galaxy", Combo: true, Diamonds: 1000}, lion, {Name: "Mystery", Diamonds: 7}}

	for iter := range 30 {
		c.add(time.Hour)
		since := c.now()
		type key struct{ user, gift, group string }
		streakMax := map[key]int64{}
		type total struct{ gifts, diamonds int64 }
		byGift, byUser := map[string]total{}, map[string]total{}
		var msgs []*tikcraft.GiftEvent
		msgN := 0
		for range 1 + rng.IntN(12) { // sendings
			u := users[rng.IntN(len(users))]
			g := gifts[rng.IntN(len(gifts))]
			if !g.Combo {
				msgN++
				ev := gift(fmt.Sprintf("%d-%d", iter, msgN), u, g, int64(rng.IntN(4)-1), rng.IntN(2) == 0, "")
				msgs = append(msgs, ev)
				t := byGift[g.Name]
				byGift[g.Name] = total{t.gifts + 1, t.diamonds + g.Diamonds}
				t = byUser[u.Name()]
				byUser[u.Name()] = total{t.gifts + 1, t.diamonds + g.Diamonds}
				continue
			}
			group := []string{"", "x", "y", "z"}[rng.IntN(4)]
			final := int64(1 + rng.IntN(20))
			for count := int64(1); count <= final; count += int64(1 + rng.IntN(4)) {
				msgN++
				msgs = append(msgs, gift(fmt.Sprintf("%d-%d", iter, msgN), u, g, count, false, group))
			}
			msgN++
			msgs = append(msgs, gift(fmt.Sprintf("%d-%d", iter, msgN), u, g, final, rng.IntN(3) > 0, group))
			k := key{u.Key(), g.Name, group}
			streakMax[k] = max(streakMax[k], final)
		}
		// The streaks as the report must see them: (user, gift, group)
		// merged, each at its highest count.
		for k, n := range streakMax {
			var g tikcraft.Gift
			var u tikcraft.User
			for _, x := range gifts {
				if x.Name == k.gift {
					g = x
				}
			}
			for _, x := range users {
				if x.Key() == k.user {
					u = x
				}
			}
			t := byGift[g.Name]
			byGift[g.Name] = total{t.gifts + n, t.diamonds + n*g.Diamonds}
			t = byUser[u.Name()]
			byUser[u.Name()] = total{t.gifts + n, t.diamonds + n*g.Diamonds}
		}
		// Re-send some messages, then shuffle everything.
		for range rng.IntN(len(msgs) + 1) {
			d := *msgs[rng.IntN(len(msgs))]
			msgs = append(msgs, &d)
		}
		rng.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
		for _, m := range msgs {
			s.LogEvent(ctx, m)
		}

		rep, err := s.Report(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		var wantGifts, wantDiamonds int64
		for _, t := range byGift {
			wantGifts += t.gifts
			wantDiamonds += t.diamonds
		}
		if rep.Gifts != wantGifts || rep.Diamonds != wantDiamonds {
			t.Fatalf("iteration %d: %d gifts, %d diamonds; want %d, %d", iter, rep.Gifts, rep.Diamonds, wantGifts, wantDiamonds)
		}
		gotGift := map[string]total{}
		for _, g := range rep.TopGifts {
			gotGift[g.Gift] = total{g.Gifts, g.Diamonds}
		}
		gotUser := map[string]total{}
		for _, u := range rep.TopGifters {
			gotUser[u.User] = total{u.Gifts, u.Diamonds}
		}
		if !reflect.DeepEqual(gotGift, byGift) || !reflect.DeepEqual(gotUser, byUser) {
			t.Fatalf("iteration %d:\nby gift %v, want %v\nby user %v, want %v", iter, gotGift, byGift, gotUser, byUser)
		}
		for i := 1; i < len(rep.TopGifts); i++ {
			if rep.TopGifts[i].Diamonds > rep.TopGifts[i-1].Diamonds {
				t.Fatalf("iteration %d: top gifts not sorted: %+v", iter, rep.TopGifts)
			}
		}
	}
}

func TestReportTopTenOnly(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	for i := range 15 {
		u := tikcraft.User{ID: fmt.Sprint(i), UniqueID: fmt.Sprintf("user%02d", i)}
		g := tikcraft.Gift{ID: int64(100 + i), Name: fmt.Sprintf("gift%02d", i), Diamonds: int64(i + 1)}
		s.LogEvent(ctx, gift(fmt.Sprint(i), u, g, 1, true, ""))
	}
	rep, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TopGifts) != 10 || len(rep.TopGifters) != 10 || rep.TopGifts[0].Gift != "gift14" || rep.TopGifters[9].User != "user05" {
		t.Errorf("top lists: %+v %+v", rep.TopGifts, rep.TopGifters)
	}
	if rep.Gifts != 15 {
		t.Errorf("Gifts = %d, want all 15", rep.Gifts)
	}
}

func TestWriteText(t *testing.T) {
	since := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	rep := &Report{
		Since:      since,
		Until:      since.Add(2 * time.Hour),
		Events:     []TypeCount{{Type: "gift", Messages: 1234, Amount: 567}, {Type: "like", Messages: 40, Amount: 12000}, {Type: "follow", Messages: 1}},
		Gifts:      567,
		Diamonds:   1234567,
		TopGifts:   []GiftTotal{{Gift: "Lion", Gifts: 2, Diamonds: 59998}, {Gift: "Rose", Gifts: 565, Diamonds: 565}},
		TopGifters: []UserTotal{{User: "bob\n[ERROR] fake line\x1b[31m", Gifts: 4, Diamonds: 60000}, {User: "\u202eevil", Gifts: 1, Diamonds: 1}},
		Actions:    ActionCounts{Executed: 1200, Failed: 3, FailedAttempts: 7, Pending: 2, OldestPending: since.Add(time.Hour), Parked: 12},
		Slowest:    []SlowDelivery{{Command: "give anna_123 minecraft:diamond 1", Latency: 1204 * time.Millisecond, At: since.Add(time.Minute)}},
		Parked:     []ParkedAction{{Command: "give @a minecraft:diamond 64", Trigger: "lion", At: since.Add(90 * time.Minute)}, {Command: "say hi", Trigger: "rose", At: since.Add(91 * time.Minute)}},
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `tikcraft report: 2026-11-22 18:00:00 to 2026-11-22 20:00:00 (2h0m0s)

Events    messages
  gift       1,234  567 gifts
  like          40  12,000 likes
  follow         1

Gifts: 567 gifts worth 1,234,567 diamonds

Top gifts  gifts  diamonds
  Lion         2    59,998
  Rose       565       565

Top gifters                   gifts  diamonds
  bob?[ERROR] fake line?[31m      4    60,000
  ?evil                           1         1

Actions
  executed         1,200
  failed               3  given up after an error
  failed attempts      7  errors, retried ones included
  pending now          2  oldest queued 2026-11-22 19:00:00
  parked now          12  sent without an answer, kept

Parked (tikcraft drain --retry-failed sends them again)  trigger  command
  2026-11-22 19:30:00                                    lion     give @a minecraft:diamond 64
  2026-11-22 19:31:00                                    rose     say hi
  ... and 10 more

Slowest deliveries     latency  command
  2026-11-22 18:01:00   1.204s  give anna_123 minecraft:diamond 1
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}

	var empty strings.Builder
	(&Report{Until: since}).WriteText(&empty)
	for _, w := range []string{"everything in the log until 2026-11-22 18:00:00", "(no events)", "(no gifts)", "(no deliveries)", "pending now      0"} {
		if !strings.Contains(empty.String(), w) {
			t.Errorf("empty report lacks %q:\n%s", w, empty.String())
		}
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"anna_123", "anna_123"},
		{"  Carl 🎉 ", "Carl 🎉"},
		{"", "(unknown)"},
		{"a\tb\nc\r\x00d", "a?b?c??d"},
		{"\xff\xfeok", "?ok"},
		{"left\u202eright\u2066x\u2028y", "left?right?x?y"},
		{strings.Repeat("é", 40), strings.Repeat("é", 31) + "…"},
	} {
		if got := clean(tc.in, nameWidth); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// Whatever viewers call themselves or their commands contain, the report
// keeps its shape: the same lines, nothing but printable characters.
func FuzzWriteText(f *testing.F) {
	f.Add("anna_123", "Rose", "give anna_123 diamond")
	f.Add("bob\n[ERROR] x", "\x1b[2J", "say \u202egnp.exe")
	f.Add("\xff\xfe", "\t\t", "\u2028\u2029\x00")
	f.Add("", " ", "\U0001F600\u200d\U0001F600")
	f.Fuzz(func(t *testing.T, user, giftName, command string) {
		at := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
		rep := &Report{
			Until:      at,
			Events:     []TypeCount{{Type: tikcraft.EventType(giftName), Messages: 1}},
			TopGifts:   []GiftTotal{{Gift: giftName, Gifts: 1, Diamonds: 1}},
			TopGifters: []UserTotal{{User: user, Gifts: 1, Diamonds: 1}},
			Slowest:    []SlowDelivery{{Command: command, Latency: time.Second, At: at}},
			Actions:    ActionCounts{Parked: 1},
			Parked:     []ParkedAction{{Command: command, Trigger: giftName, At: at, Reason: user}},
		}
		var b strings.Builder
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 in %q", out)
		}
		lines := strings.Split(out, "\n")
		if len(lines) != 26 {
			t.Fatalf("%d lines, want 26:\n%s", len(lines), out)
		}
		for _, r := range out {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)) {
				t.Fatalf("unsafe character %U in %q", r, out)
			}
		}
	})
}

// Whatever a (possibly malformed) event says, logging it and making the
// report neither fails nor panics, and it is counted as the engine would.
func FuzzLogEventReport(f *testing.F) {
	f.Add("anna_123", "Rose", "7301", int64(3), int64(1), true, "g1")
	f.Add("", "", "", int64(0), int64(0), false, "")
	f.Add("x'); DROP TABLE events; --", "\x00", "\xff", int64(-5), int64(-1), true, "'")
	f.Add("big", "Universe", "1", int64(1<<62), int64(1<<62), true, "")
	f.Add("big", "Universe", "2", int64(-1<<63), int64(1<<62), false, "")
	ctx := context.Background()
	c := newClock()
	s := openT(f, f.TempDir(), options{now: c.now})
	f.Fuzz(func(t *testing.T, user, giftName, msgID string, count, diamonds int64, combo bool, group string) {
		c.add(time.Second)
		since := c.now()
		if msgID != "" {
			msgID = since.String() + msgID // unique across runs of this function
		}
		ev := gift(msgID, tikcraft.User{UniqueID: user}, tikcraft.Gift{Name: giftName, Combo: combo, Diamonds: diamonds}, count, true, group)
		s.LogEvent(ctx, ev)
		s.LogEvent(ctx, ev) // and once more, re-sent
		s.LogEvent(ctx, &tikcraft.LikeEvent{Meta: tikcraft.Meta{MsgID: msgID}, User: tikcraft.User{Nickname: user}, Count: count})
		rep, err := s.Report(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(1)
		if combo {
			n = min(ev.Count(), maxAmount)
		}
		price := min(max(diamonds, 0), maxAmount)
		wantGifts := n
		if msgID == "" && !combo { // nothing tells the re-sent copy apart
			wantGifts = 2
		}
		if rep.Gifts != wantGifts || rep.Diamonds != wantGifts*price {
			t.Fatalf("%d gifts worth %d; want %d worth %d", rep.Gifts, rep.Diamonds, wantGifts, wantGifts*price)
		}
		if err := rep.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

// Events fired from the dashboard's test panel are marked in the event log
// and counted apart: a test Lion is no gift and no diamonds.
func TestReportCountsTestEventsApart(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), options{})
	s.LogEvent(ctx, gift("real", anna, lion, 1, true, ""))
	test := gift("test1", bob, lion, 1, true, "")
	test.Test = true
	s.LogEvent(ctx, test)
	rep, err := s.Report(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Gifts != 1 || rep.TestEvents != 1 || len(rep.TopGifters) != 1 || rep.TopGifters[0].User != anna.Name() {
		t.Fatalf("gifts %d, test events %d, gifters %+v", rep.Gifts, rep.TestEvents, rep.TopGifters)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "(and 1 test event from the test panel or `tikcraft trigger`, not counted here)") {
		t.Fatalf("%v\n%s", err, b.String())
	}
}
