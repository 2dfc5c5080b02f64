package app

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// logSignal is a slog handler that closes a channel the first time a log
// message containing substr is written: tests use it to wait for a state
// ("the client was refused") instead of sleeping.
type logSignal struct {
	substr string
	once   *sync.Once
	ch     chan struct{}
	next   slog.Handler
}

func newLogSignal(substr string, next slog.Handler) *logSignal {
	return &logSignal{substr: substr, once: &sync.Once{}, ch: make(chan struct{}), next: next}
}

func (h *logSignal) Enabled(context.Context, slog.Level) bool { return true }

func (h *logSignal) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.substr) {
		h.once.Do(func() { close(h.ch) })
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *logSignal) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	return &c
}

func (h *logSignal) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
