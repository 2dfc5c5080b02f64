package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"sync"
	"time"
)

// The peer is what a bench runs against tikcraft, in a process of its own
// so that tikcraft's CPU time can be read apart from it: the wire
// simulator (TikTok), the built-in Minecraft (a rcontest server), and the
// browsers (overlay pages on /overlay/ws, a dashboard on /api/stream).
// `tikcraft bench` starts it as `tikcraft bench-peer` and talks to it with
// one JSON message a line on the peer's stdin and stdout.

// PeerSettings is the load the peer sends and checks.
type PeerSettings struct {
	Mix         Mix           `json:"mix"`
	Rate        int           `json:"rate"`
	Total       int           `json:"total"`
	AnswerDelay time.Duration `json:"answer_delay"`
	// PerFrame events share a frame, as on a busy LIVE (0 or 1: one event
	// per frame).
	PerFrame int `json:"per_frame"`
}

// PeerAddrs are where the peer's servers listen.
type PeerAddrs struct {
	SimURL  string `json:"sim_url"`
	SimUser string `json:"sim_user"`
	RCON    string `json:"rcon"`
}

// Clients are the browsers the peer connects to tikcraft's web server.
type Clients struct {
	URL       string `json:"url"` // http://host:port/
	Overlays  int    `json:"overlays"`
	Dashboard bool   `json:"dashboard"`
}

// PeerReport is what the peer saw, times in Unix nanoseconds.
type PeerReport struct {
	SentAt       []int64 `json:"sent_at"` // by event: handed to the simulator
	Got          []int64 `json:"got"`     // by event: its command arrived (0: never)
	Twice        int     `json:"twice"`   // commands that arrived again
	LikeCommands int     `json:"like_commands"`
	Other        int     `json:"other"` // commands the mix does not fire
	Overlay      Traffic `json:"overlay"`
	Dashboard    Traffic `json:"dashboard"`
	// Wins is the wins counter the wins pages last got
	// (the smallest, if they differ); -1 without pages.
	Wins int64 `json:"wins"`
	// CPU is the peer's own CPU time from Play to Report.
	CPU time.Duration `json:"cpu"`
}

// Traffic is what the browsers of one kind received, all together.
type Traffic struct {
	Clients  int   `json:"clients"`
	Messages int64 `json:"messages"`
	Bytes    int64 `json:"bytes"`
	// Dropped counts the times tikcraft closed a client's connection.
	Dropped int `json:"dropped"`
}

// peerMsg is one line of the conversation; one field is set.
type peerMsg struct {
	// tikcraft → peer
	Start   *PeerSettings `json:"start,omitempty"`
	Connect *Clients      `json:"connect,omitempty"`
	Play    bool          `json:"play,omitempty"`
	Report  bool          `json:"report,omitempty"`
	// peer → tikcraft
	Ready     *PeerAddrs  `json:"ready,omitempty"`
	Connected bool        `json:"connected,omitempty"`
	Sent      bool        `json:"sent,omitempty"` // every event was handed to the simulator
	All       bool        `json:"all,omitempty"`  // every command expected arrived
	Result    *PeerReport `json:"result,omitempty"`
	Error     string      `json:"error,omitempty"`
}

// Peer is tikcraft's side of the conversation with a peer process.
type Peer struct {
	Addrs PeerAddrs
	// Sent is closed once every event was handed to the simulator, All
	// once every command expected arrived.
	Sent, All chan struct{}

	cmd     *exec.Cmd
	in      io.WriteCloser
	enc     *json.Encoder
	replies chan peerMsg
	done    chan struct{}
	err     error // why the peer's output ended; read after done
}

// StartPeer starts cmd (`tikcraft bench-peer`) with the load s and waits
// until its servers listen.
func StartPeer(ctx context.Context, cmd *exec.Cmd, s PeerSettings) (*Peer, error) {
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("starting the bench's peer: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("starting the bench's peer: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the bench's peer (%s): %w", cmd.Path, err)
	}
	p := &Peer{Sent: make(chan struct{}), All: make(chan struct{}), cmd: cmd, in: in, enc: json.NewEncoder(in),
		replies: make(chan peerMsg, 4), done: make(chan struct{})}
	go p.read(out)
	if err := p.enc.Encode(peerMsg{Start: &s}); err != nil {
		p.Close()
		return nil, fmt.Errorf("talking to the bench's peer: %w", err)
	}
	m, err := p.reply(ctx)
	if err != nil {
		p.Close()
		return nil, err
	}
	if m.Ready == nil {
		p.Close()
		return nil, errors.New("the bench's peer did not say where it listens")
	}
	p.Addrs = *m.Ready
	return p, nil
}

