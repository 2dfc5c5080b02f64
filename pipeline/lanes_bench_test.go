package pipeline_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/engine"
	"github.com/tikcraft/tikcraft/httpcall"
	"github.com/tikcraft/tikcraft/obs"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/rules"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/store"
)

// giftsPerOp is how many gifts one op of BenchmarkGiftsReachMinecraft sends.
const giftsPerOp = 1000

// BenchmarkGiftsReachMinecraft: 1,000 Rose gifts, each with a Minecraft
// command, a $http request and a $obs action, through the flow a stream
// runs (engine → SQLite queue → delivery lanes → a real RCON server on
// loopback). One op is the time until Minecraft has all 1,000 commands:
//
//   - "outputs up": the $http target answers at once and OBS carries out
//     every action at once (a stand-in: a real OBS is too slow to start
//     for every op; only whether it answers matters here);
//   - "OBS down, $http never answers": obs.address is a closed loopback
//     port (the real OBS connection, which waits up to a minute per
//     action) and the $http target takes the first request and never
//     answers it.
//
// Both take the same time: Minecraft's lane never waits for the others
// (docs/PERFORMANCE.md has the numbers).
func BenchmarkGiftsReachMinecraft(b *testing.B) {
	for _, down := range []bool{false, true} {
		name := "outputs up"
		if down {
			name = "OBS down, $http never answers"
		}
		b.Run(name, func(b *testing.B) {
			var web string
			var httpOut tikcraft.Sink
			if down {
				s := newSilentServer(b)
				web = s.URL
			} else {
				s := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
				b.Cleanup(s.Close)
				web = s.URL
			}
			host := strings.TrimPrefix(web, "http://")
			httpOut = httpcall.New(httpcall.Config{Allow: []string{host}, Timeout: time.Hour}, nil)
			rs := giftRules(b, web)
			events := make([]source.Step, giftsPerOp)
			for i := range events {
				u := "v" + strconv.Itoa(i)
				events[i] = source.Step{Event: &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: u}, User: tikcraft.User{ID: u, UniqueID: u},
					Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Diamonds: 1}, RepeatCount: 1, RepeatEnd: true}}
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx, cancel := context.WithCancel(context.Background())
				mc := rcontest.Start(b, "pw-bench")
				cl := rcon.New(rcon.Config{Address: mc.Addr(), Password: "pw-bench"}, nil)
				var o tikcraft.Sink = upOBS{}
				var obsSink *obs.Sink
				if down {
					obsSink = obs.New(obs.Config{Address: closedPort(b)}, nil)
					o = obsSink
				}
				st, err := store.Open(ctx, b.TempDir(), nil)
				if err != nil {
					b.Fatal(err)
				}
				done := make(chan error, 1)
				b.StartTimer()
				go func() {
					_, err := pipeline.Run(ctx, thenWait(events), pipeline.Options{
						Engine: engine.New(engine.Config{}, rs, nil), Queue: st, Recorder: st,
						Sink: deliver.Router{Commands: cl, HTTP: httpOut, OBS: o},
					})
					done <- err
				}()
				if _, err := mc.WaitCommands(ctx, giftsPerOp); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				st.Close()
				cl.Close()
				if obsSink != nil {
					obsSink.Close()
				}
				mc.Stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(giftsPerOp)*float64(b.N)/b.Elapsed().Seconds(), "gifts/s")
		})
	}
}

// upOBS is an OBS that carries out every action at once.
type upOBS struct{}

func (upOBS) Deliver(context.Context, tikcraft.Action) error { return nil }

func (upOBS) DeliverDue(context.Context, tikcraft.Action, time.Time) error { return nil }

var _ deliver.DueSink = upOBS{}

// giftRules gives every Rose a Minecraft command, a $http request to web
// and a $obs action.
func giftRules(b *testing.B, web string) *rules.Set {
	b.Helper()
	src := fmt.Sprintf("rose:/say r {user}; $http POST %s/g/{user}; $obs scene \"Creeper Cam\"\n", web)
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{OBS: true, HTTPAllow: []string{strings.TrimPrefix(web, "http://")}})
	for _, d := range diags {
		if d.Severity == actions.Error {
			b.Fatal(d)
		}
	}
	return rules.New(f, 1)
}
