package tikcraft_test

import (
	"testing"

	"github.com/tikcraft/tikcraft"
)

// A message's key is its type and msg_id: the same id in two types is two
// messages, and an event without an id has no key (never a duplicate).
func TestMessageKey(t *testing.T) {
	for _, tt := range []struct {
		ev   tikcraft.Event
		want string
	}{
		{&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7312"}}, "gift:7312"},
		{&tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "7312"}}, "follow:7312"},
		{&tikcraft.LikeEvent{}, ""},
	} {
		if got := tikcraft.MessageKey(tt.ev); got != tt.want {
			t.Errorf("MessageKey(%T) = %q, want %q", tt.ev, got, tt.want)
		}
	}
}
