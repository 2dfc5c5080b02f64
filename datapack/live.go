package datapack

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
)

// Live is datapack mode while tikcraft runs (minecraft.datapack_dir): the
// pack built from the rules in force, rebuilt on every reload, and whether
// Minecraft still has to /reload it before the next function call.
type Live struct {
	dir, version string
	log          *slog.Logger

	mu     sync.Mutex
	pack   *Pack
	reload bool // written since Minecraft last reloaded
}

// Open writes the pack for f into the datapacks folder dir. A pack that
// cannot be written is logged and every rule goes over RCON.
func Open(dir, version string, f *actions.File, log *slog.Logger) *Live {
	l := &Live{dir: dir, version: version, log: log}
	l.Update(f)
	return l
}

// Update rebuilds and writes the pack for f (at start and on reload). A nil
// Live (datapack mode off) does nothing.
func (l *Live) Update(f *actions.File) {
	if l == nil {
		return
	}
	pk, err := Build(f, l.version)
	var changed bool
	if err == nil {
		changed, err = pk.Write(l.dir)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.pack = nil
		l.log.Error("datapack mode is off: every command goes over RCON one at a time", "error", err)
		return
	}
	for _, err := range pk.LeftOut() {
		l.log.Warn("datapack mode: a rule goes over RCON", "error", err)
	}
	l.pack = pk
	l.reload = l.reload || changed
	l.log.Info("datapack mode: rules run as functions of the tikcraft data pack, one RCON command per firing", "functions", pk.Functions(), "folder", l.dir, "written", changed)
}

// Pack is the pack in force; nil when datapack mode is off or the pack
// could not be written (Pack's methods take a nil Pack).
func (l *Live) Pack() *Pack {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pack
}

// Sink sends /reload to Next before the first function call after the pack
// changed, so that no call reaches Minecraft before the function it names.
type Sink struct {
	Next tikcraft.Sink
	Live *Live
}

var (
	_ tikcraft.Replier       = Sink{}
	_ tikcraft.StateReporter = Sink{}
)

// Deliver delivers a (tikcraft.Sink).
func (s Sink) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := s.DeliverReply(ctx, a)
	return err
}

// DeliverReply delivers a and returns Next's answer (tikcraft.Replier).
func (s Sink) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	if strings.HasPrefix(a.Command, "function "+Namespace+":") {
		s.Live.mu.Lock()
		need := s.Live.reload
		s.Live.mu.Unlock()
		if need {
			r, err := tikcraft.DeliverReply(ctx, s.Next, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "reload", Trigger: "datapack"})
			if err != nil {
				return tikcraft.Reply{}, fmt.Errorf("reloading the tikcraft data pack: %w", err)
			}
			s.Live.log.Info("Minecraft reloaded the tikcraft data pack", "reply", r.Text)
			s.Live.mu.Lock()
			s.Live.reload = false
			s.Live.mu.Unlock()
		}
	}
	return tikcraft.DeliverReply(ctx, s.Next, a)
}

// SinkState is Next's state (tikcraft.StateReporter).
func (s Sink) SinkState() tikcraft.SinkState {
	st, _ := tikcraft.StateOf(s.Next)
	return st
}
