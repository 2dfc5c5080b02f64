package webcast

import (
	"encoding/binary"
	"hash/crc32"
	"math/bits"
)

// A DEFLATE decoder for the one case decoding spends most of its time on: a
// whole single-member gzip stream in memory, unpacked into a buffer of the
// size its trailer announces. It reads the input from a byte slice with a
// 64-bit bit buffer and writes straight into the output, which is also the
// history matches copy from, where compress/flate goes through an
// io.ByteReader per byte and a separate 32 KiB window; that makes it about
// twice as fast.
//
// It is only a shortcut. It accepts a stream only when compress/gzip would
// accept it with the same bytes: every rule of RFC 1951 that compress/flate
// enforces is enforced here the same way (complete Huffman codes except the
// degenerate one-code case, no distance beyond what was written, no length
// symbols 286-287 or distance symbols 30-31, stored-block length checks,
// HLIT <= 286, HDIST <= 30), the stream must end exactly at the 8-byte
// trailer, and the output must have the trailer's size and CRC-32. Anything
// else (a header with flags, a second member, any error) returns false and
// the caller unpacks with compress/gzip, which then decides. inflate_test.go
// compares the two on many encoders' streams and by fuzzing.

const (
	litTableBits  = 10 // primary lookup bits of the literal/length table
	distTableBits = 8
	clenTableBits = 7 // code-length codes are at most 7 bits: one level

	// A table entry is value<<16 | flags | code length. Value is a symbol
	// or, with entryLink, the offset of a second-level table whose index
	// width is in the low bits. A zero entry is a bit pattern no code has.
	entryLink = 0x100
)

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order code-length code lengths are sent in.
	codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// flateTables are the decoding tables, kept with a pooled inflater so that
// a frame allocates none.
type flateTables struct {
	lit, dist, clen     []uint32
	fixedLit, fixedDist []uint32 // built on first use
	lengths             [286 + 30]uint8
}

// gunzipWhole unpacks the gzip stream p into buf (reused when big enough)
// if it is one member of at most limit bytes that this decoder accepts.
func (t *flateTables) gunzipWhole(p []byte, limit int, buf []byte) ([]byte, bool) {
	if len(p) < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || p[3] != 0 {
		return nil, false // no flags: no name, comment, extra field or header CRC
	}
	crc := binary.LittleEndian.Uint32(p[len(p)-8:])
	size := binary.LittleEndian.Uint32(p[len(p)-4:])
	// DEFLATE cannot expand more than 1032 times (a 258-byte match per two
	// bits): a larger size is a lie not worth allocating for.
	if uint64(size) > uint64(limit) || uint64(size) > 1032*uint64(len(p)) {
		return nil, false
	}
	out := buf[:0]
	if cap(out) < int(size) {
		out = make([]byte, 0, int(size)+1)
	}
	out = out[:size]
	n, ok := t.inflate(p[10:len(p)-8], out)
	if !ok || n != len(out) || crc32.ChecksumIEEE(out) != crc {
		return nil, false
	}
	return out, true
}

type bitReader struct {
	in   []byte
	pos  int    // next byte of in to load; past len(in) when padding was loaded
	bits uint64 // loaded bits, the next one lowest
	n    uint   // how many of them are valid
}

// refill loads at least 56 bits. Past the end of the input it loads zero
// bytes; inflate checks at the end that none of them were used.
func (r *bitReader) refill() {
	if r.pos+8 <= len(r.in) {
		r.bits |= binary.LittleEndian.Uint64(r.in[r.pos:]) << r.n
		r.pos += int((63 - r.n) >> 3)
		r.n |= 56
		return
	}
	for r.n <= 56 {
		if r.pos < len(r.in) {
			r.bits |= uint64(r.in[r.pos]) << r.n
		}
		r.pos++
		r.n += 8
	}
}

func (r *bitReader) need(k uint) {
	if r.n < k {
		r.refill()
	}
}

func (r *bitReader) take(k uint) uint32 {
	v := uint32(r.bits & (1<<k - 1))
	r.bits >>= k
	r.n -= k
	return v
}

// sym decodes one symbol with table t of primary width tbits; ok is false
// for a bit pattern of no code. The caller has loaded 15 bits.
func (r *bitReader) sym(t []uint32, tbits uint) (uint32, bool) {
	e := t[r.bits&(1<<tbits-1)]
	if e&entryLink != 0 {
		e = t[e>>16+uint32(r.bits>>tbits)&(1<<(e&0xff)-1)]
	}
	n := uint(e & 0xff)
	if n == 0 {
		return 0, false
	}
	r.bits >>= n
	r.n -= n
	return e >> 16, true
}

