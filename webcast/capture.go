package webcast

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/tikcraft/tikcraft"
)

// A capture file holds one received binary WebSocket message per line, in
// standard base64 (RFC 4648 with padding). Blank lines are ignored, so an
// empty message is not recorded. See docs/CAPTURE.md.

// maxCaptureLine is the longest capture line a CaptureReader accepts: a
// frame of DefaultMaxBytes in padded base64. Longer lines are reported and
// skipped.
const maxCaptureLine = (DefaultMaxBytes + 2) / 3 * 4

// CaptureWriter appends frames to a capture. Every frame is one Write of
// one whole line, unbuffered, so a crash loses at most the frame being
// written and concurrent appenders to an O_APPEND file do not interleave.
// It is safe for concurrent use.
type CaptureWriter struct {
	mu sync.Mutex
	w  io.Writer
	c  io.Closer
}

// NewCaptureWriter writes capture lines to w.
func NewCaptureWriter(w io.Writer) *CaptureWriter { return &CaptureWriter{w: w} }

// AppendCapture opens the capture file at path for appending, creating it
// if needed. Captures hold viewers' names and messages, so a new file is
// readable by its owner only.
func AppendCapture(path string) (*CaptureWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open capture file: %w", err)
	}
	return &CaptureWriter{w: f, c: f}, nil
}

// WriteFrame appends one frame as one line. An empty frame writes nothing.
func (c *CaptureWriter) WriteFrame(frame []byte) error {
	if len(frame) == 0 {
		return nil
	}
	line := make([]byte, base64.StdEncoding.EncodedLen(len(frame))+1)
	base64.StdEncoding.Encode(line, frame)
	line[len(line)-1] = '\n'
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(line); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	return nil
}

// Close closes the file opened by AppendCapture; for a writer made by
// NewCaptureWriter it does nothing.
func (c *CaptureWriter) Close() error {
	if c.c == nil {
		return nil
	}
	if err := c.c.Close(); err != nil {
		return fmt.Errorf("close capture file: %w", err)
	}
	return nil
}

// CaptureReader reads frames back from a capture.
type CaptureReader struct {
	name string
	br   *bufio.Reader
	line int
	buf  []byte
}

// NewCaptureReader reads the capture in r; name (usually the file name)
// appears in errors.
func NewCaptureReader(r io.Reader, name string) *CaptureReader {
	if name == "" {
		name = "capture"
	}
	return &CaptureReader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Line is the number of the line Next read last.
func (r *CaptureReader) Line() int { return r.line }

// Next returns the next frame. A line that is not a frame gives a
// *tikcraft.LineError, and the next call carries on with the line after it. At the
// end it returns io.EOF; any other error is from the underlying reader and
// ends the capture.
func (r *CaptureReader) Next() ([]byte, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil {
			return nil, err
		}
		r.line++
		if tooLong {
			return nil, &tikcraft.LineError{File: r.name, Line: r.line, Err: fmt.Errorf("line is longer than %d characters, more than any frame we accept", maxCaptureLine)}
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		frame := make([]byte, base64.StdEncoding.DecodedLen(len(line)))
		n, err := base64.StdEncoding.Decode(frame, line)
		if err != nil {
			return nil, &tikcraft.LineError{File: r.name, Line: r.line, Err: fmt.Errorf("not a base64 frame: %w", err)}
		}
		return frame[:n], nil
	}
}

// readLine returns the next line without its newline. Over-long lines are
// consumed to their end but not kept.
func (r *CaptureReader) readLine() (line []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	read := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(r.buf)+len(chunk) > maxCaptureLine+2 { // room for "\r\n"
				tooLong, r.buf = true, r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && read:
			return r.buf, tooLong, nil
		case err != nil:
			if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("read %s: %w", r.name, err)
			}
			return nil, false, err
		}
		return r.buf, tooLong, nil
	}
}
