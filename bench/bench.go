// Package bench is the harness behind `tikcraft bench`. tikcraft runs the
// pipeline `run` assembles (package app) and reads its events with the
// real TikTok client (Source); everything else runs in a peer process
// (RunPeer, `tikcraft bench-peer`), so that tikcraft's own CPU time is
// read apart from it: the wire simulator sending a paced mix of events
// (Mix), a built-in Minecraft that notes when each command arrives (a
// rcon/rcontest server), and the browsers: overlay pages on /overlay/ws
// and a dashboard on /api/stream. Result holds the figures: throughput,
// latency from the frame read to the command received, tikcraft's CPU per
// event, memory, allocations and the browsers' traffic.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/tiktok"
)

var _ source.Source = (*Source)(nil)

// Password is the built-in server's RCON password: loopback only.
const Password = "tikcraft-bench"

// Rule is the actions file of the join mix: one command per join, naming
// the viewer, so that the server can tell which event each command is for.
const Rule = "join:/say b{user}\n"

// Result is what a bench measured.
type Result struct {
	Events, Commands          int
	Elapsed                   time.Duration // first event sent to last command received
	P50, P99, Max             time.Duration
	PeakRSS                   int64 // tikcraft's, bytes; 0 where the system does not say
	AllocsPerEvent            float64
	SentRate, ReceivedPerSec  float64
	LeftPending, Resent, Lost int
	// FromSent: the frames could not be matched to events, so latency is
	// measured from when each event was handed to the simulator.
	FromSent bool

	// CPU is tikcraft's own CPU time (user + system of its process, without
	// the peer's simulator, Minecraft and browsers) from the first event
	// sent until every command arrived; PeerCPU the peer's.
	CPU, PeerCPU time.Duration
	// LikeCommands arrived of WantLikeCommands (the like rule's).
	LikeCommands, WantLikeCommands int
	// Other counts commands the mix never fires.
	Other int
	// Actions the events fired (their overlay actions too), queued and
	// delivered.
	Actions, Delivered int64
	// OverlayActions the rules the overlays fire themselves (goal_ID_reached,
	// likegoal_reached, timer_end) queued, OverlayDelivered delivered, and
	// OverlayTriggers which: no event of the bench fired them, so they are
	// counted apart from Actions.
	OverlayActions, OverlayDelivered int64
	OverlayTriggers                  []string
	// Wins is the overlay pages' wins counter at the end (-1: no page),
	// WantWins the follows sent.
	Wins, WantWins     int64
	Overlay, Dashboard Traffic
	// Commits are the store's transactions in the measured time (durable
	// queue only).
	Commits int64
}

// CPUPerEvent is tikcraft's CPU time per event.
func (r Result) CPUPerEvent() time.Duration {
	return r.CPU / time.Duration(max(r.Events, 1))
}

// CoreShare is tikcraft's CPU as a share of one core while it ran.
func (r Result) CoreShare() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return r.CPU.Seconds() / r.Elapsed.Seconds()
}

// Complete reports whether everything sent was delivered exactly once:
// each event's command, the like rule's, and every action the events
// fired. The overlays' own rules fire apart from the events (their
// actions must not be pending, but are no event's).
func (r Result) Complete() bool {
	return r.Lost == 0 && r.Resent == 0 && r.LeftPending == 0 && r.LikeCommands == r.WantLikeCommands &&
		r.Delivered == r.Actions && (r.Wins < 0 || r.Wins == r.WantWins)
}

// Settings are what the printed result names.
type Settings struct {
	Rate        int
	Duration    time.Duration
	Queue       string
	AnswerDelay time.Duration
	Mix         Mix
	Overlays    int
	PerFrame    int
}

