package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"lotse/app/internal/testutil"
	"lotse/devices/escpossim"
	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
)

// TestSoak runs the kiosk for SOAK (a duration: `make soak` runs 2m,
// `make soak SOAK=2h` longer) the way a busy day does: residents report
// defects typed on the on-screen keyboard and draw waiting numbers, one
// after the other; the portal's line drops for stretches and comes back;
// the paper runs out in the middle of a ticket and is refilled. Sync runs
// in the background as on the kiosk.
//
// At the end, what residents were told must be true: every reference
// code shown on a receipt screen reaches the portal exactly once with
// what was typed; every ticket or receipt announced as printed came out
// whole, and none announced as not printed did; the waiting numbers have
// no gap and no double. The live heap early and late is logged.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("SOAK"))
	if err != nil || d <= 0 {
		t.Skip("set SOAK to a duration (make soak)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "soak"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var down atomic.Bool
	h := p.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() { // the line is down: the connection just drops
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tp := &testutil.Portal{Server: p.Server, URL: srv.URL}

	db := testutil.DB(t)
	out, queue := testutil.Enrolled(t, db, tp)
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{Keep: 5})
	desk := testutil.Desk(t, db, printer, time.Now())
	desk.Sealer = queue
	c, err := client.New(ctx, db, out, client.Options{Probe: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	syncCtx, stopSync := context.WithCancel(ctx)
	syncDone := make(chan struct{})
	go func() { defer close(syncDone); c.Run(syncCtx) }()

	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk})
	codeOnScreen := regexp.MustCompile(`^LT-[0-9A-Z]{4}-[0-9A-Z]{4}$`)
	numberOnScreen := regexp.MustCompile(`^B[0-9]{3,}$`)
	bigTexts := func(re *regexp.Regexp) string {
		for _, o := range test.LaidOutObjects(v.win.Content()) {
			if txt, ok := o.(*canvas.Text); ok && re.MatchString(txt.Text) {
				return txt.Text
			}
		}
		t.Fatalf("nothing like %s on screen %s:\n%s", re, v.k.ScreenName(), v.screenText())
		return ""
	}

	typed := map[string]string{} // reference code → the place typed
	var numbers []string
	announcedPrinted := 0
	heap := func() float64 {
		time.Sleep(11 * time.Second) // Fyne cleans its caches at most every 10 s
		v.win.Canvas().Capture()
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	var heapEarly float64
	end := time.Now().Add(d)
	visits := 0
	for ; visits < 20 || time.Now().Before(end); visits++ {
		down.Store(visits%30 >= 20) // ten visits of every thirty without the portal
		if visits%15 == 7 {
			sim.PaperEndAfter(150 + visits%400) // runs out in the middle of a job
		}

		// A defect report, the place typed letter by letter.
		place := fmt.Sprintf("Ecke %d", visits)
		v.reportPothole(place, "tief")
		v.tap("Nein")
		v.tap("Absenden")
		if v.k.ScreenName() != "mangel-receipt" {
			t.Fatalf("visit %d: after Absenden the screen is %s:\n%s", visits, v.k.ScreenName(), v.screenText())
		}
		code := bigTexts(codeOnScreen)
		if _, dup := typed[code]; dup {
			t.Fatalf("visit %d: reference code %s shown twice", visits, code)
		}
		typed[code] = place
		if strings.Contains(v.screenText(), "kommt unten aus dem Drucker") {
			announcedPrinted++
		}
		v.finish()

		// The next resident draws a number.
		v.tap("Wartenummer ziehen")
		v.tap("Wohnsitz melden")
		numbers = append(numbers, bigTexts(numberOnScreen))
		if strings.Contains(v.screenText(), "Ihr Ticket kommt unten aus dem Drucker.") {
			announcedPrinted++
		}
		v.finish()
		if strings.Contains(v.screenText(), "Papier") || visits%15 == 8 {
			sim.Refill() // staff see the notice and put in a new roll
		}
		if visits == 10 {
			heapEarly = heap()
		}
	}
	heapLate := heap()
	t.Logf("%d visits in %s; live heap after 10 visits %.2f MB, at the end %.2f MB (%+.1f %%)",
		visits, d, heapEarly, heapLate, 100*(heapLate/heapEarly-1))

	// The line comes back; the kiosk sends what waited.
	down.Store(false)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		counts, err := out.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[outbox.Queued]+counts[outbox.Sending] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outbox did not drain after the line came back: %v", counts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	stopSync()
	<-syncDone

	dir := t.TempDir()
	n, _, err := p.Cases().Export(ctx, time.Time{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(typed) {
		t.Errorf("the portal has %d submissions, residents were shown %d codes", n, len(typed))
	}
	for code, place := range typed {
		b, err := os.ReadFile(filepath.Join(dir, code+".json"))
		if err != nil {
			t.Errorf("%s shown on a receipt, missing at the portal: %v", code, err)
			continue
		}
		var x portal.Exported
		if err := json.Unmarshal(b, &x); err != nil || x.Data["wo"] != place {
			t.Errorf("%s at the portal: %q (%v), typed %q", code, x.Data["wo"], err, place)
		}
	}

	for i, n := range numbers {
		if want := fmt.Sprintf("B%03d", i+1); n != want {
			t.Fatalf("waiting number %d is %s, want %s (no gap, no double)", i+1, n, want)
		}
	}
	complete := 0
	for range 100 { // the last job may still be on the line
		if complete, _ = sim.Printed(); complete >= announcedPrinted {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if complete != announcedPrinted {
		t.Errorf("%d tickets and receipts came out whole, %d were announced as printed", complete, announcedPrinted)
	}
	t.Logf("%d submissions arrived once each; %d numbers; %d printouts whole, %d announced as not printed",
		len(typed), len(numbers), complete, 2*visits-announcedPrinted)
}
