package web

import (
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/rules"
)

// RulesOf is the dashboard's view of the rules in force: each trigger with
// its commands, and the config's like rules.
func RulesOf(st rules.Status, likes []config.LikeTrigger) Rules {
	r := Rules{File: st.File, Loaded: st.Loaded, Reloadable: st.Reloadable, Diagnostics: st.Diagnostics, Error: st.Error}
	likeFns := map[string]bool{}
	for _, t := range likes {
		if t.Enabled() {
			r.Likes = append(r.Likes, LikeInfo{ID: t.ID, Every: t.Every, Function: t.Function})
			likeFns[actions.Normalize(t.Function)] = true
		}
	}
	for _, ru := range st.Rules.Rules() {
		kind := "gift"
		switch {
		case actions.IsEventTrigger(ru.Trigger):
			kind = "event"
		case likeFns[actions.Normalize(ru.Trigger)]:
			kind = "likes"
		}
		ti := TriggerInfo{Name: ru.Trigger, Kind: kind, Line: ru.Line}
		for _, c := range ru.Commands {
			ti.Commands = append(ti.Commands, c.String())
		}
		r.Triggers = append(r.Triggers, ti)
	}
	return r
}
