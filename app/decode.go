package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/webcast"
)

// DecodeOptions are decode's flags.
type DecodeOptions struct {
	Options
	File  string
	Stats bool // print counts per message type instead of the events
}

// Decode prints the events of a capture file in the JSONL event format, one
// per line, or with Stats the number of messages per type.
//
// It decodes the frames exactly as `replay --frames` (source.Frames) and
// the live client do, and logs bad lines and frames the same way, but on
// every core and with buffered output: gunzip is most of the work of a
// large capture and one core cannot go faster (docs/PERFORMANCE.md).
func Decode(ctx context.Context, do DecodeOptions) error {
	do.defaults()
	f, err := os.Open(do.File)
	if err != nil {
		return fmt.Errorf("opening capture file: %w", err)
	}
	defer f.Close()
	dec := webcast.NewDecoder(webcast.Limits{})
	// One write per 64 KiB instead of one per event: a write per line was
	// a sixth of decode's time. Flushed at the end, also when the capture
	// cannot be read to its end.
	w := jsonl.NewBufferedWriter(do.Stdout, 64<<10)
	var werr error
	skipped := 0
	err = dec.DecodeCapture(ctx, webcast.NewCaptureReader(f, do.File), 0, func(d webcast.Decoded) error {
		var le *tikcraft.LineError
		switch {
		case errors.As(d.Err, &le):
			skipped++
			do.Log.Warn("skipping a bad line of the capture file", "where", fmt.Sprintf("%s:%d", le.File, le.Line), "error", le.Err.Error())
			return nil
		case d.Err != nil:
			if len(d.Events) == 0 {
				skipped++
			}
			do.Log.Warn("problem in a captured frame", "where", fmt.Sprintf("%s:%d", do.File, d.Line), "error", d.Err.Error())
		}
		if do.Stats {
			return nil
		}
		for _, ev := range d.Events {
			if werr = w.Write(ev); werr != nil {
				return werr // nobody reads the events any more: stop decoding
			}
		}
		return nil
	})
	if werr == nil {
		werr = w.Flush()
	}
	if werr != nil {
		return fmt.Errorf("writing events: %w", werr)
	}
	if err != nil {
		return err
	}
	if do.Stats {
		st := dec.Stats()
		// Counts right-aligned, method names left-aligned: the last
		// column needs no trailing tab to stay out of the alignment.
		tw := tabwriter.NewWriter(do.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "messages\tmalformed\t  method")
		methods := make([]string, 0, len(st.Messages))
		for m := range st.Messages {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			// Method names come from the server: quote them.
			fmt.Fprintf(tw, "%d\t%d\t  %s\n", st.Messages[m], st.Malformed[m], strconv.Quote(m))
		}
		tw.Flush()
		fmt.Fprintf(do.Stdout, "%d frames (%d unreadable, %d bad lines), %d events\n", st.Frames, st.BadFrames, skipped, st.Events)
	}
	return nil
}
