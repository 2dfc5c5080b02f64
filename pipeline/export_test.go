package pipeline

import (
	"time"

	"github.com/tikcraft/tikcraft/lograte"
)

// SummariesEvery makes o's status lines say a repeat after d instead of a
// minute: for the tests that wait for a fresh line.
func SummariesEvery(o Options, d time.Duration) Options {
	o.logOpts = append(o.logOpts, lograte.Every(d))
	return o
}
