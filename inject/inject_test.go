package inject

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// giftRules has a rule for a gift by its trigger spelling (heart_me), one
// by id (11046), one by name (rose), a coin range, the catch-all, a rule
// only $random runs, chat rules and the events.
const giftRules = `heart_me:/say heart {user} {count}
11046:/say galaxy {user}
rose:/say rose {user} {count}
coins 100-199:/say mid {coins}
gift:/say any {gift}
boom:/say boom {user}
surprise:$random
command tnt:/say tnt {user}
keyword creeper:/say ssss
comment:/say chat {message}
follow:/say thanks {user}
first_gift:/say first {user}
mine:/say mine {user}
`

func newInjector(t *testing.T, src string, gifts *tiktok.GiftList) (*Injector, *queue.Memory) {
	t.Helper()
	set, err := rules.FromText("actions.mca", src, 1)
	if err != nil {
		t.Fatal(err)
	}
	q := queue.NewMemory()
	in := &Injector{
		Rules:       set,
		Engine:      engine.Config{Likes: []engine.LikeRule{{ID: "likes_mine", Every: 50, Function: "mine"}}},
		ActionsName: "actions.mca",
		Gifts:       gifts,
		Queue:       q,
		Log:         slog.New(slog.DiscardHandler),
	}
	return in, q
}

// A test firing matches like the gift a viewer would send: a name or id is
// looked up in the gift list and the rule is chosen from the gift's name,
// id and diamonds, exactly as for a real gift.
func TestFireMatchesLikeARealGift(t *testing.T) {
	cases := []struct {
		trigger string
		count   int64
		rule    string
		gift    string // the gift fired, "" for none
		want    string
	}{
		{"Heart Me", 1, "heart_me", "Heart Me", "[say heart tester 1]"},
		{"heart me", 3, "heart_me", "Heart Me", "[say heart tester 3 say heart tester 3 say heart tester 3]"},
		{"heart_me", 1, "heart_me", "Heart Me", "[say heart tester 1]"},
		{"7934", 1, "heart_me", "Heart Me", "[say heart tester 1]"},
		{"Galaxy", 1, "11046", "Galaxy", "[say galaxy tester]"},
		{"11046", 2, "11046", "Galaxy", "[say galaxy tester say galaxy tester]"},
		{"5655", 2, "rose", "Rose", "[say rose tester 2 say rose tester 2]"},
		{"Rose", 1, "rose", "Rose", "[say rose tester 1]"},
		{"rose", 1, "rose", "Rose", "[say rose tester 1]"},
		// A gift no name or id rule takes: its coin range, else the catch-all.
		{"Confetti", 1, "coins 100-199", "Confetti", "[say mid 100]"},
		{"Lion", 1, "gift", "Lion", "[say any Lion]"},
		// Not gifts: as before.
		{"gift", 1, "gift", "", "[say any tikcraft test gift]"},
		{"coins 100-199", 1, "coins 100-199", "", "[say mid 100]"},
		{"boom", 1, "boom", "", "[say boom tester]"},
		{"command tnt", 1, "command tnt", "", "[say tnt tester say chat !tnt]"}, // a real "!tnt" is a comment too
		{"keyword creeper", 1, "keyword creeper", "", "[say ssss say chat creeper]"},
		{"follow", 1, "follow", "", "[say thanks tester]"},
		{"first_gift", 1, "first_gift", "", "[say first tester]"},
		{"likes_mine", 1, "likes_mine", "", "[say mine tester]"},
		{"mine", 1, "likes_mine", "", "[say mine tester]"},
		{"comment", 1, "comment", "", "[say chat a test message from the dashboard]"},
	}
	for _, c := range cases {
		t.Run(c.trigger, func(t *testing.T) {
			in, _ := newInjector(t, giftRules, tiktok.BuiltinGifts())
			res, err := in.Fire(context.Background(), web.Fire{Trigger: c.trigger, User: "tester", Count: c.count})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(res.Actions) != c.want || res.Trigger != c.rule {
				t.Errorf("fired rule %q: %v; want rule %q: %s", res.Trigger, res.Actions, c.rule, c.want)
			}
			switch {
			case c.gift == "" && res.Gift != nil:
				t.Errorf("fired as gift %+v", *res.Gift)
			case c.gift != "" && (res.Gift == nil || res.Gift.Name != c.gift || res.Gift.ID == 0):
				t.Errorf("fired as gift %+v, want %s with its id", res.Gift, c.gift)
			}
		})
	}
}

