package desk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"lotse/app/flow"
	"lotse/devices/escpos"
	"lotse/sync/wire"
)

// Appointments is the office's appointment book at the portal, as the
// kiosk reaches it (nil: the kiosk offers no booking).
type Appointments interface {
	BookableServices(ctx context.Context, lang string) ([]wire.BookableService, error)
	Slots(ctx context.Context, service string, from time.Time, days int) ([]wire.Slot, error)
	Book(ctx context.Context, key string, r wire.BookRequest) (wire.Booked, error)
	CheckIn(ctx context.Context, code, key, lang string) (wire.CheckedIn, error)
	// HeldServices, HeldSlots and BookHeld book the times the portal
	// holds for the kiosk, while it cannot reach the portal.
	HeldServices(ctx context.Context, lang string) ([]wire.BookableService, error)
	HeldSlots(ctx context.Context, service string) ([]wire.Slot, error)
	BookHeld(ctx context.Context, r wire.BookRequest) (wire.Booked, error)
}

// Appointment is an appointment booked at the kiosk and its printed
// confirmation.
type Appointment struct {
	wire.Booked
	// PrintErr is set when the appointment is booked but its confirmation
	// did not print: the screen shows the code to write down.
	PrintErr error
	// PaperInGerman: the printer could not print the visitor's language.
	PaperInGerman bool
	// Offline: booked from the times held for the kiosk, while the portal
	// was out of reach; the kiosk reports it when it is back.
	Offline bool
}

// BookableServices lists what can be booked at the kiosk's site, titled
// in lang.
func (d *Desk) BookableServices(ctx context.Context, lang string) ([]wire.BookableService, error) {
	if d.Appointments == nil {
		return nil, fmt.Errorf("bookable services: no appointment book")
	}
	return d.Appointments.BookableServices(ctx, lang)
}

// Slots lists the times of service from from for days days.
func (d *Desk) Slots(ctx context.Context, service string, from time.Time, days int) ([]wire.Slot, error) {
	if d.Appointments == nil {
		return nil, fmt.Errorf("slots: no appointment book")
	}
	return d.Appointments.Slots(ctx, service, from, days)
}

// Book books r at the portal (key makes a retry the same booking) and
// prints the confirmation in the visitor's language.
func (d *Desk) Book(ctx context.Context, key string, r wire.BookRequest, texts flow.Texts) (Appointment, error) {
	if d.Appointments == nil {
		return Appointment{}, fmt.Errorf("book: no appointment book")
	}
	b, err := d.Appointments.Book(ctx, key, r)
	if err != nil {
		return Appointment{}, err
	}
	return d.confirm(ctx, b, texts, false), nil
}

// confirm prints the confirmation of b.
func (d *Desk) confirm(ctx context.Context, b wire.Booked, texts flow.Texts, offline bool) Appointment {
	a := Appointment{Booked: b, Offline: offline}
	a.PrintErr = d.print(ctx, "appointment", b.Code, b.Title, func() (job []byte, err error) {
		job, a.PaperInGerman, err = d.AppointmentJob(b, texts)
		return job, err
	})
	// The code is the resident's, not personal data; the name never reaches a log.
	slog.Info("appointment booked", "code", b.Code, "service", b.Service, "offline", offline, "printed", a.PrintErr == nil)
	return a
}

// HeldServices lists what the kiosk can book while the portal is out of
// reach (the times the portal holds for it), titled in lang.
func (d *Desk) HeldServices(ctx context.Context, lang string) ([]wire.BookableService, error) {
	if d.Appointments == nil {
		return nil, fmt.Errorf("held services: no appointment book")
	}
	return d.Appointments.HeldServices(ctx, lang)
}

// HeldSlots lists the held times of service.
func (d *Desk) HeldSlots(ctx context.Context, service string) ([]wire.Slot, error) {
	if d.Appointments == nil {
		return nil, fmt.Errorf("held slots: no appointment book")
	}
	return d.Appointments.HeldSlots(ctx, service)
}

// BookHeld books a held time while the portal is out of reach, and prints
// the confirmation: the kiosk reports the booking when it is back.
func (d *Desk) BookHeld(ctx context.Context, r wire.BookRequest, texts flow.Texts) (Appointment, error) {
	if d.Appointments == nil {
		return Appointment{}, fmt.Errorf("book held: no appointment book")
	}
	b, err := d.Appointments.BookHeld(ctx, r)
	if err != nil {
		return Appointment{}, err
	}
	return d.confirm(ctx, b, texts, true), nil
}

// AppointmentJob encodes the confirmation of b, in German where the
// printer cannot print the visitor's language (german says so).
func (d *Desk) AppointmentJob(b wire.Booked, texts flow.Texts) (job []byte, german bool, err error) {
	set := d.Current()
	return set.inPrintable(texts, func(tr flow.Texts) ([]byte, error) {
		start := b.Start.In(d.Location)
		data := map[string]any{
			"Municipality": set.Municipality,
			"Place":        set.Place,
			"Service":      b.Title,
			"Room":         b.Room,
			"Date":         start.Format("02.01.2006"),
			"Time":         start.Format("15:04"),
			"Code":         b.Code,
			"PageURL":      d.portalURL(b.Page),
		}
		return d.AppointmentLayout.Render(data, escpos.RenderOptions{Profile: set.Profile, T: tr.T, Logo: set.Logo})
	})
}

// CheckIn checks in the appointment with code and prints its waiting
// ticket: called before the walk-ins from shortly before its time.
func (d *Desk) CheckIn(ctx context.Context, code string, texts flow.Texts) (Ticket, error) {
	if d.Appointments == nil {
		return Ticket{}, fmt.Errorf("check-in: no appointment book")
	}
	c, err := d.Appointments.CheckIn(ctx, code, newKey(), langOf(texts))
	if err != nil {
		return Ticket{}, err
	}
	t := Ticket{Number: c.Number, Service: c.Title, Room: c.Room, Issued: d.Now().In(d.Location), Page: c.Page,
		Due: c.Due.In(d.Location)}
	t.PrintErr = d.print(ctx, "ticket", t.Number, t.Service, func() (job []byte, err error) {
		job, t.PaperInGerman, err = d.TicketJob(t, texts)
		return job, err
	})
	slog.Info("appointment checked in", "number", t.Number, "printed", t.PrintErr == nil)
	return t, nil
}
