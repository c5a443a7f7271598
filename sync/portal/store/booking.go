package store

import (
	"context"
	"errors"
	"time"
)

// Booking errors.
var (
	// ErrSlotFull: the time has as many appointments as counters serve it.
	ErrSlotFull = errors.New("this time is fully booked")
	// ErrContactLimit: the phone number or e-mail address holds as many
	// future appointments for the service as a contact may.
	ErrContactLimit = errors.New("this contact holds the most appointments allowed for this service")
	// ErrKeyReused: an idempotency key came back with another request.
	ErrKeyReused = errors.New("this idempotency key was used for another request")
)

// Appointment states.
const (
	Booked = "booked"
	// Unconfirmed is a booking from home held until the resident confirms
	// it by the mailed link (the site's confirm_contact); it counts like a
	// booking, and is freed when not confirmed in time.
	Unconfirmed = "unconfirmed"
	Cancelled   = "cancelled"
	CheckedIn   = "checked_in"
	NoShow      = "noshow"
	// Held: a time set aside for one kiosk to book while it cannot reach
	// the portal (the site's kiosk_quota). It counts like a booking; the
	// kiosk reports the resident when it is back, or gives it back.
	Held = "held"
)

// Appointment is one booked time. Name and contact exist only sealed (to
// the portal's key) and are cleared keep_days after the appointment.
type Appointment struct {
	ID         int64
	Site       string
	Service    string
	Start      time.Time
	Code       string // the booking code residents quote and type at check-in
	SecretHash string // hash of the secret that lets its holder cancel
	ContactKey string // keyed hash of the phone number or e-mail, for the per-contact limit
	Sealed     string // JWE of name and contact; "" once forgotten
	State      string
	Lang       string
	Kiosk      int64  // the kiosk it was booked at; 0 from home
	Key        string // the client's idempotency key
	// KeyBody is a hash of the request the key came with ("" for rows
	// from before it was kept): another request under the key is
	// ErrKeyReused.
	KeyBody   string
	Ticket    string // the waiting number given at check-in
	CreatedAt time.Time
	// CancelledAt and ReleaseAt: when it was cancelled, and when its time
	// is offered again.
	CancelledAt, ReleaseAt time.Time
}

// Book is a request to book a, within capacity and the contact's limit
// (a.State "" is Booked; Held sets a time aside for a.Kiosk).
type Book struct {
	Appointment
	Capacity      int
	MaxPerContact int
	Now           time.Time
}

// Bookings are the appointments of the portal's sites.
type Bookings interface {
	// SetBookingConfig keeps the booking file of site; BookingConfig reads
	// it (ErrNotFound); BookingSites lists the sites that have one.
	SetBookingConfig(ctx context.Context, site, text string, at time.Time) error
	BookingConfig(ctx context.Context, site string) (string, error)
	BookingSites(ctx context.Context) ([]string, error)

	// Book stores b's appointment if its time has room — in one
	// conditional update, so no time is ever booked beyond its capacity,
	// on any database and across instances — and the contact has not
	// reached its limit (ErrSlotFull, ErrContactLimit). A retry with the
	// same site and key returns the first appointment, with fresh false.
	Book(ctx context.Context, b Book) (a Appointment, fresh bool, err error)
	// Taken counts the appointments holding each time of service at site
	// from from to to (cancelled ones until their release), at now.
	Taken(ctx context.Context, site, service string, from, to, now time.Time) (map[time.Time]int, error)
	// Unconfirmed lists site's appointments still unconfirmed that were
	// booked before t.
	Unconfirmed(ctx context.Context, site string, before time.Time) ([]Appointment, error)
	// AppointmentByCode is site's appointment with code (ErrNotFound).
	AppointmentByCode(ctx context.Context, site, code string) (Appointment, error)
	// AppointmentByKey is site's appointment booked under a client's
	// idempotency key (ErrNotFound).
	AppointmentByKey(ctx context.Context, site, key string) (Appointment, error)
	// Appointments lists site's appointments starting from from to to.
	Appointments(ctx context.Context, site string, from, to time.Time) ([]Appointment, error)
	// Cancel cancels appointment id if it is still booked or held; its
	// time is offered again from releaseAt.
	Cancel(ctx context.Context, id int64, at, releaseAt time.Time) (bool, error)
	// SetAppointmentState moves appointment id from one of from to state,
	// with the ticket given at check-in.
	SetAppointmentState(ctx context.Context, id int64, from []string, state, ticket string) (bool, error)
	// ForgetContacts clears the sealed name and contact of site's
	// appointments that started before before; it returns how many.
	ForgetContacts(ctx context.Context, site string, before time.Time) (int, error)

	// HeldBy lists site's times held for kiosk that start after after.
	HeldBy(ctx context.Context, site string, kiosk int64, after time.Time) ([]Appointment, error)
	// ClaimHeld turns kiosk's held time code into the booking it made
	// offline, with the resident's sealed name and contact (one already
	// checked in keeps its state); false when the time is no longer held
	// (given back, or cancelled by its holder) or was reported before.
	ClaimHeld(ctx context.Context, site, code string, kiosk int64, sealed, contactKey, lang string, at time.Time) (bool, error)
}
