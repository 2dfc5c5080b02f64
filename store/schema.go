package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations()[i] takes the schema from version i to i+1 (PRAGMA
// user_version). Never edit a released step; append a new one.
func migrations() []string { return []string{schema1, schema2, schema3, schema4, schema5, schema6} }

// schema1: the queue, the event log and the delivery log. Times are Unix
// nanoseconds. Each index costs a page write per commit, so the queue has
// one, on pending ids only; ids stay increasing because Prune always keeps
// the newest action (no AUTOINCREMENT and its extra page either).
const schema1 = `CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE actions (
		id             INTEGER PRIMARY KEY,
		enqueued_ns    INTEGER NOT NULL,
		kind           TEXT NOT NULL,
		command        TEXT NOT NULL,
		alert_title    TEXT NOT NULL,
		alert_subtitle TEXT NOT NULL,
		alert_seconds  INTEGER NOT NULL,
		trigger_name   TEXT NOT NULL,
		user_name      TEXT NOT NULL,
		source         TEXT NOT NULL,
		delivered_ns   INTEGER -- NULL while pending
	);
	CREATE INDEX actions_pending ON actions(id) WHERE delivered_ns IS NULL;
	CREATE TABLE events (
		id         INTEGER PRIMARY KEY,
		logged_ns  INTEGER NOT NULL, -- when tikcraft received it: what --since and Prune use
		time_ns    INTEGER,          -- the event's own time, when it had one
		type       TEXT NOT NULL,
		msg_id     TEXT,             -- NULL when the event had none; unique per type
		user_key   TEXT,
		user_name  TEXT,
		gift_key   TEXT,             -- the gift id, or "name:" + name when the id is unknown
		gift_id    INTEGER,
		gift_name  TEXT,
		diamonds   INTEGER,          -- price of one gift
		combo      INTEGER,
		repeat_end INTEGER,
		group_id   TEXT,
		count      INTEGER,          -- repeat_count (at least 1) for gifts, likes for likes
		raw        TEXT              -- the event as a JSONL line
	);
	CREATE INDEX events_logged ON events(logged_ns);
	-- A message TikTok delivered twice is logged once, as the engine acts
	-- on it once.
	CREATE UNIQUE INDEX events_msg ON events(type, msg_id) WHERE msg_id IS NOT NULL;
	CREATE TABLE deliveries (
		id           INTEGER PRIMARY KEY,
		at_ns        INTEGER NOT NULL,
		action_id    INTEGER NOT NULL,
		ok           INTEGER NOT NULL,
		error        TEXT,            -- NULL when ok
		latency_ns   INTEGER NOT NULL,
		command      TEXT NOT NULL,   -- copied: the action row may be pruned first
		trigger_name TEXT NOT NULL
	);
	CREATE INDEX deliveries_at ON deliveries(at_ns);`

// schema2: parked actions, delivery outcomes and the engine's state.
//
//   - An action sent several times without an answer is parked: parked_ns
//     is set and it leaves the waiting line (delivered_ns stays NULL) until
//     `drain --retry-failed` clears parked_ns again. The pending index
//     covers waiting actions only; parked ones get their own.
//   - Each delivery attempt records its outcome (sent, retried, parked,
//     rejected; NULL in rows from schema 1, where ok says sent) and
//     Minecraft's reply.
//   - engine_state holds the engine's gift streak bookkeeping, written in
//     the same transaction as the actions it caused (see Store.Commit).
const schema2 = `ALTER TABLE actions ADD COLUMN parked_ns INTEGER;
	ALTER TABLE actions ADD COLUMN parked_reason TEXT;
	DROP INDEX actions_pending;
	CREATE INDEX actions_waiting ON actions(id) WHERE delivered_ns IS NULL AND parked_ns IS NULL;
	CREATE INDEX actions_parked ON actions(id) WHERE parked_ns IS NOT NULL;
	ALTER TABLE deliveries ADD COLUMN outcome TEXT;
	ALTER TABLE deliveries ADD COLUMN reply TEXT;
	CREATE TABLE engine_state (
		key   TEXT PRIMARY KEY,
		value BLOB NOT NULL
	) WITHOUT ROWID;`

// schema3: delayed actions ($wait, "xN over 10s"). due_ns is when the
// action may be delivered at the earliest, NULL for actions that may go at
// once (all rows from before). Only delayed rows enter its index, so an
// ordinary Push writes no extra page.
const schema3 = `ALTER TABLE actions ADD COLUMN due_ns INTEGER;
	CREATE INDEX actions_due ON actions(due_ns) WHERE due_ns IS NOT NULL AND delivered_ns IS NULL AND parked_ns IS NULL;`

// schema4: the OBS overlays' state (counters, timer, like goal, feed, top
// gifters) as one JSON document per key (store/overlays.go), so that it
// survives a restart or a crash mid-stream.
const schema4 = `CREATE TABLE overlay_state (
		key        TEXT PRIMARY KEY,
		value      BLOB NOT NULL,
		updated_ns INTEGER NOT NULL
	) WITHOUT ROWID;`

// schema5: the commands typed in the dashboard's Minecraft console
// (store/console.go). They are kept apart from events and deliveries, so
// no report counts them as a gift or an action.
const schema5 = `CREATE TABLE console (
		id         INTEGER PRIMARY KEY,
		at_ns      INTEGER NOT NULL,
		command    TEXT NOT NULL,
		reply      TEXT,             -- Minecraft's answer; NULL when it gave none
		error      TEXT,             -- why it got no answer; NULL when it did
		latency_ns INTEGER NOT NULL
	);
	CREATE INDEX console_at ON console(at_ns);`

// schema6: delivery lanes (queue.Lane). Each output (Minecraft, the
// overlays, $http, OBS) is delivered in order on its own, so the waiting
// line is read lane by lane: lane holds queue.LaneOf of the action (0
// Minecraft, 1 overlays, 2 $http, 3 OBS; those numbers never change), and
// the waiting index becomes (lane, id), still one index page per commit.
// Actions pending or parked in an older data_dir get their lane from
// their kind, so they are delivered after the upgrade; delivered rows
// keep 0, which nothing reads.
const schema6 = `ALTER TABLE actions ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
	UPDATE actions SET lane = CASE kind WHEN 'alert' THEN 1 WHEN 'overlay' THEN 1 WHEN 'http' THEN 2 WHEN 'obs' THEN 3 END
		WHERE delivered_ns IS NULL AND kind IN ('alert', 'overlay', 'http', 'obs');
	DROP INDEX actions_waiting;
	CREATE INDEX actions_waiting ON actions(lane, id) WHERE delivered_ns IS NULL AND parked_ns IS NULL;`

// versionError: the file comes from a newer tikcraft.
type versionError struct{ have, know int }

func (e *versionError) Error() string {
	return fmt.Sprintf("it was written by a newer tikcraft (schema %d, this one knows up to %d); update tikcraft, or set data_dir in tikcraft.yaml to another folder", e.have, e.know)
}

func migrate(ctx context.Context, db *sql.DB) error {
	steps := migrations()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(steps) {
		return &versionError{v, len(steps)}
	}
	if v == len(steps) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: a second tikcraft migrating waits here
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Re-read under the write lock: another process may have migrated.
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(steps) {
		return &versionError{v, len(steps)}
	}
	for ; v < len(steps); v++ {
		if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
			return fmt.Errorf("updating the database to schema %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		return err
	}
	return tx.Commit()
}
