package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lotse/app/store"
	"lotse/sync/client"
	"lotse/sync/wire"
)

// heldEvery is how often an online kiosk asks for its held times: a day's
// new ones appear at the portal's release time, so this is plenty.
const heldEvery = 10 * time.Minute

// SyncHeld reports the held times booked while offline, oldest first,
// then (every heldEvery) fetches the times the portal holds for this
// kiosk and gives back those of the nearest bookable day: online, the
// kiosk books like everyone else, and residents elsewhere may take them.
// The Agent calls it after every heartbeat, `lotse sync --once` at once;
// it returns how many bookings it reported and why it stopped early.
func (q *Office) SyncHeld(ctx context.Context) (int, error) {
	c, held := q.client(), q.held
	if c == nil || held == nil {
		return 0, errNoPortal
	}
	list, err := held.Unreported(ctx)
	if err != nil {
		return 0, fmt.Errorf("held times: %w", err)
	}
	for i, b := range list {
		err := c.Office().ReportHeld(ctx, b.Code, wire.HeldReport{Sealed: b.Sealed, Lang: b.Lang, BookedAt: b.BookedAt})
		var refused *client.RefusedError
		switch {
		case errors.As(err, &refused) && (refused.Status == 404 || refused.Status == 409 || refused.Status == 422):
			// Final: cancelled with its printed secret meanwhile, or not
			// this kiosk's. The code is not personal data.
			slog.Warn("held time: the portal will not take this booking", "code", b.Code, "status", refused.Status)
		case err != nil:
			return i, fmt.Errorf("appointment %s booked offline not reported yet: %w", b.Code, err)
		default:
			slog.Info("appointment booked offline reported to the portal", "code", b.Code)
		}
		if err := held.Reported(ctx, b.Code); err != nil {
			return i, fmt.Errorf("held times: %w", err)
		}
	}
	q.mu.Lock()
	due := time.Since(q.heldAt) >= heldEvery
	q.mu.Unlock()
	if due {
		q.FetchHeld(ctx)
	}
	return len(list), nil
}

// FetchHeld fetches the times the portal holds for this kiosk, and gives
// back those of the nearest bookable day.
func (q *Office) FetchHeld(ctx context.Context) {
	c, held := q.client(), q.held
	if c == nil || held == nil {
		return
	}
	h, err := c.Office().Held(ctx)
	if errors.Is(err, wire.ErrNoBooking) {
		h, err = wire.HeldTimes{}, nil // the site books no more: keep none
	}
	if err != nil {
		slog.Warn("held times", "err", err)
		return
	}
	var keep []wire.HeldTime
	for _, t := range h.Held {
		if t.Start.Format(time.DateOnly) > h.GiveBackTill {
			keep = append(keep, t)
			continue
		}
		// Forget first, then give back: a time the portal frees must never
		// be one this kiosk might still book.
		ok, err := held.Forget(ctx, t.Code)
		if err != nil {
			slog.Warn("held times", "err", err)
			return
		}
		if ok {
			if err := c.Office().GiveBack(ctx, t.Code); err != nil {
				slog.Warn("held time not given back yet", "code", t.Code, "err", err)
			}
		}
	}
	if err := held.Keep(ctx, keep, time.Now()); err != nil {
		slog.Warn("held times", "err", err)
		return
	}
	q.mu.Lock()
	q.heldAt = time.Now()
	q.mu.Unlock()
}

// errNoHeld: the kiosk holds no time it could book offline.
var errNoHeld = errors.New("no held times")

// free is the held times not booked yet, from now on.
func (q *Office) free(ctx context.Context) ([]wire.HeldTime, error) {
	if q.held == nil {
		return nil, errNoHeld
	}
	return q.held.Free(ctx, time.Now())
}

// HeldServices lists the services the kiosk holds free times of, titled
// in lang: what it can book while the portal is out of reach.
func (q *Office) HeldServices(ctx context.Context, lang string) ([]wire.BookableService, error) {
	list, err := q.free(ctx)
	if err != nil {
		return nil, err
	}
	var out []wire.BookableService
	seen := map[string]bool{}
	for _, t := range list {
		if seen[t.Service] {
			continue
		}
		seen[t.Service] = true
		out = append(out, wire.BookableService{ID: t.Service, Title: heldTitle(t, lang), Minutes: t.Minutes, Room: t.Room})
	}
	return out, nil
}

func heldTitle(t wire.HeldTime, lang string) string {
	if s := t.Titles[lang]; s != "" {
		return s
	}
	return t.Title
}

// HeldSlots lists the free held times of service, one seat each.
func (q *Office) HeldSlots(ctx context.Context, service string) ([]wire.Slot, error) {
	list, err := q.free(ctx)
	if err != nil {
		return nil, err
	}
	out := []wire.Slot{}
	for _, t := range list {
		if t.Service == service {
			out = append(out, wire.Slot{Start: t.Start, Free: 1})
		}
	}
	return out, nil
}

// BookHeld books a held time for r while the portal is out of reach: the
// name and contact are sealed to the portal's key at once and reported
// when the kiosk is back online. wire.ErrFull when the time was booked
// meanwhile.
func (q *Office) BookHeld(ctx context.Context, r wire.BookRequest) (wire.Booked, error) {
	c := q.client()
	if c == nil {
		return wire.Booked{}, errNoClient
	}
	list, err := q.free(ctx)
	if err != nil {
		return wire.Booked{}, err
	}
	for _, t := range list {
		if t.Service != r.Service || !t.Start.Equal(r.Start) {
			continue
		}
		now := time.Now()
		sealed, err := c.Office().SealHeld(t.Booked, map[string]string{"name": r.Name, "phone": r.Phone, "email": r.Email}, now)
		if err != nil {
			return wire.Booked{}, err
		}
		if err := q.held.Use(ctx, t.Code, sealed, r.Lang, now); errors.Is(err, store.ErrHeldTaken) {
			return wire.Booked{}, wire.ErrFull
		} else if err != nil {
			return wire.Booked{}, err
		}
		b := t.Booked
		b.Title = heldTitle(t, r.Lang)
		return b, nil
	}
	return wire.Booked{}, wire.ErrFull
}
