package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lotse/sync/hours/hourstest"
)

var (
	dayLink  = regexp.MustCompile(`<a class="free" href="([^"]+/(\d{4}-\d{2}-\d{2})\?[^"]*)"`)
	nextLink = regexp.MustCompile(`<a rel="next" href="([^"]+)"`)
	timeVal  = regexp.MustCompile(`name="start" id="[^"]+" value="([^"]+)"`)
)

// The residents' month view on the awkward days of the year: every day it
// links lies ahead, from the first bookable day on, and opens onto times
// that are all still to come; a past day's page offers no time at all.
// (On 2026-12-07 the month view linked 2026-12-04: the next month's 4th.)
func TestBookingDaysOnAnyDay(t *testing.T) {
	for _, d := range hourstest.Days {
		t.Run(d.Name, func(t *testing.T) {
			r := newRigAt(t, hourstest.Clock(d.At))
			withBooking(t, r)
			b := newBrowser(t, r.url)
			now := d.At
			tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, hourstest.Berlin)
			linked := 0
			page := "/termin/_/ausweis?lang=de"
			for month := 0; month < 3 && page != ""; month++ {
				resp, body := b.get(page)
				if resp.StatusCode != 200 {
					t.Fatalf("%s: %d", page, resp.StatusCode)
				}
				for _, m := range dayLink.FindAllStringSubmatch(body, -1) {
					day, err := time.ParseInLocation(time.DateOnly, m[2], hourstest.Berlin)
					if err != nil {
						t.Fatal(err)
					}
					if day.Before(tomorrow) {
						t.Errorf("%s offered on %s", m[2], now.Format(time.DateTime))
					}
					linked++
					if linked > 4 && month > 0 {
						continue // the first days of each month are enough
					}
					resp, times := b.get(html.UnescapeString(m[1]))
					starts := timeVal.FindAllStringSubmatch(times, -1)
					if resp.StatusCode != 200 || len(starts) == 0 {
						t.Errorf("%s is linked as free but offers no time: %d", m[2], resp.StatusCode)
					}
					for _, s := range starts {
						at, err := time.Parse(time.RFC3339, html.UnescapeString(s[1]))
						if err != nil || !at.After(now) || at.In(hourstest.Berlin).Format(time.DateOnly) != m[2] {
							t.Errorf("%s offers %s (%v)", m[2], s[1], err)
						}
					}
				}
				page = ""
				if n := nextLink.FindStringSubmatch(body); n != nil {
					page = html.UnescapeString(n[1])
				}
			}
			if linked == 0 {
				t.Errorf("no day offered in three months from %s", now)
			}
			// A past day asked for by hand: no time offered, however it is asked.
			past := now.AddDate(0, 0, -3).Format(time.DateOnly)
			_, body := b.get("/termin/_/ausweis/" + past + "?lang=de")
			if strings.Contains(body, `name="start"`) {
				t.Errorf("the past day %s offers times", past)
			}
		})
	}
}

// The booking pages share the booking API's budget per network: once a
// network booked its ten through the API, the page says so kindly, in the
// resident's language, and keeps nothing.
func TestBookingPagesShareTheNetworksBudget(t *testing.T) {
	r := newRigAt(t, hourstest.Clock(time.Date(2027, 2, 1, 9, 15, 0, 0, hourstest.Berlin)))
	withBooking(t, r)
	for i := range 10 {
		if err := r.p.Residents().Claim(r.ctx, "127.0.0.1"); err != nil {
			t.Fatalf("claim %d: %v", i, err)
		}
	}
	resp, body, _ := bookFirstTime(t, newBrowser(t, r.url), "tr", url.Values{"name": {"Fatma Yılmaz"}})
	if resp.StatusCode != 429 || !strings.Contains(body, "Son bir saatte ağınızdan çok sayıda randevu alındı") {
		t.Errorf("the eleventh booking from one network: %d %s", resp.StatusCode, body)
	}
	if list, err := r.p.Store().Appointments(r.ctx, "", time.Date(2027, 2, 1, 0, 0, 0, 0, hourstest.Berlin), time.Date(2027, 4, 1, 0, 0, 0, 0, hourstest.Berlin)); err != nil || len(list) != 0 {
		t.Errorf("appointments kept: %d %v", len(list), err)
	}
}

// bookFirstTime books the first free time of "ausweis" at the default
// site through the pages, with the answers in form, in lang; it returns
// the answer to the form (its redirect followed) and the time chosen.
func bookFirstTime(t *testing.T, b *browser, lang string, form url.Values) (*http.Response, string, string) {
	t.Helper()
	_, days := b.get("/termin/_/ausweis?lang=" + lang)
	m := dayLink.FindStringSubmatch(days)
	if m == nil {
		t.Fatal("no day")
	}
	dayURL := html.UnescapeString(m[1])
	_, page := b.get(dayURL)
	tm, key := firstTime.FindStringSubmatch(page), formKey.FindStringSubmatch(page)
	if tm == nil || key == nil {
		t.Fatal("no time")
	}
	start := html.UnescapeString(tm[1])
	form.Set("lang", lang)
	form.Set("key", key[1])
	form.Set("start", start)
	resp, body := b.post(strings.SplitN(dayURL, "?", 2)[0], form)
	if resp.StatusCode == http.StatusSeeOther {
		_, body = b.get(resp.Header.Get("Location"))
	}
	return resp, body, start
}
