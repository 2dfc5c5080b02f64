package rcontest

import (
	"context"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	mcnet "github.com/Tnze/go-mc/net"
)

// These tests drive the server with go-mc's own client, so they check the
// helper without tikcraft's client.

func exec(t *testing.T, c mcnet.RCONClientConn, cmd string) (string, error) {
	t.Helper()
	if err := c.Cmd(cmd); err != nil {
		return "", err
	}
	return c.Resp()
}

func ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestServer(t *testing.T) {
	s := Start(t, "pw", Reply(func(cmd string) string { return strings.ToUpper(cmd) }))
	if _, err := mcnet.DialRCON(s.Addr(), "wrong"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	c, err := mcnet.DialRCON(s.Addr(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, cmd := range []string{"say a", "say b"} {
		if resp, err := exec(t, c, cmd); err != nil || resp != strings.ToUpper(cmd) {
			t.Fatalf("%q: %q, %v", cmd, resp, err)
		}
	}
	got, err := s.WaitCommands(ctx(t), 2)
	if err != nil || strings.Join(got, ",") != "say a,say b" {
		t.Errorf("WaitCommands = %q, %v", got, err)
	}
	if err := s.WaitFailedLogins(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	if s.Logins() != 1 || s.FailedLogins() != 1 {
		t.Errorf("logins %d, failed %d", s.Logins(), s.FailedLogins())
	}
}

func TestDropAfter(t *testing.T) {
	s := Start(t, "pw", DropAfter(2))
	c, err := mcnet.DialRCON(s.Addr(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := exec(t, c, "one"); err != nil {
		t.Fatal(err)
	}
	if _, err := exec(t, c, "two"); err == nil {
		t.Fatal("the second command was answered")
	}
	if got := s.Commands(); strings.Join(got, ",") != "one,two" {
		t.Errorf("Commands = %q", got)
	}
}

func TestLateStopRestart(t *testing.T) {
	s := Start(t, "pw", Late())
	if _, err := mcnet.DialRCON(s.Addr(), "pw"); err == nil {
		t.Fatal("connected before Listen")
	}
	if err := s.Listen(); err != nil {
		t.Error(err)
	}
	c, err := mcnet.DialRCON(s.Addr(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(); err != nil {
		t.Error(err)
	}
	if _, err := exec(t, c, "lost"); err == nil {
		t.Error("a connection from before the restart still works")
	}
	c.Close()
	c, err = mcnet.DialRCON(s.Addr(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := exec(t, c, "after"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	s.Stop()
	if got := s.Commands(); strings.Join(got, ",") != "after" {
		t.Errorf("Commands = %q", got)
	}
	if err := s.WaitLogins(ctx(t), 2); err != nil {
		t.Error(err)
	}
}

// TestLongAnswerIsSplit reads the raw packets: Minecraft's 4096-byte parts.
func TestLongAnswerIsSplit(t *testing.T) {
	answer := strings.Repeat("0123456789", 1000)
	s := Start(t, "pw", Reply(func(string) string { return answer }))
	cl, err := mcnet.DialRCON(s.Addr(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	c := cl.(*mcnet.RCONConn)
	if err := c.Cmd("big"); err != nil {
		t.Fatal(err)
	}
	// go-mc's client refuses packets over 4096 bytes in all, so read the
	// parts by hand: 4096, 4096 and 1808 bytes of body.
	var got strings.Builder
	for _, want := range []int{4096, 4096, 1808} {
		var head [12]byte
		if _, err := io.ReadFull(c, head[:]); err != nil {
			t.Fatal(err)
		}
		n := int(binary.LittleEndian.Uint32(head[:]))
		if n-10 != want {
			t.Fatalf("part of %d bytes, want %d", n-10, want)
		}
		body := make([]byte, n-8)
		if _, err := io.ReadFull(c, body); err != nil {
			t.Fatal(err)
		}
		got.Write(body[:len(body)-2])
	}
	if got.String() != answer {
		t.Error("parts do not add up to the answer")
	}
}
