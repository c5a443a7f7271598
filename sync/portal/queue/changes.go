package queue

import (
	"context"
	"log/slog"
	"sync"
)

// changes wakes whoever shows a queue (the display, the clerk page) when
// it changed: at once for changes made by this instance, and for those of
// other instances as far as the store can tell (PostgreSQL's NOTIFY).
type changes struct {
	mu   sync.Mutex
	subs map[chan string]bool
}

// Subscribe returns a channel that receives the site of every change,
// and a function to stop.
func (s *Service) Subscribe() (<-chan string, func()) {
	ch := make(chan string, 16)
	s.changes.mu.Lock()
	if s.changes.subs == nil {
		s.changes.subs = map[chan string]bool{}
	}
	s.changes.subs[ch] = true
	s.changes.mu.Unlock()
	return ch, func() {
		s.changes.mu.Lock()
		delete(s.changes.subs, ch)
		s.changes.mu.Unlock()
	}
}

// broadcast tells this instance's subscribers; a full channel misses a
// wake-up, which its reader's own polling covers.
func (s *Service) broadcast(site string) {
	s.changes.mu.Lock()
	defer s.changes.mu.Unlock()
	for ch := range s.changes.subs {
		select {
		case ch <- site:
		default:
		}
	}
}

// changed announces a change of site's queue here and to the other
// instances.
func (s *Service) changed(ctx context.Context, site string) {
	s.broadcast(site)
	if err := s.St.Notify(context.WithoutCancel(ctx), site); err != nil {
		slog.Warn("queue: tell other instances", "err", err)
	}
}

// Run forwards other instances' changes to this one's subscribers until
// ctx ends.
func (s *Service) Run(ctx context.Context) {
	ch := s.St.Listen(ctx)
	if ch == nil {
		return
	}
	for site := range ch {
		s.broadcast(site)
	}
}
