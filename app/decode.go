package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/source"
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
func Decode(ctx context.Context, do DecodeOptions) error {
	do.defaults()
	dec := webcast.NewDecoder(webcast.Limits{})
	src := &source.Frames{Path: do.File, Log: do.Log, Decoder: dec}
	// One write per 64 KiB instead of one per event: a write per line was a
	// sixth of decode's time (docs/PERFORMANCE.md). Flushed at the end, also
	// when the capture cannot be read to its end.
	w := jsonl.NewBufferedWriter(do.Stdout, 64<<10)
	var werr error
	err := src.Run(ctx, func(ev tikcraft.Event) {
		if do.Stats || werr != nil {
			return
		}
		werr = w.Write(ev)
	})
	if werr == nil {
		werr = w.Flush()
	}
	if err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("writing events: %w", werr)
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
		fmt.Fprintf(do.Stdout, "%d frames (%d unreadable, %d bad lines), %d events\n", st.Frames, st.BadFrames, src.Skipped, st.Events)
	}
	return nil
}
