package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/source"
)

// follows.once_per_user survives a restart mid-LIVE: the followers are
// saved in the store with the actions, so a viewer who follows again after
// tikcraft restarted fires nothing.
func TestFollowersSurviveARestart(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "tikcraft-data")
	sink := &orderSink{}
	follow := func(id, name string) source.Step {
		return source.Step{Event: &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: id}, User: tikcraft.User{ID: name, UniqueID: name}}}
	}
	runOnce := func(steps ...source.Step) {
		s, err := Open(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		eng := engine.New(engine.Config{FollowOncePerUser: true}, mustRules(t, "follow:/say f {user}\n"), nil)
		if _, err := pipeline.Run(ctx, source.Steps(steps, source.Max), pipeline.Options{
			Engine: eng, Queue: s, Recorder: s, Sink: sink, EventClock: true, Finish: true,
		}); err != nil {
			t.Fatal(err)
		}
	}
	runOnce(follow("1", "anna"), follow("2", "bob"))
	runOnce(follow("3", "anna"), follow("4", "cleo"), follow("5", "bob"))
	if want := []string{"say f anna", "say f bob", "say f cleo"}; !slices.Equal(sink.got, want) {
		t.Fatalf("delivered %q, want %q", sink.got, want)
	}
}
