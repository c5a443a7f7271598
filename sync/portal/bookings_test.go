package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"lotse/assets"
	"lotse/sync/portal"
	"lotse/sync/portal/booking"
	"lotse/sync/wire"
)

// clock is a settable time for the booking office.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var berlin, _ = time.LoadLocation("Europe/Berlin")

// bookingRig is a portal on loopback offering the example booking file
// at site "rathaus", on Monday 7 December 2026 at 10:00.
func bookingRig(t *testing.T) (*rig, *clock) {
	t.Helper()
	// These tests book more than a household's ten an hour from one
	// network (TestSlotHoardingFromHome holds the budget).
	return bookingRigWith(t, portal.Options{BookingsPerNetwork: 1000})
}

// bookingRigWith is bookingRig with options.
func bookingRigWith(t *testing.T, opt portal.Options) (*rig, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, berlin)}
	opt.Now = c.now
	r := startRig(t, opt)
	setBookingFile(t, r)
	return r, c
}

// setBookingFile gives site "rathaus" the example booking file.
func setBookingFile(t *testing.T, r *rig) {
	t.Helper()
	file, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.p.Bookings().Set(context.Background(), "rathaus", file); err != nil {
		t.Fatal(err)
	}
}

func mustPrefixes(t *testing.T, list ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range list {
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pre)
	}
	return out
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, method, url string, header map[string]string, body string) answer {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func bookBody(start time.Time, name, phone string) string {
	b, _ := json.Marshal(wire.BookRequest{Service: "ausweis", Start: start, Name: name, Phone: phone, Lang: "de"})
	return string(b)
}

// The booking API as residents and kiosks use it: services, times, a
// booking with its code and secret, a retry answered with the same, a full
// time, the field named on bad input, the contact's limit, the calendar
// file, cancelling with the secret and the time coming back after its
// pause.
func TestBookingAPI(t *testing.T) {
	r, c := bookingRig(t)
	base := r.url + "/v1/sites/rathaus"
	var svcs wire.Services
	if a := call(t, "GET", base+"/services", nil, ""); a.status != 200 || json.Unmarshal(a.body, &svcs) != nil || len(svcs.Services) != 2 {
		t.Fatalf("services: %d %s", a.status, a.body)
	}
	var slots wire.Slots
	a := call(t, "GET", base+"/slots?service=ausweis&from=2026-12-08&days=1", nil, "")
	if a.status != 200 || json.Unmarshal(a.body, &slots) != nil {
		t.Fatalf("slots: %d %s", a.status, a.body)
	}
	// Tuesday 8:00 to 15:00 every 20 minutes: 21 times, 2 counters each.
	if len(slots.Slots) != 21 || slots.Slots[0].Free != 2 || !slots.Slots[0].Start.Equal(time.Date(2026, 12, 8, 8, 0, 0, 0, berlin)) {
		t.Fatalf("slots %+v", slots.Slots)
	}
	nine := time.Date(2026, 12, 8, 9, 0, 0, 0, berlin)
	book := func(key, body string) answer {
		return call(t, "POST", base+"/appointments", map[string]string{"Idempotency-Key": key}, body)
	}
	a = book("k1", bookBody(nine, "Fatma Yılmaz", "0171 2345678"))
	var first wire.Booked
	if a.status != 201 || json.Unmarshal(a.body, &first) != nil || !booking.ValidCode(first.Code) || first.Secret == "" ||
		!first.Start.Equal(nine) || first.Room != "Schalter 1" || !strings.HasPrefix(first.Page, "/termin/rathaus/"+first.Code+"?s=") {
		t.Fatalf("booked: %d %s", a.status, a.body)
	}
	var again wire.Booked
	if a := book("k1", bookBody(nine, "Fatma Yılmaz", "0171 2345678")); a.status != 201 || json.Unmarshal(a.body, &again) != nil || again != first {
		t.Errorf("a retry with the same key: %d %s, want %+v", a.status, a.body, first)
	}
	if a := book("k2", bookBody(nine, "Łukasz Wróbel", "0151/9876543")); a.status != 201 {
		t.Fatalf("the second counter: %d %s", a.status, a.body)
	}
	if a := book("k3", bookBody(nine, "Олена Шевчук", "030 1234567")); a.status != 409 || !bytes.Contains(a.body, []byte(`"full"`)) {
		t.Errorf("a full time: %d %s", a.status, a.body)
	}
	for _, bad := range []struct{ body, field string }{
		{bookBody(nine, "A", ""), "name"},
		{bookBody(nine.Add(5*time.Minute), "Anna Schmidt", ""), "start"},
		{bookBody(time.Date(2026, 12, 7, 9, 0, 0, 0, berlin), "Anna Schmidt", ""), "start"}, // today: from tomorrow
		{bookBody(nine, "Anna Schmidt", "12ab"), "phone"},
		{`{"service":"pass","start":"2026-12-08T09:00:00+01:00","name":"Anna Schmidt"}`, "service"},
	} {
		var fe wire.FieldError
		if a := book("bad-"+bad.field, bad.body); a.status != 422 || json.Unmarshal(a.body, &fe) != nil || fe.Field != bad.field {
			t.Errorf("%s: %d %s", bad.field, a.status, a.body)
		}
	}
	if a := call(t, "POST", base+"/appointments", nil, bookBody(nine, "Anna Schmidt", "")); a.status != 400 {
		t.Errorf("without an Idempotency-Key: %d", a.status)
	}
	// One phone, two appointments of a service; the third is refused.
	for i, hour := range []int{10, 11, 12} {
		a := book(fmt.Sprintf("limit-%d", i), bookBody(time.Date(2026, 12, 9, hour, 0, 0, 0, berlin), "Fatma Yılmaz", "+49 171 2345678"))
		want := 201
		if i == 1 {
			want = 422 // 0171 2345678 already holds one
		}
		if i == 2 {
			want = 422
		}
		if a.status != want {
			t.Errorf("booking %d for one phone: %d %s", i+1, a.status, a.body)
		}
	}

	// The calendar file parses and says when and where.
	a = call(t, "GET", base+"/appointments/"+first.Code+"/ics?s="+first.Secret, nil, "")
	cal, err := ics.ParseCalendar(bytes.NewReader(a.body))
	if a.status != 200 || err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics: %d %v %s", a.status, err, a.body)
	}
	ev := cal.Events()[0]
	if at, err := ev.GetStartAt(); err != nil || !at.Equal(nine) || ev.GetProperty(ics.ComponentPropertySummary).Value != "Personalausweis oder Reisepass beantragen" {
		t.Errorf("event: %v %v %s", at, err, a.body)
	}
	if a := call(t, "GET", base+"/appointments/"+first.Code+"/ics?s=wrong", nil, ""); a.status != 404 {
		t.Errorf("ics with a wrong secret: %d", a.status)
	}

	cancel := func(secret string) int {
		return call(t, "POST", base+"/appointments/"+first.Code+"/cancel", nil, `{"secret":"`+secret+`"}`).status
	}
	if st := cancel("guess"); st != 404 {
		t.Errorf("cancel with a wrong secret: %d", st)
	}
	if st := cancel(first.Secret); st != 200 {
		t.Fatalf("cancel: %d", st)
	}
	if st := cancel(first.Secret); st != 409 {
		t.Errorf("cancel twice: %d", st)
	}
	free := func() int {
		var s wire.Slots
		json.Unmarshal(call(t, "GET", base+"/slots?service=ausweis&from=2026-12-08&days=1", nil, "").body, &s)
		for _, sl := range s.Slots {
			if sl.Start.Equal(nine) {
				return sl.Free
			}
		}
		return -1
	}
	if n := free(); n != 0 {
		t.Errorf("during the pause the time shows %d free, want 0", n)
	}
	if a := book("k4", bookBody(nine, "Anna Schmidt", "")); a.status != 409 {
		t.Errorf("booked during the pause: %d", a.status)
	}
	c.add(31 * time.Minute)
	if n := free(); n != 1 {
		t.Errorf("after the pause the time shows %d free, want 1", n)
	}
	if a := book("k5", bookBody(nine, "Anna Schmidt", "")); a.status != 201 {
		t.Errorf("after the pause: %d %s", a.status, a.body)
	}
}

