package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lotse/app/access"
	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/app/store"
	"lotse/devices/escpossim"
	"lotse/sync/client"
	"lotse/sync/credential"
	"lotse/sync/portal"
)

// testSiteKey stands in for the key the portal sends a kiosk.
var testSiteKey = bytes.Repeat([]byte{42}, credential.KeySize)

func testGate(t *testing.T, now func() time.Time) *access.Gate {
	t.Helper()
	pin, _ := credential.HashPIN(testSiteKey, credential.Guide, "471108")
	staff, _ := credential.HashPIN(testSiteKey, credential.Staff, "258025")
	card, _ := credential.HashCard(testSiteKey, "1F00644BB6")
	return access.New(access.Config{Guides: []profile.Guide{{ID: "g-anna", Name: "Anna", Cards: []string{card}, PIN: pin}},
		StaffPIN: staff, Key: func() []byte { return testSiteKey }, Now: now})
}

// TestGuideCardOverAPtyStartsAnAssistedVisit sends an RDM6300 frame over
// a real pty pair; the guide's id reaches the portal with the submission.
func TestGuideCardOverAPtyStartsAnAssistedVisit(t *testing.T) {
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, queue := testutil.Enrolled(t, db, p)
	desk := testutil.Desk(t, db, nil, deskDay)
	desk.Sealer = queue
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Gate: testGate(t, nil)})

	far, cards := testutil.RFIDReader(t)
	far.Write([]byte("\x021F00644BB686\x03"))
	select {
	case c := <-cards:
		v.k.guide.CardSeen(c.ID)
	case <-time.After(5 * time.Second):
		t.Fatal("no card from the reader")
	}
	v.expect("Begleitet von Anna", "Lotsen-Menü", "Abmelden")

	v.tap("Mangel melden")
	v.tap("Los geht’s")
	v.expect("Begleitet von Anna", "Zu einer Frage")
	v.tap("Wilder Müll")
	v.typeOnScreen("Park")
	v.tap("Weiter")
	v.tap("Zu einer Frage") // a guide may jump anywhere
	tapNth(v, "Art", 0)
	v.expect("Was möchten Sie melden?")
	v.tap("Sonstiges")
	v.expect("Wo ist es?") // on from there, the answers kept
	if v.field().Text() != "Park" {
		t.Errorf("after the jump the place shows %q", v.field().Text())
	}
	v.tap("Weiter")
	v.typeOnScreen("Sperrmüll")
	v.tap("Weiter")
	v.tap("Nein")
	v.tap("Absenden")
	v.expect("Ihr Vorgangscode")
	v.finish()
	if strings.Contains(v.screenText(), "Begleitet von") {
		t.Error("the guide is still logged in after the visit")
	}

	c, _ := client.New(context.Background(), db, out, client.Options{})
	if n, err := c.SendOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	dir := t.TempDir()
	p.Cases().Export(context.Background(), time.Time{}, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var x portal.Exported
	b, _ := os.ReadFile(files[0])
	json.Unmarshal(b, &x)
	if x.Guide != "g-anna" || x.Data["art"] != "sonstiges" {
		t.Errorf("exported %+v", x)
	}
}

func TestWrongGuidePINFiveTimesLocks(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Gate: testGate(t, func() time.Time { return now })})
	v.tap("Hilfe")
	v.tap("Für Lotsen")
	v.expect("Lotsen-PIN")
	for i := 0; i < 4; i++ {
		v.typeOnScreen("1234")
		v.tap("Weiter")
		v.expect("Die PIN stimmt nicht.")
		if strings.Contains(v.screenText(), "1234") {
			t.Fatal("the PIN shows on screen")
		}
	}
	v.typeOnScreen("9999")
	v.tap("Weiter")
	v.expect("Zu viele falsche Versuche")
	v.typeOnScreen("471108")
	v.tap("Weiter")
	v.expect("Zu viele falsche Versuche")
	if strings.Contains(v.screenText(), "Begleitet von") {
		t.Fatal("a locked entry let the guide in")
	}
	now = now.Add(access.LockFor + time.Second)
	v.typeOnScreen("471108")
	v.tap("Weiter")
	v.expect("Begleitet von Anna")
}