func (p *Peer) read(out io.Reader) {
	defer close(p.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	for sc.Scan() {
		var m peerMsg
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			p.err = fmt.Errorf("the bench's peer said %q: %w", sc.Text(), err)
			return
		}
		switch {
		case m.Sent:
			close(p.Sent)
		case m.All:
			close(p.All)
		default:
			p.replies <- m
		}
	}
	p.err = sc.Err()
	if p.err == nil {
		p.err = errors.New("the bench's peer stopped")
	}
}

func (p *Peer) reply(ctx context.Context) (peerMsg, error) {
	select {
	case m := <-p.replies:
		if m.Error != "" {
			return m, errors.New("bench peer: " + m.Error)
		}
		return m, nil
	case <-p.done:
		return peerMsg{}, p.err
	case <-ctx.Done():
		return peerMsg{}, ctx.Err()
	}
}

// Connect has the peer open c's browsers; it returns once each got its
// first message.
func (p *Peer) Connect(ctx context.Context, c Clients) error {
	if err := p.enc.Encode(peerMsg{Connect: &c}); err != nil {
		return fmt.Errorf("talking to the bench's peer: %w", err)
	}
	_, err := p.reply(ctx)
	return err
}

// Play starts sending the events.
func (p *Peer) Play() error { return p.enc.Encode(peerMsg{Play: true}) }

// Report asks what the peer saw.
func (p *Peer) Report(ctx context.Context) (PeerReport, error) {
	if err := p.enc.Encode(peerMsg{Report: true}); err != nil {
		return PeerReport{}, fmt.Errorf("talking to the bench's peer: %w", err)
	}
	m, err := p.reply(ctx)
	if err != nil {
		return PeerReport{}, err
	}
	if m.Result == nil {
		return PeerReport{}, errors.New("the bench's peer sent no report")
	}
	return *m.Result, nil
}

// Close ends the peer: its stdin closes, and it stops.
func (p *Peer) Close() error {
	p.in.Close()
	t := time.AfterFunc(10*time.Second, func() { p.cmd.Process.Kill() })
	defer t.Stop()
	return p.cmd.Wait()
}

// RunPeer is the peer process (`tikcraft bench-peer`): it reads the
// conversation from in and answers on out until in ends.
func RunPeer(ctx context.Context, in io.Reader, out io.Writer, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	say := func(m peerMsg) {
		mu.Lock()
		defer mu.Unlock()
		enc.Encode(m)
	}
	dec := json.NewDecoder(in)
	var first peerMsg
	if err := dec.Decode(&first); err != nil || first.Start == nil {
		return fmt.Errorf("bench-peer is started by tikcraft bench, not by hand (%v)", err)
	}
	p, err := newLoad(ctx, *first.Start, log)
	if err != nil {
		say(peerMsg{Error: err.Error()})
		return err
	}
	defer p.close()
	say(peerMsg{Ready: &PeerAddrs{SimURL: p.sim.URL(), SimUser: p.sim.User(), RCON: p.srv.Addr()}})
	go func() {
		select {
		case <-p.srv.All:
			say(peerMsg{All: true})
		case <-ctx.Done():
		}
	}()
	var cpu0 time.Duration
	for {
		var m peerMsg
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch {
		case m.Connect != nil:
			if err := p.browsers.connect(ctx, *m.Connect); err != nil {
				say(peerMsg{Error: err.Error()})
				continue
			}
			say(peerMsg{Connected: true})
		case m.Play:
			cpu0 = ProcessCPU()
			go func() {
				p.play(ctx)
				say(peerMsg{Sent: true})
			}()
		case m.Report:
			r := p.report()
			r.CPU = ProcessCPU() - cpu0
			say(peerMsg{Result: &r})
		}
	}
}
