package staff_test

import (
	"archive/zip"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"lotse/app/config"
	"lotse/app/fleet"
	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/staff"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/reader"
	"lotse/devices/serialport"
	"lotse/sync/outbox"
)

// rdm6300 frames a card id as an RDM6300 reader sends it.
func rdm6300(id string) []byte {
	var sum byte
	for i := 0; i < len(id); i += 2 {
		var b byte
		for _, c := range id[i : i+2] {
			b <<= 4
			switch {
			case c >= '0' && c <= '9':
				b |= byte(c - '0')
			default:
				b |= byte(c-'A') + 10
			}
		}
		sum ^= b
	}
	const hex = "0123456789ABCDEF"
	return []byte("\x02" + id + string([]byte{hex[sum>>4], hex[sum&15]}) + "\x03")
}

// The staff area says what the printer and the card reader are doing,
// prints a test page, lists today's tickets for a reprint, and writes a
// support bundle without a card number in it.
func TestStaffDesk(t *testing.T) {
	ctx := context.Background()
	db := testutil.DB(t)
	out, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{NoStatus: true})
	desk := testutil.Desk(t, db, drv, time.Now())

	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	cards := make(chan reader.Card, 1)
	w := reader.NewWatcher(serialport.Config{Device: pair.Device, Baud: 9600}, "rdm6300")
	w.OnCard(func(c reader.Card) { cards <- c })
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()

	cfg := config.Default()
	cfg.Reader.Port, cfg.Reader.Kind = pair.Device, "rdm6300"
	dir := t.TempDir()
	agent := fleet.New(fleet.Options{Version: "test", DataDir: dir, DB: db, Outbox: out, Desk: desk, Printer: drv, Reader: w})
	d := &staff.Desk{Config: cfg, DataDir: dir, DB: db, Desk: desk, Agent: agent, Printer: drv, Reader: w}

	testutil.WaitFor(t, w.Connected)
	pair.Write(rdm6300("1F00644BB6"))
	<-cards
	st := d.Status(ctx)
	if st.Printer != "nostatus" {
		t.Errorf("printer: %q", st.Printer)
	}
	if st.Reader != "ready" || st.ReaderLast != "…4BB6" {
		t.Errorf("reader: %q, last card %q", st.Reader, st.ReaderLast)
	}
	if st.Kiosk != "Bürgerbüro" || st.Municipality != "Stadt Musterstadt" || st.PrinterProfile != escpos.DefaultProfile {
		t.Errorf("status %+v", st)
	}

	if err := d.TestPage(ctx); err != nil {
		t.Fatalf("test page: %v", err)
	}
	if jobs := testutil.WaitJobs(t, sim, 1); !strings.Contains(jobs[0].Text(), "Testseite TM-T20II") {
		t.Errorf("test page: %q", jobs[0].Text())
	}

	if _, err := desk.Draw(ctx, flow.Option{ID: "ausweis", Title: "Ausweis", Prefix: "A"}, testutil.Texts(t).For("de")); err != nil {
		t.Fatal(err)
	}
	today, err := d.Today(ctx)
	if err != nil || len(today) != 1 || today[0].Label != "A001" || today[0].State != "sent" {
		t.Fatalf("today: %+v %v", today, err)
	}
	if err := d.Reprint(ctx, today[0].ID); err != nil {
		t.Errorf("reprint: %v", err)
	}
	testutil.WaitJobs(t, sim, 3)

	path, err := d.Diagnostics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(b), "1F00644BB6") {
			t.Errorf("%s carries the card number", f.Name)
		}
	}
	if strings.Join(names, ",") != "heartbeat.json,staff.json,config.json,print-jobs-today.json" {
		t.Errorf("bundle holds %v", names)
	}
}
