package tikcraft

import (
	"fmt"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/redact"
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
	// alert's sound file or "", after "@name " for a named alerts overlay
	// (see AlertCommand).
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
		name := ""
		if n := a.AlertName(); n != "" {
			name = "@" + n
		}
		if s := a.Sound(); s != "" {
			return fmt.Sprintf("%s>>%s|%s|%d|%s", name, a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds, s)
		}
		return fmt.Sprintf("%s>>%s|%s|%d", name, a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds)
	case KindOverlay:
		return "$" + a.Command
	case KindOBS:
		return "$obs " + a.Command
	case KindHTTP:
		method, url, body := HTTPRequest(a.Command)
		return HTTPText(method, url, body)
	default:
		return a.Command
	}
}

// HTTPRequest splits a KindHTTP action's Command into its parts.
func HTTPRequest(command string) (method, url, body string) {
	method, rest, _ := strings.Cut(command, " ")
	url, body, _ = strings.Cut(rest, " ")
	return method, url, body
}

// HTTPText is how a $http request is shown, in the actions file's words:
// "$http POST http://host/path?key=[redacted] {json}". Every log line,
// console line, dashboard view and report shows a $http action or rule
// through it, so that an API key in the address (a password before the
// host, a query value) is never shown: redact.URL masks them.
func HTTPText(method, url, body string) string {
	s := "$http " + method + " " + redact.URL(url)
	if body != "" {
		s += " " + body
	}
	return s
}

// AlertCommand is the Command of a KindAlert action for the alerts
// overlay name ("" is the default one, @name>> in the actions file) and
// the sound file (or ""): "horn.mp3", "@party" or "@party horn.mp3". Both
// are kept in Command so that the durable queue stores them; a sound name
// never starts with "@" or holds a space after a name.
func AlertCommand(name, sound string) string {
	switch {
	case name == "":
		return sound
	case sound == "":
		return "@" + name
	}
	return "@" + name + " " + sound
}

// Sound is an alert's sound file (">>Title|Subtitle|5|sound.mp3"), or "".
func (a Action) Sound() string {
	if a.Kind != KindAlert {
		return ""
	}
	if named, ok := strings.CutPrefix(a.Command, "@"); ok {
		_, sound, _ := strings.Cut(named, " ")
		return sound
	}
	return a.Command
}

// AlertName is the alerts overlay an alert is for (@name>>), or "" for the
// default one.
func (a Action) AlertName() string {
	if a.Kind != KindAlert {
		return ""
	}
	if named, ok := strings.CutPrefix(a.Command, "@"); ok {
		name, _, _ := strings.Cut(named, " ")
		return name
	}
	return ""
}
