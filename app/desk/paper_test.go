package desk_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
)

// The printer runs out of paper in the middle of a ticket: the resident is
// told, the spool keeps the job as failed, and after a new roll a reprint
// brings the whole ticket.
func TestPaperEndMidTicketThenReprint(t *testing.T) {
	driver, sim := testutil.SimulatedPrinter(t, escpossim.Options{XonXoff: true})
	db := testutil.DB(t)
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	d := testutil.Desk(t, db, driver, now)
	spool := store.NewSpool(db)
	sim.PaperEndAfter(60) // the header prints, the paper ends before the number
	tk, err := d.Draw(context.Background(), flow.Option{Title: "Kfz-Zulassung", Prefix: "C"}, testutil.Texts(t).For("de"))
	if err != nil {
		t.Fatal(err)
	}
	var np *escpos.NotPrintedError
	if !errors.As(tk.PrintErr, &np) || !np.Status.PaperEnd {
		t.Fatalf("print error %v, want not printed with paper end", tk.PrintErr)
	}
	if st := driver.Status(); !st.PaperEnd || st.Ready() {
		t.Errorf("driver status %+v, want paper end", st)
	}
	jobs := testutil.WaitJobs(t, sim, 1)
	if jobs[0].Complete || bytes.Contains(jobs[0].Raw, []byte("C001")) {
		t.Fatalf("the interrupted paper should lack the number: %q", jobs[0].Text())
	}
	entries, err := spool.Since(context.Background(), now.Add(-time.Hour))
	if err != nil || len(entries) != 1 || entries[0].State != "failed" || entries[0].Label != "C001" {
		t.Fatalf("spool %+v, %v; want one failed job C001", entries, err)
	}

	// While the paper is out, a reprint fails fast and changes nothing.
	if err := d.Reprint(context.Background(), entries[0].ID); !errors.Is(err, escpos.ErrNotPrinted) {
		t.Fatalf("reprint without paper: %v", err)
	}
	sim.Refill()
	if err := d.Reprint(context.Background(), entries[0].ID); err != nil {
		t.Fatalf("reprint after refill: %v", err)
	}
	jobs = testutil.WaitJobs(t, sim, 2)
	if !jobs[1].Complete || !bytes.Equal(jobs[1].Raw, entries[0].Bytes) {
		t.Fatalf("reprint is not the whole ticket:\n%s", jobs[1].Text())
	}
	e, _ := spool.Get(context.Background(), entries[0].ID)
	if e.State != "printed" || e.Attempts != 3 {
		t.Errorf("spool after reprint: state %s, attempts %d", e.State, e.Attempts)
	}
}
