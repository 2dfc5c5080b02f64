package deaths

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/clip"
)

// maxJump is the most deaths one player can plausibly have between polls.
const maxJump = 100

// Objective is the scoreboard objective tikcraft creates on the server. Its
// criterion deathCount makes Minecraft add 1 to a player's score at every
// death. 15 characters: older servers allow at most 16.
const Objective = "tikcraft_deaths"

// Execer runs one RCON command and returns Minecraft's answer (rcon.Client).
type Execer interface {
	Exec(ctx context.Context, cmd string) (string, error)
}

// Scoreboard finds deaths on a vanilla server, without plugins: it creates
// the objective, then every Every polls the online players' scores (a
// rising score is a death) and whether every online player is alive (@e
// never selects a dead player, @a does), which is the respawn.
//
// The commands are namespaced (minecraft:list) so that Paper and Spigot run
// the vanilla ones, whose answers have a known form.
type Scoreboard struct {
	RCON    Execer
	Tracker *Tracker
	Every   time.Duration // default 1s
	Log     *slog.Logger

	created bool
	seen    map[string]int64 // player → last score
	warned  string           // last problem logged, to log each once
}

// Run polls until ctx ends.
func (s *Scoreboard) Run(ctx context.Context) error {
	if s.Every <= 0 {
		s.Every = time.Second
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.seen = map[string]int64{}
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, max(5*time.Second, 2*s.Every))
		err := s.Poll(pctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.created = false // the server may have restarted with another world
			if msg := err.Error(); msg != s.warned {
				s.warned = msg
				s.Log.Warn("cannot read deaths from the Minecraft scoreboard; trying again", "error", err)
			}
		} else if s.warned != "" {
			s.warned = ""
			s.Log.Info("reading deaths from the Minecraft scoreboard again")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

var (
	listRE  = regexp.MustCompile(`(?s)There are (\d+) of a max(?:imum)? of \d+ players online:?(.*)`)
	scoreRE = regexp.MustCompile(`has (-?\d+) \[`)
	aliveRE = regexp.MustCompile(`count: (\d+)`)
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,32}$`) // Java names; "." and "-" for Bedrock bridges
)

// Poll reads the scores once and tells the tracker about deaths and the
// respawn. The first score seen for a player is the baseline: deaths from
// before tikcraft started do not count.
func (s *Scoreboard) Poll(ctx context.Context) error {
	if s.seen == nil {
		s.seen = map[string]int64{}
	}
	if !s.created {
		resp, err := s.RCON.Exec(ctx, "minecraft:scoreboard objectives add "+Objective+` deathCount "Deaths (tikcraft)"`)
		if err != nil {
			return err
		}
		if !strings.Contains(resp, "Created new objective") && !strings.Contains(resp, "already exists") {
			return fmt.Errorf("Minecraft did not create the scoreboard objective %s: it answered %q", Objective, clip.String(resp, 200))
		}
		s.created = true
	}
	resp, err := s.RCON.Exec(ctx, "minecraft:list")
	if err != nil {
		return err
	}
	m := listRE.FindStringSubmatch(resp)
	if m == nil {
		return fmt.Errorf("unexpected answer to list: %q", clip.String(resp, 200))
	}
	online, _ := strconv.Atoi(m[1])
	var names []string
	for _, n := range strings.Split(m[2], ",") {
		if n = strings.TrimSpace(n); nameRE.MatchString(n) {
			names = append(names, n)
		}
	}
	var died int64
	who := ""
	for _, n := range names {
		resp, err := s.RCON.Exec(ctx, "minecraft:scoreboard players get "+n+" "+Objective)
		if err != nil {
			return err
		}
		var score int64
		if m := scoreRE.FindStringSubmatch(resp); m != nil {
			score, _ = strconv.ParseInt(m[1], 10, 64)
		} else if strings.Contains(resp, "Unknown scoreboard objective") {
			s.created = false
			return errors.New("the scoreboard objective " + Objective + " was removed; creating it again")
		} // else "none is set": no death yet, 0
		last, known := s.seen[n]
		s.seen[n] = score
		// More than maxJump deaths between two polls is a score someone set
		// by hand: a new baseline, not deaths.
		if d := score - last; known && d > 0 && d <= maxJump {
			died += d
			who = n
		}
	}
	if died > 0 {
		s.Tracker.Died(who, died)
	}
	if s.Tracker.Dead() {
		resp, err := s.RCON.Exec(ctx, "minecraft:execute if entity @e[type=minecraft:player]")
		if err != nil {
			return err
		}
		alive := 0
		if m := aliveRE.FindStringSubmatch(resp); m != nil {
			alive, _ = strconv.Atoi(m[1])
		} else if !strings.Contains(resp, "Test failed") {
			return fmt.Errorf("unexpected answer to execute if entity: %q", clip.String(resp, 200))
		}
		if alive >= online {
			s.Tracker.Respawned(who)
		}
	}
	return nil
}
