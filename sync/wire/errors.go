package wire

import (
	"errors"
	"time"
)

// Answers of the portal the kiosk tells residents about: the client
// returns them, the desk and the screens tell them apart.
var (
	// ErrFull: the time was taken meanwhile.
	ErrFull = errors.New("this time is fully booked")
	// ErrNoBooking: the kiosk's site offers no appointments.
	ErrNoBooking = errors.New("no appointments at this site")
	// ErrNoCase: the portal knows no matter with this reference code.
	ErrNoCase = errors.New("no such case at the portal")
)

// CheckInRefusedError says why a booking code gave no waiting number.
type CheckInRefusedError struct {
	Reason string    // unknown, not_today, late, not_booked
	Start  time.Time // the appointment's time, when known
}

func (e *CheckInRefusedError) Error() string { return "check-in refused: " + e.Reason }
