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
	// pending are the sites whose change the other instances have not
	// been told yet; telling says a goroutine is telling them.
	pending map[string]bool
	telling bool
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

// changed announces a change of site's queue here at once and to the
// other instances right after. The NOTIFY is not in the request's way: on
// PostgreSQL every notifying commit takes one lock for the whole cluster,
// and a rush's draws queued behind it; changes that come while one goes
// out are told together.
func (s *Service) changed(_ context.Context, site string) {
	s.broadcast(site)
	c := &s.changes
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	c.pending[site] = true
	if c.telling {
		c.mu.Unlock()
		return
	}
	c.telling = true
	c.mu.Unlock()
	go s.tell()
}

// tell sends the pending changes to the other instances until none are
// left.
func (s *Service) tell() {
	c := &s.changes
	for {
		c.mu.Lock()
		sites := c.pending
		c.pending = nil
		if len(sites) == 0 {
			c.telling = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		for site := range sites {
			if err := s.St.Notify(context.Background(), site); err != nil {
				slog.Warn("queue: tell other instances", "err", err)
			}
		}
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