// inflate decodes the DEFLATE stream in into out and returns how many
// bytes it wrote. The stream must end at the end of in.
func (t *flateTables) inflate(in, out []byte) (int, bool) {
	r := bitReader{in: in}
	o := 0
	for {
		if r.pos > len(in)+8 {
			// Only zero padding is left: a stream of empty blocks that
			// never ends must not keep us here.
			return o, false
		}
		r.need(3)
		final := r.take(1) == 1
		var ok bool
		switch r.take(2) {
		case 0:
			o, ok = storedBlock(&r, out, o)
		case 1:
			if t.fixedLit == nil {
				t.buildFixed()
			}
			o, ok = huffmanBlock(&r, out, o, t.fixedLit, t.fixedDist)
		case 2:
			if ok = t.readDynamic(&r); ok {
				o, ok = huffmanBlock(&r, out, o, t.lit, t.dist)
			}
		}
		if !ok {
			return o, false
		}
		if final {
			break
		}
	}
	return o, r.pos-int(r.n>>3) == len(in)
}

func storedBlock(r *bitReader, out []byte, o int) (int, bool) {
	r.take(r.n & 7) // to the byte boundary
	pos := r.pos - int(r.n>>3)
	if pos+4 > len(r.in) {
		return o, false
	}
	n := int(binary.LittleEndian.Uint16(r.in[pos:]))
	if uint16(n) != ^binary.LittleEndian.Uint16(r.in[pos+2:]) {
		return o, false
	}
	pos += 4
	if pos+n > len(r.in) || o+n > len(out) {
		return o, false
	}
	copy(out[o:], r.in[pos:pos+n])
	*r = bitReader{in: r.in, pos: pos + n}
	return o + n, true
}

// huffmanBlock is the hot loop: the bit reader lives in local variables
// (registers) here, and a refill serves a whole length/distance pair or
// up to three literals.
func huffmanBlock(r *bitReader, out []byte, o int, lit, dist []uint32) (int, bool) {
	in, pos, bitbuf, n := r.in, r.pos, r.bits, r.n
	defer func() { r.pos, r.bits, r.n = pos, bitbuf, n }()
	const litMask, distMask = 1<<litTableBits - 1, 1<<distTableBits - 1
	for {
		// At most 3*15+5 bits go before the next check.
		if n < 50 {
			if pos+8 <= len(in) {
				bitbuf |= binary.LittleEndian.Uint64(in[pos:]) << n
				pos += int((63 - n) >> 3)
				n |= 56
			} else {
				for n <= 56 {
					if pos < len(in) {
						bitbuf |= uint64(in[pos]) << n
					}
					pos++
					n += 8
				}
			}
		}
		// Up to three literals, then a length.
		var e uint32
		for range 3 {
			e = lit[bitbuf&litMask]
			if e&entryLink != 0 {
				e = lit[e>>16+uint32(bitbuf>>litTableBits)&(1<<(e&0xff)-1)]
			}
			l := uint(e & 0xff)
			if l == 0 {
				return o, false
			}
			bitbuf >>= l
			n -= l
			if e>>16 >= 256 {
				break
			}
			if o >= len(out) {
				return o, false
			}
			out[o] = byte(e >> 16)
			o++
			e = 0
		}
		s := e >> 16
		switch {
		case e == 0: // three literals: refill
			continue
		case s == 256:
			return o, true
		case s > 285:
			return o, false
		}
		s -= 257
		eb := uint(lengthExtra[s])
		length := int(lengthBase[s]) + int(uint32(bitbuf)&(1<<eb-1))
		bitbuf >>= eb
		n -= eb
		if n < 28 { // a distance code and its extra bits
			if pos+8 <= len(in) {
				bitbuf |= binary.LittleEndian.Uint64(in[pos:]) << n
				pos += int((63 - n) >> 3)
				n |= 56
			} else {
				for n <= 56 {
					if pos < len(in) {
						bitbuf |= uint64(in[pos]) << n
					}
					pos++
					n += 8
				}
			}
		}
		e = dist[bitbuf&distMask]
		if e&entryLink != 0 {
			e = dist[e>>16+uint32(bitbuf>>distTableBits)&(1<<(e&0xff)-1)]
		}
		l := uint(e & 0xff)
		d := e >> 16
		if l == 0 || d >= 30 {
			return o, false
		}
		bitbuf >>= l
		n -= l
		eb = uint(distExtra[d])
		distance := int(distBase[d]) + int(uint32(bitbuf)&(1<<eb-1))
		bitbuf >>= eb
		n -= eb
		if distance > o || o+length > len(out) {
			return o, false
		}
		if distance >= length {
			copy(out[o:o+length], out[o-distance:])
		} else {
			for i := range length {
				out[o+i] = out[o-distance+i]
			}
		}
		o += length
	}
}

