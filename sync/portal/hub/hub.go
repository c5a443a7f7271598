// Package hub tells whoever shows something live — the call-up display,
// the clerk's page, the staff's guide calls — that it changed: at once at
// this instance, and through the store's NOTIFY at every other instance
// (PostgreSQL; on SQLite there is one instance and it stays in process).
//
// A Feed goes one step further for pages many people hold open: the value
// they show is computed once per change and handed to every subscriber,
// so a change costs one query however many pages are open.
package hub

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Notifier carries a topic to the other instances: the store's NOTIFY
// and LISTEN (Listen returns nil where there are no others to hear).
type Notifier interface {
	Notify(ctx context.Context, topic string) error
	Listen(ctx context.Context) <-chan string
}

// Hub is publish/subscribe by topic.
type Hub struct {
	n Notifier

	mu   sync.Mutex
	subs map[string]map[chan struct{}]bool
	// pending are the topics the other instances have not been told yet;
	// telling says a goroutine is telling them.
	pending map[string]bool
	telling bool
	feeds   map[string]*Feed
}

// New is a hub whose changes reach the other instances through n (nil:
// this instance only).
func New(n Notifier) *Hub {
	return &Hub{n: n, subs: map[string]map[chan struct{}]bool{}, feeds: map[string]*Feed{}}
}

// Subscribe returns a channel that receives a wake-up for every change of
// topic, and a function to stop. Wake-ups that come while one is waiting
// to be read are one wake-up.
func (h *Hub) Subscribe(topic string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan struct{}]bool{}
	}
	h.subs[topic][ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[topic], ch)
		if len(h.subs[topic]) == 0 {
			delete(h.subs, topic)
		}
		h.mu.Unlock()
	}
}

// wake tells this instance's subscribers of topic.
func (h *Hub) wake(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[topic] {
		select {
		case ch <- struct{}{}:
		default: // one wake-up is waiting already
		}
	}
}

// Publish announces a change of topic here at once and to the other
// instances right after. The NOTIFY is not in the caller's way: on
// PostgreSQL every notifying commit takes one lock for the whole cluster,
// and a rush's draws queued behind it; changes that come while one goes
// out are told together.
func (h *Hub) Publish(topic string) {
	h.wake(topic)
	if h.n == nil {
		return
	}
	h.mu.Lock()
	if h.pending == nil {
		h.pending = map[string]bool{}
	}
	h.pending[topic] = true
	if h.telling {
		h.mu.Unlock()
		return
	}
	h.telling = true
	h.mu.Unlock()
	go h.tell()
}

// tell sends the pending topics to the other instances until none are
// left.
func (h *Hub) tell() {
	for {
		h.mu.Lock()
		topics := h.pending
		h.pending = nil
		if len(topics) == 0 {
			h.telling = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		for topic := range topics {
			if err := h.n.Notify(context.Background(), topic); err != nil {
				slog.Warn("hub: tell other instances", "err", err)
			}
		}
	}
}

// Run hands the other instances' changes to this one's subscribers until
// ctx ends.
func (h *Hub) Run(ctx context.Context) {
	if h.n == nil {
		return
	}
	ch := h.n.Listen(ctx)
	if ch == nil {
		return
	}
	for topic := range ch {
		h.wake(topic)
	}
}

// Feed is a value derived from a topic: computed when the first
// subscriber comes, again after every change of the topic and at least
// every refresh (for what changes with time, and for other processes on
// one SQLite file), and shared by every subscriber.
type Feed struct {
	h       *Hub
	key     string
	topic   string
	refresh time.Duration
	compute func(context.Context) (any, error)

	mu      sync.Mutex
	val     any
	err     error
	changed chan struct{} // closed when a new value is there
	ready   bool
	refs    int
	stop    context.CancelFunc
}

// Feed returns the feed named key, starting it for the first subscriber;
// every subscriber calls Release when it goes. Subscribers of one key
// share the first one's topic, refresh and compute.
func (h *Hub) Feed(key, topic string, refresh time.Duration, compute func(context.Context) (any, error)) *Feed {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.feeds[key]
	if f == nil {
		f = &Feed{h: h, key: key, topic: topic, refresh: refresh, compute: compute, changed: make(chan struct{})}
		h.feeds[key] = f
		ctx, stop := context.WithCancel(context.Background())
		f.stop = stop
		go f.run(ctx)
	}
	f.mu.Lock()
	f.refs++
	f.mu.Unlock()
	return f
}

// Release says a subscriber has gone; the last one stops the feed.
func (f *Feed) Release() {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refs--; f.refs > 0 {
		return
	}
	f.stop()
	delete(f.h.feeds, f.key)
}

// Value waits for the first value (or ctx) and returns the current one,
// a channel closed when the next is there, and the error computing the
// current one met.
func (f *Feed) Value(ctx context.Context) (any, <-chan struct{}, error) {
	for {
		f.mu.Lock()
		if f.ready {
			defer f.mu.Unlock()
			return f.val, f.changed, f.err
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ch, ctx.Err()
		}
	}
}

func (f *Feed) run(ctx context.Context) {
	woken, stop := f.h.Subscribe(f.topic)
	defer stop()
	t := time.NewTicker(f.refresh)
	defer t.Stop()
	for {
		v, err := f.compute(ctx)
		if ctx.Err() != nil {
			return
		}
		f.mu.Lock()
		f.val, f.err, f.ready = v, err, true
		close(f.changed)
		f.changed = make(chan struct{})
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-woken:
		case <-t.C:
		}
	}
}
