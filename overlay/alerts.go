package overlay

import "time"

// Alert is one alert on /overlay/alerts.
type Alert struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	Seconds  int    `json:"seconds"`
	Sound    string `json:"sound,omitempty"` // a file of the sounds folder, or ""
}

// Alerts decides which alert is on screen. In queue mode each alert shows
// for its whole time (fade in, seconds, fade out) before the next; the
// waiting line is capped and a flood drops the oldest waiting alert. In
// overwrite mode the newest alert replaces the one on screen at once.
type Alerts struct {
	cfg     AlertsConfig
	nextID  int64
	cur     *Alert
	until   time.Time // when cur is gone
	waiting []Alert
}

// NewAlerts returns an empty alert line.
func NewAlerts(cfg AlertsConfig) *Alerts {
	full := Config{Alerts: cfg}.fill()
	return &Alerts{cfg: full.Alerts}
}

func (a *Alerts) length(al Alert) time.Duration {
	return a.cfg.FadeIn + time.Duration(al.Seconds)*time.Second + a.cfg.FadeOut
}

// Push adds an alert at now. It returns the alert that was dropped to make
// room, if any, so that the caller can say so in the log.
func (a *Alerts) Push(al Alert, now time.Time) (dropped *Alert) {
	a.nextID++
	al.ID = a.nextID
	if al.Seconds <= 0 {
		al.Seconds = defaultAlertSeconds
	}
	a.Tick(now)
	if a.cfg.Mode == ModeOverwrite || a.cur == nil {
		a.show(al, now)
		return nil
	}
	a.waiting = append(a.waiting, al)
	if len(a.waiting) > a.cfg.MaxQueue {
		d := a.waiting[0]
		a.waiting = append(a.waiting[:0], a.waiting[1:]...)
		return &d
	}
	return nil
}

func (a *Alerts) show(al Alert, now time.Time) {
	a.cur = &al
	a.until = now.Add(a.length(al))
}

// Tick ends the alert on screen when its time is up and shows the next
// one. It reports whether what is shown changed.
func (a *Alerts) Tick(now time.Time) bool {
	if a.cur == nil || now.Before(a.until) {
		return false
	}
	start := a.until
	a.cur = nil
	for len(a.waiting) > 0 {
		next := a.waiting[0]
		a.waiting = a.waiting[1:]
		// The next alert starts when the last one ended; one whose whole
		// time passed already (no tick came for a while) is skipped.
		if end := start.Add(a.length(next)); end.After(now) {
			a.cur, a.until = &next, end
			break
		}
		start = start.Add(a.length(next))
	}
	return true
}

// Ends returns when the alert on screen ends, the next moment Tick has
// anything to do, or false when none is on screen.
func (a *Alerts) Ends() (time.Time, bool) { return a.until, a.cur != nil }

// Current returns the alert on screen at now, with how long it still
// shows, or false.
func (a *Alerts) Current(now time.Time) (Alert, time.Duration, bool) {
	if a.cur == nil || !now.Before(a.until) {
		return Alert{}, 0, false
	}
	return *a.cur, a.until.Sub(now), true
}

// Waiting is how many alerts wait for their turn.
func (a *Alerts) Waiting() int { return len(a.waiting) }
