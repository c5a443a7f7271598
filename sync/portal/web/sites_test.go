package web_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"lotse/assets"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// Staff accounts had no site: a clerk read the names and phone numbers of
// every site's appointments, cancelled one at another site and called a
// ticket there; admins read appointment names. Each account now works for
// its sites, and a page or action about another is refused and logged.
func TestStaffWorkOnlyForTheirSites(t *testing.T) {
	r := newRig(t)
	withBooking(t, r)
	ctx := r.ctx
	if _, err := r.p.Bookings().Set(ctx, "Bibliothek", mustBookingFile(t)); err != nil {
		t.Fatal(err)
	}
	// At the library: an appointment, a waiting number, a case from its kiosk.
	slots, err := r.p.Bookings().Slots(ctx, "Bibliothek", "ausweis", r.p.Now(), 14)
	if err != nil || len(slots) == 0 {
		t.Fatalf("slots: %v", err)
	}
	libBooking, err := r.p.Bookings().Book(ctx, "Bibliothek", 0, "lib-1", wire.BookRequest{Service: "ausweis", Start: slots[0].Start,
		Name: "Olena Shevchuk", Phone: "0151 7654321"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.p.Queue().Draw(ctx, "Bibliothek", "A", "de", 9, "lib-ticket"); err != nil {
		t.Fatal(err)
	}
	code := r.submit(t, "mangel", map[string]string{"beschreibung": "Laterne defekt"})
	if err := r.p.Fleet().SetSite(ctx, r.kiosk.Identity().KioskID, "Bibliothek"); err != nil {
		t.Fatal(err)
	}
	acc := &staff.Accounts{St: r.p.Store()}
	if err := acc.Add(ctx, store.User{Name: "rita.rathaus", Role: staff.Admin, Sites: []string{""}}, password); err != nil {
		t.Fatal(err)
	}
	day := slots[0].Start.In(berlinTZ).Format(time.DateOnly)

	kurt := newBrowser(t, r.url) // clerk at the town hall (the default site)
	csrf := signedIn(t, kurt, "kurt.schalter")
	for _, c := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/staff/termine?site=Bibliothek&date=" + day, nil},
		{"POST", "/staff/termine/cancel", url.Values{"site": {"Bibliothek"}, "code": {libBooking.Code}, "date": {day}}},
		{"GET", "/staff/queue?site=Bibliothek&counter=Schalter+1", nil},
		{"POST", "/staff/queue/act", url.Values{"site": {"Bibliothek"}, "counter": {"Schalter 1"}, "prefixes": {"A"}, "action": {"next"}}},
	} {
		var resp *http.Response
		var body string
		if c.method == "GET" {
			resp, body = kurt.get(c.path)
		} else {
			c.form.Set("csrf", csrf)
			resp, body = kurt.post(c.path, c.form)
		}
		if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Olena") || strings.Contains(body, "7654321") {
			t.Errorf("the town hall's clerk, %s %s: %d", c.method, c.path, resp.StatusCode)
		}
	}
	if a, _, _ := r.p.Bookings().Find(ctx, "Bibliothek", libBooking.Code, libBooking.Secret); a.State != store.Booked {
		t.Errorf("the library's appointment is %s", a.State)
	}
	if st, _ := r.p.Queue().Status(ctx, "Bibliothek"); len(st.Waiting) != 1 || st.Waiting[0].Count != 1 {
		t.Errorf("the library's queue: %+v", st)
	}
	// Its own site's day view: names for the clerk.
	if resp, _ := kurt.get("/staff/termine?date=" + day); resp.StatusCode != 200 {
		t.Errorf("own site: %d", resp.StatusCode)
	}

	// The caseworker of the town hall: the library's case is not listed
	// and does not open.
	carl := newBrowser(t, r.url)
	signedIn(t, carl, "carl.sachbearbeitung")
	if _, body := carl.get("/staff/cases"); strings.Contains(body, code) {
		t.Error("the inbox lists another site's case")
	}
	if resp, body := carl.get("/staff/cases/" + code); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Laterne") {
		t.Errorf("another site's case: %d", resp.StatusCode)
	}

	// An admin of the town hall: not the library's kiosks, not the staff
	// accounts or the audit log (they span every site); no names anywhere.
	rita := newBrowser(t, r.url)
	ritaCSRF := signedIn(t, rita, "rita.rathaus")
	if _, body := rita.get("/staff/fleet"); strings.Contains(body, "Rathaus Eingang") {
		t.Error("the fleet page lists another site's kiosk")
	}
	kiosk := r.kiosk.Identity().KioskID
	for _, path := range []string{"/staff/fleet/" + itoa(kiosk) + "/revoke", "/staff/fleet/" + itoa(kiosk) + "/site"} {
		if resp, _ := rita.post(path, url.Values{"csrf": {ritaCSRF}, "site": {""}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s of another site's kiosk: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := rita.post("/staff/fleet/codes", url.Values{"csrf": {ritaCSRF}, "count": {"1"}, "valid": {"24"}, "site": {"Bibliothek"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("enrolment codes for another site: %d", resp.StatusCode)
	}
	for _, path := range []string{"/staff/users", "/staff/audit"} {
		if resp, _ := rita.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s for a site's admin: %d", path, resp.StatusCode)
		}
	}
	if _, body := newBrowserAs(t, r, "anna.admin").get("/staff/termine?site=Bibliothek&date=" + day); strings.Contains(body, "Olena") || strings.Contains(body, "7654321") {
		t.Error("an admin reads appointment names")
	}
	// Every refusal is in the audit log.
	log, _ := r.p.Store().AuditLog(ctx, time.Time{}, 200)
	refused := 0
	for _, e := range log {
		if e.Action == "site_refused" {
			refused++
		}
	}
	if refused < 8 {
		t.Errorf("%d refusals in the audit log", refused)
	}
}

