package app

import (
	"context"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/redact"
)

// maskedRecorder keeps the secrets out of the event log: whatever a viewer
// typed or a server answered, the RCON password and the API key are masked
// before a row is written.
type maskedRecorder struct {
	rec pipeline.Recorder
	s   *redact.Secrets
}

func maskRecorder(rec pipeline.Recorder, s *redact.Secrets) pipeline.Recorder {
	if rec == nil || s == nil {
		return rec
	}
	return maskedRecorder{rec: rec, s: s}
}

func (m maskedRecorder) LogDelivery(ctx context.Context, d deliver.Delivery) {
	a := &d.Item.Action
	a.Command, a.Source, a.User, a.Trigger = m.s.String(a.Command), m.s.String(a.Source), m.s.String(a.User), m.s.String(a.Trigger)
	a.Alert.Title, a.Alert.Subtitle = m.s.String(a.Alert.Title), m.s.String(a.Alert.Subtitle)
	d.Err, d.Reply.Text = m.s.Error(d.Err), m.s.String(d.Reply.Text)
	m.rec.LogDelivery(ctx, d)
}

func (m maskedRecorder) LogEvent(ctx context.Context, ev tikcraft.Event) {
	m.rec.LogEvent(ctx, maskEvent(ev, m.s))
}

// maskEvent returns ev, or a copy of it with the secrets masked in the
// text viewers choose (names, chat) and in a disconnect reason.
func maskEvent(ev tikcraft.Event, s *redact.Secrets) tikcraft.Event {
	u := func(x tikcraft.User) tikcraft.User {
		x.ID, x.UniqueID, x.Nickname = s.String(x.ID), s.String(x.UniqueID), s.String(x.Nickname)
		return x
	}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		c := *e
		c.User, c.Gift.Name = u(c.User), s.String(c.Gift.Name)
		return &c
	case *tikcraft.FollowEvent:
		c := *e
		c.User = u(c.User)
		return &c
	case *tikcraft.ShareEvent:
		c := *e
		c.User = u(c.User)
		return &c
	case *tikcraft.LikeEvent:
		c := *e
		c.User = u(c.User)
		return &c
	case *tikcraft.JoinEvent:
		c := *e
		c.User = u(c.User)
		return &c
	case *tikcraft.SubscribeEvent:
		c := *e
		c.User = u(c.User)
		return &c
	case *tikcraft.ChatEvent:
		c := *e
		c.User, c.Text = u(c.User), s.String(c.Text)
		return &c
	case *tikcraft.DisconnectEvent:
		c := *e
		c.Reason = s.String(c.Reason)
		return &c
	}
	return ev
}
