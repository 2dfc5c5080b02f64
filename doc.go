// Package tikcraft holds the domain types shared by every stage of the
// pipeline: the typed events a TikTok LIVE source produces and the actions the
// engine derives from them for a sink (Minecraft over RCON, the dry-run
// printer, the overlay).
//
// Data flows one way: source → events → engine → queue → sinks. See
// docs/ARCHITECTURE.md.
package tikcraft