// The events of a gift test carry the gift's name, id and diamonds, as a
// real one would (the dashboard's feed and the event log show them).
func TestFireGiftEventIsTheRealGift(t *testing.T) {
	in, _ := newInjector(t, giftRules, tiktok.BuiltinGifts())
	var got []*tikcraft.GiftEvent
	in.OnEvent = func(ev tikcraft.Event) {
		if g, ok := ev.(*tikcraft.GiftEvent); ok {
			got = append(got, g)
		}
	}
	if _, err := in.Fire(context.Background(), web.Fire{Trigger: "Galaxy", User: "tester", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Gift.ID != 11046 || got[0].Gift.Name != "Galaxy" || got[0].Gift.Diamonds != 1000 || !got[0].Meta.Test {
		t.Fatalf("events %+v", got)
	}
}

// An unknown name is an error naming close gifts; it never falls through
// to the catch-all, so a typo does not look like a working rule.
func TestFireUnknownGiftIsAnError(t *testing.T) {
	cases := []struct {
		trigger string
		want    []string
	}{
		{"nosuch", []string{`"nosuch"`, "tikcraft gifts"}},
		{"Galaxi", []string{`"Galaxy"`}},
		{"folow", []string{`"follow"`}},
		{"99999999", []string{"99999999"}},
	}
	for _, c := range cases {
		in, q := newInjector(t, giftRules, tiktok.BuiltinGifts())
		_, err := in.Fire(context.Background(), web.Fire{Trigger: c.trigger, User: "tester", Count: 1})
		if !errors.Is(err, web.ErrNotFound) {
			t.Fatalf("%s: %v, want a not-found error", c.trigger, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not name %s", c.trigger, err, w)
			}
		}
		if n, _, _ := q.Stats(context.Background(), queue.AllLanes); n != 0 {
			t.Errorf("%s: %d actions queued", c.trigger, n)
		}
	}
}

// A known gift that no rule takes says so: a real one would do nothing.
func TestFireGiftWithoutRule(t *testing.T) {
	in, _ := newInjector(t, "rose:/say rose\n", tiktok.BuiltinGifts())
	_, err := in.Fire(context.Background(), web.Fire{Trigger: "Galaxy", User: "tester", Count: 1})
	if !errors.Is(err, web.ErrNotFound) || !strings.Contains(err.Error(), "Galaxy") || !strings.Contains(err.Error(), "11046") {
		t.Fatalf("%v", err)
	}
}

// The list the assembly gives wins: a gift only the kept list knows
// resolves, and without a list the built-in one is used.
func TestFireUsesTheGivenGiftList(t *testing.T) {
	kept := tiktok.NewGiftList([]tiktok.GiftInfo{{ID: 999001, Name: "Crown Test", Diamonds: 5, Combo: true}}, tiktok.GiftsCached, time.Now(), "@anna").WithFallback(tiktok.BuiltinGifts())
	in, _ := newInjector(t, "999001:/say crown {count}\nrose:/say rose\n", kept)
	res, err := in.Fire(context.Background(), web.Fire{Trigger: "crown test", User: "tester", Count: 1})
	if err != nil || fmt.Sprint(res.Actions) != "[say crown 1]" {
		t.Fatalf("%v %v", res.Actions, err)
	}
	in, _ = newInjector(t, "rose:/say rose\n", nil)
	if res, err := in.Fire(context.Background(), web.Fire{Trigger: "5655", User: "tester", Count: 1}); err != nil || fmt.Sprint(res.Actions) != "[say rose]" {
		t.Fatalf("without a list: %v %v", res.Actions, err)
	}
}

// A rule by an id the gift list does not know yet (a gift newer than the
// list) still fires by that id, as a real gift of that id would.
func TestFireIdNewerThanTheList(t *testing.T) {
	in, _ := newInjector(t, "99999001:/say new {gift}\ngift:/say any\n", tiktok.BuiltinGifts())
	res, err := in.Fire(context.Background(), web.Fire{Trigger: "99999001", User: "tester", Count: 1})
	if err != nil || res.Trigger != "99999001" || fmt.Sprint(res.Actions) != "[say new 99999001]" || res.Gift != nil {
		t.Fatalf("%+v %v", res, err)
	}
}
