package queue_test

import (
	"testing"

	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/queue/queuetest"
)

func TestMemoryConformance(t *testing.T) {
	queuetest.Run(t, func(*testing.T) queue.Queue { return queue.NewMemory() })
}

func TestMemoryDelayConformance(t *testing.T) {
	queuetest.RunDelay(t, func(_ *testing.T, c queue.Clock) queue.Queue { return queue.NewMemory(queue.WithClock(c)) })
}
