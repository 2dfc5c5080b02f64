package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/store"
)

// TestParkedCommandsReportAndRetry: a command parked as failed (Minecraft
// took it without answering) is listed by `report`, skipped by `drain`,
// and sent again by `drain --retry-failed`.
func TestParkedCommandsReportAndRetry(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-crash-test", rcontest.Late())
	dir, want := durableProject(t, srv.Addr(), 4)
	owe(t, dir)
	// Park the first pending action, as the worker does after 4 sends.
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "data"), nil)
	if err != nil {
		t.Fatal(err)
	}
	it, err := st.Next(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Park(ctx, it.ID, "never answered"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, errOut, code := tikcraft(t, dir, nil, "report", "-c", "tikcraft.yaml")
	if code != 0 || !strings.Contains(out, "parked now       1") || !strings.Contains(out, "tikcraft drain --retry-failed") || !strings.Contains(out, want[0]) {
		t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
	}
	if err := srv.Listen(); err != nil {
		t.Error(err)
	}
	if _, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml"); code != 0 || !strings.Contains(errOut, "--retry-failed") {
		t.Fatalf("drain: exit %d\n%s", code, errOut)
	}
	if got := srv.Commands(); !slices.Equal(got, want[1:]) {
		t.Fatalf("drain sent %q, want all but the parked one %q", got, want[1:])
	}
	if _, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml", "--retry-failed"); code != 0 || !strings.Contains(errOut, "1 parked actions put back") {
		t.Fatalf("drain --retry-failed: exit %d\n%s", code, errOut)
	}
	if got := srv.Commands(); !slices.Equal(got, append(want[1:], want[0])) {
		t.Fatalf("server got %q", got)
	}
	if out, _, _ := tikcraft(t, dir, nil, "report", "-c", "tikcraft.yaml"); !strings.Contains(out, "parked now       0") {
		t.Fatalf("report after the retry:\n%s", out)
	}
}
