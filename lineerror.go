package tikcraft

import "fmt"

// LineError is a problem with one line of a file (an event file, a
// capture): the reader skips the line and goes on with the next.
type LineError struct {
	File string // the file's name, as given to the reader
	Line int    // 1-based
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v; line skipped", e.File, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
