package rcon

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/connerr"
)

// longAgo is a deadline in the past: setting it makes blocked I/O return.
var longAgo = time.Unix(1, 0)

// connect dials and logs in, and on success makes the connection current.
func (c *Client) connect(ctx context.Context) error {
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", c.cfg.Address)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(longAgo) })
	defer stop()
	// Room for two whole packets, so that a packet is only consumed once
	// it has arrived in full (see readPacket).
	br := bufio.NewReaderSize(conn, 2*MaxPacketBytes)
	if err := c.login(ctx, conn, br); err != nil {
		conn.Close()
		return err
	}
	c.conn, c.br = conn, br
	c.setState(func(s *tikcraft.SinkState) { s.Connected, s.Problem, s.Since, s.Refused = true, "", time.Time{}, false })
	switch {
	case c.down.IsZero():
		c.log.Info(fmt.Sprintf("connected to Minecraft RCON at %s", c.cfg.Address))
	case !c.connected:
		// Not "again": Minecraft was not up yet when tikcraft started.
		c.log.Info(fmt.Sprintf("connected to Minecraft RCON at %s after waiting %s for it", c.cfg.Address, roundDuration(c.now().Sub(c.down))))
	default:
		c.log.Info(fmt.Sprintf("connected to Minecraft RCON at %s again after %s", c.cfg.Address, roundDuration(c.now().Sub(c.down))))
	}
	c.down, c.connected = time.Time{}, true
	return nil
}

func (c *Client) login(ctx context.Context, conn net.Conn, br *bufio.Reader) error {
	id := c.nextID()
	b, err := Packet{ID: id, Type: TypeAuth, Body: c.cfg.Password}.AppendBinary(nil)
	if err != nil {
		// The message names a length or an offset, never the password.
		return &markedError{msg: "the RCON password in tikcraft.yaml cannot be sent: " + err.Error(), marks: []error{tikcraft.ErrPermanent}}
	}
	deadline := time.Now().Add(c.cfg.ReadTimeout)
	if err := setDeadline(ctx, conn.SetWriteDeadline, deadline); err != nil {
		return err
	}
	if _, err := conn.Write(b); err != nil {
		return fmt.Errorf("logging in: %w", err)
	}
	for {
		p, err := c.read(ctx, conn, br, deadline)
		if err != nil {
			return fmt.Errorf("logging in: %w", err)
		}
		switch {
		case p.Type == TypeAuthResponse && p.ID == id:
			return nil
		case p.Type == TypeAuthResponse && p.ID == -1:
			return &markedError{
				msg:   fmt.Sprintf("Minecraft at %s refused the RCON password: check rcon.password in tikcraft.yaml and rcon.password in server.properties", c.cfg.Address),
				marks: []error{tikcraft.ErrPermanent},
			}
		case p.Type == TypeResponse && p.ID == id:
			// Source servers send an empty response before the auth
			// response; Minecraft does not, but tolerating it costs nothing.
		default:
			return fmt.Errorf("logging in: %w", unexpected(p))
		}
	}
}

// maxAnswerAfterStop bounds how long a delivery waits, once tikcraft
// stops, for the answer of a command it sent (rcon.timeout may be long).
const maxAnswerAfterStop = 30 * time.Second

