package web_test

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"lotse/assets"
	"lotse/sync/hours/hourstest"
	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// withBooking gives the rig's default site the example booking file.
func withBooking(t *testing.T, r *rig) {
	t.Helper()
	file, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.p.Bookings().Set(r.ctx, "", file); err != nil {
		t.Fatal(err)
	}
}

var (
	firstFreeDay = regexp.MustCompile(`<a class="free" href="([^"]+)"`)
	firstTime    = regexp.MustCompile(`name="start" id="[^"]+" value="([^"]+)"`)
	formKey      = regexp.MustCompile(`name="key" value="([^"]+)"`)
)

// The whole booking from home with plain HTTP forms, no script: a service,
// a free day, a time and a name; a mistake said in the resident's
// language with the answers kept; the appointment's page with its code,
// a calendar file that parses, and cancelling.
func TestBookingPagesWithoutJavaScript(t *testing.T) {
	for _, d := range hourstest.Days {
		t.Run(d.Name, func(t *testing.T) { bookWithoutJavaScript(t, newRigAt(t, hourstest.Clock(d.At))) })
	}
}

func bookWithoutJavaScript(t *testing.T, r *rig) {
	withBooking(t, r)
	b := newBrowser(t, r.url)
	resp, page := b.get("/termin/_?lang=tr")
	if resp.StatusCode != 200 || !strings.Contains(page, `lang="tr"`) || !strings.Contains(page, "Randevu alın") ||
		!strings.Contains(page, "Kimlik kartı veya pasaport başvurusu") || strings.Contains(page, "<script") {
		t.Fatalf("start: %d %s", resp.StatusCode, page)
	}
	if resp, page := b.get("/termin/_?lang=de-x-ls"); resp.StatusCode != 200 || !strings.Contains(page, "Einen Termin machen") ||
		!strings.Contains(page, `lang="de-x-ls"`) {
		t.Errorf("Leichte Sprache: %d", resp.StatusCode)
	}
	resp, _ = b.get("/termin/_?lang=tr&service=ausweis")
	days := resp.Header.Get("Location")
	resp, page = b.get(days)
	m := firstFreeDay.FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("days (%s): %d %s", days, resp.StatusCode, page)
	}
	dayURL := strings.ReplaceAll(m[1], "&amp;", "&")
	resp, page = b.get(dayURL)
	tm, key := firstTime.FindStringSubmatch(page), formKey.FindStringSubmatch(page)
	if resp.StatusCode != 200 || tm == nil || key == nil {
		t.Fatalf("times: %d %s", resp.StatusCode, page)
	}
	tm[1] = html.UnescapeString(tm[1]) // as a browser reads the attribute
	action := strings.SplitN(dayURL, "?", 2)[0]
	// A name of one letter: refused, said in Turkish, the phone kept.
	resp, page = b.post(action, url.Values{"lang": {"tr"}, "key": {key[1]}, "start": {tm[1]}, "name": {"A"}, "phone": {"0171 2345678"}})
	if resp.StatusCode != 422 || !strings.Contains(page, "Lütfen adınızı yazın") || !strings.Contains(page, `value="0171 2345678"`) ||
		!strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("a bad name: %d %s", resp.StatusCode, page)
	}
	resp, _ = b.post(action, url.Values{"lang": {"tr"}, "key": {key[1]}, "start": {tm[1]}, "name": {"Fatma Yılmaz"}, "phone": {"0171 2345678"}})
	where := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.Contains(where, "new=1") {
		t.Fatalf("book: %d %s", resp.StatusCode, where)
	}
	resp, page = b.get(where)
	code := regexp.MustCompile(`<dd class="code">(\d{9})</dd>`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || code == nil || !strings.Contains(page, "Randevunuz alındı") {
		t.Fatalf("the appointment: %d %s", resp.StatusCode, page)
	}
	// The same form sent twice (a double click): one appointment.
	resp, _ = b.post(action, url.Values{"lang": {"tr"}, "key": {key[1]}, "start": {tm[1]}, "name": {"Fatma Yılmaz"}, "phone": {"0171 2345678"}})
	if again := resp.Header.Get("Location"); !strings.Contains(again, code[1]) {
		t.Errorf("the form sent again booked another: %s", again)
	}
	ical := regexp.MustCompile(`href="(/v1/[^"]+/ics[^"]+)"`).FindStringSubmatch(page)
	if ical == nil {
		t.Fatalf("no calendar link: %s", page)
	}
	resp, body := b.get(strings.ReplaceAll(ical[1], "&amp;", "&"))
	cal, err := ics.ParseCalendar(bytes.NewReader([]byte(body)))
	if resp.StatusCode != 200 || err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics: %d %v", resp.StatusCode, err)
	}
	start, _ := time.Parse(time.RFC3339, tm[1])
	if at, _ := cal.Events()[0].GetStartAt(); !at.Equal(start) {
		t.Errorf("the calendar says %v, the booking %v", at, start)
	}
	secret := regexp.MustCompile(`name="s" value="([^"]+)"`).FindStringSubmatch(page)
	resp, page = b.post("/termin/_/"+code[1]+"/cancel", url.Values{"s": {secret[1]}, "lang": {"de"}})
	if resp.StatusCode != 200 || !strings.Contains(page, "Ihr Termin ist abgesagt.") {
		t.Errorf("cancel: %d %s", resp.StatusCode, page)
	}
	if resp, page := b.get("/termin/_/" + code[1] + "?s=wrong"); resp.StatusCode != 404 || !strings.Contains(page, "Diesen Termin finden wir nicht") {
		t.Errorf("a wrong secret: %d", resp.StatusCode)
	}
}

