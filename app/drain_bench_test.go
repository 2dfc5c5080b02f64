package app

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/store"
)

// BenchmarkDrainCommand is `tikcraft drain` (config, store, engine, the
// pipeline, the RCON client) delivering b.N actions to a real RCON server on
// loopback from a data directory where 100,000 more are pending behind them.
// ns/op is per delivered action; it must not grow with the backlog.
func BenchmarkDrainCommand(b *testing.B) {
	for _, backlog := range []int{0, 100_000} {
		b.Run("pending="+strconv.Itoa(backlog), func(b *testing.B) {
			ctx := context.Background()
			srv := rcontest.Start(b, testPassword)
			dir := b.TempDir()
			data := filepath.Join(dir, "data")
			write(b, filepath.Join(dir, "tikcraft.yaml"), "data_dir: "+data+"\nrcon:\n  address: "+srv.Addr()+"\n  password: "+testPassword+"\n  max_commands_per_second: 0\n")
			write(b, filepath.Join(dir, "actions.mca"), "rose:/say rose\n")
			st, err := store.Open(ctx, data, nil)
			if err != nil {
				b.Fatal(err)
			}
			acts := make([]tikcraft.Action, 1000)
			for i := range acts {
				acts[i] = tikcraft.Action{Kind: tikcraft.KindCommand, Command: "give @a minecraft:diamond 1", Trigger: "rose", Source: "gift Rose x1 from anna_123"}
			}
			for left := backlog + b.N; left > 0; left -= len(acts) {
				if err := st.Push(ctx, acts[:min(left, len(acts))]...); err != nil {
					b.Fatal(err)
				}
			}
			if err := st.Close(); err != nil {
				b.Fatal(err)
			}
			dctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() {
				srv.WaitCommands(dctx, b.N)
				cancel()
			}()
			b.ResetTimer()
			start := time.Now()
			Drain(dctx, DrainOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: discard{}, Stderr: discard{}}})
			b.StopTimer()
			got := len(srv.Commands())
			b.ReportMetric(float64(got)/time.Since(start).Seconds(), "actions/s")
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
