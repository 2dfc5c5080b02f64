package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// TestUnansweredCommandIsParked: a real RCON server takes the second
// command and hangs up without answering, every time it is sent. It gets it
// four times, then the command is parked in the store (and in the report),
// and the third command is still delivered.
func TestUnansweredCommandIsParked(t *testing.T) {
	ctx := context.Background()
	srv := rcontest.Start(t, "pw-park", rcontest.DropAfter(2, 3, 4, 5))
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-park", Backoff: rcon.Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}}, nil)
	defer cl.Close()
	st, err := store.Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var steps []source.Step
	for _, u := range []string{"a", "b", "c"} {
		steps = append(steps, source.Step{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: u}}})
	}
	var outcomes []string
	res, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
		Engine: engine.New(engine.Config{}, followRules(t), nil), Queue: st, Recorder: st,
		Sink: deliver.Router{Commands: cl}, EventClock: true, Finish: true,
		OnDelivery: func(d deliver.Delivery) { outcomes = append(outcomes, d.Item.Action.Command+" "+string(d.Outcome)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered != 2 || res.Parked != 1 {
		t.Errorf("result %+v; want 2 delivered, 1 parked", res)
	}
	want := []string{"say f a", "say f b", "say f b", "say f b", "say f b", "say f c"}
	if got := srv.Commands(); !slices.Equal(got, want) {
		t.Errorf("server received %q, want %q", got, want)
	}
	if want := []string{"say f a sent", "say f b parked", "say f c sent"}; !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %q, want %q", outcomes, want)
	}
	rep, err := st.Report(ctx, time.Time{})
	if err != nil || rep.Actions.Parked != 1 || len(rep.Parked) != 1 || rep.Parked[0].Command != "say f b" {
		t.Fatalf("report %+v %+v, %v", rep.Actions, rep.Parked, err)
	}
}

// TestStopWaitsForTheAnswerOfACommandSent: Ctrl-C while a lagging
// Minecraft has not answered the command it was sent yet (past the 1.5 s
// grace). The answer is waited for and the action recorded as delivered,
// so the next start does not send it again; it got the command twice.
func TestStopWaitsForTheAnswerOfACommandSent(t *testing.T) {
	release := make(chan struct{})
	srv := rcontest.Start(t, "pw-slow", rcontest.Reply(func(string) string { <-release; return "" }))
	lines := make(recordLines, 100)
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-slow", ReadTimeout: time.Hour}, slog.New(lines))
	defer cl.Close()
	st, err := store.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps := []source.Step{
		{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "a"}}},
		{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: "b"}}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
			Engine: engine.New(engine.Config{}, followRules(t), nil), Queue: st, Recorder: st,
			Sink: deliver.Router{Commands: cl}, EventClock: true, Finish: true,
		})
		done <- err
	}()
	if _, err := srv.WaitCommands(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
wait:
	for {
		select {
		case r := <-lines:
			if strings.Contains(r.Message, "stopping: waiting up to") {
				break wait
			}
		case err := <-done:
			close(release)
			t.Fatalf("stopped without the answer of the command sent (%v)", err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The next start (drain) sends what is left, and only that.
	res, err := pipeline.Run(context.Background(), source.Steps(nil, source.Max), pipeline.Options{
		Engine: engine.New(engine.Config{}, followRules(t), nil), Queue: st, Recorder: st,
		Sink: deliver.Router{Commands: cl}, EventClock: true, Finish: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Commands(), []string{"say f a", "say f b"}; !slices.Equal(got, want) {
		t.Errorf("server received %q, want %q (result %+v)", got, want, res)
	}
}

// recordLines hands log messages to a channel, dropping them when full.
type recordLines chan slog.Record

func (h recordLines) Enabled(context.Context, slog.Level) bool { return true }
func (h recordLines) Handle(_ context.Context, r slog.Record) error {
	select {
	case h <- r:
	default:
	}
	return nil
}
func (h recordLines) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordLines) WithGroup(string) slog.Handler      { return h }

// TestStatusLineWithRealPacing: Minecraft answers every command at once and
// only rcon.max_commands_per_second holds actions back; the status line
// must say so rather than blame Minecraft.
func TestStatusLineWithRealPacing(t *testing.T) {
	srv := rcontest.Start(t, "pw-pace")
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-pace", MaxCommandsPerSecond: 4}, nil)
	defer cl.Close()
	var steps []source.Step
	for i := range 40 {
		steps = append(steps, source.Step{Event: &tikcraft.FollowEvent{User: tikcraft.User{UniqueID: fmt.Sprint("u", i)}}})
	}
	logs := make(recordLines, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.SummariesEvery(pipeline.Options{
			Engine: engine.New(engine.Config{}, followRules(t), nil), Queue: queue.NewMemory(),
			Sink: deliver.Router{Commands: cl}, Log: slog.New(logs), StatsEvery: 20 * time.Millisecond, EventClock: true, Finish: true,
		}, 20*time.Millisecond))
		done <- err
	}()
	defer func() { cancel(); <-done }()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case r := <-logs:
			// Once the burst of 4 went out, every command waits for the pace.
			if !strings.HasPrefix(r.Message, "actions are waiting") || len(srv.Commands()) < 6 {
				continue
			}
			if !strings.Contains(r.Message, "rcon.max_commands_per_second paces them") {
				t.Fatalf("status line %q while only pacing holds actions back", r.Message)
			}
			return
		case <-timeout:
			t.Fatal("no status line")
		}
	}
}

// followRules is the live rules of "follow:/say f {user}".
func followRules(t testing.TB) *rules.Set {
	t.Helper()
	r, err := rules.FromText("actions.mca", "follow:/say f {user}\n", 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
