package rcon

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// wire builds a packet by hand, independently of AppendBinary.
func wire(length int32, id, typ int32, body string, trailer ...byte) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(length))
	b = binary.LittleEndian.AppendUint32(b, uint32(id))
	b = binary.LittleEndian.AppendUint32(b, uint32(typ))
	b = append(b, body...)
	return append(b, trailer...)
}

func TestDecodePacket(t *testing.T) {
	full := strings.Repeat("x", MaxBodyBytes)
	tests := []struct {
		name    string
		in      []byte
		want    Packet
		wantN   int
		wantErr string
		short   bool // error wraps io.ErrUnexpectedEOF
	}{
		{name: "empty body", in: wire(10, 7, 0, "", 0, 0), want: Packet{ID: 7, Type: 0}, wantN: 14},
		{name: "body", in: wire(15, 1, 2, "hello", 0, 0), want: Packet{ID: 1, Type: 2, Body: "hello"}, wantN: 19},
		{name: "negative id", in: wire(10, -1, 2, "", 0, 0), want: Packet{ID: -1, Type: 2}, wantN: 14},
		{name: "full-size body", in: wire(4106, 3, 0, full, 0, 0), want: Packet{ID: 3, Body: full}, wantN: 4110},
		{name: "trailing bytes left alone", in: append(wire(10, 7, 0, "", 0, 0), 1, 2, 3), want: Packet{ID: 7}, wantN: 14},
		{name: "nothing", in: nil, wantErr: "cut short", short: true},
		{name: "half a length", in: []byte{10, 0}, wantErr: "cut short", short: true},
		{name: "half a packet", in: wire(15, 1, 2, "hel"), wantErr: "cut short", short: true},
		{name: "length 9", in: wire(9, 1, 2, "", 0), wantErr: "between 10 and 4106"},
		{name: "length 0", in: wire(0, 0, 0, ""), wantErr: "between 10 and 4106"},
		{name: "negative length", in: wire(-5, 0, 0, ""), wantErr: "between 10 and 4106"},
		{name: "length 4107", in: wire(4107, 1, 0, full+"x", 0, 0), wantErr: "between 10 and 4106"},
		{name: "HTTP instead of RCON", in: []byte("HTTP/1.1 400 Bad Request\r\n"), wantErr: "between 10 and 4106"},
		{name: "no terminator", in: wire(12, 1, 0, "abcd"), wantErr: "two NUL bytes"},
		{name: "half terminator", in: wire(12, 1, 0, "abc", 0), wantErr: "two NUL bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, n, err := DecodePacket(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DecodePacket error = %v, want one containing %q", err, tt.wantErr)
				}
				if got := errors.Is(err, io.ErrUnexpectedEOF); got != tt.short {
					t.Errorf("errors.Is(err, io.ErrUnexpectedEOF) = %v, want %v", got, tt.short)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodePacket: %v", err)
			}
			if p != tt.want || n != tt.wantN {
				t.Errorf("DecodePacket = %+v, %d; want %+v, %d", p, n, tt.want, tt.wantN)
			}
		})
	}
}

func TestAppendBinary(t *testing.T) {
	tests := []struct {
		name    string
		p       Packet
		want    []byte
		wantErr string
	}{
		{name: "auth", p: Packet{ID: 1, Type: TypeAuth, Body: "pw"}, want: wire(12, 1, 3, "pw", 0, 0)},
		{name: "empty command", p: Packet{ID: 2, Type: TypeCommand}, want: wire(10, 2, 2, "", 0, 0)},
		{name: "largest body", p: Packet{Body: strings.Repeat("a", MaxBodyBytes)}, want: wire(4106, 0, 0, strings.Repeat("a", MaxBodyBytes), 0, 0)},
		{name: "body too long", p: Packet{Body: strings.Repeat("a", MaxBodyBytes+1)}, wantErr: "4097 bytes"},
		{name: "NUL in body", p: Packet{Body: "say a\x00op me"}, wantErr: "NUL byte at offset 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("keep")
			got, err := tt.p.AppendBinary(prefix)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("AppendBinary error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("AppendBinary: %v", err)
			}
			if !bytes.Equal(got, append([]byte("keep"), tt.want...)) {
				t.Errorf("AppendBinary = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPacketRoundTrip: any packet that can be encoded decodes to itself,
// from exactly the bytes written, even with more data behind it.
func TestPacketRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		body := make([]byte, r.IntN(MaxBodyBytes+1))
		for j := range body {
			body[j] = byte(1 + r.IntN(255))
		}
		p := Packet{ID: int32(r.Uint32()), Type: int32(r.Uint32()), Body: string(body)}
		b, err := p.AppendBinary(nil)
		if err != nil {
			t.Fatalf("#%d: AppendBinary: %v", i, err)
		}
		if len(b) != 14+len(body) {
			t.Fatalf("#%d: encoded %d bytes for a %d-byte body", i, len(b), len(body))
		}
		got, n, err := DecodePacket(append(b, "next packet"...))
		if err != nil || got != p || n != len(b) {
			t.Fatalf("#%d: DecodePacket = %+v, %d, %v; want %+v, %d", i, got, n, err, p, len(b))
		}
		// Every strict prefix is reported as incomplete, never as garbage.
		cut := r.IntN(len(b))
		if _, _, err := DecodePacket(b[:cut]); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("#%d: DecodePacket of %d of %d bytes: %v, want io.ErrUnexpectedEOF", i, cut, len(b), err)
		}
	}
}

func FuzzDecodePacket(f *testing.F) {
	f.Add(wire(10, 7, 0, "", 0, 0))
	f.Add(wire(15, 1, 2, "hello", 0, 0))
	f.Add(wire(10, -1, 2, "", 0, 0))
	f.Add(wire(4106, 3, 0, strings.Repeat("x", 4096), 0, 0))
	f.Add(wire(4107, 3, 0, "x", 0, 0))
	f.Add(wire(9, 1, 2, "", 0))
	f.Add(wire(-1, 0, 0, ""))
	f.Add(wire(12, 1, 0, "abcd"))
	f.Add(wire(14, 1, 0, "a\x00b\x00", 0, 0))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, n, err := DecodePacket(b)
		if err != nil {
			if n != 0 {
				t.Fatalf("error %v with %d bytes consumed", err, n)
			}
			return
		}
		if n < 14 || n > MaxPacketBytes || n > len(b) {
			t.Fatalf("consumed %d bytes of %d", n, len(b))
		}
		if len(p.Body) != n-14 {
			t.Fatalf("body is %d bytes in a %d-byte packet", len(p.Body), n)
		}
		if strings.IndexByte(p.Body, 0) >= 0 {
			return // decodes leniently, cannot be re-encoded
		}
		enc, err := p.AppendBinary(nil)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", p, err)
		}
		if !bytes.Equal(enc, b[:n]) {
			t.Fatalf("re-encoded %q, decoded from %q", enc, b[:n])
		}
	})
}
