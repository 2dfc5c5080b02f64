package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/tikcraft/tikcraft"
)

// MaxLineBytes bounds one line; longer lines are reported and skipped so a
// corrupt file cannot exhaust memory.
const MaxLineBytes = 1 << 20

// Reader reads events line by line.
type Reader struct {
	name string
	r    *bufio.Reader
	line int
}

// NewReader reads events from r; name is used in error messages.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, r: bufio.NewReaderSize(r, 64<<10)}
}

// Line is the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Next returns the next event. Blank lines are skipped. A bad line gives a
// *tikcraft.LineError and the next call continues after it; io.EOF ends the stream;
// any other error is from the underlying reader.
func (r *Reader) Next() (tikcraft.Event, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(line) == 0 {
			continue
		}
		ev, err := Unmarshal(line)
		if err != nil {
			return nil, &tikcraft.LineError{File: r.name, Line: r.line, Err: err}
		}
		return ev, nil
	}
}

// readLine returns one line without its newline, or a *tikcraft.LineError for a line
// over MaxLineBytes (after skipping the rest of it).
func (r *Reader) readLine() ([]byte, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.r.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes {
			tooLong = true
			buf = buf[:0]
		} else if !tooLong {
			buf = append(buf, chunk...)
		}
		switch {
		case err == nil:
			r.line++
			if tooLong {
				return nil, &tikcraft.LineError{File: r.name, Line: r.line, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)}
			}
			return buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 && !tooLong {
				return nil, io.EOF
			}
			r.line++
			if tooLong {
				return nil, &tikcraft.LineError{File: r.name, Line: r.line, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)}
			}
			return buf, nil
		default:
			return nil, fmt.Errorf("reading %s: %w", r.name, err)
		}
	}
}

// Writer writes events, one per line.
type Writer struct {
	w    io.Writer
	buf  []byte
	size int   // flush once buf holds this much; 0: write every line at once
	err  error // the first write error, returned from then on
}

// NewWriter writes events to w, one Write per event, so each line is out
// as soon as Write returns.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// NewBufferedWriter writes events to w in chunks of about size bytes
// (64 KiB if size <= 0): one write per chunk instead of one per event. The
// caller must call Flush at the end, and whenever the lines so far should
// be visible to whoever reads w.
func NewBufferedWriter(w io.Writer, size int) *Writer {
	if size <= 0 {
		size = 64 << 10
	}
	return &Writer{w: w, buf: make([]byte, 0, size+size/4), size: size}
}

// Write encodes ev as one line. An event that cannot be encoded is an
// error and writes nothing; after a write error every call returns it.
func (w *Writer) Write(ev tikcraft.Event) error {
	if w.err != nil {
		return w.err
	}
	n := len(w.buf)
	b, err := AppendEvent(w.buf, ev)
	if err != nil {
		w.buf = b[:n]
		return err
	}
	w.buf = append(b, '\n')
	if len(w.buf) >= w.size {
		return w.Flush()
	}
	return nil
}

// Flush writes the buffered lines.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = err
	}
	return err
}
