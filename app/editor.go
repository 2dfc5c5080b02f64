package app

import (
	"context"
	"sync"

	"github.com/tikcraft/tikcraft/mcnames"
	"github.com/tikcraft/tikcraft/store"
	"github.com/tikcraft/tikcraft/web"
)

// completion is what the dashboard's editor and console complete:
// Minecraft's names for minecraft.version (also when check_names is off)
// and the gifts.
func (s *Setup) completion() web.Completion {
	var once sync.Once
	var gifts []web.Gift
	return web.Completion{
		Names: mcnames.For(s.Config.Minecraft.Version),
		Gifts: func() []web.Gift {
			once.Do(func() { gifts = s.completionGifts() })
			return append([]web.Gift(nil), gifts...)
		},
	}
}

// completionGifts is the one source of the gifts the editor completes
// triggers with: the list `tikcraft gifts` keeps in data_dir (the
// streamer's region's) with the built-in one behind it, offline. A kept
// list that cannot be used was told at the start.
func (s *Setup) completionGifts() []web.Gift {
	var out []web.Gift
	list, _ := knownGifts(s.Config.DataDir)
	for _, g := range list.Gifts() {
		out = append(out, web.Gift{ID: g.ID, Name: g.Name, Diamonds: g.Diamonds})
	}
	return out
}

// consoleCommand records a command of the dashboard's console in the
// event log (web.Options.OnConsole). It never touches the queue, so no
// report counts it as an action; without a data_dir it is only logged.
func (a *assembly) consoleCommand(c web.ConsoleCommand) {
	if a.store == nil {
		return
	}
	rec := store.ConsoleCommand{At: c.Time, Command: c.Command, Reply: c.Reply, Latency: c.Latency}
	if c.Err != nil {
		rec.Err = c.Err.Error()
	}
	if err := a.store.LogConsole(context.Background(), rec); err != nil {
		a.log.Warn("could not record the console command in the event log", "error", err)
	}
}
