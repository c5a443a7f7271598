package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"lotse/app/flow"
	"lotse/devices/escpos"
	"lotse/sync/hours"
	"lotse/sync/wire"
)

// Counter hands out the next number of a series on a day.
type Counter interface {
	Next(ctx context.Context, day, series string) (int, error)
}

// Queue is the office queue at the portal: numbers shared by every kiosk
// of the site, with the people ahead.
type Queue interface {
	Draw(ctx context.Context, prefix, lang, key string) (QueueTicket, error)
	// Block is this kiosk's own block of numbers for when the portal is
	// out of reach (2: A2001 …; 0 before the portal named one) and how
	// many numbers it holds a day.
	Block() (block, size int)
}

// QueueTicket is a number from the office queue.
type QueueTicket struct {
	Number string
	Ahead  int
	Page   string // the portal's path of its live page
	// WaitMin and WaitMax: the estimated wait in minutes (0, 0: unknown).
	WaitMin, WaitMax int
}

// Offline keeps numbers drawn from the kiosk's own block while the
// portal was out of reach, until they are reported.
type Offline interface {
	Record(ctx context.Context, key, prefix, label, lang string, at time.Time) error
}

// queueTimeout bounds asking the portal for a number: a resident does not
// wait on a slow line; the kiosk's own block serves instead.
const queueTimeout = 3 * time.Second

// Printer prints one ESC/POS job; nil only when the job came out whole.
type Printer interface {
	Print(ctx context.Context, job []byte) error
}

// Spool records print jobs for reprinting.
type Spool interface {
	Add(ctx context.Context, kind, label, service string, job []byte) (int64, error)
	Mark(ctx context.Context, id int64, printErr error) error
	Job(ctx context.Context, id int64) ([]byte, error)
}

// ErrNoPrinter is the print error when the kiosk has no printer configured.
var ErrNoPrinter = errors.New("no ticket printer configured")

// Ticket is a drawn waiting number.
type Ticket struct {
	Number  string // "A001"
	Service string // the option's title, "Ausweis & Pass"
	Room    string
	// Option is the queue drawn from, for its title in other languages.
	Option flow.Option
	Issued time.Time
	// Ahead is how many wait before it (nil: not known, offline).
	Ahead *int
	// Offline: drawn from the kiosk's own block; valid, reported later.
	Offline bool
	// Page is the portal's path of the number's live page ("": the
	// kiosk's own).
	Page string
	// Wait is the estimated wait in minutes, "10–20" ("": not known).
	Wait string
	// Due, for an appointment checked in, is when it is called.
	Due time.Time
	// PrintErr is set when the number was allocated but the ticket did not
	// print; the number stays valid and the screen must say so.
	PrintErr error
	// PaperInGerman: the printer could not print the visitor's language,
	// so the paper is in German; the screen says so.
	PaperInGerman bool
}

// Settings are what a profile changes on the desk: the printer model, the
// logo, the office's name and place, its hours and the German texts to
// fall back on. The desk swaps them as one value (Configure), so a ticket
// never prints half with the old, half with the new.
type Settings struct {
	Profile      escpos.Profile
	Logo         image.Image
	Municipality string
	Place        string
	// Hours are the counter's; receipts print them. Zero: not printed.
	Hours hours.Week
	// German prints tickets and receipts when the printer's code page
	// cannot print the visitor's language; nil: always the visitor's.
	German flow.Texts
}

// Desk hands out waiting numbers and takes submissions, and prints their
// tickets and receipts.
type Desk struct {
	// Settings are set before the desk is used; later, only through
	// Configure.
	Settings
	mu sync.Mutex // guards Settings once the desk is in use

	Counter Counter
	// Queue, when set, gives the site's shared numbers; when it cannot be
	// reached the kiosk's own block serves (A2001, A2002 …, never one of
	// the portal's A001 …) and Offline keeps them for the portal.
	Queue   Queue
	Offline Offline
	Printer Printer // nil: no printer
	Spool   Spool
	Layout  *escpos.Layout // the waiting ticket
	// ReceiptLayout and Sealer serve form submissions.
	ReceiptLayout *escpos.Layout
	Sealer        Sealer
	// Appointments and AppointmentLayout serve booking and check-in (nil:
	// none).
	Appointments      Appointments
	AppointmentLayout *escpos.Layout
	Now               func() time.Time
	Location          *time.Location
	// Portal is the base URL of the central portal as residents reach it;
	// the ticket's QR code points there. Empty: no QR code. Set it through
	// SetPortal once the desk is in use.
	Portal string
}