// Residents from home are throttled per address; a kiosk, with its
// credential, is not.
func TestBookingThrottle(t *testing.T) {
	r, _ := bookingRig(t)
	url := r.url + "/v1/sites/rathaus/services"
	throttled := 0
	for range 60 {
		a := call(t, "GET", url, nil, "")
		if a.status == 429 {
			throttled++
			if a.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if throttled == 0 {
		t.Error("60 requests from one address in a moment, none throttled")
	}
	id := r.enrol(t)
	if err := r.p.Fleet().SetSite(context.Background(), id.KioskID, "rathaus"); err != nil { // a kiosk asks for its own site
		t.Fatal(err)
	}
	for i := range 60 {
		if a := call(t, "GET", url, map[string]string{"Authorization": "Bearer " + id.Token}, ""); a.status != 200 {
			t.Fatalf("kiosk request %d: %d", i, a.status)
		}
	}
}

// A resident's name and telephone number are nowhere in clear in the
// portal's files.
func TestBookingNameNotInClear(t *testing.T) {
	r, _ := bookingRig(t)
	body := bookBody(time.Date(2026, 12, 8, 9, 0, 0, 0, berlin), "Fatma Yılmaz", "0171 2345678")
	if a := call(t, "POST", r.url+"/v1/sites/rathaus/appointments", map[string]string{"Idempotency-Key": "x"}, body); a.status != 201 {
		t.Fatalf("book: %d %s", a.status, a.body)
	}
	filepath.WalkDir(r.p.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for _, secret := range []string{"Yılmaz", "Yilmaz", "2345678"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q in clear", path, secret)
			}
		}
		return nil
	})
}

