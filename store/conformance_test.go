package store

import (
	"testing"

	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

func TestQueueConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Queue { return openT(t, t.TempDir(), options{}) })
}

func TestQueueDelayConformance(t *testing.T) {
	queuetest.RunDelay(t, func(t *testing.T, c queue.Clock) queue.Queue { return openT(t, t.TempDir(), options{clock: c}) })
}
