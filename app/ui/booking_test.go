package ui

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"lotse/app/fleet"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/devices/escpossim"
)

// bookingKiosk is a kiosk enrolled at a loopback portal that offers
// appointments, with a simulated printer.
func bookingKiosk(t *testing.T) (*visit, *testutil.Portal, *escpossim.Printer) {
	t.Helper()
	p := testutil.StartPortal(t)
	file := "ahead_min_days = 1\n[[service]]\nid = \"ausweis\"\ntitle = \"Ausweis beantragen\"\nminutes = 20\ncounters = 2\nprefix = \"T\"\nroom = \"Schalter 1\"\nhours = [\"Mo-So 8:00-18:00\"]\n"
	if _, err := p.Bookings().Set(context.Background(), "", []byte(file)); err != nil {
		t.Fatal(err)
	}
	db := testutil.DB(t)
	_, c := testutil.Client(t, db, p)
	office := fleet.NewOffice(store.NewOfflineTickets(db))
	office.Set(c)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, time.Now())
	desk.Now, desk.Portal, desk.Appointments = time.Now, p.URL, office
	return newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Appointments: desk,
		Now: func() time.Time { return time.Now().In(desk.Location) }}), p, sim
}

// A resident books at the kiosk: a service, tomorrow, 8:00, a name typed
// on the screen keyboard, no phone; the screen shows the code, and the
// printed confirmation carries it and a QR code to the appointment's page,
// whose calendar file the portal gives. The next morning the code typed
// at the kiosk gives a waiting number called at the appointment's time.
func TestBookAndCheckInAtTheKiosk(t *testing.T) {
	v, p, sim := bookingKiosk(t)
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
	v.expect("Ihr Termin ist gebucht")
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
	v.tapAnywhere()
	if v.k.book != nil {
		t.Error("the visit's booking is kept after the visit")
	}

	// Tomorrow at 7:58: check in with the code.
	at := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 7, 58, 0, 0, now.Location())
	p.Bookings().Now = func() time.Time { return at }
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
	v.k.CardSeen(qr)
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
