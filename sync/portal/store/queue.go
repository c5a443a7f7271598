package store

import (
	"context"
	"errors"
	"time"
)

// Queue errors.
var (
	ErrQueueEmpty = errors.New("nobody waits")
	ErrNoTicket   = errors.New("no ticket at this counter")
)

// Queue is the office queue: tickets drawn at a site's kiosks, called by
// its clerks.
type Queue interface {
	// Draw issues the next number of prefix at site on day, once per
	// (kiosk, key): a retried draw gets the same ticket.
	Draw(ctx context.Context, d Draw) (Ticket, error)
	// CallNext calls the longest-waiting ticket of prefixes to counter in
	// one conditional update: two clerks never get the same ticket. A
	// ticket called since notBefore is left for later (ErrQueueEmpty when
	// none is left).
	CallNext(ctx context.Context, site, day, counter string, prefixes []string, now, notBefore time.Time) (Ticket, error)
	// AtCounter is the ticket called or served at counter (ErrNoTicket).
	AtCounter(ctx context.Context, site, day, counter string) (Ticket, error)
	// Update changes a ticket's state, counting a call when call is set,
	// if it is still in one of from (false: it was not).
	Update(ctx context.Context, id int64, from []string, t Ticket, call bool) (bool, error)
	// Tickets lists a site's tickets of a day in one of states (none: all), oldest first.
	Tickets(ctx context.Context, site, day string, states ...string) ([]Ticket, error)
	// Calls are the latest calls at a site, newest first.
	Calls(ctx context.Context, site, day string, limit int) ([]Ticket, error)

	// AddDisplay registers a call-up display's token (its hash) for site.
	AddDisplay(ctx context.Context, tokenHash, site string, at time.Time) error
	// DisplaySite is the site of a display token (ErrNotFound, ErrRevoked).
	DisplaySite(ctx context.Context, tokenHash string) (string, error)
	// RevokeDisplays stops every display of site; it returns how many.
	RevokeDisplays(ctx context.Context, site string, at time.Time) (int, error)

	// SilentFrom is the kiosk's last contact before its latest silence of
	// more than two minutes (zero: it never fell silent): a number it drew
	// offline is not believed to be older.
	SilentFrom(ctx context.Context, kiosk int64) (time.Time, error)

	// Block is the kiosk's own block of numbers at site (1 to 9), assigned
	// on first ask, moved with the kiosk to another site; 0 when the
	// site's nine blocks are taken.
	Block(ctx context.Context, site string, kiosk int64) (int, error)

	// SetBlockSize sets how many numbers a kiosk's block holds a day at
	// site; BlockSize reads it (0: not set).
	SetBlockSize(ctx context.Context, site string, size int) error
	BlockSize(ctx context.Context, site string) (int, error)

	// SetCounters replaces the counters of site and the numbers each
	// serves; Counters lists them.
	SetCounters(ctx context.Context, site string, counters []Counter) error
	Counters(ctx context.Context, site string) ([]Counter, error)

	// DisplayTokens are the hashes of site's displays that are not
	// revoked.
	DisplayTokens(ctx context.Context, site string) ([]string, error)
}

// Notifier carries "topic changed" to every portal instance: Notify
// tells, Listen hears (a nil channel where the database cannot tell other
// instances: SQLite, whose one instance tells itself). The live hub
// (sync/portal/hub) is its one user.
type Notifier interface {
	Notify(ctx context.Context, topic string) error
	Listen(ctx context.Context) <-chan string
}

// Counter is a counter or room of a site and the prefixes it serves.
type Counter struct {
	Name     string
	Prefixes []string
}

// Draw is a request for a number.
type Draw struct {
	Site, Day, Prefix, Lang string
	Kiosk                   int64
	Key                     string
	At                      time.Time
	// Label, when set, is a number the kiosk drew offline from its own
	// block; it is stored as is (once) and the sequence is not advanced.
	Label string
	// DueAt, for an appointment checked in, is when it is to be called.
	DueAt time.Time
}

// Ticket is a waiting number and where it stands.
type Ticket struct {
	ID      int64
	Site    string
	Day     string
	Prefix  string
	Label   string
	State   string
	Lang    string
	Kiosk   int64
	DrawnAt time.Time
	// DueAt, for a checked-in appointment, is when it is called, before
	// the walk-ins (zero for the others).
	DueAt    time.Time
	CalledAt time.Time
	Calls    int
	Counter  string
	DoneAt   time.Time
	// Ahead is how many of its prefix waited before it when it was drawn.
	Ahead int
}