// Check-in at the kiosk: the booking code gives a waiting number that the
// clerk's "Nächste" calls before the walk-ins from five minutes before the
// time, not earlier; a retry gives the same number; a late resident, an
// unknown code and another day's appointment are told so; an appointment
// nobody checked in for becomes a no-show.
func TestCheckInAtTheKiosk(t *testing.T) {
	r, c := bookingRig(t)
	r.p.Queue().Now = c.now
	ctx := context.Background()
	id := r.enrol(t)
	if err := r.p.Fleet().SetSite(ctx, id.KioskID, "rathaus"); err != nil {
		t.Fatal(err)
	}
	kiosk := map[string]string{"Authorization": "Bearer " + id.Token}
	booked := map[string]wire.Booked{}
	for _, at := range []struct {
		name string
		t    time.Time
	}{
		{"nine", time.Date(2026, 12, 8, 9, 0, 0, 0, berlin)},
		{"nine-twenty", time.Date(2026, 12, 8, 9, 20, 0, 0, berlin)},
		{"ten", time.Date(2026, 12, 8, 10, 0, 0, 0, berlin)},
		{"wednesday", time.Date(2026, 12, 9, 9, 0, 0, 0, berlin)},
	} {
		a := call(t, "POST", r.url+"/v1/sites/rathaus/appointments", map[string]string{"Idempotency-Key": at.name},
			bookBody(at.t, "Anna Schmidt", ""))
		var b wire.Booked
		if a.status != 201 || json.Unmarshal(a.body, &b) != nil {
			t.Fatalf("book %s: %d %s", at.name, a.status, a.body)
		}
		booked[at.name] = b
	}
	checkIn := func(code, key string) answer {
		return call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/checkin", r.url, id.KioskID), kiosk,
			`{"code":"`+code+`","key":"`+key+`","lang":"uk"}`)
	}
	c.add(22*time.Hour + 40*time.Minute) // Tuesday 8:40
	if a := call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/tickets", r.url, id.KioskID), kiosk, `{"prefix":"A","lang":"de","key":"walk-in"}`); a.status != 201 {
		t.Fatalf("walk-in: %d %s", a.status, a.body)
	}
	c.add(10 * time.Minute) // 8:50
	var in wire.CheckedIn
	a := checkIn(booked["nine"].Code, "c1")
	if a.status != 201 || json.Unmarshal(a.body, &in) != nil || in.Number != "T001" || in.Due.In(berlin).Format("15:04") != "08:55" ||
		in.Room != "Schalter 1" || !strings.HasPrefix(in.Page, "/w/2026-12-08/T001") {
		t.Fatalf("check-in: %d %s", a.status, a.body)
	}
	if a := checkIn(booked["nine"].Code, "c1"); a.status != 201 || !bytes.Contains(a.body, []byte(`"T001"`)) {
		t.Errorf("a retried check-in: %d %s", a.status, a.body)
	}
	next := func() string {
		tk, err := r.p.Queue().Next(ctx, "rathaus", "Schalter 1", []string{"A", "T"})
		if err != nil {
			return err.Error()
		}
		return tk.Label
	}
	c.add(2 * time.Minute) // 8:52: the appointment is not due yet
	if got := next(); got != "A001" {
		t.Errorf("at 8:52 the clerk calls %s, want the walk-in A001", got)
	}
	c.add(4 * time.Minute) // 8:56
	if got := next(); got != "T001" {
		t.Errorf("at 8:56 the clerk calls %s, want the appointment T001", got)
	}
	for _, tc := range []struct {
		code, want string
		status     int
	}{
		{"123456782", "unknown", 404},
		{booked["wednesday"].Code, "not_today", 409},
	} {
		if a := checkIn(tc.code, "x-"+tc.want); a.status != tc.status || !bytes.Contains(a.body, []byte(tc.want)) {
			t.Errorf("%s: %d %s", tc.want, a.status, a.body)
		}
	}
	c.add(40 * time.Minute) // 9:36: the 9:20 appointment lapsed at 9:35
	if a := checkIn(booked["nine-twenty"].Code, "late"); a.status != 410 || !bytes.Contains(a.body, []byte(`"late"`)) {
		t.Errorf("late: %d %s", a.status, a.body)
	}
	c.add(40 * time.Minute) // 10:16
	if n, err := r.p.Bookings().MarkNoShows(ctx); err != nil || n != 2 {
		t.Errorf("no-shows: %d %v, want the 9:20 and the 10:00", n, err)
	}
	day, _ := r.p.Bookings().Day(ctx, "rathaus", c.now())
	var states []string
	for _, a := range day {
		states = append(states, a.Start.In(berlin).Format("15:04")+" "+a.State)
	}
	if got := strings.Join(states, ", "); got != "09:00 checked_in, 09:20 noshow, 10:00 noshow" {
		t.Errorf("the day: %s", got)
	}
}
