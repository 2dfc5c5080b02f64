// Package examples embeds the example configuration, actions file and event
// file, so `tikcraft demo` needs no files and the docs' examples stay real.
package examples

import _ "embed"

// Actions is the example actions file (examples/actions.mca).
//
//go:embed actions.mca
var Actions string

// User is the tiktok.user of the example tikcraft.yaml: a placeholder
// every streamer must replace with their own handle.
const User = "@your_tiktok_name"

// Config is the example tikcraft.yaml.
//
//go:embed tikcraft.yaml
var Config string

// DemoConfig is the configuration `tikcraft demo` starts from.
//
//go:embed demo.yaml
var DemoConfig string

// Events is a short recorded session in the JSONL event format.
//
//go:embed events.jsonl
var Events string
