package fleet_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/app/fleet"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/assets"
	"lotse/devices/escpossim"
	"lotse/sync/identity"
	"lotse/sync/outbox"
	"lotse/sync/portal/store"
)

// bundle is the demo profile named name, with extra files.
func bundle(t *testing.T, name string, extra map[string]string) []byte {
	t.Helper()
	toml, _ := fs.ReadFile(assets.FS, "profile/profile.toml")
	files := map[string]string{"profile.toml": strings.Replace(string(toml), `name = "Bürgerbüro"`, `name = "`+name+`"`, 1)}
	for p, text := range extra {
		files[p] = text
	}
	b, err := profile.DemoBundle(files)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func alarmsOf(t *testing.T, p *testutil.Portal) string {
	t.Helper()
	list, err := p.Fleet().Kiosks(context.Background(), time.Now())
	if err != nil || len(list) != 1 {
		t.Fatalf("kiosks: %v %v", list, err)
	}
	return strings.Join(list[0].Alarms, "; ")
}

// TestFleet walks a kiosk through its life at the portal: a profile
// arrives and is installed; a broken one is refused and the old one
// stays; paper near end and a guide call show in the fleet view within
// one heartbeat; revoked, it keeps its queue and sends nothing.
func TestFleet(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, c := testutil.Client(t, db, p)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, time.Now())
	f := fleet.New(fleet.Options{DataDir: dataDir, DB: db, Outbox: out, Desk: desk, Printer: drv})
	f.SetClient(c)
	var applied []*profile.Profile
	apply := func(p *profile.Profile) { applied = append(applied, p) }

	f.Beat(ctx, apply)
	if a := alarmsOf(t, p); a != "" {
		t.Errorf("a healthy kiosk has alarms: %s", a)
	}

	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Stadtbücherei", nil)); err != nil {
		t.Fatal(err)
	}
	f.Beat(ctx, apply)
	cur, err := profile.Current(dataDir)
	if err != nil || cur == nil || cur.Version != 1 || cur.Settings.Name != "Stadtbücherei" || len(applied) != 1 {
		t.Fatalf("after publishing: %+v %v, applied %d", cur, err, len(applied))
	}

	broken := map[string]string{"services/99-kaputt.yaml": "id: kaputt\nkind: form\ntitle: Kaputt\n"}
	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Kaputt", broken)); err != nil {
		t.Fatal(err)
	}
	f.Beat(ctx, apply)
	if cur, _ := profile.Current(dataDir); cur == nil || cur.Version != 1 || len(applied) != 1 {
		t.Fatalf("a broken profile replaced the running one: %+v", cur)
	}
	f.Beat(ctx, apply) // the refusal is reported
	if a := alarmsOf(t, p); !strings.Contains(a, "profile refused") || !strings.Contains(a, "99-kaputt.yaml") {
		t.Errorf("alarms after a refused profile: %s", a)
	}

	sim.SetPaperNearEnd(true)
	testutil.WaitFor(t, func() bool { return drv.Status().PaperNearEnd })
	f.CallGuide(ctx, "ummelden-05-strasse")
	f.Beat(ctx, apply)
	a := alarmsOf(t, p)
	if !strings.Contains(a, "printer: paper near end") || !strings.Contains(a, "guide called (1") {
		t.Errorf("alarms: %s", a)
	}
	// "Doch nicht nötig" reaches the portal with the next report.
	if err := f.WithdrawCall(ctx); err != nil {
		t.Fatal(err)
	}
	f.Beat(ctx, apply)
	if calls, _ := p.Store().GuideCallsSince(ctx, time.Now().Add(-time.Hour)); len(calls) != 1 || calls[0].Withdrawn.IsZero() {
		t.Errorf("the portal's calls after the withdrawal: %+v", calls)
	}

	// Revoked: three submissions wait, none goes out, all stay.
	id, _ := identity.Load(ctx, db)
	for range 3 {
		if _, err := out.Submit(ctx, id, "mangel", map[string]string{"wo": "Markt 3"}, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Enrolment().Revoke(ctx, id.KioskID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendOnce(ctx); err == nil {
		t.Fatal("a revoked kiosk could send")
	}
	if !c.Status().Revoked {
		t.Error("the client does not know it was revoked")
	}
	counts, _ := out.Counts(ctx)
	if counts[outbox.Queued] != 3 {
		t.Errorf("outbox after revocation: %v", counts)
	}
	stats, _ := p.Cases().Stats(ctx)
	if stats["envelopes"] != 0 {
		t.Errorf("the portal received envelopes from a revoked kiosk: %v", stats)
	}
	runCtx, cancel := context.WithTimeout(ctx, time.Second)
	c.Run(runCtx) // a revoked kiosk's sync loop sends nothing
	cancel()
	if counts, _ := out.Counts(ctx); counts[outbox.Queued] != 3 {
		t.Errorf("outbox after the sync loop ran revoked: %v", counts)
	}
	if a := alarmsOf(t, p); a != "revoked" {
		t.Errorf("the fleet view says %q for a revoked kiosk", a)
	}
}

// Attack (by accident): staff publish a profile every kiosk refuses.
// Before, each kiosk downloaded it again at once, ~250 times a second.
// Now the refused version is fetched once; a newer one is fetched again.
func TestARefusedProfileIsNotFetchedAgain(t *testing.T) {
	var downloads atomic.Int32
	p := testutil.StartPortalWith(t, countingProfiles(&downloads, nil))
	ctx := context.Background()
	f, dataDir := newAgent(t, p)
	broken := map[string]string{"services/99-kaputt.yaml": "id: kaputt\nkind: form\ntitle: Kaputt\n"}
	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Kaputt", broken)); err != nil {
		t.Fatal(err)
	}
	stop := runAgent(t, f)
	testutil.WaitFor(t, func() bool { return strings.Contains(alarmsOf(t, p), "profile refused") })
	for range 20 { // heartbeats on changes, as a busy kiosk sends them
		f.Poke()
		time.Sleep(25 * time.Millisecond)
	}
	if n := downloads.Load(); n != 1 {
		t.Errorf("the refused profile was downloaded %d times, want once", n)
	}
	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Repariert", nil)); err != nil {
		t.Fatal(err)
	}
	f.Poke()
	testutil.WaitFor(t, func() bool { cur, _ := profile.Current(dataDir); return cur != nil && cur.Version == 2 })
	stop()
	if n := downloads.Load(); n != 2 {
		t.Errorf("downloads after a newer profile: %d, want 2", n)
	}
	if a := alarmsOf(t, p); strings.Contains(a, "profile refused") {
		t.Errorf("the refusal is still reported after the good profile: %s", a)
	}
}

