package overlay

import "time"

// Sound is one $sound for /overlay/alerts to play.
type Sound struct {
	ID      int64  `json:"id"`
	File    string `json:"file"`   // a file of the sounds folder
	Volume  int    `json:"volume"` // percent
	Overlap bool   `json:"overlap,omitempty"`
	// AgeMS is how long ago it was delivered, when the state was taken.
	AgeMS int64 `json:"age_ms"`

	at time.Time
}

// Sounds are the $sound actions of the last moments. The alerts page
// plays each new one once, in order, one after the other unless a sound
// may overlap; a page that was closed when a sound came never plays it
// late (docs/OVERLAYS.md).
type Sounds struct {
	nextID int64
	recent []Sound
}

// Sounds older than soundFresh leave the state: a page that comes back
// after a gap must not play them late.
const (
	soundFresh      = 30 * time.Second
	maxRecentSounds = 20
)

// NewSounds starts the ids at the time, so that they keep growing across
// restarts and a page that stayed open never mistakes a new sound for one
// it played.
func NewSounds(now time.Time) *Sounds { return &Sounds{nextID: now.UnixMilli()} }

// Push adds a sound delivered at now.
func (s *Sounds) Push(snd Sound, now time.Time) {
	s.nextID++
	snd.ID, snd.at = s.nextID, now
	s.recent = append(s.recent, snd)
	if len(s.recent) > maxRecentSounds {
		s.recent = append(s.recent[:0], s.recent[len(s.recent)-maxRecentSounds:]...)
	}
}

// View returns the fresh sounds, oldest first, with their age.
func (s *Sounds) View(now time.Time) []Sound {
	out := []Sound{}
	for _, snd := range s.recent {
		if age := now.Sub(snd.at); age < soundFresh {
			snd.AgeMS = age.Milliseconds()
			out = append(out, snd)
		}
	}
	return out
}
