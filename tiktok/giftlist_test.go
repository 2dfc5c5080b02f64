package tiktok_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/sim"
	"github.com/tikcraft/tikcraft/tiktok"
)

func TestGiftsAndLookupLiveAgainstTheSimulator(t *testing.T) {
	srv, err := sim.Start(sim.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := tiktok.New(tiktok.Config{User: "@" + srv.User(), SignServer: srv.URL(), WebBase: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := c.LookupLive(ctx); err != nil || st.Live {
		t.Fatalf("offline streamer: %+v %v", st, err)
	}
	srv.GoLive()
	if st, err := c.LookupLive(ctx); err != nil || !st.Live || st.RoomID == "" {
		t.Fatalf("live streamer: %+v %v", st, err)
	}
	gifts, err := c.Gifts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(gifts) != len(sim.Gifts()) {
		t.Fatalf("got %d gifts, want %d", len(gifts), len(sim.Gifts()))
	}
	byName := map[string]tiktok.GiftInfo{}
	for _, g := range gifts {
		byName[g.Name] = g
	}
	if g := byName["Galaxy"]; g.ID != 11046 || g.Diamonds != 1000 || g.Combo {
		t.Errorf("Galaxy: %+v", g)
	}
	if g := byName["Rose"]; g.ID != 5655 || g.Diamonds != 1 || !g.Combo {
		t.Errorf("Rose: %+v", g)
	}
	if srv.Snapshot().Lookups["gift_list"] != 1 {
		t.Error("the gift list was not asked for exactly once")
	}

	nobody, _ := tiktok.New(tiktok.Config{User: "@nobody_here", SignServer: srv.URL(), WebBase: srv.URL()})
	if _, err := nobody.Gifts(ctx); !errors.Is(err, tiktok.ErrUserNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}

// TestGiftListSizeLimit: a real gift list runs to several MiB with every
// image URL, more than a web page may be; the list's own limit applies to
// it, and a larger answer is refused rather than read.
func TestGiftListSizeLimit(t *testing.T) {
	answer := func(pad int) []byte {
		return []byte(`{"data":{"gifts":[{"id":5655,"name":"Rose","diamond_count":1,"type":1,"image":"` + strings.Repeat("x", pad) + `"}]}}`)
	}
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webcast/gift/list/" {
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	c, err := tiktok.New(tiktok.Config{User: "@anna", SignServer: srv.URL, WebBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	body = answer(20 << 20) // bigger than a page may be
	if gifts, err := c.Gifts(context.Background()); err != nil || len(gifts) != 1 || gifts[0].ID != 5655 {
		t.Fatalf("a 20 MiB gift list: %v, %v", gifts, err)
	}
	body = answer(40 << 20)
	if _, err := c.Gifts(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a 40 MiB gift list: %v", err)
	}
}
