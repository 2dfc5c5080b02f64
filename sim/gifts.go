package sim

import "net/http"

// Gift is one entry of the simulated gift list.
type Gift struct {
	ID       int64
	Name     string
	Diamonds int64
	Combo    bool // TikTok's gift type 1: can be sent as a streak
}

// Gifts is the list the simulator's webcast/gift/list/ answers with: a few
// real gifts with their real ids and prices, so that examples and tests
// use true numbers (Galaxy is 11046, Heart Me is 7934).
func Gifts() []Gift {
	return []Gift{
		{5655, "Rose", 1, true},
		{5269, "TikTok", 1, true},
		{6064, "GG", 1, true},
		{5827, "Ice Cream Cone", 1, true},
		{7934, "Heart Me", 1, true},
		{5487, "Finger Heart", 5, true},
		{5658, "Perfume", 20, true},
		{5879, "Doughnut", 30, true},
		{5660, "Hand Hearts", 100, false},
		{5585, "Confetti", 100, false},
		{6267, "Corgi", 299, false},
		{7168, "Money Gun", 500, false},
		{11046, "Galaxy", 1000, false},
		{6369, "Lion", 29999, false},
	}
}

// handleGiftList answers GET /webcast/gift/list/ as webcast.tiktok.com
// does: {"status_code":0,"data":{"gifts":[{"id","name","diamond_count","type"}]}}.
func (s *Server) handleGiftList(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.snap.Lookups["gift_list"]++
	s.changedLocked()
	s.mu.Unlock()
	gifts := make([]map[string]any, 0, len(Gifts()))
	for _, g := range Gifts() {
		typ := 2
		if g.Combo {
			typ = 1
		}
		gifts = append(gifts, map[string]any{
			"id": g.ID, "name": g.Name, "diamond_count": g.Diamonds, "type": typ,
			"image": map[string]any{"url_list": []string{"https://p16-webcast.tiktokcdn.com/img/sim/" + g.Name + ".png"}},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"status_code": 0, "data": map[string]any{"gifts": gifts}, "extra": map[string]any{"now": 0}})
}
