package rcon

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Packet types of the Source RCON protocol as Minecraft uses them. The
// command and auth-response types share the value 2; the direction tells
// them apart.
const (
	TypeResponse     int32 = 0 // SERVERDATA_RESPONSE_VALUE: server → client
	TypeCommand      int32 = 2 // SERVERDATA_EXECCOMMAND: client → server
	TypeAuthResponse int32 = 2 // SERVERDATA_AUTH_RESPONSE: server → client
	TypeAuth         int32 = 3 // SERVERDATA_AUTH: client → server
)

const (
	// MaxCommandBytes is the longest command payload Minecraft accepts: its
	// RCON thread reads a request into a 1460-byte buffer, of which 14 bytes
	// are the packet's length, id, type and two terminating NULs.
	MaxCommandBytes = 1446
	// MaxBodyBytes is the largest body of one packet. Minecraft splits
	// longer responses into several packets of at most this size.
	MaxBodyBytes = 4096

	// headerBytes is id + type; trailerBytes the body's NUL and the empty
	// second string's NUL.
	headerBytes  = 8
	trailerBytes = 2
	// minLength and maxLength bound the length field, which counts
	// everything after itself.
	minLength = headerBytes + trailerBytes
	maxLength = headerBytes + MaxBodyBytes + trailerBytes
	// MaxPacketBytes is the size of the largest packet on the wire,
	// length field included.
	MaxPacketBytes = 4 + maxLength
)

// Packet is one RCON packet.
type Packet struct {
	ID   int32
	Type int32
	Body string
}

// AppendBinary appends p's wire form (length field included) to b. It
// refuses bodies longer than MaxBodyBytes or containing a NUL byte, which
// the receiver would read as the end of the body.
func (p Packet) AppendBinary(b []byte) ([]byte, error) {
	if len(p.Body) > MaxBodyBytes {
		return b, fmt.Errorf("RCON packet body is %d bytes, more than the %d the protocol allows", len(p.Body), MaxBodyBytes)
	}
	for i := 0; i < len(p.Body); i++ {
		if p.Body[i] == 0 {
			return b, fmt.Errorf("RCON packet body contains a NUL byte at offset %d", i)
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(headerBytes+len(p.Body)+trailerBytes))
	b = binary.LittleEndian.AppendUint32(b, uint32(p.ID))
	b = binary.LittleEndian.AppendUint32(b, uint32(p.Type))
	b = append(b, p.Body...)
	return append(b, 0, 0), nil
}

// errBadLength reports a length field outside [minLength, maxLength]. It is
// detected from the first four bytes alone, before the rest arrives.
var errBadLength = errors.New("bad RCON packet length")

// packetLength validates the length field at the start of b (at least 4
// bytes) and returns the total packet size including that field.
func packetLength(b []byte) (int, error) {
	n := int32(binary.LittleEndian.Uint32(b))
	if n < minLength || n > maxLength {
		return 0, fmt.Errorf("%w %d: must be between %d and %d (is this really Minecraft's RCON port?)", errBadLength, n, minLength, maxLength)
	}
	return 4 + int(n), nil
}

// DecodePacket decodes the packet at the start of b and returns it with the
// number of bytes it took. When b holds less than one whole packet the
// error wraps io.ErrUnexpectedEOF; any other error means b does not start
// with a valid packet.
func DecodePacket(b []byte) (Packet, int, error) {
	if len(b) < 4 {
		return Packet{}, 0, fmt.Errorf("RCON packet length field is cut short after %d bytes: %w", len(b), io.ErrUnexpectedEOF)
	}
	n, err := packetLength(b)
	if err != nil {
		return Packet{}, 0, err
	}
	if len(b) < n {
		return Packet{}, 0, fmt.Errorf("RCON packet is cut short: %d of %d bytes: %w", len(b), n, io.ErrUnexpectedEOF)
	}
	if b[n-2] != 0 || b[n-1] != 0 {
		return Packet{}, 0, fmt.Errorf("RCON packet does not end with two NUL bytes (got %#x %#x)", b[n-2], b[n-1])
	}
	return Packet{
		ID:   int32(binary.LittleEndian.Uint32(b[4:])),
		Type: int32(binary.LittleEndian.Uint32(b[8:])),
		Body: string(b[12 : n-2]),
	}, n, nil
}