// staffView answers the staff area; its test page goes to a real printer
// driver and the simulator behind a pty.
type staffView struct {
	print func(context.Context) error
}

func (s staffView) Status(context.Context) desk.Status {
	return desk.Status{Kiosk: "Bürgerbüro", Municipality: "Musterstadt", Printer: "ready", Reader: "none",
		Outbox: []desk.StateCount{{State: "queued", Count: 2}, {State: "dead", Count: 0}}, FreeDiskMB: 900}
}
func (s staffView) TestPage(ctx context.Context) error          { return s.print(ctx) }
func (s staffView) Diagnostics(context.Context) (string, error) { return "/tmp/diag.zip", nil }

func TestStaffGestureAndReprint(t *testing.T) {
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	db := testutil.DB(t)
	desk := testutil.Desk(t, db, drv, deskDay)
	reprints := &spoolReprints{spool: store.NewSpool(db), desk: desk}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Gate: testGate(t, nil), Reprints: reprints,
		Staff: staffView{print: func(ctx context.Context) error { return drv.Print(ctx, []byte("\x1b@Test\n\x1dV\x42\x00")) }}})
	corner := cornerOf(t, v)
	for range 4 {
		test.Tap(corner)
	}
	if v.k.ScreenName() == "pin-staff" {
		t.Fatal("four taps opened the staff PIN")
	}
	test.Tap(corner)
	v.expect("PIN für das Personal")
	v.typeOnScreen("258025")
	v.tap("Weiter")
	v.expect("Personalbereich", "Drucker: bereit", "Warteschlange: 2 warten auf das Netz", "Kartenleser: keiner eingerichtet",
		"Freier Speicher: 900 MB", "Portal: keines eingerichtet", "Profil keins, die Konfiguration gilt")
	if strings.Contains(v.screenText(), "dead") || strings.Contains(v.screenText(), "nicht zustellbar") {
		t.Error("the staff screen names an empty state")
	}
	v.tap("Testseite")
	v.expect("Testseite gedruckt.")
	testutil.WaitJobs(t, sim, 1)
	v.tap("Schließen")
	v.expect("Willkommen")

	// A guide reprints today's ticket.
	v.tap("Wartenummer ziehen")
	v.tap("Wohnsitz melden")
	v.expect("B001")
	first := testutil.WaitJobs(t, sim, 2)[1].Text()
	v.k.Home()
	v.k.guide.startGuide(profile.Guide{ID: "g-anna", Name: "Anna"})
	v.tap("Lotsen-Menü")
	v.expect("Wartenummer B001 · Wohnsitz melden ·")
	tapNth(v, "Nachdrucken", 0)
	again := testutil.WaitJobs(t, sim, 3)[2].Text()
	if again != first || !strings.Contains(again, "B001") {
		t.Errorf("reprint differs:\n%s\n---\n%s", first, again)
	}
}

// spoolReprints serves a guide's reprints from the desk's real spool, as
// the kiosk does.
type spoolReprints struct {
	spool *store.Spool
	desk  *desk.Desk
}

func (r *spoolReprints) Today(ctx context.Context) ([]desk.PrintedJob, error) {
	entries, err := r.spool.Since(ctx, time.Now().Add(-24*time.Hour))
	var jobs []desk.PrintedJob
	for _, e := range entries {
		jobs = append(jobs, desk.PrintedJob{ID: e.ID, Kind: e.Kind, Label: e.Label, Service: e.Service, At: e.Created, State: e.State})
	}
	return jobs, err
}

func (r *spoolReprints) Reprint(ctx context.Context, id int64) error { return r.desk.Reprint(ctx, id) }

