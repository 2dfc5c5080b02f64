package queue

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tikcraft/tikcraft"
)

func TestMemoryFIFO(t *testing.T) {
	ctx := context.Background()
	q := NewMemory()
	var wg sync.WaitGroup
	got := make(chan string, 100)
	wg.Add(1)
	go func() { // the consumer starts before anything is pushed and must be woken
		defer wg.Done()
		for range 100 {
			it, err := q.Next(ctx, LaneMinecraft)
			if err != nil {
				t.Error(err)
				return
			}
			again, _ := q.Next(ctx, LaneMinecraft) // without Ack, Next repeats the head
			if again.ID != it.ID {
				t.Errorf("Next without Ack moved on: %d then %d", it.ID, again.ID)
			}
			got <- it.Action.Command
			if err := q.Ack(ctx, it.ID); err != nil {
				t.Error(err)
			}
		}
	}()
	for i := range 100 {
		if err := q.Push(ctx, tikcraft.Action{Command: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(got)
	i := 0
	for c := range got {
		if c != fmt.Sprint(i) {
			t.Fatalf("item %d is %s", i, c)
		}
		i++
	}
	if n, _, _ := q.Stats(ctx, AllLanes); n != 0 {
		t.Errorf("pending %d after draining", n)
	}
}

func TestMemoryNextHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewMemory().Next(ctx, LaneMinecraft); err == nil {
		t.Fatal("Next on an empty queue with a cancelled context must return an error")
	}
}
