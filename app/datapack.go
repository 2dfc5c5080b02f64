package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/datapack"
	"github.com/tikcraft/tikcraft/deliver"
)

// packState is datapack mode (minecraft.datapack_dir): the pack built from
// the current rules, and whether Minecraft still has to /reload it.
type packState struct {
	dir, version string
	log          *slog.Logger

	mu     sync.Mutex
	pack   *datapack.Pack
	reload bool // written since Minecraft last reloaded
}

// openDatapack writes the pack for the current rules and turns datapack
// mode on for the rules adapter; nil when minecraft.datapack_dir is unset.
// A pack that cannot be written is logged and the rules go over RCON.
func (s *Setup) openDatapack(log *slog.Logger) *packState {
	mc := s.Config.Minecraft
	if mc.DatapackDir == "" {
		return nil
	}
	st := &packState{dir: mc.DatapackDir, version: mc.Version, log: log}
	st.update(s.Actions)
	s.pack = st
	if s.rules != nil {
		s.rules.mu.Lock()
		s.rules.pack = st
		s.rules.mu.Unlock()
	}
	return st
}

// update rebuilds and writes the pack for f (at start and on reload).
func (p *packState) update(f *actions.File) {
	pk, err := datapack.Build(f, p.version)
	var changed bool
	if err == nil {
		changed, err = pk.Write(p.dir)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.pack = nil
		p.log.Error("datapack mode is off: every command goes over RCON one at a time", "error", err)
		return
	}
	p.pack = pk
	p.reload = p.reload || changed
	p.log.Info("datapack mode: rules run as functions of the tikcraft data pack, one RCON command per firing", "functions", pk.Functions(), "folder", p.dir, "written", changed)
}

func (p *packState) current() *datapack.Pack {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pack
}

// packSink sends /reload before the first command after the pack changed,
// so no function call reaches Minecraft before the function it names.
type packSink struct {
	next tikcraft.Sink
	st   *packState
}

func (s packSink) Deliver(ctx context.Context, a tikcraft.Action) error {
	_, err := s.DeliverReply(ctx, a)
	return err
}

func (s packSink) DeliverReply(ctx context.Context, a tikcraft.Action) (tikcraft.Reply, error) {
	if strings.HasPrefix(a.Command, "function "+datapack.Namespace+":") {
		s.st.mu.Lock()
		need := s.st.reload
		s.st.mu.Unlock()
		if need {
			r, err := deliver.Split{Commands: s.next}.DeliverReply(ctx, tikcraft.Action{Kind: tikcraft.KindCommand, Command: "reload", Trigger: "datapack"})
			if err != nil {
				return tikcraft.Reply{}, fmt.Errorf("reloading the tikcraft data pack: %w", err)
			}
			s.st.log.Info("Minecraft reloaded the tikcraft data pack", "reply", r.Text)
			s.st.mu.Lock()
			s.st.reload = false
			s.st.mu.Unlock()
		}
	}
	return deliver.Split{Commands: s.next}.DeliverReply(ctx, a)
}

// SinkState passes the RCON client's state on, for status lines.
func (s packSink) SinkState() tikcraft.SinkState {
	st, _ := deliver.StateOf(s.next)
	return st
}
