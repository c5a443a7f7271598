package desk_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
)

func newDesk(t *testing.T, printer desk.Printer, now time.Time) *desk.Desk {
	return testutil.Desk(t, testutil.DB(t), printer, now)
}

func TestDrawPrintsTicketWithNumberServiceAndTime(t *testing.T) {
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	now := time.Date(2026, 11, 22, 13, 5, 0, 0, time.UTC) // 14:05 in Berlin
	d := newDesk(t, printer, now)
	opt := flow.Option{ID: "ausweis", Title: "Ausweis & Pass", Prefix: "A"}
	for want := 1; want <= 2; want++ {
		tk, err := d.Draw(context.Background(), opt, testutil.Texts(t).For("de"))
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
	jobs := testutil.WaitJobs(t, sim, 2)
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
	// The QR code (native on this profile) leads to the number's status page.
	if !strings.Contains(string(jobs[1].Raw), "1P0https://portal.example/w/2026-11-22/A002") {
		t.Errorf("no native QR with the status URL: % x", jobs[1].Raw)
	}
}

func TestDrawWithMissingPrinterStillIssuesNumber(t *testing.T) {
	printer := escpos.NewDriver(serialport.Config{Device: filepath.Join(t.TempDir(), "ttyUSB9"), Baud: 9600}, escpos.StatusAuto)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go printer.Run(ctx)
	d := newDesk(t, printer, time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC))
	tk, err := d.Draw(context.Background(), flow.Option{Title: "Meldewesen", Prefix: "B"}, testutil.Texts(t).For("de"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "B001" {
		t.Errorf("number %q, want B001", tk.Number)
	}
	if !errors.Is(tk.PrintErr, escpos.ErrNotPrinted) || !strings.Contains(tk.PrintErr.Error(), "missing") {
		t.Errorf("print error %v, want not printed, port missing", tk.PrintErr)
	}
}

func TestDayFollowsKioskTimeZone(t *testing.T) {
	// 23:30 UTC on the 22nd is already the 23rd in Berlin: a new day, 001.
	late := time.Date(2026, 11, 22, 22, 30, 0, 0, time.UTC)
	d := newDesk(t, nil, late)
	opt := flow.Option{Title: "Sonstiges", Prefix: "D"}
	d.Now = func() time.Time { return late.Add(-time.Hour) }
	if tk, _ := d.Draw(context.Background(), opt, testutil.Texts(t).For("de")); tk.Number != "D001" {
		t.Fatalf("got %s", tk.Number)
	}
	d.Now = func() time.Time { return late.Add(time.Hour) }
	tk, err := d.Draw(context.Background(), opt, testutil.Texts(t).For("de"))
	if err != nil || tk.Number != "D001" {
		t.Fatalf("after Berlin midnight got %s, %v; want D001", tk.Number, err)
	}
	if !errors.Is(tk.PrintErr, desk.ErrNoPrinter) {
		t.Errorf("print error %v, want ErrNoPrinter", tk.PrintErr)
	}
}

// TestTicketPrintsInTheVisitorsLanguageWhereThePrinterCan draws in
// English (CP858 has every letter) and in Ukrainian (it has none of them:
// the ticket comes out in German rather than as question marks).
func TestTicketPrintsInTheVisitorsLanguageWhereThePrinterCan(t *testing.T) {
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	d := testutil.Desk(t, testutil.DB(t), drv, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	cat, _ := flow.LoadCatalogue(assets.FS, "services")
	svc, _ := cat.Service("wartenummer")
	texts := testutil.Texts(t)
	for i, c := range []struct {
		lang, heading, service string
		german                 bool
	}{
		{"en", "Your waiting number", "ID card & passport", false},
		{"uk", "Ihre Wartenummer", "Ausweis & Pass", true},
		{"de-x-ls", "Ihre Nummer", "Ausweis und Pass", false},
	} {
		tk, err := d.Draw(context.Background(), svc.Options[0], texts.For(c.lang))
		if err != nil {
			t.Fatal(err)
		}
		if tk.PaperInGerman != c.german {
			t.Errorf("%s: paper in German %v, want %v", c.lang, tk.PaperInGerman, c.german)
		}
		text := testutil.WaitJobs(t, sim, i+1)[i].Text()
		if !strings.Contains(text, c.heading) || !strings.Contains(text, c.service) || strings.Contains(text, "?") {
			t.Errorf("%s ticket:\n%s", c.lang, text)
		}
	}
}

// A printer that never answers status still gives the resident a ticket;
// the spool keeps it as sent, not confirmed, for the guide's list.
func TestSilentPrinterStillGivesATicket(t *testing.T) {
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{NoStatus: true})
	db := testutil.DB(t)
	now := time.Date(2026, 11, 22, 13, 5, 0, 0, time.UTC)
	d := testutil.Desk(t, db, printer, now)
	tk, err := d.Draw(context.Background(), flow.Option{ID: "ausweis", Title: "Ausweis & Pass", Prefix: "A"}, testutil.Texts(t).For("de"))
	if err != nil || tk.PrintErr != nil {
		t.Fatalf("draw: %v, print: %v", err, tk.PrintErr)
	}
	if jobs := testutil.WaitJobs(t, sim, 1); !strings.Contains(jobs[0].Text(), "A001") {
		t.Errorf("ticket %q", jobs[0].Text())
	}
	entries, err := store.NewSpool(db).Since(context.Background(), time.Time{})
	if err != nil || len(entries) != 1 || entries[0].State != "sent" {
		t.Fatalf("spool %+v, %v: want one job sent, not confirmed", entries, err)
	}
}