// Configure swaps the desk's settings for s, from any goroutine: a new
// profile's name, hours, logo and printer.
func (d *Desk) Configure(s Settings) {
	d.mu.Lock()
	d.Settings = s
	d.mu.Unlock()
}

// Current returns the settings in force.
func (d *Desk) Current() Settings {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.Settings
}

// Draw allocates the next number for opt and prints its ticket. An error
// means no number was allocated; a print failure is reported in the
// Ticket, because the number already exists and must be shown.
func (d *Desk) Draw(ctx context.Context, opt flow.Option, texts flow.Texts) (Ticket, error) {
	now := d.Now().In(d.Location)
	day := now.Format(time.DateOnly)
	t := Ticket{Service: opt.Title, Room: opt.Room, Option: opt, Issued: now}
	lang := langOf(texts)
	key := newKey()
	if d.Queue != nil {
		qctx, cancel := context.WithTimeout(ctx, queueTimeout)
		q, err := d.Queue.Draw(qctx, opt.Prefix, lang, key)
		cancel()
		if err == nil {
			t.Number, t.Ahead, t.Page = q.Number, &q.Ahead, q.Page
			if q.WaitMax > 0 {
				t.Wait = fmt.Sprintf("%d-%d", q.WaitMin, q.WaitMax) // ASCII: every printer code page has it
			}
		} else {
			slog.Warn("office queue out of reach: a number from this kiosk's block", "err", err)
		}
	}
	if t.Number == "" {
		n, err := d.Counter.Next(ctx, day, opt.Prefix)
		if err != nil {
			return Ticket{}, fmt.Errorf("draw waiting number: %w", err)
		}
		t.Number = wire.QueueLabel(opt.Prefix, n)
		if block, size := d.blockOf(); block > 0 {
			if n > size {
				return Ticket{}, fmt.Errorf("draw waiting number: this kiosk's own block of %s numbers is used up for today", opt.Prefix)
			}
			t.Number, t.Offline = wire.OfflineLabel(opt.Prefix, block, n), true
			if err := d.Offline.Record(ctx, key, opt.Prefix, t.Number, lang, now); err != nil {
				return Ticket{}, fmt.Errorf("draw waiting number: %w", err)
			}
		}
	}
	t.PrintErr = d.print(ctx, "ticket", t.Number, t.Service, func() (job []byte, err error) {
		job, t.PaperInGerman, err = d.TicketJob(t, texts)
		return job, err
	})
	// A waiting number is not personal data; the log lets staff match a
	// complaint about a missing ticket.
	if t.PrintErr != nil {
		slog.Warn("waiting number issued, ticket not printed", "number", t.Number, "err", t.PrintErr)
	} else {
		slog.Info("waiting number issued", "number", t.Number)
	}
	return t, nil
}

// print encodes, spools and prints one job.
func (d *Desk) print(ctx context.Context, kind, label, service string, encode func() ([]byte, error)) error {
	if d.Printer == nil {
		return ErrNoPrinter
	}
	job, err := encode()
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	id, err := d.Spool.Add(ctx, kind, label, service, job)
	if err != nil {
		return err
	}
	return d.send(ctx, id, job)
}

// send prints a spooled job and records the outcome. A job sent to a
// printer that does not report status counts as printed for the resident
// (it most likely came out); the spool keeps it as sent, not confirmed.
func (d *Desk) send(ctx context.Context, id int64, job []byte) error {
	printErr := d.Printer.Print(ctx, job)
	if err := d.Spool.Mark(ctx, id, printErr); err != nil {
		slog.Error("print spool", "err", err)
	}
	if errors.Is(printErr, escpos.ErrUnconfirmed) {
		return nil
	}
	return printErr
}

