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
	port   serialport.Config
	kind   string
	onCard func(Card)
	onCon  func(bool)

	mu        sync.Mutex
	connected bool
	lastCard  string
}

// NewWatcher watches a reader of kind ("rdm6300", "magstripe", "line") on
// port. card is called for every card (on the watcher's goroutine);
// connected, when not nil, whenever the reader comes or goes.
func NewWatcher(port serialport.Config, kind string, card func(Card), connected func(bool)) *Watcher {
	return &Watcher{port: port, kind: kind, onCard: card, onCon: connected}
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
			if !c.Unreadable {
				w.mu.Lock()
				w.lastCard = Tail(c.ID)
				w.mu.Unlock()
			}
			w.onCard(c)
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
	w.mu.Unlock()
	if changed && w.onCon != nil {
		w.onCon(ok)
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