// Print writes the result for a person.
func (r Result) Print(w io.Writer, s Settings) {
	what := "join events"
	if s.Mix != MixJoin && s.Mix != "" {
		what = string(s.Mix) + " mix events"
	}
	fmt.Fprintf(w, "tikcraft bench: %d %s at %d/s for %s, %s queue, RCON answers after %s\n",
		r.Events, what, s.Rate, s.Duration, s.Queue, s.AnswerDelay)
	fmt.Fprintf(w, "  tikcraft    GOMAXPROCS %d\n", runtime.GOMAXPROCS(0))
	if s.PerFrame > 1 {
		fmt.Fprintf(w, "  frames      up to %d events per frame\n", s.PerFrame)
	}
	if s.Mix == MixFull || s.Overlays > 0 {
		fmt.Fprintf(w, "  browsers    dashboard on /api/stream: %d, overlay pages on /overlay/ws: %d\n", r.Dashboard.Clients, r.Overlay.Clients)
	}
	fmt.Fprintf(w, "  sent        %.0f events/s (the simulator's pace)\n", r.SentRate)
	fmt.Fprintf(w, "  delivered   %d commands, %.0f/s; %d still pending, %d received twice, %d missing\n",
		r.Commands, r.ReceivedPerSec, r.LeftPending, r.Resent, r.Lost)
	if r.WantLikeCommands > 0 || r.Actions > int64(r.Commands) {
		fmt.Fprintf(w, "              like rule %d of %d; actions %d queued, %d delivered (the events' overlay actions included)\n",
			r.LikeCommands, r.WantLikeCommands, r.Actions, r.Delivered)
	}
	if r.OverlayActions > 0 {
		fmt.Fprintf(w, "              overlay rules %d actions of their own (%s), %d delivered; fired by the overlays, not by an event\n",
			r.OverlayActions, strings.Join(r.OverlayTriggers, ", "), r.OverlayDelivered)
	}
	if r.Wins > 0 || r.Wins == 0 && r.WantWins > 0 { // not "0 of 0" for a mix without follows
		fmt.Fprintf(w, "              overlay wins counter %d of %d follows\n", r.Wins, r.WantWins)
	}
	if r.Complete() {
		fmt.Fprintf(w, "              everything delivered exactly once\n")
	} else {
		fmt.Fprintf(w, "              NOT everything was delivered exactly once (see above)\n")
	}
	from := "frame read by the client"
	if r.FromSent {
		from = "event handed to the simulator"
	}
	fmt.Fprintf(w, "  latency     p50 %s  p99 %s  max %s  (%s → command received by the RCON server)\n",
		roundLatency(r.P50), roundLatency(r.P99), roundLatency(r.Max), from)
	if r.CPU > 0 {
		fmt.Fprintf(w, "  cpu         tikcraft %.0f µs per event, %.1f%% of one core (%.2f s); simulator, server and browsers apart: %.2f s\n",
			float64(r.CPUPerEvent())/float64(time.Microsecond), 100*r.CoreShare(), r.CPU.Seconds(), r.PeerCPU.Seconds())
	}
	if r.Commits > 0 {
		fmt.Fprintf(w, "  store       %.2f commits per event\n", float64(r.Commits)/float64(max(r.Events, 1)))
	}
	if r.PeakRSS > 0 {
		fmt.Fprintf(w, "  memory      peak RSS %.1f MiB (tikcraft's process)\n", float64(r.PeakRSS)/(1<<20))
	}
	fmt.Fprintf(w, "  allocations %.0f per event (tikcraft's process)\n", r.AllocsPerEvent)
	if r.Overlay.Clients > 0 || r.Dashboard.Clients > 0 {
		fmt.Fprintf(w, "  traffic     overlay pages %d messages, %.1f MB; dashboard %d messages, %.1f MB; %d dropped\n",
			r.Overlay.Messages, float64(r.Overlay.Bytes)/1e6, r.Dashboard.Messages, float64(r.Dashboard.Bytes)/1e6, r.Overlay.Dropped+r.Dashboard.Dropped)
	}
}

