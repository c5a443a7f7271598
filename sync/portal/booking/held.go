package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lotse/sync/credential"
	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// Held lists the times kiosk holds at site, after topping them up: each
// service's kiosk_quota a day, for kiosk_quota_days days from the day
// after the nearest bookable one. The nearest day is left to residents
// everywhere: an online kiosk gives its held times of that day back
// (GiveBackTill), and a kiosk offline since yesterday still has them.
//
// A held time is booked in the store like any other, so it never takes a
// seat beyond the counters; its code and secret are made here, so what a
// kiosk books offline can never collide with a booking elsewhere.
func (s *Office) Held(ctx context.Context, site string, kiosk int64) (wire.HeldTimes, error) {
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return wire.HeldTimes{}, err
	}
	now := s.Now().In(s.Loc)
	first, last := cfg.Days(now)
	out := wire.HeldTimes{Held: []wire.HeldTime{}, GiveBackTill: first.Format(time.DateOnly)}
	for _, sv := range cfg.Services {
		for i := 1; i <= cfg.KioskQuotaDays && sv.KioskQuota > 0; i++ {
			day := first.AddDate(0, 0, i)
			if day.After(last) {
				break
			}
			if err := s.hold(ctx, site, kiosk, cfg, sv, day, now); err != nil {
				return wire.HeldTimes{}, err
			}
		}
	}
	list, err := s.St.HeldBy(ctx, site, kiosk, now)
	if err != nil {
		return wire.HeldTimes{}, err
	}
	for _, a := range list {
		sv, ok := cfg.Service(a.Service)
		if !ok {
			continue // a service taken out of the file: the kiosk gives it back
		}
		titles := map[string]string{"de": sv.Title}
		for lang, t := range sv.Titles {
			titles[lang] = t
		}
		out.Held = append(out.Held, wire.HeldTime{Booked: s.booked(site, sv, a, s.Secret(site, a.Code), "de"), Titles: titles})
	}
	return out, nil
}

// hold sets aside up to sv.KioskQuota times of day for kiosk, once: each
// under its own key, so asking again holds nothing more, and a time given
// back is not held again.
func (s *Office) hold(ctx context.Context, site string, kiosk int64, cfg Config, sv Service, day, now time.Time) error {
	starts := middleOut(sv.Starts(day))
	if len(starts) == 0 {
		return nil
	}
	from, to := starts[0], starts[0]
	for _, t := range starts {
		from, to = minTime(from, t), maxTime(to, t)
	}
	taken, err := s.St.Taken(ctx, site, sv.ID, from, to, now)
	if err != nil {
		return err
	}
	mine := map[time.Time]bool{}
	for n := 1; n <= sv.KioskQuota; n++ {
		key := fmt.Sprintf("held:%d:%s:%s:%d", kiosk, sv.ID, day.Format(time.DateOnly), n)
		if a, err := s.St.AppointmentByKey(ctx, site, key); err == nil {
			mine[a.Start.UTC()] = true
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		for _, t := range starts {
			if mine[t.UTC()] || taken[t.UTC()] >= sv.Counters {
				continue
			}
			code, err := newCode()
			if err != nil {
				return err
			}
			a, _, err := s.St.Book(ctx, store.Book{Appointment: store.Appointment{Site: site, Service: sv.ID, Start: t.UTC(),
				Code: code, SecretHash: s.Hash(s.Secret(site, code)), State: store.Held, Lang: "de", Kiosk: kiosk, Key: key},
				Capacity: sv.Counters, MaxPerContact: cfg.MaxPerContact, Now: now})
			if errors.Is(err, store.ErrSlotFull) {
				taken[t.UTC()] = sv.Counters
				continue
			}
			if err != nil {
				return err
			}
			mine[a.Start.UTC()] = true
			break
		}
	}
	return nil
}

// middleOut orders a day's times from its middle outwards: held times sit
// where residents who come to the kiosk in person can best keep them,
// not at the first hour people at home book first.
func middleOut(ts []time.Time) []time.Time {
	out := make([]time.Time, 0, len(ts))
	mid := len(ts) / 2
	for i := 0; len(out) < len(ts); i++ {
		if j := mid + i; j < len(ts) {
			out = append(out, ts[j])
		}
		if j := mid - i - 1; j >= 0 {
			out = append(out, ts[j])
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ReportHeld takes the resident kiosk booked its held time code for while
// it was offline: the name and contact sealed to the portal's key (opened
// here to check them, kept sealed). A report repeated after a lost answer
// changes nothing; ErrNotBooked when the time was given back or cancelled.
func (s *Office) ReportHeld(ctx context.Context, site string, kiosk int64, code string, r wire.HeldReport) error {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return err
	}
	if a.Kiosk != kiosk || !strings.HasPrefix(a.Key, "held:") {
		return store.ErrNotFound // not this kiosk's to report
	}
	if a.Sealed != "" {
		return nil // reported before
	}
	if a.State != store.Held && a.State != store.CheckedIn {
		return ErrNotBooked
	}
	a.Sealed = r.Sealed
	data, err := s.Open(a)
	if err != nil {
		return &wire.FieldError{Field: "sealed", Message: "does not open with this portal's key for this appointment"}
	}
	if fe := wire.CheckBook(wire.BookRequest{Service: a.Service, Start: a.Start, Name: data["name"], Phone: data["phone"],
		Email: data["email"]}); fe != nil {
		return fe
	}
	contactKey := ""
	if contact := data["phone"] + data["email"]; contact != "" {
		siteKey, err := s.siteKey(ctx, site)
		if err != nil {
			return err
		}
		if contactKey, err = credential.HashContact(siteKey, contact); err != nil {
			return err
		}
	}
	ok, err := s.St.ClaimHeld(ctx, site, code, kiosk, r.Sealed, contactKey, r.Lang, r.BookedAt)
	if err != nil || ok {
		return err
	}
	// Another instance took the same report meanwhile, or it was cancelled.
	if a, err = s.St.AppointmentByCode(ctx, site, code); err == nil && a.Sealed == "" {
		return ErrNotBooked
	}
	return err
}

// GiveBack frees kiosk's held time code at once: the kiosk did not use it
// and will not (it forgot it first). Giving back twice is fine.
func (s *Office) GiveBack(ctx context.Context, site string, kiosk int64, code string) error {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return err
	}
	if a.Kiosk != kiosk {
		return store.ErrNotFound
	}
	if a.State != store.Held {
		if a.State == store.Cancelled {
			return nil
		}
		return ErrNotBooked
	}
	now := s.Now()
	_, err = s.St.Cancel(ctx, a.ID, now, now)
	return err
}
