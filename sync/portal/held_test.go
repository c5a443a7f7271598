package portal_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/assets"
	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal/store"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// heldRig is the booking rig with one time a day of "ausweis" held for
// each kiosk, for three days, and an enrolled kiosk's client at site
// "rathaus".
func heldRig(t *testing.T) (*rig, *clock, *client.Client) {
	t.Helper()
	r, c := bookingRig(t)
	file, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml")
	if err != nil {
		t.Fatal(err)
	}
	// The example holds one "ausweis" time a day for seven days: three here.
	text := strings.Replace(string(file), "kiosk_quota_days = 7\n", "kiosk_quota_days = 3\n", 1)
	ctx := context.Background()
	if _, err := r.p.Bookings().Set(ctx, "rathaus", []byte(text)); err != nil {
		t.Fatal(err)
	}
	return r, c, kioskClient(t, r, "rathaus")
}

// kioskClient enrols a kiosk at site and returns its sync client.
func kioskClient(t *testing.T, r *rig, site string) *client.Client {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	code, err := r.p.Enrolment().EnrollCode(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.Enroll(ctx, db, r.url, code, "Kiosk", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.p.Fleet().SetSite(ctx, id.KioskID, site); err != nil {
		t.Fatal(err)
	}
	out, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	k, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func freeAt(t *testing.T, r *rig, at time.Time) int {
	t.Helper()
	slots, err := r.p.Bookings().Slots(context.Background(), "rathaus", "ausweis", at, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if s.Start.Equal(at) {
			return s.Free
		}
	}
	t.Fatalf("no time %s", at)
	return 0
}

// A kiosk's held times: set aside within capacity, the same ones when
// asked again, booked offline and reported with the resident's name
// sealed, given back and free at once for everyone — and nobody else
// can report or give back what a kiosk holds.
func TestHeldTimes(t *testing.T) {
	r, _, k := heldRig(t)
	ctx := context.Background()
	h, err := k.Office().Held(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 7 December, 10:00: Tuesday is the nearest day, left to
	// everyone; Wednesday and Thursday are held (Friday has no hours).
	if h.GiveBackTill != "2026-12-08" || len(h.Held) != 2 {
		t.Fatalf("held %+v", h)
	}
	wed, thu := h.Held[0], h.Held[1]
	if wed.Start.In(berlin).Format("2006-01-02") != "2026-12-09" || thu.Start.In(berlin).Format("2006-01-02") != "2026-12-10" ||
		wed.Titles["tr"] == "" || wed.Room != "Schalter 1" || wed.Secret == "" || !strings.Contains(wed.Page, wed.Code) {
		t.Fatalf("held %+v", h.Held)
	}
	again, err := k.Office().Held(ctx)
	if err != nil || len(again.Held) != 2 || again.Held[0].Code != wed.Code || again.Held[1].Code != thu.Code {
		t.Fatalf("asked again: %+v %v", again, err)
	}
	// The held time takes one of its two counters: one more resident from
	// home fits, the next does not.
	if got := freeAt(t, r, wed.Start); got != 1 {
		t.Fatalf("free at the held time: %d, want 1", got)
	}
	if a := call(t, "POST", r.url+"/v1/sites/rathaus/appointments", map[string]string{"Idempotency-Key": "home-1"},
		bookBody(wed.Start, "Anna Schmidt", "")); a.status != 201 {
		t.Fatalf("the other counter: %d %s", a.status, a.body)
	}
	if a := call(t, "POST", r.url+"/v1/sites/rathaus/appointments", map[string]string{"Idempotency-Key": "home-2"},
		bookBody(wed.Start, "Jan Nowak", "")); a.status != 409 {
		t.Fatalf("over capacity: %d %s", a.status, a.body)
	}

	// Booked offline at the kiosk, reported later, twice (a lost answer).
	at := time.Date(2026, 12, 7, 11, 0, 0, 0, berlin)
	sealed, err := k.Office().SealHeld(wed.Booked, map[string]string{"name": "Fatma Yılmaz", "phone": "0171 2345678"}, at)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := k.Office().ReportHeld(ctx, wed.Code, wire.HeldReport{Sealed: sealed, Lang: "tr", BookedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := r.p.Store().AppointmentByCode(ctx, "rathaus", wed.Code)
	if err != nil || a.State != store.Booked || a.Lang != "tr" || a.ContactKey == "" {
		t.Fatalf("reported: %+v %v", a, err)
	}
	if contact, err := r.p.AppointmentContact(a); err != nil || contact["name"] != "Fatma Yılmaz" {
		t.Fatalf("the name at the portal: %v %v", contact, err)
	}
	// Another kiosk can neither report nor give back this kiosk's time.
	other := kioskClient(t, r, "rathaus")
	var refused *client.RefusedError
	if err := other.Office().ReportHeld(ctx, thu.Code, wire.HeldReport{Sealed: sealed, BookedAt: at}); !errors.As(err, &refused) || refused.Status != 404 {
		t.Errorf("another kiosk reports: %v", err)
	}
	if err := other.Office().GiveBack(ctx, thu.Code); !errors.As(err, &refused) || refused.Status != 404 {
		t.Errorf("another kiosk gives back: %v", err)
	}
	// A report whose envelope is another appointment's is refused.
	if err := k.Office().ReportHeld(ctx, thu.Code, wire.HeldReport{Sealed: sealed, BookedAt: at}); !errors.As(err, &refused) || refused.Status != 422 {
		t.Errorf("a swapped envelope: %v", err)
	}

	// Thursday's time given back: free for everyone at once, never held again.
	before := freeAt(t, r, thu.Start)
	for range 2 {
		if err := k.Office().GiveBack(ctx, thu.Code); err != nil {
			t.Fatal(err)
		}
	}
	if got := freeAt(t, r, thu.Start); got != before+1 {
		t.Errorf("free after giving back: %d, want %d", got, before+1)
	}
	if h, err := k.Office().Held(ctx); err != nil || len(h.Held) != 0 {
		t.Errorf("held after report and give-back: %+v %v", h, err)
	}
	if err := k.Office().ReportHeld(ctx, thu.Code, wire.HeldReport{Sealed: sealed, BookedAt: at}); !errors.As(err, &refused) || refused.Status != 409 {
		t.Errorf("reporting a time given back: %v", err)
	}
}
