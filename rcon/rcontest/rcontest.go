// Package rcontest runs a real RCON server for tests of code that talks to
// Minecraft. The protocol side is github.com/Tnze/go-mc/net's ListenRCON,
// written independently of tikcraft's client, so tests check the client
// against someone else's reading of the protocol. On top of it the server
// behaves like Minecraft where go-mc does not (answers longer than 4096
// bytes are split into several packets) and can misbehave on request:
// drop the connection mid-command, start late, stop and restart.
//
// Every command that arrives is recorded in order, including one whose
// connection is then dropped, so tests can assert exactly what the server
// received. `tikcraft bench` uses the same server (New) as its Minecraft.
package rcontest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	mcnet "github.com/Tnze/go-mc/net"
)

// maxPart is how much of an answer Minecraft puts in one packet.
const maxPart = 4096

// Option configures a Server.
type Option func(*Server)

// Reply sets how the server answers a command; by default it answers with
// an empty string, as Minecraft does for many commands. Answers longer than
// 4096 bytes are sent in several packets. fn runs on the connection's
// goroutine: if it blocks, that connection waits, and Stop waits for it.
func Reply(fn func(cmd string) string) Option {
	return func(s *Server) { s.reply = fn }
}

// DropAfter makes the server close the connection, without answering, when
// the n-th command of its life (counting from 1, across connections and
// restarts) arrives. That command is recorded: the server got it, the
// client cannot know. Give several counts to drop several times.
func DropAfter(n ...int) Option {
	return func(s *Server) {
		for _, k := range n {
			s.drop[k] = true
		}
	}
}

// Late reserves the port but does not listen until Listen is called, so
// clients first find nothing there (connection refused).
func Late() Option {
	return func(s *Server) { s.late = true }
}

// TB is what Start needs of a test: *testing.T and *testing.B are one. The
// package does not import testing, so that tikcraft bench can use it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Server is a running test RCON server.
type Server struct {
	password string
	addr     string
	reply    func(string) string
	drop     map[int]bool
	late     bool

	wg sync.WaitGroup // the accept loop and connection handlers

	mu           sync.Mutex
	ln           *mcnet.RCONListener // nil while stopped
	conns        map[net.Conn]struct{}
	cmds         []string
	logins       int
	failedLogins int
	changed      chan struct{} // closed and replaced whenever a count grows
}

// Start starts a server on a free loopback port that accepts password, and
// stops it when the test ends. Call it from the test goroutine.
func Start(t TB, password string, opts ...Option) *Server {
	t.Helper()
	s, err := New(password, opts...)
	if err != nil {
		t.Fatalf("rcontest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// New starts a server on a free loopback port that accepts password; Stop
// it when done.
func New(password string, opts ...Option) (*Server, error) {
	s := &Server{
		password: password,
		reply:    func(string) string { return "" },
		drop:     map[int]bool{},
		conns:    map[net.Conn]struct{}{},
		changed:  make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("reserving a loopback port for the RCON server: %w", err)
	}
	s.addr = ln.Addr().String()
	if s.late {
		// Give the port back: nothing listens until Listen. Another
		// process could take it meanwhile, which loopback tests accept.
		ln.Close()
	} else if err := s.serve(&mcnet.RCONListener{Listener: ln}); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is the host:port to connect to.
func (s *Server) Addr() string { return s.addr }

// Password is the password the server accepts.
func (s *Server) Password() string { return s.password }

// Listen starts listening on Addr again after Late or Stop.
func (s *Server) Listen() error {
	ln, err := mcnet.ListenRCON(s.addr)
	if err != nil {
		return fmt.Errorf("listening again on %s: %w", s.addr, err)
	}
	return s.serve(ln)
}

// Stop closes the listener and every connection, without answering
// commands in flight, and waits for the server's goroutines to end.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	ln := s.ln
	s.ln = nil
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, c := range conns {
		c.Close()
	}
	s.wg.Wait()
}

// Restart stops the server and listens again on the same port, like a
// Minecraft server restarting.
func (s *Server) Restart() error {
	s.Stop()
	return s.Listen()
}

// Commands returns the commands received so far, in order.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cmds...)
}

// Logins is the number of successful logins so far.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// FailedLogins is the number of logins refused so far (wrong password).
func (s *Server) FailedLogins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failedLogins
}

// WaitCommands waits until at least n commands have arrived and returns all
// received so far, or returns ctx's error with those received so far.
func (s *Server) WaitCommands(ctx context.Context, n int) ([]string, error) {
	err := s.wait(ctx, func() bool { return len(s.cmds) >= n })
	return s.Commands(), err
}

// WaitLogins waits until at least n logins have succeeded. The server
// counts a login just after answering it.
func (s *Server) WaitLogins(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.logins >= n })
}

// WaitFailedLogins waits until at least n logins have been refused. The
// client learns of a refusal just before the server counts it, so wait
// rather than read FailedLogins right after a refused login.
func (s *Server) WaitFailedLogins(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.failedLogins >= n })
}

// wait waits until done (called with mu held) is true.
func (s *Server) wait(ctx context.Context, done func() bool) error {
	for {
		s.mu.Lock()
		ok, ch := done(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes waiters; mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serve(ln *mcnet.RCONListener) error {
	s.mu.Lock()
	if s.ln != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("Listen called while already listening on " + s.addr)
	}
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Stop
			}
			raw := c.(*mcnet.RCONConn)
			s.mu.Lock()
			if s.ln != ln { // Stop ran between Accept and here
				s.mu.Unlock()
				c.Close()
				return
			}
			s.conns[raw.Conn] = struct{}{}
			s.wg.Add(1)
			s.mu.Unlock()
			go s.handle(raw)
		}
	}()
	return nil
}

func (s *Server) handle(c *mcnet.RCONConn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c.Conn)
		s.mu.Unlock()
	}()
	if err := c.AcceptLogin(s.password); err != nil {
		s.mu.Lock()
		s.failedLogins++
		s.notify()
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.logins++
	s.notify()
	s.mu.Unlock()
	for {
		cmd, err := c.AcceptCmd()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.cmds = append(s.cmds, cmd)
		drop := s.drop[len(s.cmds)]
		s.notify()
		s.mu.Unlock()
		if drop {
			return
		}
		if err := respond(c, s.reply(cmd)); err != nil {
			return
		}
	}
}

// respond answers like Minecraft: the answer's bytes in parts of at most
// 4096, each a response packet with the command's id, and no end marker.
func respond(c *mcnet.RCONConn, resp string) error {
	for {
		part := resp[:min(len(resp), maxPart)]
		resp = resp[len(part):]
		if err := c.WritePacket(c.ReqID, 0, part); err != nil {
			return err
		}
		if resp == "" {
			return nil
		}
	}
}
