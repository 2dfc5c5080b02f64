package rcon

import (
	"bufio"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

// The tests in this file use a scripted peer for behaviour a well-behaved
// server (rcontest) cannot produce on demand: late parts of an earlier
// answer, Source-style logins, wrong ids and non-RCON services.

// scripted accepts connections on loopback and runs script on each, with
// the connection's number (from 0).
func scripted(t *testing.T, script func(n int, c *peerConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for n := 0; ; n++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				script(n, &peerConn{t: t, c: c, r: bufio.NewReader(c)})
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// peerConn reads and writes packets by hand, without the package's codec.
type peerConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

// read returns the next packet; ok is false when the client went away.
func (p *peerConn) read() (id, typ int32, body string, ok bool) {
	var head [4]byte
	if _, err := io.ReadFull(p.r, head[:]); err != nil {
		return 0, 0, "", false
	}
	b := make([]byte, binary.LittleEndian.Uint32(head[:]))
	if _, err := io.ReadFull(p.r, b); err != nil {
		return 0, 0, "", false
	}
	return int32(binary.LittleEndian.Uint32(b)), int32(binary.LittleEndian.Uint32(b[4:])), string(b[8 : len(b)-2]), true
}

func (p *peerConn) write(id, typ int32, body string) {
	p.c.Write(wire(int32(10+len(body)), id, typ, body, 0, 0))
}

// login reads the auth packet and accepts it, Minecraft-style.
func (p *peerConn) login() bool {
	id, typ, body, ok := p.read()
	if !ok || typ != TypeAuth || body != password {
		return false
	}
	p.write(id, TypeAuthResponse, "")
	return true
}

func TestSourceStyleLogin(t *testing.T) {
	addr := scripted(t, func(_ int, p *peerConn) {
		id, _, _, ok := p.read()
		if !ok {
			return
		}
		p.write(id, TypeResponse, "") // Source sends this first
		p.write(id, TypeAuthResponse, "")
		for {
			id, _, body, ok := p.read()
			if !ok {
				return
			}
			p.write(id, TypeResponse, "ran "+body)
		}
	})
	c, _ := newClient(t, Config{Address: addr})
	resp, err := c.Exec(testContext(t), "list")
	if err != nil || resp != "ran list" {
		t.Fatalf("Exec = %q, %v", resp, err)
	}
}

// TestLatePartIsSkipped: an answer of exactly 4096 bytes looks complete
// once no further part follows quickly. If a part of it turns up after all,
// it must not be taken for the next command's answer.
func TestLatePartIsSkipped(t *testing.T) {
	full := strings.Repeat("x", MaxBodyBytes)
	received := make(chan string, 10)
	addr := scripted(t, func(_ int, p *peerConn) {
		if !p.login() {
			return
		}
		first, _, body, ok := p.read()
		if !ok {
			return
		}
		received <- body
		p.write(first, TypeResponse, full)
		// Hold the rest back until the client has moved on.
		second, _, body, ok := p.read()
		if !ok {
			return
		}
		received <- body
		p.write(first, TypeResponse, "late part of the first answer")
		p.write(second, TypeResponse, "answer to the second")
		p.read()
	})
	c, log := newClient(t, Config{Address: addr})
	resp, err := c.Exec(testContext(t), "first")
	if err != nil || resp != full {
		t.Fatalf("first Exec = %d bytes, %v; want the %d-byte part", len(resp), err, len(full))
	}
	resp, err = c.Exec(testContext(t), "second")
	if err != nil || resp != "answer to the second" {
		t.Fatalf("second Exec = %q, %v", resp, err)
	}
	log.waitFor(t, slog.LevelDebug, "skipping a late RCON packet")
	close(received)
	var got []string
	for b := range received {
		got = append(got, b)
	}
	if !equal(got, []string{"first", "second"}) {
		t.Errorf("server received %q", got)
	}
}

// TestWrongIDReconnects: an answer for a request never made means the
// stream cannot be trusted: reconnect and send again.
func TestWrongIDReconnects(t *testing.T) {
	var mu sync.Mutex
	var received []string
	addr := scripted(t, func(n int, p *peerConn) {
		if !p.login() {
			return
		}
		for {
			id, _, body, ok := p.read()
			if !ok {
				return
			}
			mu.Lock()
			received = append(received, body)
			mu.Unlock()
			if n == 0 {
				p.write(id+100, TypeResponse, "not yours")
				continue
			}
			p.write(id, TypeResponse, "ok")
		}
	})
	c, log := newClient(t, Config{Address: addr})
	resp, err := c.Exec(testContext(t), "say hi")
	if err != nil || resp != "ok" {
		t.Fatalf("Exec = %q, %v", resp, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !equal(received, []string{"say hi", "say hi"}) {
		t.Errorf("server received %q", received)
	}
	log.waitFor(t, slog.LevelWarn, "does not answer like Minecraft RCON")
}

// TestNotRCON: pointing rcon.address at something else (here a server that
// answers like HTTP) gives a hint about the port, and Deliver gives up.
func TestNotRCON(t *testing.T) {
	addr := scripted(t, func(_ int, p *peerConn) {
		p.read()
		p.c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	})
	c, log := newClient(t, Config{Address: addr, GiveUpAfter: 5 * time.Second, Backoff: Backoff{Min: time.Second, Max: time.Second}})
	var clock fakeClock
	clock.install(c)
	_, err := c.Exec(testContext(t), "say hi")
	if err == nil || !strings.Contains(err.Error(), "gave up") || !strings.Contains(err.Error(), "bad RCON packet length") {
		t.Fatalf("Exec error = %v", err)
	}
	r := log.waitFor(t, slog.LevelWarn, "not reachable (it does not answer like Minecraft RCON)")
	if !strings.Contains(r.Message, "not the game port") {
		t.Errorf("warning %q does not hint at the port", r.Message)
	}
}

// TestNoAnswerToLogin: a service that accepts connections but never
// answers is retried after the read timeout, not waited on forever.
func TestNoAnswerToLogin(t *testing.T) {
	addr := scripted(t, func(_ int, p *peerConn) {
		p.read()
		p.read() // until the client hangs up
	})
	c, log := newClient(t, Config{Address: addr, ReadTimeout: 10 * time.Millisecond, GiveUpAfter: 3 * time.Second, Backoff: Backoff{Min: time.Second, Max: time.Second}})
	var clock fakeClock
	clock.install(c)
	if _, err := c.Exec(testContext(t), "say hi"); err == nil || !strings.Contains(err.Error(), "no answer within 10ms") {
		t.Fatalf("Exec error = %v", err)
	}
	log.waitFor(t, slog.LevelWarn, "not reachable (no answer in time)")
}

// TestEndlessAnswer: a server that never stops sending full-size parts
// cannot make the client hold more than maxResponseBytes.
func TestEndlessAnswer(t *testing.T) {
	part := strings.Repeat("y", MaxBodyBytes)
	addr := scripted(t, func(n int, p *peerConn) {
		if !p.login() {
			return
		}
		id, _, _, ok := p.read()
		if !ok {
			return
		}
		if n == 3 {
			p.write(id, TypeResponse, "short")
			p.read()
			return
		}
		for range 16 * maxResponseBytes / MaxBodyBytes {
			if _, err := p.c.Write(wire(10+MaxBodyBytes, id, TypeResponse, part, 0, 0)); err != nil {
				return // the client hung up, as it should
			}
		}
		t.Error("the client read 16 times the limit without hanging up")
	})
	clk := logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	c, log := newClient(t, Config{Address: addr}, clk.Option())
	// A rule that fires with every gift: the answer is cut each time, and
	// the log says so once, then counts.
	for range 3 {
		resp, err := c.Exec(testContext(t), "data get storage huge")
		if err != nil || len(resp) != maxResponseBytes {
			t.Fatalf("Exec = %d bytes, %v; want %d bytes", len(resp), err, maxResponseBytes)
		}
	}
	log.waitFor(t, slog.LevelWarn, "keeping only the start")
	if resp, err := c.Exec(testContext(t), "list"); err != nil || resp != "short" {
		t.Fatalf("next Exec = %q, %v", resp, err)
	}
	if n := strings.Count(log.String(), "keeping only the start"); n != 1 {
		t.Fatalf("3 answers cut: %d lines, want the first said\n%s", n, log)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	if n := strings.Count(log.String(), "keeping only the start"); n != 2 || !strings.Contains(log.String(), "repeated=2") {
		t.Fatalf("a minute later: %d lines, want one more with the count\n%s", n, log)
	}
}
