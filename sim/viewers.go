package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/tikcraft/tikcraft"
)

// Viewers returns n simulated viewers, the same for the same seed, for
// tests and demos that push events with Push or Play. About a third follow
// the streamer, one in eight is subscribed and one in twenty is a
// moderator (who always follows too), so the actions file's audience
// filters (followers, subscribers, moderators) have someone to match and
// someone to skip. The flags reach a client in the fields TikTok uses (see
// webcast.EncodeEvent and docs/EVENTS.md).
func Viewers(seed uint64, n int) []tikcraft.User {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]tikcraft.User, n)
	for i := range out {
		id := 6900000000000000000 + rng.Int64N(1e17)
		u := tikcraft.User{ID: fmt.Sprint(id), UniqueID: fmt.Sprintf("viewer%d", i), Nickname: fmt.Sprintf("Viewer %d", i)}
		u.Follower = rng.IntN(3) == 0
		u.Subscriber = rng.IntN(8) == 0
		if rng.IntN(20) == 0 {
			u.Moderator, u.Follower = true, true
		}
		u.FanClub = id%10 == 0 // no draw of rng: the other viewers stay as they were
		out[i] = u
	}
	return out
}
