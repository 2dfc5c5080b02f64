package store

import "github.com/tikcraft/tikcraft"

// pluginKind is how a "!" plugin command is stored in the kind column: it
// goes over RCON like any command, but the console and reports show it
// with its "!", so the flag must survive the queue.
const pluginKind = "plugin"

func storedKind(a tikcraft.Action) string {
	if a.Kind == tikcraft.KindCommand && a.Plugin {
		return pluginKind
	}
	return string(a.Kind)
}

// setKind fills a's Kind (and Plugin) from the stored kind.
func setKind(a *tikcraft.Action, kind string) {
	if kind == pluginKind {
		a.Kind, a.Plugin = tikcraft.KindCommand, true
		return
	}
	a.Kind = tikcraft.ActionKind(kind)
}
