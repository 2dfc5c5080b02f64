package pipeline_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// BenchmarkPipelineRCON is the whole pipeline without TikTok: b.N follow
// events as fast as the source gives them → engine → queue (memory, or the
// SQLite store with its event log) → the RCON client → a real RCON server on
// loopback that answers at once. ns/op is per event with every command
// answered; it is the most the pipeline delivers, one command at a time.
func BenchmarkPipelineRCON(b *testing.B) {
	for _, kind := range []string{"memory", "durable"} {
		b.Run(kind, func(b *testing.B) {
			ctx := context.Background()
			srv := rcontest.Start(b, "pw-bench")
			cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-bench"}, nil)
			defer cl.Close()
			var q queue.Queue = queue.NewMemory()
			var rec pipeline.Recorder
			if kind == "durable" {
				st, err := store.Open(ctx, b.TempDir(), nil)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				q, rec = st, st
			}
			steps := make([]source.Step, b.N)
			for i := range steps {
				steps[i] = source.Step{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "v" + strconv.Itoa(i)}}}
			}
			b.ReportAllocs()
			b.ResetTimer()
			res, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
				Engine: engine.New(engine.Config{}, followRules(b), nil), Queue: q, Recorder: rec,
				Sink: deliver.Router{Commands: cl}, EventClock: true, Finish: true,
			})
			b.StopTimer()
			if err != nil || res.Delivered != int64(b.N) {
				b.Fatalf("delivered %d of %d: %v", res.Delivered, b.N, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
