package overlay

import "time"

// Timer is the challenge timer: it counts down from the configured start;
// at zero it has ended (the caller fires timer_end and adds a win) and
// stays at zero until it is reset or given more time.
type Timer struct {
	start     time.Duration
	remaining time.Duration // at since
	since     time.Time
	running   bool
	ended     bool
}

// NewTimer returns a timer at its start, running from now.
func NewTimer(start time.Duration, now time.Time) *Timer {
	if start <= 0 {
		start = DefaultTimerStart
	}
	return &Timer{start: start, remaining: start, since: now, running: true}
}

// Left is the time left at now.
func (t *Timer) Left(now time.Time) time.Duration {
	if !t.running {
		return t.remaining
	}
	return max(t.remaining-now.Sub(t.since), 0)
}

// Running reports whether it counts down (not paused, not ended).
func (t *Timer) Running() bool { return t.running && !t.ended }

// Paused reports whether it was paused.
func (t *Timer) Paused() bool { return !t.running && !t.ended }

// Ended reports whether it reached zero.
func (t *Timer) Ended() bool { return t.ended }

// Start is the time it starts from.
func (t *Timer) Start() time.Duration { return t.start }

// set fixes the remaining time at now, keeping running as it is.
func (t *Timer) set(left time.Duration, now time.Time) {
	t.remaining, t.since = max(left, 0), now
}

// Add gives d more time (or takes it away when negative). Time added to an
// ended timer starts it again; taking it all away ends it at the next Tick.
func (t *Timer) Add(d time.Duration, now time.Time) {
	left := t.Left(now) + d
	if t.ended && left > 0 {
		t.ended, t.running = false, true
	}
	t.set(left, now)
}

// Reset starts it again from the start, running unless it was paused.
func (t *Timer) Reset(now time.Time) {
	if t.ended {
		t.ended, t.running = false, true
	}
	t.set(t.start, now)
}

// Pause stops the countdown.
func (t *Timer) Pause(now time.Time) {
	if t.running && !t.ended {
		t.set(t.Left(now), now)
		t.running = false
	}
}

// Resume continues the countdown.
func (t *Timer) Resume(now time.Time) {
	if !t.running && !t.ended {
		t.since, t.running = now, true
	}
}

// Tick reports whether the timer reached zero now (once per ending).
func (t *Timer) Tick(now time.Time) bool {
	if t.ended || !t.running || t.Left(now) > 0 {
		return false
	}
	t.set(0, now)
	t.ended, t.running = true, false
	return true
}

// timerState is a Timer as it is saved.
type timerState struct {
	LeftMS  int64 `json:"left_ms"`
	Running bool  `json:"running"`
	Ended   bool  `json:"ended"`
}

func (t *Timer) save(now time.Time) timerState {
	return timerState{LeftMS: t.Left(now).Milliseconds(), Running: t.running, Ended: t.ended}
}

// restore continues a saved timer from now: the time tikcraft was not
// running does not count.
func (t *Timer) restore(s timerState, now time.Time) {
	t.set(time.Duration(s.LeftMS)*time.Millisecond, now)
	t.running, t.ended = s.Running && !s.Ended, s.Ended
}