func cornerOf(t *testing.T, v *visit) *cornerTaps {
	t.Helper()
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		if c, ok := o.(*cornerTaps); ok {
			return c
		}
	}
	t.Fatal("no staff corner on the screen")
	return nil
}

func TestAnAssistedVisitRestsLongerThenEndsWithTheWipe(t *testing.T) {
	c := newClock()
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Gate: testGate(t, c.now), Now: c.now, GuideTimeout: 5 * time.Minute})
	v.k.guide.CardSeen("1F00644BB6")
	v.tap("Informationen")
	v.tick(c, 4*time.Minute)
	if v.k.ScreenName() == "idle-warning" {
		t.Fatal("an assisted visit got the resident's one-minute warning")
	}
	v.tick(c, time.Minute)
	v.expect("Sind Sie noch da?")
	v.tick(c, 31*time.Second)
	v.expect("Willkommen")
	if v.k.v.guide != nil || strings.Contains(v.screenText(), "Begleitet von") {
		t.Error("the guide is still logged in after the wipe")
	}
}

// TestAGuideJumpsInALongFormPageByPage: a guide's list of questions pages
// like the summary, never cut off, and a question on the second page is
// reached with the answers kept.
func TestAGuideJumpsInALongFormPageByPage(t *testing.T) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Gate: testGate(t, nil)})
	var svc flow.Service
	for _, s := range v.k.deps.Catalogue.Services {
		if s.ID == "ummelden" {
			svc = s
		}
	}
	last, answered := lastStep(svc, v.k.deps.Now)
	v.k.registry.fillTo(svc, answered, last, "")
	v.k.guide.startGuide(profile.Guide{ID: "g-anna", Name: "Anna"})
	v.tap("Zu einer Frage")
	v.expect("Seite 1 von 2", "Vorname")
	if strings.Contains(v.screenText(), "Alter Ort") {
		t.Error("page 1 shows a question of page 2")
	}
	v.tap("Nächste Seite")
	v.expect("Seite 2 von 2", "Alter Ort")
	v.tap("Alter Ort")
	v.expect("In welchem Ort haben Sie vorher gewohnt?", "Begleitet von Anna")
	if got := v.field().Text(); got != answered["alter_ort"] || got == "" {
		t.Errorf("the old town shows %q, want the answer %q", got, answered["alter_ort"])
	}
}

// TestACardTheKioskCannotUseIsAnswered: a card that is not a guide's, or
// that the reader could not read (a frame with a wrong checksum over a
// pty), gets a plain word on the screen in the visitor's language, and
// the word goes with the screen.
func TestACardTheKioskCannotUseIsAnswered(t *testing.T) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Gate: testGate(t, nil)})
	v.k.guide.CardSeen("0A00B1C2D3") // a library card, say
	v.expect("Diese Karte ist keine Lotsenkarte. Für Ihr Anliegen brauchen Sie hier keine Karte.")
	v.tap("Informationen")
	if strings.Contains(v.screenText(), "Lotsenkarte") {
		t.Error("the notice stays on the next screen")
	}

	far, cards := testutil.RFIDReader(t)
	v.tap("Sprache")
	v.tap("English")
	far.Write([]byte("\x021F00644BB687\x03\x021F00644BB687\x03")) // checksum wrong, twice
	select {
	case c := <-cards:
		if !c.Unreadable {
			t.Fatalf("a bad frame gave %+v", c)
		}
		v.k.guide.CardUnreadable()
	case <-time.After(5 * time.Second):
		t.Fatal("the reader said nothing about the card it could not read")
	}
	v.expect("The card could not be read. Please hold it still against the reader once more.")
	v.fireTimers()
	if strings.Contains(v.screenText(), "could not be read") {
		t.Error("the notice stays")
	}
}

// deskDay is the desk's clock in the tests that do not run over the
// awkward days (hourstest): a Thursday morning in Berlin, the same on
// every day the suite runs.
var deskDay = time.Date(2026, 11, 19, 9, 30, 0, 0, time.UTC)