// Reprint prints spooled job id again, whole.
func (d *Desk) Reprint(ctx context.Context, id int64) error {
	if d.Printer == nil {
		return ErrNoPrinter
	}
	job, err := d.Spool.Job(ctx, id)
	if err != nil {
		return fmt.Errorf("reprint: %w", err)
	}
	return d.send(ctx, id, job)
}

// TicketJob encodes the paper ticket for t in the visitor's language, or
// in German when the printer's code page cannot print that language
// (german says so).
func (d *Desk) TicketJob(t Ticket, texts flow.Texts) (job []byte, german bool, err error) {
	set := d.Current()
	return set.inPrintable(texts, func(tr flow.Texts) ([]byte, error) {
		p := "svc." + t.Option.Service + "." + t.Option.ID + "."
		data := map[string]any{
			"Municipality": set.Municipality,
			"Place":        set.Place,
			"Number":       t.Number,
			"Service":      lookup(tr, p+"title", t.Service),
			"Room":         lookup(tr, p+"room", t.Room),
			"Ahead":        ahead(t.Ahead),
			"Wait":         t.Wait,
			"Date":         t.Issued.Format("02.01.2006"),
			"Time":         t.Issued.Format("15:04"),
			"StatusURL":    d.statusURL(t),
		}
		return d.Layout.Render(data, escpos.RenderOptions{Profile: set.Profile, T: tr.T, Logo: set.Logo})
	})
}

// inPrintable renders a job with the visitor's texts, and again in German
// when the printer's code page lacks a character those texts need: a
// Ukrainian ticket on a CP858 printer would be question marks. german
// says it did, so the screen can tell the visitor the paper is German.
func (s Settings) inPrintable(texts flow.Texts, render func(flow.Texts) ([]byte, error)) (job []byte, german bool, err error) {
	rec := &recorder{Texts: texts}
	job, err = render(rec)
	if err != nil || s.German == nil || s.Profile.CanPrint(strings.Join(rec.said, "\n")) {
		return job, false, err
	}
	job, err = render(s.German)
	return job, true, err
}

// recorder notes every text a job was rendered with.
type recorder struct {
	flow.Texts
	said []string
}

func (r *recorder) T(id string, data ...map[string]any) string {
	s := r.Texts.T(id, data...)
	r.said = append(r.said, s)
	return s
}

func (r *recorder) Lookup(id string) (string, bool) {
	l, ok := r.Texts.(flow.Lookup)
	if !ok {
		return "", false
	}
	s, ok := l.Lookup(id)
	if ok {
		r.said = append(r.said, s)
	}
	return s, ok
}

// lookup is the catalogue text id in the language of texts, or def (the
// catalogue file's German).
func lookup(texts flow.Texts, id, def string) string {
	if l, ok := texts.(flow.Lookup); ok {
		if v, ok := l.Lookup(id); ok {
			return v
		}
	}
	return def
}

// blockOf is the kiosk's own block and its size (0, 0: none).
func (d *Desk) blockOf() (int, int) {
	if d.Queue == nil {
		return 0, 0
	}
	block, size := d.Queue.Block()
	if size <= 0 || size > 999 {
		size = 999
	}
	return block, size
}

// ahead is the count for the ticket ("": not known).
func ahead(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// newKey is a fresh idempotency key for a draw.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// statusURL is where the ticket's QR code leads: the portal's page for
// this waiting number.
func (d *Desk) statusURL(t Ticket) string {
	if t.Page != "" {
		return d.portalURL(t.Page)
	}
	return d.portalURL("/w/" + t.Issued.Format(time.DateOnly) + "/" + url.PathEscape(t.Number))
}

// langOf is the language of texts, German when they do not say.
func langOf(texts flow.Texts) string {
	if l, ok := texts.(interface{ Lang() string }); ok {
		return l.Lang()
	}
	return "de"
}

// SetPortal sets the address the QR codes point at, from any goroutine:
// the portal names the one residents reach with its heartbeat replies.
func (d *Desk) SetPortal(base string) {
	d.mu.Lock()
	d.Portal = base
	d.mu.Unlock()
}

// portalURL is path on the portal, or "" when there is none.
func (d *Desk) portalURL(path string) string {
	d.mu.Lock()
	base := d.Portal
	d.mu.Unlock()
	if base == "" {
		return ""
	}
	return base + path
}
