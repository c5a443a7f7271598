package booking

import (
	"context"
	"errors"
	"slices"
	"time"

	"lotse/sync/portal/store"
)

// Check-in errors.
var (
	// ErrNotToday: the appointment is on another day.
	ErrNotToday = errors.New("the appointment is not today")
	// ErrLate: the resident came later than late_after after the time.
	ErrLate = errors.New("the appointment has lapsed")
)

// CheckedIn is an appointment checked in at a kiosk: the waiting number
// that is called from Due on.
type CheckedIn struct {
	Appointment store.Appointment
	Service     Service
	Number      string
	Due         time.Time
}

// Draw draws a waiting number of prefix, due at due, once per key.
type Draw func(ctx context.Context, prefix string, due time.Time) (string, error)

// CheckIn checks in site's appointment code (typed at a kiosk or scanned
// from its QR code): today's appointment gets a waiting number of its
// service's prefix, called call_before its time ahead of the walk-ins. A
// retry gives the same number.
func (s *Office) CheckIn(ctx context.Context, site, code string, draw Draw) (CheckedIn, error) {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return CheckedIn{}, err
	}
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return CheckedIn{}, err
	}
	sv, _ := cfg.Service(a.Service)
	out := CheckedIn{Appointment: a, Service: sv}
	now := s.Now().In(s.Loc)
	start := a.Start.In(s.Loc)
	switch {
	case a.State == store.CheckedIn:
		out.Number, out.Due = a.Ticket, start.Add(-cfg.CallBefore.Duration)
		return out, nil
	case a.State != store.Booked && a.State != store.Held: // held: booked at a kiosk offline, not reported yet
		return out, ErrNotBooked
	case start.Format(time.DateOnly) != now.Format(time.DateOnly):
		return out, ErrNotToday
	case now.After(start.Add(cfg.LateAfter.Duration)):
		return out, ErrLate
	}
	out.Due = start.Add(-cfg.CallBefore.Duration)
	if out.Number, err = draw(ctx, sv.Prefix, out.Due); err != nil {
		return out, err
	}
	if _, err := s.St.SetAppointmentState(ctx, a.ID, []string{store.Booked, store.Held}, store.CheckedIn, out.Number); err != nil {
		return out, err
	}
	out.Appointment.State, out.Appointment.Ticket = store.CheckedIn, out.Number
	return out, nil
}

// MarkNoShows marks today's appointments not checked in by late_after
// after their time as no-shows; it returns how many.
func (s *Office) MarkNoShows(ctx context.Context) (int, error) {
	sites, err := s.St.BookingSites(ctx)
	if err != nil {
		return 0, err
	}
	now := s.Now().In(s.Loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.Loc)
	n := 0
	for _, site := range sites {
		cfg, err := s.Config(ctx, site)
		if err != nil {
			return n, err
		}
		list, err := s.St.Appointments(ctx, site, midnight, now.Add(-cfg.LateAfter.Duration))
		if err != nil {
			return n, err
		}
		for _, a := range list {
			if a.State != store.Booked {
				continue
			}
			ok, err := s.St.SetAppointmentState(ctx, a.ID, []string{store.Booked}, store.NoShow, "")
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

// Day lists site's appointments of day, by time, for the staff's day view.
func (s *Office) Day(ctx context.Context, site string, day time.Time) ([]store.Appointment, error) {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, s.Loc)
	list, err := s.St.Appointments(ctx, site, from, from.AddDate(0, 0, 1))
	slices.SortStableFunc(list, func(a, b store.Appointment) int { return a.Start.Compare(b.Start) })
	return list, err
}
