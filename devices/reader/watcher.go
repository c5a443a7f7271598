package reader

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"lotse/devices/serialport"
)

// reopenEvery is how long the watcher waits before opening a missing or
// lost reader again. A variable so tests can shorten it.
var reopenEvery = 2 * time.Second

// Watcher keeps a card reader on a serial port: it opens the port, reads
// cards, and opens it again after an unplug, for as long as it runs.
type Watcher struct {
	port serialport.Config
	kind string

	mu        sync.Mutex
	onCard    []func(Card)
	onCon     []func(bool)
	connected bool
	lastCard  string
}

// NewWatcher watches a reader of kind ("rdm6300", "magstripe", "line") on
// port once it runs; OnCard and OnConnected subscribe to it.
func NewWatcher(port serialport.Config, kind string) *Watcher {
	return &Watcher{port: port, kind: kind}
}

// OnCard calls fn for every card read, on the watcher's goroutine.
func (w *Watcher) OnCard(fn func(Card)) {
	w.mu.Lock()
	w.onCard = append(w.onCard, fn)
	w.mu.Unlock()
}

// OnConnected calls fn whenever the reader comes or goes.
func (w *Watcher) OnConnected(fn func(bool)) {
	w.mu.Lock()
	w.onCon = append(w.onCon, fn)
	w.mu.Unlock()
}

// Run watches until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	f, err := New(w.kind)
	if err != nil {
		slog.Error("card reader", "err", err)
		return
	}
	for ctx.Err() == nil {
		port, err := serialport.Open(w.port)
		if err != nil {
			w.set(false)
			sleep(ctx, reopenEvery)
			continue
		}
		w.set(true)
		err = Run(ctx, port, f, func(c Card) {
			w.mu.Lock()
			if !c.Unreadable {
				w.lastCard = Tail(c.ID)
			}
			listeners := w.onCard
			w.mu.Unlock()
			for _, fn := range listeners {
				fn(c)
			}
		})
		port.Close()
		w.set(false)
		if ctx.Err() == nil {
			slog.Warn("card reader lost", "err", err)
			sleep(ctx, reopenEvery)
		}
	}
}

func (w *Watcher) set(ok bool) {
	w.mu.Lock()
	changed := w.connected != ok
	w.connected = ok
	listeners := w.onCon
	w.mu.Unlock()
	if changed {
		for _, fn := range listeners {
			fn(ok)
		}
	}
}

// Connected says whether the reader's port is open.
func (w *Watcher) Connected() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.connected
}

// LastCard is the end of the last card read ("…4BB6"), "" before the first.
func (w *Watcher) LastCard() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastCard
}

// Tail is the end of a card id, enough for staff to tell cards apart and
// too little to copy one.
func Tail(id string) string {
	if len(id) <= 4 {
		return "…"
	}
	return "…" + id[len(id)-4:]
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