func roundLatency(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// Source is tikcraft's TikTok client following the peer's simulator. It
// notes when it read each frame, and calls OnConnect once connected (the
// bench then starts the events).
type Source struct {
	Addrs     PeerAddrs
	Log       *slog.Logger
	OnConnect func()

	frames frameClock
}

// Run receives the events through the real client (source.Source).
func (b *Source) Run(ctx context.Context, emit func(tikcraft.Event)) error {
	var once sync.Once
	live := &source.Live{Config: tiktok.Config{
		User: "@" + b.Addrs.SimUser, SignServer: b.Addrs.SimURL, WebBase: b.Addrs.SimURL,
		RetryOffline: time.Second, Log: b.Log, Capture: &b.frames,
	}}
	return live.Run(ctx, func(ev tikcraft.Event) {
		if ev.Type() == tikcraft.TypeConnect && b.OnConnect != nil {
			once.Do(b.OnConnect)
		}
		emit(ev)
	})
}

// frameClock notes when the client read each frame (it is the client's
// capture writer), in Unix nanoseconds: the peer's clock is another
// process's.
type frameClock struct {
	mu sync.Mutex
	at []int64
}

func (f *frameClock) WriteFrame(frame []byte) error {
	now := time.Now().UnixNano()
	if pushFrameType(frame) != "msg" {
		return nil // heartbeat answers and the like carry no event
	}
	f.mu.Lock()
	f.at = append(f.at, now)
	f.mu.Unlock()
	return nil
}

func (f *frameClock) times() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

// pushFrameType reads a push frame's payload_type (field 7) without
// decoding the rest.
func pushFrameType(b []byte) string {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return ""
		}
		b = b[n:]
		if num == 7 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return ""
			}
			return string(v)
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return ""
		}
		b = b[n:]
	}
	return ""
}

// Compute makes the figures of what the client read (src) and what the
// peer saw. Frame n carried event n (the simulator sends one message per
// frame, in push order); if the counts disagree the latency is measured
// from when the event was handed to the simulator.
func Compute(s PeerSettings, src *Source, rep PeerReport) Result {
	frames, sent := src.frames.times(), rep.SentAt
	// Frames read before the first event was pushed (the LIVE's opening
	// messages) carry no bench event.
	for len(frames) > 0 && len(sent) > 0 && frames[0] < sent[0] {
		frames = frames[1:]
	}
	from := frames
	if len(frames) != len(sent) {
		from = sent
	}
	r := Result{Events: len(sent), Resent: rep.Twice, FromSent: len(frames) != len(sent), Other: rep.Other,
		LikeCommands: rep.LikeCommands, WantLikeCommands: s.Mix.LikeCommands(len(sent)),
		Wins: rep.Wins, WantWins: int64(s.Mix.Follows(len(sent))), Overlay: rep.Overlay, Dashboard: rep.Dashboard, PeerCPU: rep.CPU}
	var lat []time.Duration
	var last int64
	for n, at := range rep.Got {
		if at == 0 {
			if n < len(sent) && s.Mix.Expects(n) != "" {
				r.Lost++
			}
			continue
		}
		r.Commands++
		last = max(last, at)
		if n < len(from) {
			lat = append(lat, time.Duration(at-from[n]))
		}
	}
	if len(sent) > 0 {
		first := sent[0]
		if d := time.Duration(sent[len(sent)-1] - first); d > 0 {
			r.SentRate = float64(len(sent)-1) / d.Seconds()
		}
		if r.Commands > 0 && last > first {
			r.Elapsed = time.Duration(last - first)
			r.ReceivedPerSec = float64(r.Commands) / r.Elapsed.Seconds()
		}
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50 = lat[len(lat)/2]
		r.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		r.Max = lat[len(lat)-1]
	}
	return r
}

// PeakMem follows the process's memory: the kernel's peak RSS where it says
// (Linux), else the most the Go runtime held from the system.
type PeakMem struct {
	mu  sync.Mutex
	top int64
}

// Watch samples until ctx ends, where the kernel does not keep the peak
// (ReadMemStats stops the world: sampling it would cost the pipeline).
func (p *PeakMem) Watch(ctx context.Context) {
	if peakRSS() > 0 {
		return
	}
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		p.mu.Lock()
		p.top = max(p.top, int64(ms.Sys-ms.HeapReleased))
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Max is the peak.
func (p *PeakMem) Max() int64 {
	if rss := peakRSS(); rss > 0 {
		return rss
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.top
}

// peakRSS reads VmHWM from /proc/self/status (Linux); 0 elsewhere.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
