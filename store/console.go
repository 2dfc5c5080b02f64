package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tikcraft/tikcraft/clip"
)

// ConsoleCommand is one command typed in the dashboard's Minecraft
// console. It went to Minecraft over the same RCON connection as the
// actions, but never through the queue: it is neither an event nor a
// delivery, and no report counts it as a gift or an action.
type ConsoleCommand struct {
	At      time.Time
	Command string
	Reply   string // Minecraft's answer
	Err     string // why there was no answer; "" when there was one
	Latency time.Duration
}

// LogConsole records a console command in the event log. It writes at
// once: console commands come at typing speed, and the streamer should
// find each one in the log even if tikcraft stops right after.
func (s *Store) LogConsole(ctx context.Context, c ConsoleCommand) error {
	if s.closed() {
		return fmt.Errorf("cannot record the console command: %w", ErrClosed)
	}
	if s.mask != nil {
		c.Command, c.Reply, c.Err = s.mask(c.Command), s.mask(c.Reply), s.mask(c.Err)
	}
	if c.At.IsZero() {
		c.At = s.now()
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO console(at_ns, command, reply, error, latency_ns) VALUES (?, ?, ?, ?, ?)`,
			c.At.UnixNano(), clip.String(c.Command, maxConsoleText), nullText(clip.String(c.Reply, maxConsoleText)), nullText(clip.String(c.Err, maxErrorLen)), int64(c.Latency))
		return err
	})
	return s.failIf("recording the console command", err)
}

// maxConsoleText bounds a command or reply kept (a reply listing every
// player or entity can be long).
const maxConsoleText = 4096

// ConsoleLog returns the console commands recorded since since (zero:
// all kept), oldest first.
func (s *Store) ConsoleLog(ctx context.Context, since time.Time) ([]ConsoleCommand, error) {
	if s.closed() {
		return nil, fmt.Errorf("cannot read the console log: %w", ErrClosed)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT at_ns, command, coalesce(reply, ''), coalesce(error, ''), latency_ns
		FROM console WHERE at_ns >= ? ORDER BY id`, sinceNanos(since))
	if err != nil {
		return nil, s.fail("cannot read the console log", err)
	}
	defer rows.Close()
	var out []ConsoleCommand
	for rows.Next() {
		var c ConsoleCommand
		var at, lat int64
		if err := rows.Scan(&at, &c.Command, &c.Reply, &c.Err, &lat); err != nil {
			return nil, s.fail("cannot read the console log", err)
		}
		c.At, c.Latency = time.Unix(0, at), time.Duration(lat)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("cannot read the console log", err)
	}
	return out, nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func sinceNanos(since time.Time) int64 {
	if since.IsZero() {
		return -1 << 63
	}
	return since.UnixNano()
}
