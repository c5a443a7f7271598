package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/hours/hourstest"
	"lotse/sync/identity"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/wire"
)

// drawAs posts a draw (or an offline report) for kiosk k.
func drawAs(t *testing.T, r *rig, k identity.Kiosk, req wire.DrawRequest) (int, wire.DrawReply, string) {
	t.Helper()
	body, _ := json.Marshal(req)
	a := call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/tickets", r.url, k.KioskID), map[string]string{"Authorization": "Bearer " + k.Token}, string(body))
	var d wire.DrawReply
	json.Unmarshal(a.body, &d)
	return a.status, d, string(a.body)
}

func heartbeat(t *testing.T, r *rig, k identity.Kiosk) {
	t.Helper()
	a := call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", r.url, k.KioskID), map[string]string{"Authorization": "Bearer " + k.Token}, `{"version":"test"}`)
	if a.status != 200 {
		t.Fatalf("heartbeat: %d %s", a.status, a.body)
	}
}

// A busy office's thousandth number used to be four digits, the same as
// the offline blocks' A1000 …: from then on every draw of the prefix
// answered 503 for the rest of the day. Portal numbers now go on past
// A999 to A10000, and a kiosk's offline A1001 still joins the queue.
func TestAThousandNumbersADayDoNotStopTheQueue(t *testing.T) {
	r := startRig(t, portal.Options{})
	k := r.enrol(t)
	ctx := context.Background()
	if err := r.p.Fleet().SetSite(ctx, k.KioskID, "Rathaus"); err != nil {
		t.Fatal(err)
	}
	q := r.p.Queue()
	var last string
	for i := range 1002 {
		d, err := q.Draw(ctx, "Rathaus", "A", "de", 999, fmt.Sprintf("k%d", i))
		if err != nil {
			t.Fatalf("draw %d: %v", i+1, err)
		}
		last = d.Number
	}
	if last != "A10002" { // A001 … A999, then A10000
		t.Errorf("the 1002nd number is %s", last)
	}
	heartbeat(t, r, k) // the kiosk gets block 1
	for _, label := range []string{"A1001", "A1002"} {
		if st, _, body := drawAs(t, r, k, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "off-" + label, Offline: label, DrawnAt: time.Now()}); st != 201 {
			t.Errorf("offline %s: %d %s", label, st, body)
		}
	}
	if st, d, body := drawAs(t, r, k, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "after"}); st != 201 || d.Number != "A10003" {
		t.Errorf("the next draw: %d %s", st, body)
	}
}

// An offline number is taken only from the kiosk whose block it is, and
// its time is believed only back to the kiosk's last contact before it
// fell silent: a backdated number does not jump the queue.
func TestOfflineNumbersComeOnlyFromTheirBlockAndCannotJumpTheQueue(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, berlin)}
	r := startRig(t, portal.Options{Now: c.now})
	ctx := context.Background()
	one, two := r.enrol(t), r.enrol(t)
	for _, k := range []identity.Kiosk{one, two} {
		if err := r.p.Fleet().SetSite(ctx, k.KioskID, "Rathaus"); err != nil {
			t.Fatal(err)
		}
		heartbeat(t, r, k) // blocks 1 and 2
	}
	if st, d, _ := drawAs(t, r, two, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "online"}); st != 201 || d.Number != "A001" || d.Block != 2 {
		t.Fatalf("online draw: %d %+v", st, d)
	}
	// Kiosk one falls silent at 9:00 and is back at 9:30.
	c.add(30 * time.Minute)
	heartbeat(t, r, one)
	for _, bad := range []wire.DrawRequest{
		{Prefix: "A", Key: "x1", Offline: "A2001", DrawnAt: c.now()}, // kiosk two's block
		{Prefix: "A", Key: "x2", Offline: "A001", DrawnAt: c.now()},  // a portal number
		{Prefix: "B", Key: "x3", Offline: "A1001", DrawnAt: c.now()}, // another prefix
		{Prefix: "A", Key: "x4", Offline: "A10001", DrawnAt: c.now()},
	} {
		if st, _, body := drawAs(t, r, one, bad); st != 422 && st != 400 {
			t.Errorf("report %s as %s: %d %s", bad.Offline, bad.Prefix, st, body)
		}
	}
	// Claimed drawn three days ago: it counts from 9:00, behind A001 (drawn
	// at 9:00 as well, but first).
	if st, _, body := drawAs(t, r, one, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "old", Offline: "A1001", DrawnAt: c.now().AddDate(0, 0, -3)}); st != 201 {
		t.Fatalf("backdated report: %d %s", st, body)
	}
	// Claimed drawn in an hour: now.
	if st, _, body := drawAs(t, r, one, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "future", Offline: "A1002", DrawnAt: c.now().Add(time.Hour)}); st != 201 {
		t.Fatalf("future report: %d %s", st, body)
	}
	list, err := r.p.Store().Tickets(ctx, "Rathaus", r.p.Queue().Day(c.now()))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, tk := range list {
		order = append(order, tk.Label)
		switch tk.Label {
		case "A1001":
			if !tk.DrawnAt.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, berlin)) {
				t.Errorf("A1001 counts from %v", tk.DrawnAt)
			}
		case "A1002":
			if tk.DrawnAt.After(c.now()) {
				t.Errorf("A1002 counts from %v", tk.DrawnAt)
			}
		}
	}
	if !slices.Equal(order, []string{"A001", "A1001", "A1002"}) {
		t.Errorf("queue order %v", order)
	}
	if called, err := r.p.Queue().Next(ctx, "Rathaus", "Schalter 1", []string{"A"}); err != nil || called.Label != "A001" {
		t.Errorf("first called: %s %v", called.Label, err)
	}
}

