package webcast

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/tikcraft/tikcraft"
)

// Decoded is what DecodeCapture found on one line of a capture. The events
// are the caller's to keep; Frame.Payload and the message payloads in
// Frame.Result are reused once emit returns: copy them to keep them.
type Decoded struct {
	Line   int // 1-based line of the capture
	Frame  Frame
	Events []tikcraft.Event
	// Err is a *tikcraft.LineError for a line that holds no frame, else what
	// DecodeFrame returned for the frame.
	Err error
}

// captureBatch is how many lines travel between the goroutines at once:
// enough to make the hand-offs cheap, few enough to keep memory small.
const captureBatch = 32

type batch struct {
	items []Decoded
	raw   [][]byte
	done  chan struct{} // closed once the frames are decoded
}

// DecodeCapture decodes every frame of r as DecodeFrame would and calls emit
// with each line's result, in the capture's order, on the caller's
// goroutine. Decoding runs on up to workers goroutines
// (runtime.GOMAXPROCS(0) if workers <= 0), because gunzip, which a single
// core cannot go faster than, is most of the work of a large capture. d
// counts everything exactly as if DecodeFrame had been called on each frame
// in turn.
//
// A line that is not a frame is passed to emit with its *tikcraft.LineError and
// reading goes on. It returns emit's first error, ctx's, or the reader's
// (io.EOF ends the capture and is not returned).
func (d *Decoder) DecodeCapture(ctx context.Context, r *CaptureReader, workers int, emit func(Decoded) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel: nothing is left running on return
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	order := make(chan *batch, 2*workers)
	work := make(chan *batch, 2*workers)
	// Unpacked payloads go back to the workers once emitted: most of what a
	// frame allocates is its payload, and recycling it keeps the garbage
	// collector from running all the time.
	payloads := new(sync.Pool)

	var readErr error // written before order is closed, read after
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(work)
		readErr = readBatches(ctx, r, order, work)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wd := NewDecoder(d.limits) // its counts are not used: d counts in order below
			wd.fast.payloads = payloads
			for b := range work {
				for i := range b.items {
					if b.items[i].Err == nil && ctx.Err() == nil {
						it := &b.items[i]
						it.Frame, it.Events, it.Err = wd.DecodeFrame(b.raw[i])
					}
				}
				close(b.done)
			}
		}()
	}

	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, it := range b.items {
			var le *tikcraft.LineError
			if !errors.As(it.Err, &le) {
				d.countDecoded(it.Frame, it.Events, it.Err)
			}
			if err := emit(it); err != nil {
				return err
			}
			if it.Frame.Compressed && cap(it.Frame.Payload) > 0 {
				p := it.Frame.Payload[:0]
				payloads.Put(&p)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return readErr
}

// readBatches reads r into batches, each sent first to order (for the
// caller, in sequence) then to work (for any worker).
func readBatches(ctx context.Context, r *CaptureReader, order, work chan<- *batch) error {
	send := func(b *batch) bool {
		for _, ch := range []chan<- *batch{order, work} {
			select {
			case ch <- b:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	b := &batch{done: make(chan struct{})}
	for {
		frame, err := r.Next()
		var le *tikcraft.LineError
		switch {
		case errors.As(err, &le):
			b.items = append(b.items, Decoded{Line: r.Line(), Err: err})
			b.raw = append(b.raw, nil)
		case err != nil:
			if len(b.items) > 0 && !send(b) {
				return ctx.Err()
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		default:
			b.items = append(b.items, Decoded{Line: r.Line()})
			b.raw = append(b.raw, frame)
		}
		if len(b.items) == captureBatch {
			if !send(b) {
				return ctx.Err()
			}
			b = &batch{done: make(chan struct{})}
		}
	}
}

// countDecoded adds to d's counts what DecodeFrame counted for this result
// on another Decoder: the frame (unreadable when there is an error but no
// result), then its messages in order, malformed ones as the MessageErrors
// say, then its events.
func (d *Decoder) countDecoded(f Frame, evs []tikcraft.Event, err error) {
	if f.Result == nil {
		d.countFrame(err == nil)
		return
	}
	d.countFrame(true)
	msgs := f.Result.GetMessages()
	var malformed []bool
	if err != nil {
		malformed = make([]bool, len(msgs))
		var errs []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		} else {
			errs = []error{err}
		}
		for _, e := range errs {
			var me *MessageError
			if errors.As(e, &me) && me.Index >= 0 && me.Index < len(msgs) {
				malformed[me.Index] = true
			}
		}
	}
	for i, m := range msgs {
		d.countMessage(m.GetMethod(), malformed != nil && malformed[i])
	}
	d.countEvents(len(evs))
}
