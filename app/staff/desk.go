// Package staff is the kiosk's staff desk: the staff area's status page
// (printer, card reader, portal, outbox), the printer's test page, the
// support bundle, and the guides' list of today's tickets and receipts
// with their reprints.
package staff

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"lotse/app/config"
	"lotse/app/desk"
	"lotse/app/fleet"
	"lotse/app/store"
	"lotse/devices/escpos"
	"lotse/devices/reader"
	"lotse/sync/outbox"
)

// Desk serves the staff area and the guides' reprint menu.
type Desk struct {
	Config  config.Config // shown without secrets, in the support bundle too
	DataDir string        // where support bundles are written
	DB      *sql.DB
	Desk    *desk.Desk
	Agent   *fleet.Agent
	Printer *escpos.Driver  // nil: no printer
	Reader  *reader.Watcher // nil: no card reader configured
}

// Status is what the staff area shows.
func (d *Desk) Status(ctx context.Context) desk.Status {
	hb := d.Agent.Heartbeat(ctx)
	set := d.Desk.Current()
	st := desk.Status{Kiosk: set.Place, Municipality: set.Municipality, PrinterProfile: set.Profile.ID,
		ProfileVersion: hb.ProfileVersion, ProfileError: hb.ProfileError, Portal: d.Config.Portal.URL,
		FreeDiskMB: hb.FreeDiskBytes >> 20}
	for _, state := range outbox.States {
		st.Outbox = append(st.Outbox, desk.StateCount{State: state, Count: hb.Outbox[state]})
	}
	if c := d.Agent.Client(); c != nil {
		s := c.Status()
		st.Online, st.Revoked, st.LastSync = s.Online, s.Revoked, s.LastSync
	}
	switch {
	case d.Printer == nil:
		st.Printer = "none"
	case hb.Printer.Problem != "":
		st.Printer, st.PrinterProblem = "problem", hb.Printer.Problem
	case hb.Printer.NoStatus:
		st.Printer = "nostatus"
	case hb.Printer.PaperNearEnd:
		st.Printer = "paperlow"
	default:
		st.Printer = "ready"
	}
	r := d.Config.Reader
	st.ReaderKind, st.ReaderPort = r.Kind, r.Port
	switch {
	case d.Reader == nil:
		st.Reader = "none"
	case !d.Reader.Connected():
		st.Reader = "disconnected"
	default:
		st.Reader, st.ReaderLast = "ready", d.Reader.LastCard()
		if st.ReaderLast == "" {
			st.ReaderLast = "–"
		}
	}
	return st
}

// TestPage prints the printer's test page. Sent to a printer that does not
// report status, it counts as printed: the paper shows, and the status
// line says the printer does not report.
func (d *Desk) TestPage(ctx context.Context) error {
	if d.Printer == nil {
		return desk.ErrNoPrinter
	}
	job, err := escpos.TestPage(d.Desk.Current().Profile)
	if err != nil {
		return err
	}
	if err := d.Printer.Print(ctx, job); !errors.Is(err, escpos.ErrUnconfirmed) {
		return err
	}
	return nil
}

// Diagnostics writes a support bundle: versions, the configuration
// without secrets, device and queue state, today's print jobs by number
// and state. No answers, no names, no card numbers.
func (d *Desk) Diagnostics(ctx context.Context) (string, error) {
	path := filepath.Join(d.DataDir, "diagnostics-"+time.Now().Format("20060102-150405")+".zip")
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("diagnostics: %w", err)
	}
	zw := zip.NewWriter(file)
	add := func(name string, v any) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	jobs, _ := d.Today(ctx)
	err = firstErr(
		add("heartbeat.json", d.Agent.Heartbeat(ctx)),
		add("staff.json", d.Status(ctx)),
		add("config.json", d.Config), // the kiosk's token lives in its own file, not here
		add("print-jobs-today.json", jobs),
	)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("diagnostics: %w", err)
	}
	slog.Info("diagnostics written", "path", path)
	return path, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Today lists today's tickets, receipts and appointment confirmations
// for a guide's reprint.
func (d *Desk) Today(ctx context.Context) ([]desk.PrintedJob, error) {
	now := time.Now().In(d.Desk.Location)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	entries, err := store.NewSpool(d.DB).Since(ctx, midnight)
	if err != nil {
		return nil, err
	}
	var jobs []desk.PrintedJob
	for _, e := range entries {
		if e.Kind == "ticket" || e.Kind == "receipt" || e.Kind == "appointment" {
			jobs = append(jobs, desk.PrintedJob{ID: e.ID, Kind: e.Kind, Label: e.Label, Service: e.Service, At: e.Created, State: e.State})
		}
	}
	return jobs, nil
}

// Reprint prints a spooled job again.
func (d *Desk) Reprint(ctx context.Context, id int64) error { return d.Desk.Reprint(ctx, id) }