// One kiosk drew 998 numbers in 11.5 s. A kiosk now draws at a resident's
// pace; beyond it the portal answers 429 with Retry-After, never 503, and
// the fleet page shows an alarm.
func TestAKioskDrawsAtAResidentsPace(t *testing.T) {
	r := startRig(t, portal.Options{})
	k := r.enrol(t)
	if err := r.p.Fleet().SetSite(context.Background(), k.KioskID, "Rathaus"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	status := map[int]int{}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			st, _, _ := drawAs(t, r, k, wire.DrawRequest{Prefix: "A", Lang: "de", Key: fmt.Sprintf("rush-%d", i)})
			mu.Lock()
			status[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("200 draws at once from one kiosk: %v", status)
	if status[201] > 25 || status[201] < 20 || status[429] < 175 || status[503] > 0 {
		t.Errorf("200 draws at once from one kiosk: %v", status)
	}
	list, err := r.p.Fleet().Kiosks(context.Background(), time.Now())
	if err != nil || len(list) != 1 || !slices.ContainsFunc(list[0].Alarms, func(a string) bool { return strings.HasPrefix(a, "too fast: draws refused at ") }) {
		t.Errorf("fleet: %+v %v", list, err)
	}
}

// Any kiosk credential booked all 640 seats of another site in 5.7 s. A
// kiosk books only for its own site, at a resident's pace.
func TestAKioskBooksOnlyForItsOwnSiteAtAResidentsPace(t *testing.T) {
	r, c := bookingRig(t)
	k := r.enrol(t)
	ctx := context.Background()
	if err := r.p.Fleet().SetSite(ctx, k.KioskID, "bibliothek"); err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"Authorization": "Bearer " + k.Token, "Idempotency-Key": "x"}
	nine := time.Date(2026, 12, 8, 9, 0, 0, 0, berlin)
	if a := call(t, "POST", r.url+"/v1/sites/rathaus/appointments", auth, bookBody(nine, "Anna Schmidt", "")); a.status != 403 {
		t.Errorf("a kiosk of the library books at the town hall: %d %s", a.status, a.body)
	}
	if a := call(t, "GET", r.url+"/v1/sites/rathaus/slots?service=ausweis", auth, ""); a.status != 403 {
		t.Errorf("a kiosk of the library reads the town hall's times: %d", a.status)
	}
	// At its own site: five at once, then one every 20 seconds.
	if err := r.p.Fleet().SetSite(ctx, k.KioskID, "rathaus"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	status := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			start := nine.Add(time.Duration(i%15) * 20 * time.Minute) // 9:00 to 13:40
			a := call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/appointments", r.url, k.KioskID),
				map[string]string{"Authorization": "Bearer " + k.Token, "Idempotency-Key": fmt.Sprintf("b%d", i)},
				bookBody(start, fmt.Sprintf("Anna %c%c", 'A'+i/26, 'a'+i%26), ""))
			mu.Lock()
			status[a.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("40 bookings at once from one kiosk: %v", status)
	if status[201] < 5 || status[201] > 6 || status[429] < 34 {
		t.Errorf("40 bookings at once from one kiosk: %v", status)
	}
	list, _ := r.p.Fleet().Kiosks(ctx, c.now())
	if len(list) != 1 || !slices.Contains(list[0].Alarms, "too fast: bookings refused at "+c.now().Format("15:04")) {
		t.Errorf("fleet alarms: %+v", list)
	}
}

// A NUL byte reached PostgreSQL, which refused it: the portal answered
// 503 and the kiosk backed off as from an outage. It is bad input (400),
// and nothing of it is stored.
func TestANULByteIsBadInputOnPostgreSQL(t *testing.T) {
	r := startRigOn(t, instance.Config{Database: pgtest.DSN(t)})
	k := r.enrol(t)
	for _, req := range []wire.DrawRequest{{Prefix: "A", Lang: "de", Key: "a\x00b"}, {Prefix: "A", Lang: "d\x00e", Key: "k"}} {
		if st, _, body := drawAs(t, r, k, req); st != 400 {
			t.Errorf("draw with a NUL: %d %s", st, body)
		}
	}
	a := call(t, "POST", fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", r.url, k.KioskID), map[string]string{"Authorization": "Bearer " + k.Token},
		`{"version":"te\u0000st","printer":{"configured":true,"problem":"paper\u0000end"}}`)
	if a.status == 503 {
		t.Errorf("a heartbeat with a NUL: 503 %s", a.body)
	}
	if st, _, _ := drawAs(t, r, k, wire.DrawRequest{Prefix: "A", Lang: "de", Key: "fine"}); st != 201 {
		t.Errorf("a draw after: %d", st)
	}
}

// "Κ1" with a Greek capital kappa stood beside the kiosk "K1"; a site
// could be named the same way. Kiosk and site names are Latin.
func TestLookalikeKioskAndSiteNamesAreRefused(t *testing.T) {
	r := startRig(t, portal.Options{})
	code, err := r.p.Enrolment().EnrollCode(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a := call(t, "POST", r.url+"/v1/enroll", nil, `{"code":"`+code+`","name":"Κ1"}`)
	if a.status != 400 || !strings.Contains(string(a.body), "Latin") {
		t.Errorf("a kiosk named Κ1: %d %s", a.status, a.body)
	}
	k := r.enrol(t)
	for _, site := range []string{"Κ1", "Rathaus\u202E", "Rathaus<script>"} {
		if err := r.p.Fleet().SetSite(context.Background(), k.KioskID, site); err == nil {
			t.Errorf("site %q taken", site)
		}
		if _, err := r.p.Enrolment().EnrollCodeFor(context.Background(), time.Hour, site); err == nil {
			t.Errorf("enrolment code for site %q", site)
		}
	}
}

// The office's day is its calendar day in Berlin, on every awkward day
// of the year: numbers begin again at A001 after midnight, also the
// night the clocks change and on New Year's Eve, and the day before is
// not in today's queue.
func TestQueueDaysOnAnyDay(t *testing.T) {
	for _, d := range hourstest.Days {
		t.Run(d.Name, func(t *testing.T) {
			late := time.Date(d.At.Year(), d.At.Month(), d.At.Day(), 23, 55, 0, 0, hourstest.Berlin)
			clock := hourstest.NewManual(late)
			r := startRig(t, portal.Options{Now: clock.Now})
			ctx := context.Background()
			q := r.p.Queue()
			for i, want := range []string{"A001", "A002"} {
				if got, err := q.Draw(ctx, "", "A", "de", 1, fmt.Sprint("late", i)); err != nil || got.Number != want || got.Day != late.Format(time.DateOnly) {
					t.Fatalf("at %s: %+v %v, want %s", late.Format(time.DateTime), got, err, want)
				}
			}
			clock.Add(10 * time.Minute) // 00:05 the next day, whatever the clocks did
			next := clock.Now().In(hourstest.Berlin)
			if next.Format(time.DateOnly) == late.Format(time.DateOnly) || next.Hour() != 0 {
				t.Fatalf("ten minutes after %s is %s", late, next)
			}
			got, err := q.Draw(ctx, "", "A", "de", 1, "early")
			if err != nil || got.Number != "A001" || got.Day != next.Format(time.DateOnly) || got.Ahead != 0 {
				t.Errorf("after midnight: %+v %v", got, err)
			}
			st, err := q.Status(ctx, "")
			if err != nil || len(st.Waiting) != 1 || st.Waiting[0].Count != 1 || st.Waiting[0].Longest > time.Minute {
				t.Errorf("today's queue: %+v %v", st, err)
			}
		})
	}
}
