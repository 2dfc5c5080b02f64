// Command floor measures the least CPU a Go program spends per event on the
// work tikcraft cannot skip for an event that fires one command, at the
// rate `tikcraft bench` uses:
//
//	go run ./bench/floor [-rate 100] [-duration 15s] [-rounds 3]
//
// from the repository root. For each event it reads one WebSocket message
// from a loopback server, writes one SQLite transaction (the event, its
// action, and the previous action's done mark and delivery row, so one
// commit per event, as tikcraft's queue does at its best), and sends the
// command to a loopback RCON server and reads the answer. Nothing else: no
// decoding, no rules, no dashboard. The servers run in a child process, so
// the CPU printed is this process's alone, as `tikcraft bench` reads it.
//
// It runs on one core (GOMAXPROCS=1, as `tikcraft run` does) with the
// driver, pragmas and schema shape of tikcraft's store. What it prints is
// the floor under tikcraft's own figure at the same rate: docs/PERFORMANCE.md
// compares them.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/coder/websocket"

	"github.com/tikcraft/tikcraft/bench"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"

	_ "modernc.org/sqlite"
)

const (
	password = "floor"
	command  = "say thanks for the follow, viewer"
)

func main() {
	rate := flag.Int("rate", 100, "events per second")
	duration := flag.Duration("duration", 15*time.Second, "how long each round sends events")
	rounds := flag.Int("rounds", 3, "rounds")
	peer := flag.Bool("peer", false, "run as the servers' process (the command starts it itself)")
	flag.Parse()
	var err error
	if *peer {
		err = runPeer(os.Stdin, os.Stdout)
	} else {
		err = run(*rate, *duration, *rounds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/floor:", err)
		os.Exit(1)
	}
}

// addrs is the child's first line: where its servers listen.
type addrs struct {
	WebSocket string `json:"ws"`
	RCON      string `json:"rcon"`
}

func run(rate int, duration time.Duration, rounds int) error {
	if rate <= 0 || duration <= 0 || rounds <= 0 {
		return errors.New("-rate, -duration and -rounds must be positive")
	}
	runtime.GOMAXPROCS(1)
	fmt.Printf("floor: %d events/s for %s, %d rounds, GOMAXPROCS 1\n", rate, duration, rounds)
	for i := 1; i <= rounds; i++ {
		n, cpu, err := round(rate, duration)
		if err != nil {
			return fmt.Errorf("round %d: %w", i, err)
		}
		secs := float64(n) / float64(rate)
		fmt.Printf("  round %d: %d events, %.0f µs per event, %.1f%% of one core\n",
			i, n, float64(cpu.Microseconds())/float64(n), 100*cpu.Seconds()/secs)
	}
	return nil
}

// round runs one child and measures the events it sends.
func round(rate int, duration time.Duration) (int, time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-peer")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return 0, 0, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer cmd.Wait()
	defer in.Close()
	var a addrs
	if err := json.NewDecoder(out).Decode(&a); err != nil {
		return 0, 0, fmt.Errorf("reading the servers' addresses: %w", err)
	}

	dir, err := os.MkdirTemp("", "tikcraft-floor-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	db, err := openDB(ctx, filepath.Join(dir, "floor.db"))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	mc := rcon.New(rcon.Config{Address: a.RCON, Password: password}, nil)
	defer mc.Close()
	if err := mc.Connect(ctx); err != nil {
		return 0, 0, err
	}
	ws, _, err := websocket.Dial(ctx, a.WebSocket, nil)
	if err != nil {
		return 0, 0, err
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)
	if _, err := fmt.Fprintf(in, "%d %d\n", rate, int(duration/(time.Second/time.Duration(rate)))); err != nil {
		return 0, 0, err
	}

	var n int
	var cpu0 time.Duration
	var prev int64
	for {
		_, msg, err := ws.Read(ctx)
		if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		if n == 0 {
			cpu0 = bench.ProcessCPU()
		}
		n++
		now := time.Now().UnixNano()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		id, err := db.insert(ctx, tx, now, n, msg, command, prev)
		if err != nil {
			tx.Rollback()
			return 0, 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
		if _, err := mc.Exec(ctx, command); err != nil {
			return 0, 0, err
		}
		prev = id
	}
	cpu := bench.ProcessCPU() - cpu0
	if n == 0 {
		return 0, 0, errors.New("no events arrived")
	}
	return n, cpu, nil
}

type floorDB struct {
	*sql.DB
	evt, act, done, deliv *sql.Stmt
}

// openDB opens the database as tikcraft's store opens its writer (WAL,
// synchronous NORMAL, BEGIN IMMEDIATE), with the tables an event, its
// action and its delivery write, and their indexes.
func openDB(ctx context.Context, path string) (*floorDB, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE TABLE actions (id INTEGER PRIMARY KEY, enqueued_ns INTEGER NOT NULL, kind TEXT NOT NULL, command TEXT NOT NULL,
			trigger_name TEXT NOT NULL, user_name TEXT NOT NULL, lane INTEGER NOT NULL, delivered_ns INTEGER)`,
		`CREATE INDEX actions_waiting ON actions(lane, id) WHERE delivered_ns IS NULL`,
		`CREATE TABLE events (id INTEGER PRIMARY KEY, logged_ns INTEGER NOT NULL, type TEXT NOT NULL, msg_id TEXT, user_name TEXT, raw TEXT)`,
		`CREATE INDEX events_logged ON events(logged_ns)`,
		`CREATE UNIQUE INDEX events_msg ON events(type, msg_id) WHERE msg_id IS NOT NULL`,
		`CREATE TABLE deliveries (id INTEGER PRIMARY KEY, at_ns INTEGER NOT NULL, action_id INTEGER NOT NULL, ok INTEGER NOT NULL,
			latency_ns INTEGER NOT NULL, command TEXT NOT NULL)`,
		`CREATE INDEX deliveries_at ON deliveries(at_ns)`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("creating the floor's tables: %w", err)
		}
	}
	f := &floorDB{DB: db}
	for p, q := range map[**sql.Stmt]string{
		&f.evt:   `INSERT INTO events (logged_ns, type, msg_id, user_name, raw) VALUES (?, 'follow', ?, 'viewer', ?)`,
		&f.act:   `INSERT INTO actions (enqueued_ns, kind, command, trigger_name, user_name, lane) VALUES (?, 'command', ?, 'follow', 'viewer', 0)`,
		&f.done:  `UPDATE actions SET delivered_ns = ? WHERE id = ? AND delivered_ns IS NULL`,
		&f.deliv: `INSERT INTO deliveries (at_ns, action_id, ok, latency_ns, command) VALUES (?, ?, 1, 0, ?)`,
	} {
		if *p, err = db.PrepareContext(ctx, q); err != nil {
			db.Close()
			return nil, err
		}
	}
	return f, nil
}

// insert writes one event's rows: the event, its action, and the previous
// action's done mark and delivery row.
func (f *floorDB) insert(ctx context.Context, tx *sql.Tx, now int64, n int, raw []byte, cmd string, prev int64) (int64, error) {
	if _, err := tx.StmtContext(ctx, f.evt).ExecContext(ctx, now, fmt.Sprint(n), string(raw)); err != nil {
		return 0, err
	}
	res, err := tx.StmtContext(ctx, f.act).ExecContext(ctx, now, cmd)
	if err != nil {
		return 0, err
	}
	if prev != 0 {
		if _, err := tx.StmtContext(ctx, f.done).ExecContext(ctx, now, prev); err != nil {
			return 0, err
		}
		if _, err := tx.StmtContext(ctx, f.deliv).ExecContext(ctx, now, prev, cmd); err != nil {
			return 0, err
		}
	}
	return res.LastInsertId()
}

// runPeer is the child: a WebSocket server that sends one message per
// event at the rate it is told on stdin, and an RCON server that answers
// every command. It prints its addresses, then waits for "RATE TOTAL".
func runPeer(in io.Reader, out io.Writer) error {
	mc, err := rcontest.New(password)
	if err != nil {
		return err
	}
	defer mc.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	start := make(chan [2]int, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		s := <-start
		rate, total := s[0], s[1]
		// A message the size of a small gzipped Webcast frame.
		msg := make([]byte, 400)
		for i := range msg {
			msg[i] = byte('a' + i%26)
		}
		per := time.Second / time.Duration(rate)
		t0 := time.Now()
		for i := range total {
			if d := time.Until(t0.Add(time.Duration(i) * per)); d > 0 {
				time.Sleep(d)
			}
			if err := c.Write(r.Context(), websocket.MessageBinary, msg); err != nil {
				return
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	if err := json.NewEncoder(out).Encode(addrs{WebSocket: "ws://" + ln.Addr().String() + "/", RCON: mc.Addr()}); err != nil {
		return err
	}
	var s [2]int
	if _, err := fmt.Fscan(bufio.NewReader(in), &s[0], &s[1]); err != nil {
		return err
	}
	start <- s
	// Stay up until the parent is done with the servers.
	_, err = io.Copy(io.Discard, in)
	return err
}
