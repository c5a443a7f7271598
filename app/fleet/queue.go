package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lotse/app/desk"
	"lotse/app/store"
	"lotse/sync/client"
	"lotse/sync/wire"
)

// Office is the kiosk's way to the office at its portal, once the sync
// client exists (enrolment may come after the window): the queue (the
// desk.Desk's Queue; the Agent feeds it the block the portal assigns and
// reports the numbers drawn offline) and the appointment book (the
// Desk's Appointments).
type Office struct {
	mu      sync.Mutex
	c       *client.Client
	offline *store.OfflineTickets // keeps the block the portal gave
	held    *store.HeldTimes      // times held to book offline
	// heldAt is when the held times were last fetched.
	heldAt time.Time
}

// NewOffice returns the office, with offline keeping the kiosk's block
// and the numbers drawn while the portal was out of reach, and held the
// appointment times the portal holds for the kiosk.
func NewOffice(offline *store.OfflineTickets, held *store.HeldTimes) *Office {
	return &Office{offline: offline, held: held}
}

var errNoPortal = errors.New("not enrolled at a portal yet")

// Set connects the queue to the portal's client.
func (q *Office) Set(c *client.Client) {
	q.mu.Lock()
	q.c = c
	q.mu.Unlock()
}

func (q *Office) client() *client.Client {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.c
}

func (q *Office) Draw(ctx context.Context, prefix, lang, key string) (desk.QueueTicket, error) {
	c := q.client()
	if c == nil || c.Status().Revoked {
		return desk.QueueTicket{}, errNoPortal
	}
	d, err := c.Office().DrawTicket(ctx, prefix, lang, key)
	if err != nil {
		return desk.QueueTicket{}, err
	}
	q.keepBlock(ctx, d.Block, d.BlockSize)
	return desk.QueueTicket{Number: d.Number, Ahead: d.Ahead, Page: d.Page, WaitMin: d.WaitMin, WaitMax: d.WaitMax}, nil
}

// Block is the kiosk's own block of numbers, as the portal assigned it
// (one per kiosk of a site, never shared; 0 before the portal said one),
// and how many numbers it holds a day.
func (q *Office) Block() (int, int) {
	if q.offline == nil {
		return 0, 0
	}
	b, size, err := q.offline.Block(context.Background())
	if err != nil {
		slog.Warn("queue block", "err", err)
		return 0, 0
	}
	return b, size
}

// keepBlock stores the block the portal named, when it changed.
func (q *Office) keepBlock(ctx context.Context, b, size int) {
	if have, haveSize := q.Block(); q.offline == nil || (b == have && size == haveSize) {
		return
	}
	if err := q.offline.SetBlock(ctx, b, size); err != nil {
		slog.Warn("queue block", "err", err)
	}
}

// Report sends the numbers drawn offline to the portal, oldest first,
// so they join the queue in the order they were drawn; it returns how
// many it sent and why it stopped early. The Agent does so after every
// heartbeat, `lotse sync --once` at once.
func (q *Office) Report(ctx context.Context) (int, error) {
	c, offline := q.client(), q.offline
	if c == nil || offline == nil {
		return 0, errNoPortal
	}
	list, err := offline.Unreported(ctx)
	if err != nil {
		return 0, fmt.Errorf("offline numbers: %w", err)
	}
	for i, t := range list {
		if err := c.Office().ReportTicket(ctx, t.Prefix, t.Lang, t.Key, t.Label, t.DrawnAt); err != nil {
			var refused *client.RefusedError
			if !errors.As(err, &refused) || refused.Status >= 500 || refused.Status == 429 {
				return i, fmt.Errorf("offline number %s not reported yet: %w", t.Label, err)
			}
			// Final: the portal will never take it (not this kiosk's block,
			// a day long gone). Kept in the log, not retried for ever.
			slog.Warn("the portal refused an offline number", "number", t.Label, "status", refused.Status, "err", err)
		} else {
			slog.Info("offline number reported to the office queue", "number", t.Label)
		}
		if err := offline.Reported(ctx, t.Key); err != nil {
			return i, fmt.Errorf("offline numbers: %w", err)
		}
	}
	return len(list), nil
}

// errNoClient: booking and check-in need the portal; the kiosk says so
// and offers the request form.
var errNoClient = errors.New("not connected to a portal")

// BookableServices lists what residents can book at the kiosk's site.
func (q *Office) BookableServices(ctx context.Context, lang string) ([]wire.BookableService, error) {
	c := q.client()
	if c == nil {
		return nil, errNoClient
	}
	return c.Office().BookableServices(ctx, lang)
}

// Slots lists the times of service from from for days days.
func (q *Office) Slots(ctx context.Context, service string, from time.Time, days int) ([]wire.Slot, error) {
	c := q.client()
	if c == nil {
		return nil, errNoClient
	}
	return c.Office().Slots(ctx, service, from, days)
}

// Book books r under key.
func (q *Office) Book(ctx context.Context, key string, r wire.BookRequest) (wire.Booked, error) {
	c := q.client()
	if c == nil {
		return wire.Booked{}, errNoClient
	}
	return c.Office().Book(ctx, key, r)
}

// CheckIn gives the appointment with code its waiting number.
func (q *Office) CheckIn(ctx context.Context, code, key, lang string) (wire.CheckedIn, error) {
	c := q.client()
	if c == nil {
		return wire.CheckedIn{}, errNoClient
	}
	return c.Office().CheckIn(ctx, code, key, lang)
}
