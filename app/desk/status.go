package desk

import "time"

// Status is what the staff area shows: the devices, the network and
// the queue — nothing about any resident.
type Status struct {
	Kiosk, Municipality, PrinterProfile string
	ProfileVersion                      int
	ProfileError                        string
	// Printer is the printer's state: none, problem (Problem says which),
	// nostatus (prints, but confirms nothing), paperlow, ready.
	Printer, PrinterProblem string
	// Reader is the card reader's state: none, disconnected, ready; its
	// kind, port and the last card's short id.
	Reader, ReaderKind, ReaderPort, ReaderLast string
	Portal                                     string // the portal's address
	Online, Revoked                            bool
	LastSync                                   time.Time
	Outbox                                     []StateCount // in the outbox's order of states
	FreeDiskMB                                 int64
}

// StateCount is how many submissions are in one state of the outbox.
type StateCount struct {
	State string
	Count int
}

// PrintedJob is one ticket or receipt printed today, as a guide sees it:
// a number or a reference code, never what a resident entered.
type PrintedJob struct {
	ID      int64
	Kind    string // ticket, receipt, appointment
	Label   string
	Service string // the service's title
	At      time.Time
	State   string // queued, printed, sent (not confirmed), failed
}
