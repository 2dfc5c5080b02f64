package web

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// FuzzReadFire: whatever a request body holds, reading it never panics,
// and what it accepts is within the limits.
func FuzzReadFire(f *testing.F) {
	for _, s := range []string{`{"trigger":"rose","user":"anna","count":3}`, `{"trigger":5655,"count":"2"}`, `{"trigger":null}`, `{"count":1e40}`, `[]`, `{"user":"\u2028"}`} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte("trigger=follow&user=bob&count=2"), false)
	f.Fuzz(func(t *testing.T, body []byte, asJSON bool) {
		r := httptest.NewRequest("POST", "/api/trigger", bytes.NewReader(body))
		if asJSON {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		x, err := readFire(r)
		if err != nil {
			return
		}
		if x.Trigger == "" || !cleanText(x.Trigger, maxTriggerLen) || !cleanText(x.User, maxUserLen) || x.Count < 1 || x.Count > MaxTestCount {
			t.Fatalf("accepted %+v", x)
		}
	})
}

func BenchmarkDashboardEvent(b *testing.B) {
	d := NewDashboard("run")
	sub := d.Subscribe()
	go func() {
		for range sub.C {
		}
	}()
	defer sub.Close()
	u := tikcraft.User{ID: "1", UniqueID: "anna"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.Event(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: fmt.Sprint(i)}, User: u, Gift: tikcraft.Gift{ID: 1, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: int64(i%50 + 1), GroupID: fmt.Sprint(i / 50)}, false)
	}
}
