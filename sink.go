package tikcraft

import (
	"context"
	"errors"
	"time"
)

// Sink delivers actions: the RCON client, the dry-run printer, the overlay.
//
// Deliver returns nil only once the action was carried out (for RCON: the
// server answered). A Sink may retry internally; an error it returns means
// the action was not delivered. Errors wrapping ErrPermanent say that
// retrying cannot help (for example a wrong RCON password).
type Sink interface {
	Deliver(ctx context.Context, a Action) error
}

// ErrPermanent marks delivery failures that retrying will not fix.
var ErrPermanent = errors.New("permanent failure")

// ErrRejected marks an action that can never be delivered as it is (for
// example a command longer than Minecraft accepts). The worker logs it as
// failed and moves on to the next action instead of retrying forever.
var ErrRejected = errors.New("action rejected")

// ErrUnconfirmed marks an action that was sent several times without the
// target ever confirming it (for RCON: Minecraft took the command and closed
// the connection, or never answered). It may have been carried out each
// time, so sending it again could repeat it once more. The worker parks it
// as failed, keeps it, and goes on with the next action; `tikcraft drain
// --retry-failed` tries parked actions again.
var ErrUnconfirmed = errors.New("sent but never confirmed")

// ErrNeverSent marks an unconfirmed action that surely did not arrive: no
// try could even reach the target (nothing listening, no such host). It
// comes with ErrUnconfirmed, so it is parked all the same; only the words
// for the streamer differ.
var ErrNeverSent = errors.New("never reached its target")

// Reply is what the target answered to a delivered action.
type Reply struct {
	// Text is the answer as the target gave it (Minecraft's reply to a
	// command); "" when it said nothing.
	Text string
	// Refused reports that the answer says the target could not carry the
	// action out, such as Minecraft's "Unknown command" or a syntax error.
	// The action still counts as delivered: sending it again would get the
	// same answer.
	Refused bool
	// Resends is how many times the action was sent again because the
	// connection broke or no answer came (at most rcon.MaxResends).
	Resends int
}

// Replier is a Sink that also returns the target's answer. The delivery
// worker uses it when a sink offers it, and reports the answer.
type Replier interface {
	Sink
	DeliverReply(ctx context.Context, a Action) (Reply, error)
}

// SinkState is what a sink says about its connection, for status lines and
// the dashboard.
type SinkState struct {
	// Connected: a connection is open and the target answered on it.
	Connected bool
	// Pacing: the last action waited for the configured rate limit
	// (rcon.max_commands_per_second) rather than for the target.
	Pacing bool
	// MaxPerSecond is that limit; 0 means none.
	MaxPerSecond float64
	// Problem says in plain words why the target cannot be reached or did
	// not answer, while it is so; "" otherwise.
	Problem string
	// Since is when the connection was last found broken; zero while it
	// works or before the first attempt.
	Since time.Time
	// Refused: the target turned tikcraft away (Minecraft refused the RCON
	// password); trying again cannot help until the streamer fixes it.
	Refused bool
	// Paused, when not "", says why delivery is held on purpose (the
	// dashboard's pause button, a death); nothing is wrong with the target.
	Paused string
}

// StateReporter is implemented by sinks that can say how they are doing.
type StateReporter interface {
	SinkState() SinkState
}

// DeliverReply delivers a through s and returns its answer when s is a
// Replier; a sink that only delivers answers nothing.
func DeliverReply(ctx context.Context, s Sink, a Action) (Reply, error) {
	if r, ok := s.(Replier); ok {
		return r.DeliverReply(ctx, a)
	}
	return Reply{}, s.Deliver(ctx, a)
}

// StateOf asks s how it is doing; ok is false when s cannot tell (the
// dry-run printer, test fakes).
func StateOf(s Sink) (st SinkState, ok bool) {
	if r, isReporter := s.(StateReporter); isReporter {
		return r.SinkState(), true
	}
	return SinkState{}, false
}
