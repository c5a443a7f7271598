package ui

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lotse/app/fleet"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/devices/escpossim"
	"lotse/sync/hours/hourstest"
)

// bookingKiosk is a kiosk enrolled at a loopback portal that offers
// appointments, with a simulated printer.
func bookingKiosk(t *testing.T, at time.Time) (*visit, *testutil.Portal, *escpossim.Printer) {
	t.Helper()
	r := bookingKioskWith(t, at, "", nil)
	return r.v, r.p, r.sim
}

// bookingRig is a booking kiosk's parts.
type bookingRig struct {
	v      *visit
	p      *testutil.Portal
	sim    *escpossim.Printer
	office *fleet.Office
	db     *sql.DB
}

// bookingKioskWith is bookingKiosk with extra lines in the booking file's
// head and in its service, and the portal's handler wrapped.
// Portal and kiosk read one clock, which reads at when the rig starts.
func bookingKioskWith(t *testing.T, at time.Time, head string, wrap func(http.Handler) http.Handler, serviceLines ...string) bookingRig {
	t.Helper()
	clock := hourstest.Clock(at)
	p := testutil.StartPortalAt(t, clock, wrap)
	file := "ahead_min_days = 1\n" + head + "[[service]]\nid = \"ausweis\"\ntitle = \"Ausweis beantragen\"\nminutes = 20\ncounters = 2\nprefix = \"T\"\nroom = \"Schalter 1\"\nhours = [\"Mo-So 8:00-18:00\"]\n" +
		strings.Join(serviceLines, "")
	if _, err := p.Bookings().Set(context.Background(), "", []byte(file)); err != nil {
		t.Fatal(err)
	}
	db := testutil.DB(t)
	_, c := testutil.Client(t, db, p)
	office := fleet.NewOffice(store.NewOfflineTickets(db), store.NewHeldTimes(db))
	office.Set(c)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, at)
	desk.Now, desk.Portal, desk.Appointments = clock, p.URL, office
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Appointments: desk,
		Now: func() time.Time { return clock().In(desk.Location) }})
	return bookingRig{v: v, p: p, sim: sim, office: office, db: db}
}

// A resident books at the kiosk: a service, tomorrow, 8:00, a name typed
// on the screen keyboard, no phone; the screen shows the code, and the
// printed confirmation carries it and a QR code to the appointment's page,
// whose calendar file the portal gives. The next morning the code typed
// at the kiosk gives a waiting number called at the appointment's time.
func TestBookAndCheckInAtTheKiosk(t *testing.T) {
	for _, d := range hourstest.Days {
		t.Run(d.Name, func(t *testing.T) { bookAndCheckIn(t, d.At) })
	}
}

func bookAndCheckIn(t *testing.T, at time.Time) {
	v, p, sim := bookingKiosk(t, at)
	v.tap("Termin buchen")
	v.tap("Ausweis beantragen")
	now := v.k.deps.Now()
	tomorrow := now.AddDate(0, 0, 1)
	day := fmt.Sprint(tomorrow.Day())
	if tomorrow.Day() == 1 {
		day += "." + fmt.Sprint(int(tomorrow.Month())) + "."
	}
	v.tap(day)
	v.tap("08:00")
	v.typeOnScreen("Anna Schmidt")
	v.tap("Weiter")
	v.tap("Überspringen")
	v.expect("Bitte prüfen Sie Ihren Termin", "Ausweis beantragen", "Anna Schmidt")
	v.tap("Termin verbindlich buchen")
	v.expect("Ihr Termin ist gebucht", "Was passiert jetzt?")
	code := regexp.MustCompile(`\b\d{9}\b`).FindString(v.screenText())
	if code == "" {
		t.Fatalf("no booking code on the screen:\n%s", v.screenText())
	}
	jobs := testutil.WaitJobs(t, sim, 1)
	text := jobs[0].Text()
	for _, want := range []string{"Terminbestätigung", "Ausweis beantragen", code, "08:00", "Schalter 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, text)
		}
	}
	page, err := jobs[0].Image()
	if err != nil {
		t.Fatal(err)
	}
	qr, ok := escpossim.ScanQR(page)
	if !ok || !strings.HasPrefix(qr, p.URL+"/termin/_/"+code+"?s=") {
		t.Fatalf("the confirmation's QR code says %q", qr)
	}
	secret := qr[strings.Index(qr, "?s=")+3:]
	resp, err := http.Get(p.URL + "/v1/sites/_/appointments/" + code + "/ics?s=" + secret)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the appointment's calendar file: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	v.finish()
	if v.k.v.book != nil {
		t.Error("the visit's booking is kept after the visit")
	}

	// Tomorrow at 7:58: check in with the code.
	morning := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 7, 58, 0, 0, now.Location())
	p.Bookings().Now = func() time.Time { return morning }
	p.Queue().Now = p.Bookings().Now
	v.tap("Ich habe einen Termin")
	v.typeOnScreen("12345678")
	v.typeOnScreen("9")
	v.tap("Weiter")
	v.expect("Dieser Code stimmt nicht")
	v.k.Home()
	v.tap("Ich habe einen Termin")
	v.typeOnScreen(code)
	v.tap("Weiter")
	v.expect("T001", "Sie werden ab 07:55 Uhr aufgerufen")
	// The confirmation's QR code held to the scanner: the same number.
	v.k.Home()
	v.k.guide.CardSeen(qr)
	v.expect("T001")
	ticket := testutil.WaitJobs(t, sim, 2)[1]
	if !strings.Contains(ticket.Text(), "T001") {
		t.Errorf("the waiting ticket:\n%s", ticket.Text())
	}
}