// The second form of the loop: the heartbeat names one version, the
// bundle the portal serves carries another. The kiosk downloaded it 6,756
// times in 65 s. Now the refusal is kept under the version the portal
// named, and asked for again only after a pause.
func TestAProfileWhoseVersionDisagreesIsNotFetchedAgain(t *testing.T) {
	var downloads atomic.Int32
	// The portal names version 7 whatever it has.
	p := testutil.StartPortalWith(t, countingProfiles(&downloads, func(body []byte) []byte {
		return regexp.MustCompile(`"profile_version":\d+`).ReplaceAll(body, []byte(`"profile_version":7`))
	}))
	ctx := context.Background()
	f, dataDir := newAgent(t, p)
	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Eins", nil)); err != nil {
		t.Fatal(err)
	}
	stop := runAgent(t, f)
	testutil.WaitFor(t, func() bool { return strings.Contains(alarmsOf(t, p), "profile refused") })
	for range 40 {
		f.Poke()
		time.Sleep(25 * time.Millisecond)
	}
	stop()
	if n := downloads.Load(); n != 1 {
		t.Errorf("a profile whose version disagrees was downloaded %d times, want once", n)
	}
	if cur, _ := profile.Current(dataDir); cur != nil {
		t.Errorf("installed version %d, which the portal did not name", cur.Version)
	}
}

