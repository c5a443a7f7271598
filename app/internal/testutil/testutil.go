// Package testutil builds the real parts tests run against: a kiosk
// database in a temp folder, the printer simulator behind a real pty pair,
// the embedded screen texts.
package testutil

import (
	"context"
	"database/sql"
	"image/png"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lotse/app/desk"
	"lotse/app/i18n"
	"lotse/app/store"
	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/reader"
	"lotse/devices/serialport"
)

// Texts returns the embedded screen texts and catalogue translations.
func Texts(t testing.TB) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AddDir(assets.FS, "services/i18n"); err != nil {
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

// Profile returns an embedded printer profile.
func Profile(t testing.TB, id string) escpos.Profile {
	t.Helper()
	p, err := escpos.BuiltinProfile(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// SimulatedPrinter starts the printer simulator on the far end of a real
// pty pair and a driver on the kiosk's end, which writes through
// tarm/serial exactly as it would to a USB adapter.
func SimulatedPrinter(t testing.TB, opt escpossim.Options) (*escpos.Driver, *escpossim.Printer) {
	t.Helper()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	if opt.Profile.ID == "" {
		opt.Profile = Profile(t, escpos.DefaultProfile)
	}
	sim := escpossim.NewPrinter(opt)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); sim.Serve(ctx, pair) }()
	drv := escpos.NewDriver(serialport.Config{Device: pair.Device, Baud: 115200}, escpos.StatusAuto)
	go func() { defer wg.Done(); drv.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait(); pair.Close() })
	// A kiosk's printer answers its first status query within a second of
	// start; tests begin after that, as a visitor would, so that nothing
	// reads the "not known yet" status as "offline".
	deadline := time.Now().Add(10 * time.Second)
	for !drv.Status().Connected {
		if time.Now().After(deadline) {
			t.Fatal("the simulated printer never answered a status query")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return drv, sim
}

// Desk returns a ticket desk on db printing to printer (nil: none) on an
// 80 mm profile, with the clock fixed at now in Berlin.
func Desk(t testing.TB, db *sql.DB, printer desk.Printer, now time.Time) *desk.Desk {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := escpos.LoadLayout(assets.FS, "print/ticket.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := escpos.LoadLayout(assets.FS, "print/receipt.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	appointment, err := escpos.LoadLayout(assets.FS, "print/appointment.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	logoPNG, err := assets.FS.Open("print/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	defer logoPNG.Close()
	logo, err := png.Decode(logoPNG)
	if err != nil {
		t.Fatal(err)
	}
	d := &desk.Desk{
		Settings: desk.Settings{Logo: logo, Profile: Profile(t, escpos.DefaultProfile),
			Municipality: "Stadt Musterstadt", Place: "Bürgerbüro", German: Texts(t).For("de")},
		Counter: store.NewCounters(db), Spool: store.NewSpool(db), Layout: layout, ReceiptLayout: receipt, AppointmentLayout: appointment,
		Location: berlin, Portal: "https://portal.example", Now: func() time.Time { return now },
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

// RFIDReader runs an RDM6300 framer on a pty pair, as the kiosk reads its
// card reader: write frames to far, take the cards from the channel.
func RFIDReader(t testing.TB) (far io.Writer, cards <-chan reader.Card) {
	t.Helper()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	port, err := serialport.Open(serialport.Config{Device: pair.Device, Baud: 9600})
	if err != nil {
		pair.Close()
		t.Fatal(err)
	}
	ch := make(chan reader.Card, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); reader.Run(ctx, port, reader.NewRDM6300(), func(c reader.Card) { ch <- c }) }()
	t.Cleanup(func() { cancel(); <-done; port.Close(); pair.Close() })
	return pair.Far, ch
}

// WaitFor polls ok until it holds, failing the test after 10 s.
func WaitFor(t testing.TB, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not reached within 10 s")
}
