// Package testutil builds the real parts tests run against: a kiosk
// database in a temp folder, the printer simulator behind a real pty pair,
// the embedded screen texts.
package testutil

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/store"
	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
)

// Texts returns the embedded translations.
func Texts(t testing.TB) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// DB opens a fresh kiosk database in a temp folder.
func DB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SimulatedPrinter starts the printer simulator on the far end of a real
// pty pair and returns the kiosk-side printer, which writes through
// tarm/serial exactly as it would to a USB adapter.
func SimulatedPrinter(t testing.TB) (*escpos.SerialPrinter, *escpossim.Printer) {
	t.Helper()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	sim := escpossim.NewPrinter("")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sim.Serve(ctx, pair); close(done) }()
	p := escpos.NewSerialPrinter(serialport.Config{Device: pair.Device, Baud: 9600})
	t.Cleanup(func() { p.Close(); cancel(); <-done; pair.Close() })
	return p, sim
}

// Desk returns a ticket desk on db printing to printer (nil: none), with
// the clock fixed at now in Berlin.
func Desk(t testing.TB, db *sql.DB, printer flow.Printer, now time.Time) *flow.Desk {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	d := &flow.Desk{
		Counter: store.NewCounters(db), Location: berlin,
		Now: func() time.Time { return now }, Municipality: "Stadt Musterstadt", Place: "Bürgerbüro", Columns: 48,
	}
	if printer != nil {
		d.Printer = printer
	}
	return d
}

// WaitJobs waits up to 10 s for n print jobs at the simulator.
func WaitJobs(t testing.TB, sim *escpossim.Printer, n int) []escpossim.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := sim.WaitJobs(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}