// countingProfiles counts the profile downloads a portal serves and, with
// heartbeat set, rewrites its heartbeat replies.
func countingProfiles(downloads *atomic.Int32, heartbeat func([]byte) []byte) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/profile") {
				downloads.Add(1)
			}
			if heartbeat == nil || !strings.HasSuffix(r.URL.Path, "/heartbeat") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(heartbeat(rec.Body.Bytes()))
		})
	}
}

// Attack: a forged "version 99" (staff PIN 0000) got onto a kiosk before
// profiles were signed and stuck, since the real version 1 was "older".
// The fleet view names the version the portal never issued, and the
// kiosk runs the version its portal names.
func TestAForeignProfileVersionDoesNotStick(t *testing.T) {
	p := testutil.StartPortal(t)
	ctx := context.Background()
	db := testutil.DB(t)
	out, c := testutil.Client(t, db, p)
	dataDir := t.TempDir()
	forged, err := profile.Install(dataDir, 99, bundle(t, "Gefälscht", nil))
	if err != nil {
		t.Fatal(err)
	}
	f := fleet.New(fleet.Options{DataDir: dataDir, DB: db, Outbox: out, Desk: testutil.Desk(t, db, nil, time.Now())})
	f.SetProfile(forged)
	f.SetClient(c)
	if _, err := p.Fleet().PublishProfile(ctx, "", bundle(t, "Stadtbücherei", nil)); err != nil {
		t.Fatal(err)
	}
	// One heartbeat with the forged version reaches the portal first.
	if _, err := c.Heartbeat(ctx, f.Heartbeat(ctx)); err != nil {
		t.Fatal(err)
	}
	if a := alarmsOf(t, p); !strings.Contains(a, "profile version 99, which this portal never issued") {
		t.Errorf("alarms: %q", a)
	}
	f.Beat(ctx, func(*profile.Profile) {})
	if cur, _ := profile.Current(dataDir); cur == nil || cur.Version != 1 || cur.Settings.Name != "Stadtbücherei" {
		t.Fatalf("the kiosk still runs %+v", cur)
	}
	f.Beat(ctx, func(*profile.Profile) {})
	if a := alarmsOf(t, p); strings.Contains(a, "never issued") {
		t.Errorf("alarms after the real profile: %q", a)
	}
}

// A resident's "Lotse rufen" reaches the portal's staff pages at once, not
// with the next minute's heartbeat; "Doch nicht nötig" likewise.
func TestAGuideCallReachesThePortalAtOnce(t *testing.T) {
	p := testutil.StartPortal(t)
	ctx := context.Background()
	f, _ := newAgent(t, p)
	runAgent(t, f)
	calls := func() []store.GuideCallRow {
		got, _ := p.Store().GuideCallsSince(ctx, time.Now().Add(-time.Hour))
		return got
	}
	// The first heartbeat goes out as Run starts; the call comes after it.
	testutil.WaitFor(t, func() bool {
		list, _ := p.Fleet().Kiosks(ctx, time.Now())
		return len(list) == 1 && !list[0].LastSeen.IsZero()
	})
	if err := f.CallGuide(ctx, "mangel-02-wo"); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, func() bool { c := calls(); return len(c) == 1 && c[0].Screen == "mangel-02-wo" })
	if err := f.WithdrawCall(ctx); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, func() bool { c := calls(); return len(c) == 1 && !c[0].Withdrawn.IsZero() })
}

// newAgent is the fleet agent of a kiosk enrolled at p, and its data
// folder.
func newAgent(t *testing.T, p *testutil.Portal) (*fleet.Agent, string) {
	t.Helper()
	db := testutil.DB(t)
	out, c := testutil.Client(t, db, p)
	dir := t.TempDir()
	f := fleet.New(fleet.Options{DataDir: dir, DB: db, Outbox: out, Desk: testutil.Desk(t, db, nil, time.Now())})
	f.SetClient(c)
	return f, dir
}

// runAgent runs f's loop until stop is called or the test ends.
func runAgent(t *testing.T, f *fleet.Agent) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx, func(*profile.Profile) {}); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}
