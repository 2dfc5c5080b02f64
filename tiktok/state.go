package tiktok

import (
	"fmt"
	"time"
)

// Phase is where a Client is in following the LIVE.
type Phase string

// The phases, in the order a LIVE usually goes through them.
const (
	// PhaseWaiting: the account is not live (or TikTok says it does not
	// exist); the client checks again every RetryOffline.
	PhaseWaiting Phase = "waiting"
	// PhaseConnecting: finding out whether the account is live, then
	// (RoomID set) signing and opening the socket.
	PhaseConnecting Phase = "connecting"
	// PhaseConnected: events are flowing from room RoomID.
	PhaseConnected Phase = "connected"
	// PhaseReconnecting: something failed (Err); the client tries again
	// after Retry.
	PhaseReconnecting Phase = "reconnecting"
	// PhaseStopped: Run has returned; Err is why, nil when it was asked to.
	PhaseStopped Phase = "stopped"
)

// State is the connection state a Client reports to Config.OnState and
// through Client.State. Err is short and names the cause first, for
// example "cannot resolve www.tiktok.com — are you online?"; it never
// holds the API key.
type State struct {
	Phase  Phase
	User   string        // the account followed, without the @
	RoomID string        // the LIVE's room while connecting or connected
	Err    error         // the last problem; nil when all is well
	Retry  time.Duration // waiting and reconnecting: the wait before the next try
	Since  time.Time     // when this state began
	// Lost (reconnecting): the LIVE was connected and the connection
	// dropped, as opposed to a try that never got through.
	Lost bool
}

// String is the state as one line for a console or a dashboard, for
// example "connected to @anna's LIVE (room 7300000000000000001)".
func (s State) String() string {
	switch s.Phase {
	case PhaseWaiting:
		if s.Err != nil {
			return fmt.Sprintf("%v; checking again every %s", s.Err, friendlyDuration(s.Retry))
		}
		return fmt.Sprintf("@%s is not live; checking every %s", s.User, friendlyDuration(s.Retry))
	case PhaseConnecting:
		if s.RoomID != "" {
			return fmt.Sprintf("connecting to @%s's LIVE (room %s)", s.User, s.RoomID)
		}
		return fmt.Sprintf("connecting to @%s's LIVE", s.User)
	case PhaseConnected:
		return fmt.Sprintf("connected to @%s's LIVE (room %s)", s.User, s.RoomID)
	case PhaseReconnecting:
		if s.Lost {
			if s.Err != nil {
				return fmt.Sprintf("lost the connection to @%s's LIVE (%v); reconnecting in %s", s.User, s.Err, friendlyDuration(s.Retry))
			}
			return fmt.Sprintf("lost the connection to @%s's LIVE; reconnecting in %s", s.User, friendlyDuration(s.Retry))
		}
		if s.Err != nil {
			return fmt.Sprintf("%v; trying again in %s", s.Err, friendlyDuration(s.Retry))
		}
		return fmt.Sprintf("reconnecting to @%s's LIVE in %s", s.User, friendlyDuration(s.Retry))
	case PhaseStopped:
		if s.Err != nil {
			return fmt.Sprintf("stopped: %v", s.Err)
		}
		return "stopped"
	}
	return string(s.Phase)
}

// State returns the client's current connection state. Before Run it is
// PhaseStopped.
func (c *Client) State() State {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	return c.state
}

// setState records st and tells Config.OnState. It runs on Run's goroutine
// only, so OnState calls never overlap and arrive in order.
func (c *Client) setState(st State) {
	st.User = c.user
	st.Err = c.secrets.Error(st.Err)
	st.Since = time.Now()
	c.stateMu.Lock()
	c.state = st
	c.stateMu.Unlock()
	if c.cfg.OnState != nil {
		c.cfg.OnState(st)
	}
}