// Without the portal the kiosk says so plainly and offers asking for an
// appointment instead; a code typed for check-in is answered the same way.
func TestBookingWithoutThePortal(t *testing.T) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: nil})
	v.tap("Termin buchen")
	v.expect("Termine buchen geht gerade nicht", "Termin anfragen")
	v.tap("Termin anfragen")
	v.k.Home()
	if v.visibleTile("Termin anfragen") {
		t.Error("the request form is on the start screen beside the booking tile")
	}
}

// The network is down, but the site holds one time a day for each kiosk:
// the resident still books one, the confirmation prints with its code
// and QR code, the kiosk keeps the name only sealed, and once the network
// is back the portal has the appointment with the name — and the time is
// taken for everyone else.
func TestBookHeldTimeOffline(t *testing.T) {
	var down atomic.Bool
	cut := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
				// A cable pulled: the connection dies without an answer.
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	r := bookingKioskWith(t, hourstest.Days[0].At, "kiosk_quota_days = 2\n", cut, "kiosk_quota = 1\n")
	v, p, sim, office := r.v, r.p, r.sim, r.office
	ctx := context.Background()
	office.SyncHeld(ctx)
	down.Store(true)

	v.tap("Termin buchen")
	v.expect("Einige Termine hält das Amt für diesen Kiosk frei")
	v.tap("Ausweis beantragen")
	// Tomorrow is left to everyone; the day after holds one time.
	day := v.k.deps.Now().AddDate(0, 0, 2)
	label := fmt.Sprint(day.Day())
	if day.Day() == 1 {
		label += "." + fmt.Sprint(int(day.Month())) + "."
	}
	v.tap(label)
	slots, err := office.HeldSlots(ctx, "ausweis")
	if err != nil || len(slots) != 2 {
		t.Fatalf("held times %+v %v", slots, err)
	}
	at := slots[0].Start.In(v.k.deps.Now().Location())
	v.tap(at.Format("15:04"))
	v.typeOnScreen("Erika Mustermann")
	v.tap("Weiter")
	v.tap("Überspringen")
	v.expect("Bitte prüfen Sie Ihren Termin", "Erika Mustermann", "Ihr Termin gilt schon jetzt")
	v.tap("Termin verbindlich buchen")
	v.expect("Ihr Termin ist gebucht", "sobald die Verbindung wieder da ist")
	code := regexp.MustCompile(`\b\d{9}\b`).FindString(v.screenText())
	jobs := testutil.WaitJobs(t, sim, 1)
	if code == "" || !strings.Contains(jobs[0].Text(), code) || !strings.Contains(jobs[0].Text(), at.Format("15:04")) {
		t.Fatalf("code %q, confirmation:\n%s", code, jobs[0].Text())
	}
	page, err := jobs[0].Image()
	if err != nil {
		t.Fatal(err)
	}
	if qr, ok := escpossim.ScanQR(page); !ok || !strings.HasPrefix(qr, p.URL+"/termin/_/"+code+"?s=") {
		t.Fatalf("the confirmation's QR code says %q", qr)
	}
	// Nothing of the name in clear in the kiosk's file.
	var path string
	if err := r.db.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	main, _ := os.ReadFile(path)
	wal, _ := os.ReadFile(path + "-wal")
	if raw := append(main, wal...); len(main) == 0 || bytes.Contains(raw, []byte("Mustermann")) {
		t.Error("the name is in clear in the kiosk's database")
	}
	v.finish()

	// Back online: the booking reaches the portal with the name.
	down.Store(false)
	office.SyncHeld(ctx)
	a, err := p.Store().AppointmentByCode(ctx, "", code)
	if err != nil || a.State != "booked" {
		t.Fatalf("at the portal: %+v %v", a, err)
	}
	if contact, err := p.AppointmentContact(a); err != nil || contact["name"] != "Erika Mustermann" {
		t.Fatalf("the name at the portal: %v %v", contact, err)
	}
	if n, _ := heldLeft(ctx, office); n != 1 {
		t.Errorf("held times left free at the kiosk: %d, want 1", n)
	}

	// Two days later the other held day is the nearest bookable one: the
	// online kiosk gives its time back, free for residents anywhere, and
	// holds times of the two days after it.
	left, _ := office.HeldSlots(ctx, "ausweis")
	next := v.k.deps.Now().Add(48 * time.Hour)
	p.Bookings().Now = func() time.Time { return next }
	freeAt := func() int {
		slots, err := p.Bookings().Slots(ctx, "", "ausweis", left[0].Start, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range slots {
			if s.Start.Equal(left[0].Start) {
				return s.Free
			}
		}
		return -1
	}
	if got := freeAt(); got != 1 {
		t.Fatalf("free at the held time before giving back: %d", got)
	}
	office.FetchHeld(ctx)
	if got := freeAt(); got != 2 {
		t.Errorf("free at the held time after giving back: %d, want 2", got)
	}
	if n, _ := heldLeft(ctx, office); n != 2 {
		t.Errorf("held times free at the kiosk: %d, want 2 (the new days')", n)
	}
}

func heldLeft(ctx context.Context, o *fleet.Office) (int, error) {
	s, err := o.HeldSlots(ctx, "ausweis")
	return len(s), err
}
