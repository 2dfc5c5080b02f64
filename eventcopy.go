package tikcraft

// CloneEvent returns a copy of ev that can be changed without touching ev:
// events hold only values (strings, numbers, users), so a copy of the
// struct shares nothing that a change could reach. It returns nil for nil.
func CloneEvent(ev Event) Event {
	switch e := ev.(type) {
	case *GiftEvent:
		c := *e
		return &c
	case *FollowEvent:
		c := *e
		return &c
	case *ShareEvent:
		c := *e
		return &c
	case *JoinEvent:
		c := *e
		return &c
	case *SubscribeEvent:
		c := *e
		return &c
	case *LikeEvent:
		c := *e
		return &c
	case *ChatEvent:
		c := *e
		return &c
	case *ViewersEvent:
		c := *e
		return &c
	case *ConnectEvent:
		c := *e
		return &c
	case *DisconnectEvent:
		c := *e
		return &c
	case *StreamEndEvent:
		c := *e
		return &c
	}
	return ev
}

// MapText returns ev with f applied to every text that viewers or TikTok
// chose: the viewer's id, name and nickname, the gift's name, a chat
// message, a disconnect reason. ev itself is never changed: when f changes
// any of them, a copy is returned. The event log uses it to mask secrets.
func MapText(ev Event, f func(string) string) Event {
	changed := false
	eachText(ev, func(s *string) {
		if !changed && f(*s) != *s {
			changed = true
		}
	})
	if !changed {
		return ev
	}
	c := CloneEvent(ev)
	eachText(c, func(s *string) { *s = f(*s) })
	return c
}

func eachText(ev Event, do func(*string)) {
	user := func(u *User) { do(&u.ID); do(&u.UniqueID); do(&u.Nickname) }
	switch e := ev.(type) {
	case *GiftEvent:
		user(&e.User)
		do(&e.Gift.Name)
	case *FollowEvent:
		user(&e.User)
	case *ShareEvent:
		user(&e.User)
	case *JoinEvent:
		user(&e.User)
	case *SubscribeEvent:
		user(&e.User)
	case *LikeEvent:
		user(&e.User)
	case *ChatEvent:
		user(&e.User)
		do(&e.Text)
	case *DisconnectEvent:
		do(&e.Reason)
	}
}