// The booking pages in Chromium: each step, a mistake and the
// appointment, in German and in Ukrainian, with no serious axe finding.
func TestBookingPagesInABrowser(t *testing.T) {
	r := newRigAt(t, hourstest.Clock(hourstest.Days[0].At))
	withBooking(t, r)
	ctx := chrome(t)
	run, textOf := steps(t, ctx)
	run("start", chromedp.Navigate(r.url+"/termin/_"), chromedp.WaitVisible(chromedp.CSS("fieldset")))
	check(t, ctx, "termin-1-service")
	run("a service", chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`table.month`)))
	check(t, ctx, "termin-2-day")
	run("a day", chromedp.Click(chromedp.CSS(`a.free`)), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	check(t, ctx, "termin-3-time")
	run("a time, no name", chromedp.Click(chromedp.CSS(`.times input`)), chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#errors`)))
	if text := textOf("#errors"); !strings.Contains(text, "Bitte geben Sie Ihren Namen ein") && !strings.Contains(text, "Please enter your name") {
		t.Errorf("error summary: %q", text)
	}
	check(t, ctx, "termin-3-error")
	run("book", chromedp.SendKeys(chromedp.CSS("#name"), "Олена Шевчук"), chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dd.code`)))
	code := textOf("dd.code")
	if h1 := textOf("h1"); len(code) != 9 || !strings.Contains(h1, "Ihr Termin ist gebucht") && !strings.Contains(h1, "Your appointment is booked") {
		t.Fatalf("the appointment page: %q / %q", code, textOf("main"))
	}
	check(t, ctx, "termin-4-booked")
	run("in Ukrainian", chromedp.Click(chromedp.CSS(`a[hreflang=uk]`)), chromedp.WaitVisible(chromedp.Search(`//h1[text()="Ваш запис"]`)))
	check(t, ctx, "termin-4-booked-uk")
	// The page behind a confirmation mail's link (its button confirms).
	run("the confirmation page", chromedp.Navigate(r.url+"/termin/_/"+code+"/confirm?c=x&s=y&lang=de"),
		chromedp.WaitVisible(chromedp.CSS(`form button[type=submit]`)))
	check(t, ctx, "termin-5-confirm")
	resp, err := http.Get(r.url + "/termin/_/" + code + "?s=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("a code without its secret: %d", resp.StatusCode)
	}
}

// The staff's day view in Chromium: per counter who is due, with the name
// (and the look at names in the audit log), the day's figures, cancelling
// on behalf of a resident (its time back after the pause), and the admin's
// booking file refused with the key named when wrong.
func TestAppointmentsDayViewInABrowser(t *testing.T) {
	r := newRigAt(t, hourstest.Clock(hourstest.Days[1].At))
	withBooking(t, r)
	ctx := r.ctx
	if err := r.p.Queue().SetCounters(ctx, "", []store.Counter{{Name: "Schalter 1", Prefixes: []string{"A", "T"}}}); err != nil {
		t.Fatal(err)
	}
	office := r.p.Bookings()
	var day time.Time
	for i, name := range []string{"Fatma Yılmaz", "Łukasz Wróbel"} {
		slots, err := office.Slots(ctx, "", "ausweis", r.p.Now(), 14)
		if err != nil || len(slots) == 0 {
			t.Fatalf("slots: %v", err)
		}
		day = slots[0].Start
		if _, err := office.Book(ctx, "", 0, fmt.Sprint("staff-", i), wire.BookRequest{Service: "ausweis", Start: slots[0].Start,
			Name: name, Phone: fmt.Sprint("0171 234567", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// The clerk at the counter sees who is due, with names and phones.
	clerk := newBrowser(t, r.url)
	clerk.signIn("kurt.schalter", password)
	_, page := clerk.get("/staff/termine?date=" + day.In(berlinTZ).Format(time.DateOnly))
	for _, want := range []string{"Schalter 1", "Fatma Yılmaz", "Łukasz Wróbel", "0171 2345670", "gebucht"} {
		if !strings.Contains(page, want) {
			t.Errorf("the clerk's day view lacks %q", want)
		}
	}
	c := chrome(t)
	run, _ := steps(t, c)
	run("sign in", chromedp.Navigate(r.url+"/staff/login"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "anna.admin"), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.Search(`//h1[text()="Heute"]`)),
		chromedp.Navigate(r.url+"/staff/termine?date="+day.In(berlinTZ).Format(time.DateOnly)),
		chromedp.WaitVisible(chromedp.CSS("table")))
	// The admin sets the office up: times and codes, no names or phones.
	text, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Schalter 1", "gebucht"} {
		if !strings.Contains(text, want) {
			t.Errorf("the day view lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"Fatma", "Łukasz", "0171"} {
		if strings.Contains(text, never) {
			t.Errorf("the admin's day view shows %q", never)
		}
	}
	if n, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#fig-booked"))); n != "2" {
		t.Errorf("booked figure %q", n)
	}
	check(t, c, "30-appointments")
	run("cancel", chromedp.Click(chromedp.CSS(`button[aria-label^="Absagen"]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if n, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS("#fig-cancelled"))); n != "1" {
		t.Errorf("cancelled figure after cancelling %q", n)
	}
	run("a bad file", chromedp.SetValue(chromedp.CSS("#config"), "[[service]]\nid = \"x\"\nminutes = 1\n"),
		chromedp.Click(chromedp.Search(`//button[text()="Prüfen und speichern"]`)), chromedp.WaitVisible(chromedp.CSS(".problem")))
	if p, _ := chromedp.Run(c, chromedp.Text(chromedp.CSS(".problem"))); !strings.Contains(p, "service[1].minutes") {
		t.Errorf("a bad booking file: %q", p)
	}
	check(t, c, "31-appointments-bad-file")
	entries, _ := r.p.Store().AuditLog(ctx, time.Time{}, 50)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.User+":"+e.Action)
	}
	if all := strings.Join(actions, " "); !strings.Contains(all, "kurt.schalter:appointments_viewed") || strings.Contains(all, "anna.admin:appointments_viewed") ||
		!strings.Contains(all, "anna.admin:appointment_cancelled") {
		t.Errorf("audit log: %s", all)
	}
}

var berlinTZ, _ = time.LoadLocation("Europe/Berlin")
