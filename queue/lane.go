package queue

import (
	"fmt"

	"github.com/tikcraft/tikcraft"
)

// Lane is one output's line in the queue. Each lane keeps its own order
// and is delivered on its own, so an output that is slow or down (a $http
// server that never answers, OBS not running) holds up only its own
// actions: never a paid gift's Minecraft commands.
//
// The numbers are stored with each action (package store): never change
// them, only add new ones.
type Lane uint8

// The lanes, one per output.
const (
	// LaneMinecraft: commands and plugin commands, over RCON (or through
	// the data pack). Actions of a kind this version does not know go here
	// too, as they always went to Minecraft.
	LaneMinecraft Lane = 0
	// LaneOverlays: alerts, sounds and overlay changes ($timer, $wins,
	// $deaths, $sound), shown by tikcraft's own overlay pages.
	LaneOverlays Lane = 1
	// LaneHTTP: $http requests.
	LaneHTTP Lane = 2
	// LaneOBS: $obs actions, over obs-websocket.
	LaneOBS Lane = 3
)

// NumLanes is how many lanes there are: LaneMinecraft to LaneOBS.
const NumLanes = 4

// AllLanes asks Stats and Due about every lane together. It is not a lane
// of its own: Next refuses it.
const AllLanes Lane = 255

// Lanes returns every lane, Minecraft's first.
func Lanes() []Lane { return []Lane{LaneMinecraft, LaneOverlays, LaneHTTP, LaneOBS} }

// LaneOf is the lane an action goes in: the output its kind is for.
func LaneOf(a tikcraft.Action) Lane {
	switch a.Kind {
	case tikcraft.KindAlert, tikcraft.KindOverlay:
		return LaneOverlays
	case tikcraft.KindHTTP:
		return LaneHTTP
	case tikcraft.KindOBS:
		return LaneOBS
	}
	return LaneMinecraft
}

// Valid reports whether l is one of the lanes (not AllLanes).
func (l Lane) Valid() bool { return l < NumLanes }

// String names the lane in logs ("minecraft", "overlays", "http", "obs").
func (l Lane) String() string {
	switch l {
	case LaneMinecraft:
		return "minecraft"
	case LaneOverlays:
		return "overlays"
	case LaneHTTP:
		return "http"
	case LaneOBS:
		return "obs"
	case AllLanes:
		return "all lanes"
	}
	return fmt.Sprintf("lane %d", uint8(l))
}

// Output names what a lane delivers to, for the streamer ("Minecraft",
// "the overlays", "$http requests", "OBS").
func (l Lane) Output() string {
	switch l {
	case LaneMinecraft:
		return "Minecraft"
	case LaneOverlays:
		return "the overlays"
	case LaneHTTP:
		return "$http requests"
	case LaneOBS:
		return "OBS"
	}
	return l.String()
}

// LaneError is Next's answer for a lane that is not one (AllLanes).
func LaneError(l Lane) error {
	return fmt.Errorf("no such queue lane: %s (Next takes one lane: LaneMinecraft, LaneOverlays, LaneHTTP or LaneOBS)", l)
}
