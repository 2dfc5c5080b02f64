package tikcraft

import (
	"context"
	"errors"
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
