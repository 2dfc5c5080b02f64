package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/overlay"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/store"
)

// Overlay actions a crash left in the queue are applied by drain to the
// saved overlay state, not dropped, while commands still go to Minecraft.
func TestDrainAppliesOverlayActions(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword)
	p := newProject(t, srv.Addr(), "data_dir: data\n", "rose:/say hi\n")
	ctx := context.Background()
	data := filepath.Join(p.dir, "data")
	st, err := store.Open(ctx, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Push(ctx,
		tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1", Trigger: "win"},
		tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "rose"},
		tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1", Trigger: "win"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := Drain(ctx, DrainOptions{Options: p.opts.Options}); err != nil {
		t.Fatalf("drain: %v\n%s", err, p.stderr)
	}
	if got := srv.Commands(); len(got) != 1 || got[0] != "say hi" {
		t.Fatalf("Minecraft got %q", got)
	}
	st, err = store.Open(ctx, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if w := overlay.New(ctx, overlay.Options{Saver: st}).Snapshot().Wins; w != 2 {
		t.Fatalf("saved wins %d, want 2", w)
	}
}