// roundTrip sends cmd on the current connection and reads the whole answer.
// written reports whether the command went out, so that a failure may mean
// the server ran it. With keepAnswer, ctx ending after the command went
// out does not cut the wait for its answer short.
func (c *Client) roundTrip(ctx context.Context, cmd string, keepAnswer bool) (resp string, written bool, err error) {
	conn, br := c.conn, c.br
	cut := make(chan struct{}) // closed once ctx's end has set the deadline
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(longAgo); close(cut) })
	defer stop()

	id := c.nextID()
	b, err := Packet{ID: id, Type: TypeCommand, Body: cmd}.AppendBinary(nil)
	if err != nil {
		return "", false, err // CheckCommand already ruled this out
	}
	deadline := time.Now().Add(c.cfg.ReadTimeout)
	if err := setDeadline(ctx, conn.SetWriteDeadline, deadline); err != nil {
		return "", false, err
	}
	// One Write: Minecraft reads a request with a single read call. A
	// failed Write may still have sent part or all of it.
	if n, err := conn.Write(b); err != nil {
		return "", n > 0, fmt.Errorf("sending: %w", err)
	}
	if keepAnswer {
		// Sent: Minecraft runs it. Stopping now (Ctrl-C) would leave it
		// queued, and the next start would send it again: a lagging
		// server that takes 2 s to answer got every such command twice.
		// So its answer is waited for, up to rcon.timeout as always (at
		// most maxAnswerAfterStop once stopping); only Close cuts it short.
		if !stop() {
			<-cut // its deadline in the past must not land on the reads
		}
		until := deadline // the loop moves deadline; the callback reads this
		done := make(chan struct{})
		defer close(done)
		defer context.AfterFunc(ctx, func() {
			if c.life.Err() != nil {
				return // Close: cut short by the callback below
			}
			wait := min(time.Until(until), maxAnswerAfterStop)
			c.log.Info(fmt.Sprintf("stopping: waiting up to %s for Minecraft to answer the command it was sent, so that the next start does not send it again", roundDuration(wait)), "command", cmd)
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
				conn.SetDeadline(longAgo)
			case <-done:
			}
		})()
		defer context.AfterFunc(c.life, func() { conn.SetDeadline(longAgo) })()
		ctx = c.life
	}

	var body []byte
	parts := 0
	for {
		p, err := c.read(ctx, conn, br, deadline)
		if err != nil {
			if parts > 0 && isTimeout(err) && ctx.Err() == nil {
				// The last part was full-size and no other followed.
				return string(body), true, nil
			}
			return "", true, fmt.Errorf("waiting for the answer: %w", err)
		}
		switch {
		case p.ID == id && p.Type == TypeResponse:
			body = append(body, p.Body...)
			parts++
			if len(p.Body) < MaxBodyBytes {
				return string(body), true, nil
			}
			if len(body) >= maxResponseBytes {
				// The command ran; keep what arrived and start afresh so the
				// rest of the answer cannot be mistaken for a later one.
				c.tooLong.Log("command", cmd)
				c.dropConn()
				return string(body), true, nil
			}
			// Minecraft splits long answers into 4096-byte parts with no
			// end marker: a full-size part may or may not be the last.
			deadline = time.Now().Add(min(fragmentWait, c.cfg.ReadTimeout))
		case p.ID > 0 && p.ID < id:
			// A late part of an earlier answer (one that was exactly
			// 4096·k bytes long and slow to arrive, or one abandoned by a
			// cancelled call).
			c.log.Debug("skipping a late RCON packet of an earlier command", "packet_id", p.ID, "waiting_for", id)
		case p.ID == -1:
			return "", true, errors.New("the server says this connection is not logged in")
		default:
			return "", true, unexpected(p)
		}
	}
}

// read reads one packet, giving up at deadline or when ctx ends.
func (c *Client) read(ctx context.Context, conn net.Conn, br *bufio.Reader, deadline time.Time) (Packet, error) {
	if err := setDeadline(ctx, conn.SetReadDeadline, deadline); err != nil {
		return Packet{}, err
	}
	p, err := readPacket(br)
	if err != nil && isTimeout(err) && ctx.Err() == nil {
		return p, fmt.Errorf("no answer within %s: %w", roundDuration(c.cfg.ReadTimeout), err)
	}
	return p, err
}

// readPacket reads one packet. It peeks until the whole packet is buffered
// and only then consumes it, so a timeout never leaves half a packet read
// and the connection stays usable.
func readPacket(br *bufio.Reader) (Packet, error) {
	head, err := br.Peek(4)
	if err != nil {
		return Packet{}, err
	}
	n, err := packetLength(head)
	if err != nil {
		return Packet{}, err
	}
	b, err := br.Peek(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Packet{}, err
	}
	p, _, err := DecodePacket(b)
	br.Discard(n)
	return p, err
}

// setDeadline sets a deadline unless ctx already ended: the AfterFunc that
// interrupts I/O on cancellation may have run just before, and a new
// deadline would undo it.
func setDeadline(ctx context.Context, set func(time.Time) error, t time.Time) error {
	if err := set(t); err != nil {
		return err
	}
	return ctx.Err()
}

func unexpected(p Packet) error {
	return fmt.Errorf("unexpected RCON packet (id %d, type %d): %w", p.ID, p.Type, errProtocol)
}

var errProtocol = errors.New("the server does not follow the RCON protocol")

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// describe turns a connection error into plain words for the streamer: what
// went wrong, and what to check.
func describe(err error, cfg Config) (what, hint string) {
	var dns *net.DNSError
	switch {
	case errors.Is(err, tikcraft.ErrPermanent):
		return err.Error(), ""
	case connerr.Refused(err):
		// The port too: a server that runs with another rcon.port
		// refuses the same way.
		port := strconv.Itoa(DefaultPort)
		if _, p, err := net.SplitHostPort(cfg.Address); err == nil {
			port = p
		}
		return "connection refused", fmt.Sprintf("is the server running with enable-rcon=true and rcon.port=%s in server.properties?", port)
	case errors.As(err, &dns):
		return "host name not found", "is rcon.address in tikcraft.yaml spelled right?"
	case connerr.Unreachable(err):
		return "no route to the host", "are rcon.address in tikcraft.yaml and the network right?"
	case errors.Is(err, errBadLength), errors.Is(err, errProtocol):
		return "it does not answer like Minecraft RCON", "does rcon.address use rcon.port from server.properties (25575 by default), not the game port?"
	case isTimeout(err):
		return "no answer in time", "do rcon.address in tikcraft.yaml and rcon.port in server.properties match, with no firewall in between?"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), connerr.Closed(err):
		return "the connection was closed", "is the server starting or restarting?"
	}
	return err.Error(), "is the server running?"
}
