package flow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lotse/devices/escpos"
)

// Counter hands out the next number of a series on a day.
type Counter interface {
	Next(ctx context.Context, day, series string) (int, error)
}

// Printer prints one ESC/POS job.
type Printer interface {
	Print(ctx context.Context, job []byte) error
}

// Texts translates screen and print texts for the current visitor.
type Texts interface {
	T(id string, data ...map[string]any) string
}

// ErrNoPrinter is the print error when the kiosk has no printer configured.
var ErrNoPrinter = errors.New("no ticket printer configured")

// Ticket is a drawn waiting number.
type Ticket struct {
	Number  string // "A001"
	Service string // the option's title, "Ausweis & Pass"
	Issued  time.Time
	// PrintErr is set when the number was allocated but the ticket did not
	// print; the number stays valid and the screen must say so.
	PrintErr error
}

// Desk hands out waiting numbers and prints their tickets.
type Desk struct {
	Counter      Counter
	Printer      Printer // nil: no printer
	Now          func() time.Time
	Location     *time.Location
	Municipality string
	Place        string
	Columns      int
}

// Draw allocates the next number for opt and prints its ticket. An error
// means no number was allocated; a print failure is reported in the
// Ticket, because the number already exists and must be shown.
func (d *Desk) Draw(ctx context.Context, opt Option, texts Texts) (Ticket, error) {
	now := d.Now().In(d.Location)
	day := now.Format(time.DateOnly)
	n, err := d.Counter.Next(ctx, day, opt.Prefix)
	if err != nil {
		return Ticket{}, fmt.Errorf("draw waiting number: %w", err)
	}
	t := Ticket{Number: fmt.Sprintf("%s%03d", opt.Prefix, n), Service: opt.Title, Issued: now}
	if d.Printer == nil {
		t.PrintErr = ErrNoPrinter
	} else {
		t.PrintErr = d.Printer.Print(ctx, d.TicketJob(t, texts))
	}
	// A waiting number is not personal data; the log lets staff match a
	// complaint about a missing ticket.
	if t.PrintErr != nil {
		slog.Warn("waiting number issued, ticket not printed", "number", t.Number, "err", t.PrintErr)
	} else {
		slog.Info("waiting number issued", "number", t.Number)
	}
	return t, nil
}

// TicketJob encodes the paper ticket for t.
func (d *Desk) TicketJob(t Ticket, texts Texts) []byte {
	doc := escpos.New(d.Columns).Align(escpos.Center)
	doc.Bold(true).Line(d.Municipality).Bold(false)
	if d.Place != "" {
		doc.Line(d.Place)
	}
	doc.Feed(1).Line(texts.T("print_ticket_heading"))
	doc.Size(4, 4).Bold(true).Line(t.Number).Bold(false).Size(1, 1)
	doc.Size(1, 2).Line(t.Service).Size(1, 1).Feed(1)
	doc.Line(texts.T("print_ticket_wait"))
	doc.Line(texts.T("print_ticket_issued", map[string]any{
		"Date": t.Issued.Format("02.01.2006"),
		"Time": t.Issued.Format("15:04"),
	}))
	return doc.Feed(3).Cut().Bytes()
}
