package flow_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
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

func texts(t *testing.T) flow.Texts {
	t.Helper()
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return b.For("de")
}

func newDesk(t *testing.T, printer flow.Printer, now time.Time) *flow.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return &flow.Desk{
		Counter: store.NewCounters(db), Printer: printer, Location: berlin,
		Now: func() time.Time { return now }, Municipality: "Stadt Musterstadt", Place: "Bürgerbüro", Columns: 48,
	}
}

// simulatedPrinter starts the printer simulator on the far end of a real pty
// pair and returns the kiosk-side printer writing through tarm/serial.
func simulatedPrinter(t *testing.T) (*escpos.SerialPrinter, *escpossim.Printer) {
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

func TestDrawPrintsTicketWithNumberServiceAndTime(t *testing.T) {
	printer, sim := simulatedPrinter(t)
	now := time.Date(2026, 11, 22, 13, 5, 0, 0, time.UTC) // 14:05 in Berlin
	desk := newDesk(t, printer, now)
	opt := flow.Option{ID: "ausweis", Title: "Ausweis & Pass", Prefix: "A"}
	for want := 1; want <= 2; want++ {
		tk, err := desk.Draw(context.Background(), opt, texts(t))
		if err != nil {
			t.Fatal(err)
		}
		if tk.PrintErr != nil {
			t.Fatalf("print failed: %v", tk.PrintErr)
		}
		if want == 1 && tk.Number != "A001" {
			t.Fatalf("first number %q, want A001", tk.Number)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := sim.WaitJobs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[1].Text()
	for _, want := range []string{"Stadt Musterstadt", "Ihre Wartenummer", "A002", "Ausweis & Pass", "22.11.2026 um 14:05 Uhr"} {
		if !strings.Contains(text, want) {
			t.Errorf("ticket lacks %q:\n%s", want, text)
		}
	}
	if errs := sim.Errors(); len(errs) > 0 {
		t.Errorf("simulator refused bytes: %v", errs)
	}
	// The number is printed large: GS ! with 4× width and height before it.
	if !strings.Contains(string(jobs[1].Raw), "\x1d!\x33\x1bE\x01A002\n") {
		t.Errorf("number not printed at 4×4 bold: % x", jobs[1].Raw)
	}
}

func TestDrawWithMissingPrinterStillIssuesNumber(t *testing.T) {
	printer := escpos.NewSerialPrinter(serialport.Config{Device: filepath.Join(t.TempDir(), "ttyUSB9"), Baud: 9600})
	desk := newDesk(t, printer, time.Now())
	tk, err := desk.Draw(context.Background(), flow.Option{Title: "Meldewesen", Prefix: "B"}, texts(t))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "B001" {
		t.Errorf("number %q, want B001", tk.Number)
	}
	if !errors.Is(tk.PrintErr, serialport.ErrMissing) {
		t.Errorf("print error %v, want missing port", tk.PrintErr)
	}
}

func TestDayFollowsKioskTimeZone(t *testing.T) {
	// 23:30 UTC on the 22nd is already the 23rd in Berlin: a new day, 001.
	late := time.Date(2026, 11, 22, 22, 30, 0, 0, time.UTC)
	desk := newDesk(t, nil, late)
	opt := flow.Option{Title: "Sonstiges", Prefix: "D"}
	desk.Now = func() time.Time { return late.Add(-time.Hour) }
	if tk, _ := desk.Draw(context.Background(), opt, texts(t)); tk.Number != "D001" {
		t.Fatalf("got %s", tk.Number)
	}
	desk.Now = func() time.Time { return late.Add(time.Hour) }
	tk, err := desk.Draw(context.Background(), opt, texts(t))
	if err != nil || tk.Number != "D001" {
		t.Fatalf("after Berlin midnight got %s, %v; want D001", tk.Number, err)
	}
	if !errors.Is(tk.PrintErr, flow.ErrNoPrinter) {
		t.Errorf("print error %v, want ErrNoPrinter", tk.PrintErr)
	}
}
