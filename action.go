package tikcraft

import (
	"fmt"
	"time"
)

// ActionKind says which sink an action is for.
type ActionKind string

const (
	// KindCommand is a Minecraft or server-plugin command sent over RCON,
	// without its "/" or "!" prefix.
	KindCommand ActionKind = "command"
	// KindAlert is an on-screen alert (">>Title|Subtitle|Seconds").
	KindAlert ActionKind = "alert"
	// KindHTTP is an outgoing web request ("$http POST URL {json}"). Command
	// holds "METHOD URL" and, after one more space, the body if there is
	// one; the URL never contains a space (placeholders are escaped).
	KindHTTP ActionKind = "http"
	// KindOverlay changes an OBS overlay ("$timer +60s", "$wins +1"); its
	// Command is the change without the "$" (actions.ParseOverlay reads
	// it). It never goes to Minecraft.
	KindOverlay ActionKind = "overlay"
	// KindOBS controls OBS Studio over obs-websocket ("$obs scene Game");
	// its Command is the request without "$obs " in the canonical form
	// actions.ParseOBS reads back, names quoted. It never goes to
	// Minecraft.
	KindOBS ActionKind = "obs"
)

// Action is one unit of delivery: a single command or alert, already expanded
// and sanitized. The engine emits actions in order; the queue delivers them to
// the sink in that same order, except that an action with a Delay is not
// delivered before its time and does not hold up the actions behind it.
type Action struct {
	Kind ActionKind
	// Command is, for KindCommand, the command text without prefix; for
	// KindOverlay, the overlay change ("timer +60s"); for KindAlert, the
	// alert's sound file or "" (see Sound).
	Command string
	Alert   Alert // KindAlert
	// Plugin marks a server-plugin command ("!" in the actions file). It
	// only changes how the command is shown: both kinds go over RCON.
	Plugin  bool
	Trigger string // the actions-file rule that produced it
	User    string // the {user} it was expanded for, for logs
	Source  string // what caused it, e.g. "gift Rose x5 (msg 7301)"
	// Delay, when positive, is how long after it was queued the action may
	// be delivered at the earliest ($wait, "xN over 10s", a paid gift held
	// by a cooldown). The queue keeps the due time, so a crash during the
	// wait loses nothing.
	Delay time.Duration
}

// Alert is an on-screen notification.
type Alert struct {
	Title    string
	Subtitle string
	Seconds  int
}

func (a Action) String() string {
	switch a.Kind {
	case KindAlert:
		if a.Command != "" {
			return fmt.Sprintf(">>%s|%s|%d|%s", a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds, a.Command)
		}
		return fmt.Sprintf(">>%s|%s|%d", a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds)
	case KindOverlay:
		return "$" + a.Command
	case KindOBS:
		return "$obs " + a.Command
	default:
		return a.Command
	}
}

// Sound is an alert's sound file (">>Title|Subtitle|5|sound.mp3"), or "".
// It is kept in Command so that the durable queue stores it.
func (a Action) Sound() string {
	if a.Kind == KindAlert {
		return a.Command
	}
	return ""
}
