package bench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft"
)

// Mix is the kind of load a bench sends.
type Mix string

// The mixes.
const (
	// MixJoin: one join per event, each firing `/say b<n>`; no dashboard.
	MixJoin Mix = "join"
	// MixFull: the load of issue 25. Half the events are follows firing
	// `/say f {user}` and `$wins +1`, the rest in turn roses with an alert,
	// `!hi` chat commands (`/say hi {user}`) and likes (a like rule every
	// 100); every event from a new viewer; the overlay feed shows all four
	// kinds; the dashboard is served.
	MixFull Mix = "full"
	// MixPlain: the events of MixFull with a plain `/say` rule each and
	// the dashboard off (what target 1 compares MixFull with).
	MixPlain Mix = "plain"
)

// Mixes are the names --mix takes.
var Mixes = []Mix{MixJoin, MixFull, MixPlain}

// ParseMix reads --mix.
func ParseMix(s string) (Mix, error) {
	for _, m := range Mixes {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("--mix %q: use join, full or plain", s)
}

// likesPerEvent is what each like event of MixFull and MixPlain counts.
const likesPerEvent = 15

// Actions is the actions file the mix runs.
func (m Mix) Actions() string {
	switch m {
	case MixFull:
		return "follow:/say f {user}; $wins +1\nrose:>>{nickname}|sent a Rose|3\ncommand hi:/say hi {user}\nlikes:/say likes {user}\n"
	case MixPlain:
		return "follow:/say f {user}\nrose:/say r {user}\ncommand hi:/say hi {user}\nlikes:/say likes {user}\n"
	}
	return Rule
}

// Config is what the mix adds to tikcraft.yaml (the bench sets data_dir,
// web and rcon itself).
func (m Mix) Config() string {
	if m == MixJoin {
		return ""
	}
	s := "likes:\n  triggers:\n    - {id: l, every: 100, function: likes, enable: true}\n"
	if m == MixFull {
		// The challenge timer (10 minutes, running from the start) counts
		// a win of its own when it ends: off, so that the wins the pages
		// show are the follows' $wins +1, exactly, however long the run.
		s += "overlays:\n  feed: {size: 6, kinds: [follow, gift, chat, like]}\n  timer: {win_on_end: false}\n"
	}
	return s
}

// Dashboard reports whether the mix serves the dashboard.
func (m Mix) Dashboard() bool { return m == MixFull }

// Event is the mix's event number n (from 0): every one from a new viewer.
func (m Mix) Event(n int) tikcraft.Event {
	if m == MixJoin {
		return &tikcraft.JoinEvent{User: tikcraft.User{ID: strconv.Itoa(n + 1), UniqueID: strconv.Itoa(n)}}
	}
	u := tikcraft.User{ID: strconv.Itoa(100000 + n), UniqueID: "v" + strconv.Itoa(n), Nickname: "Viewer " + strconv.Itoa(n)}
	switch n % 6 {
	case 0, 1, 2:
		return &tikcraft.FollowEvent{User: u}
	case 3:
		return &tikcraft.GiftEvent{User: u, Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1, RepeatEnd: true, GroupID: strconv.Itoa(n)}
	case 4:
		return &tikcraft.ChatEvent{User: u, Text: "!hi"}
	}
	likes := int64(n/6+1) * likesPerEvent
	return &tikcraft.LikeEvent{User: u, Count: likesPerEvent, Total: likes}
}

// Expects is the tag of the command event n fires by itself ("say TAG
// v<n>", or "say b<n>" for joins), or "" when it fires none (a rose's
// alert, a like).
func (m Mix) Expects(n int) string {
	if m == MixJoin {
		return "b"
	}
	switch n % 6 {
	case 0, 1, 2:
		return "f"
	case 3:
		if m == MixPlain {
			return "r"
		}
	case 4:
		return "hi"
	}
	return ""
}

// LikeCommands is how many times the like rule fires over total events.
func (m Mix) LikeCommands(total int) int {
	if m == MixJoin {
		return 0
	}
	likeEvents := total / 6 // events 5, 11, 17, ...
	return likeEvents * likesPerEvent / 100
}

// Follows is how many follows total events hold (the wins overlay's count
// in MixFull).
func (m Mix) Follows(total int) int {
	if m == MixJoin {
		return 0
	}
	return total/6*3 + min(total%6, 3)
}

// command reads a command the mix fires: its event number, or like for
// the like rule's; ok is false for anything else.
func (m Mix) command(cmd string) (n int, like, ok bool) {
	rest, found := strings.CutPrefix(cmd, "say ")
	if !found {
		return 0, false, false
	}
	if m == MixJoin {
		num, found := strings.CutPrefix(rest, "b")
		n, err := strconv.Atoi(num)
		return n, false, found && err == nil && n >= 0
	}
	tag, user, found := strings.Cut(rest, " ")
	num, isViewer := strings.CutPrefix(user, "v")
	n, err := strconv.Atoi(num)
	if !found || !isViewer || err != nil || n < 0 {
		return 0, false, false
	}
	if tag == "likes" {
		return n, true, true
	}
	return n, false, tag == m.Expects(n)
}