func (t *flateTables) readDynamic(r *bitReader) bool {
	r.need(14)
	nlit := int(r.take(5)) + 257
	ndist := int(r.take(5)) + 1
	nclen := int(r.take(4)) + 4
	if nlit > 286 || ndist > 30 {
		return false
	}
	var clens [19]uint8
	for i := range nclen {
		r.need(3)
		clens[codeLengthOrder[i]] = uint8(r.take(3))
	}
	var ok bool
	if t.clen, ok = buildTable(t.clen, clens[:], clenTableBits); !ok {
		return false
	}
	lengths := t.lengths[:nlit+ndist]
	for i := 0; i < len(lengths); {
		r.need(7 + 7)
		s, ok := r.sym(t.clen, clenTableBits)
		if !ok {
			return false
		}
		if s < 16 {
			lengths[i] = uint8(s)
			i++
			continue
		}
		var rep int
		var v uint8
		switch s {
		case 16:
			if i == 0 {
				return false
			}
			rep, v = 3+int(r.take(2)), lengths[i-1]
		case 17:
			rep = 3 + int(r.take(3))
		default:
			rep = 11 + int(r.take(7))
		}
		if i+rep > len(lengths) {
			return false
		}
		for range rep {
			lengths[i] = v
			i++
		}
	}
	if t.lit, ok = buildTable(t.lit, lengths[:nlit], litTableBits); !ok {
		return false
	}
	t.dist, ok = buildTable(t.dist, lengths[nlit:], distTableBits)
	return ok
}

func (t *flateTables) buildFixed() {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	t.fixedLit, _ = buildTable(nil, l[:], litTableBits)
	var d [32]uint8 // 30 and 31 are codes that are invalid to use
	for i := range d {
		d[i] = 5
	}
	t.fixedDist, _ = buildTable(nil, d[:], distTableBits)
}

// buildTable makes the lookup table of the canonical Huffman code with
// these code lengths, in t's memory. It refuses what compress/flate
// refuses: an over-subscribed or incomplete code, except a single code of
// length 1 (whose other bit pattern stays invalid). An empty code gives a
// table in which every pattern is invalid.
func buildTable(t []uint32, lengths []uint8, tbits uint) ([]uint32, bool) {
	var count [16]int
	maxLen := uint(0)
	for _, l := range lengths {
		if l > 0 {
			count[l]++
			maxLen = max(maxLen, uint(l))
		}
	}
	size := 1 << tbits
	if cap(t) < size {
		t = make([]uint32, size, size*2)
	}
	t = t[:size]
	clear(t)
	if maxLen == 0 {
		return t, true
	}
	var next [16]int
	code := 0
	for l := uint(1); l <= maxLen; l++ {
		code <<= 1
		next[l] = code
		code += count[l]
	}
	if code != 1<<maxLen && !(code == 1 && maxLen == 1) {
		return t, false
	}
	subBits := uint(0)
	if maxLen > tbits {
		subBits = maxLen - tbits
	}
	for s, l8 := range lengths {
		l := uint(l8)
		if l == 0 {
			continue
		}
		rev := uint(bits.Reverse16(uint16(next[l]))) >> (16 - l)
		next[l]++
		entry := uint32(s)<<16 | uint32(l)
		if l <= tbits {
			for i := rev; i < uint(size); i += 1 << l {
				t[i] = entry
			}
			continue
		}
		p := rev & (1<<tbits - 1)
		if t[p] == 0 {
			off := len(t)
			for range 1 << subBits {
				t = append(t, 0)
			}
			t[p] = uint32(off)<<16 | entryLink | uint32(subBits)
		}
		off := uint(t[p] >> 16)
		for i := rev >> tbits; i < 1<<subBits; i += 1 << (l - tbits) {
			t[off+i] = entry
		}
	}
	return t, true
}