// Any text in a link was shown as a notice of the system; a clerk's
// prefixes went back into a 64 KB Location header.
func TestStaffNoticesAreOnlyKnownMessages(t *testing.T) {
	r := newRig(t)
	withBooking(t, r)
	kurt := newBrowser(t, r.url)
	csrf := signedIn(t, kurt, "kurt.schalter")
	for _, q := range []string{"said=Ihr+Passwort+ist+abgelaufen.+Bitte+unter+evil.example+neu+setzen", "problem=%3Cb%3EAchtung%3C%2Fb%3E",
		"said=appointment_cancelled&ref=%3Cscript%3E"} {
		_, body := kurt.get("/staff/termine?" + q)
		if strings.Contains(body, "evil.example") || strings.Contains(body, "Achtung") || strings.Contains(body, "<script>") ||
			strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s shown", q)
		}
	}
	if _, body := kurt.get("/staff/termine?said=appointment_cancelled&ref=123456789"); !strings.Contains(body, "123456789: ") {
		t.Error("a known message is not shown")
	}
	resp, _ := kurt.post("/staff/queue/act", url.Values{"csrf": {csrf}, "site": {""}, "counter": {"Schalter 1"}, "action": {"next"},
		"prefixes": {strings.Repeat("A,", 15000)}}) // 60 KB as the form sends it
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || len(loc) > 300 {
		t.Errorf("redirect after 60 KB of prefixes: %d, %d bytes", resp.StatusCode, len(loc))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// signedIn signs b in as name and returns its CSRF token.
func signedIn(t *testing.T, b *browser, name string) string {
	t.Helper()
	st, csrf := b.signIn(name, password)
	if st != http.StatusSeeOther {
		t.Fatalf("%s signs in: %d", name, st)
	}
	return csrf
}

// newBrowserAs is a browser signed in as name.
func newBrowserAs(t *testing.T, r *rig, name string) *browser {
	b := newBrowser(t, r.url)
	signedIn(t, b, name)
	return b
}

// mustBookingFile is the example booking file.
func mustBookingFile(t *testing.T) []byte {
	b, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
