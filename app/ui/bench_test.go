package ui

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/internal/testutil"
)

// BenchmarkScreens builds every screen of the demo catalogue and renders
// it with Fyne's software renderer at 1280×800, and reports the 95th
// percentile per screen (target: under 30 ms).
func BenchmarkScreens(b *testing.B) {
	test.NewTempApp(b)
	win := test.NewWindow(nil)
	defer win.Close()
	win.Resize(fyne.NewSize(1280, 800))
	cat := demoCatalogue(b)
	k := New(fyne.CurrentApp(), win, Deps{Catalogue: cat, Texts: testutil.Texts(b), Place: "Bürgerbüro Musterstadt", ReturnAfter: time.Minute})
	k.afterFunc = func(time.Duration, func()) {}
	screens := k.Screens()
	var took []time.Duration
	for b.Loop() {
		for _, s := range screens {
			start := time.Now()
			s.Show()
			win.Canvas().Capture()
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(took[len(took)/2]), "p50-ms/screen")
	b.ReportMetric(ms(took[len(took)*95/100]), "p95-ms/screen")
	b.ReportMetric(ms(took[len(took)-1]), "max-ms/screen")
	b.ReportMetric(float64(len(screens)), "screens")
}

// BenchmarkSessionsMemory runs scripted visits — a defect report typed on
// the on-screen keyboard and submitted through a real outbox, and a
// waiting number — and compares the live heap after SESSIONS (1,000)
// visits with the heap after 10 (target: within 10%).
func BenchmarkSessionsMemory(b *testing.B) {
	n := 1000
	if s, err := strconv.Atoi(os.Getenv("SESSIONS")); err == nil && s > 10 {
		n = s
	}
	db := testutil.DB(b)
	p := testutil.StartPortal(b)
	_, queue := testutil.Enrolled(b, db, p)
	desk := testutil.Desk(b, db, nil, time.Now())
	desk.Sealer = queue
	test.NewTempApp(b)
	win := test.NewWindow(nil)
	defer win.Close()
	win.Resize(fyne.NewSize(1280, 800))
	v := &visit{win: win}
	v.k = New(fyne.CurrentApp(), win, Deps{Catalogue: demoCatalogue(b), Desk: desk, Texts: testutil.Texts(b),
		Place: "Bürgerbüro Musterstadt", ReturnAfter: time.Minute})
	v.k.spawn = func(f func()) { f() }
	v.k.afterFunc = func(time.Duration, func()) {}
	v.k.Home()
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var at10, atN uint64
	for b.Loop() {
		for i := 1; i <= n; i++ {
			scriptedVisit(b, v)
			if i == 10 {
				at10 = heap()
			}
		}
		atN = heap()
	}
	b.ReportMetric(float64(at10)/(1<<20), "heap-MB@10")
	b.ReportMetric(float64(atN)/(1<<20), "heap-MB@N")
	b.ReportMetric(100*(float64(atN)/float64(at10)-1), "growth-%")
	b.ReportMetric(float64(n), "sessions")
}

// scriptedVisit is one resident: a defect report, then (as the next
// visitor) a waiting number.
func scriptedVisit(b *testing.B, v *visit) {
	tapB := func(label string) {
		for _, o := range test.LaidOutObjects(v.win.Content()) {
			if tile, ok := o.(*Tile); ok && tile.Label() == label && tile.Visible() {
				test.Tap(tile)
				return
			}
		}
		b.Fatalf("no %q on screen %s", label, v.k.ScreenName())
	}
	tapB("Mangel melden")
	tapB("Los geht’s")
	tapB("Schlagloch")
	for _, k := range []string{"m", "a", "r", "k", "t"} {
		tapB(k)
	}
	tapB("Weiter")
	for _, k := range []string{"t", "i", "e", "f"} {
		tapB(k)
	}
	tapB("Weiter")
	tapB("Nein")
	tapB("Absenden")
	if v.k.ScreenName() != "mangel-receipt" {
		b.Fatalf("after Absenden: %s", v.k.ScreenName())
	}
	v.k.Home()
	tapB("Wartenummer ziehen")
	tapB("Meldewesen")
	v.k.Home()
}
