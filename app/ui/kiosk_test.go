package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/ui/widgets"
	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
	"lotse/sync/hours"
)

// visit is one kiosk in a test window, with background work run inline
// and timers held until the test fires them.
type visit struct {
	t      *testing.T
	win    fyne.Window
	k      *Kiosk
	timers []func()
}

func newVisit(t *testing.T, cat *flow.Catalogue, desk Desk) *visit {
	return newVisitWith(t, Deps{Catalogue: cat, Desk: desk})
}

// newVisitWith starts a kiosk with deps, filling in texts, place and
// timeout.
func newVisitWith(t *testing.T, deps Deps) *visit {
	t.Helper()
	a := test.NewTempApp(t)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1280, 800))
	v := &visit{t: t, win: win}
	deps.Texts, deps.Place, deps.ReturnAfter = testutil.Texts(t), "Bürgerbüro Musterstadt", 15*time.Second
	v.k = New(a, win, deps)
	v.k.spawn = func(f func()) { f() }
	v.k.afterFunc = func(_ time.Duration, f func()) { v.timers = append(v.timers, f) }
	v.k.Home()
	return v
}

func demoCatalogue(t testing.TB) *flow.Catalogue {
	cat, errs := flow.LoadCatalogue(assets.FS, "services")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return cat
}

// screenText is every text a resident can read on the screen.
func (v *visit) screenText() string {
	var parts []string
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		switch o := o.(type) {
		case *widget.Label:
			parts = append(parts, o.Text)
		case *canvas.Text:
			parts = append(parts, o.Text)
		case *widgets.Tile:
			parts = append(parts, o.Label())
		case *widget.RichText:
			parts = append(parts, o.String())
		}
	}
	return strings.Join(parts, "\n")
}

func (v *visit) tap(label string) {
	v.t.Helper()
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		if tile, ok := o.(*widgets.Tile); ok && tile.Label() == label && tile.Visible() {
			test.Tap(tile)
			return
		}
	}
	v.t.Fatalf("no tile %q on screen:\n%s", label, v.screenText())
}

// finish taps „Fertig“ on a visit's last screen.
func (v *visit) finish() {
	v.t.Helper()
	v.tap("Fertig")
}

func (v *visit) expect(texts ...string) {
	v.t.Helper()
	got := v.screenText()
	for _, want := range texts {
		if !strings.Contains(got, want) {
			v.t.Errorf("screen lacks %q; it shows:\n%s", want, got)
		}
	}
}

func (v *visit) fireTimers() {
	timers := v.timers
	v.timers = nil
	for _, f := range timers {
		f()
	}
}

func TestWaitingNumberFlowPrintsAndShowsNumber(t *testing.T) {
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, testutil.DB(t), printer, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC))
	v := newVisit(t, demoCatalogue(t), desk)

	v.expect("Willkommen im Bürgerbüro Musterstadt", "Wartenummer ziehen", "Informationen",
		"Sie können alles auch persönlich am Schalter erledigen.")
	v.tap("Wartenummer ziehen")
	v.expect("Wofür brauchen Sie eine Wartenummer?", "Ausweis & Pass", "Wohnsitz melden", "Kfz-Zulassung", "Sonstiges")
	v.tap("Kfz-Zulassung")
	v.expect("Ihre Wartenummer", "C001", "Was passiert jetzt?", "Kfz-Zulassung", "Ihr Ticket kommt unten aus dem Drucker.")

	jobs := testutil.WaitJobs(t, sim, 1)
	if text := jobs[0].Text(); !strings.Contains(text, "C001") || !strings.Contains(text, "Kfz-Zulassung") {
		t.Errorf("printed ticket lacks number or service:\n%s", text)
	}

	// „Fertig“ ends the visit.
	v.finish()
	v.expect("Willkommen im Bürgerbüro Musterstadt")
	// The ticket screen's timer, firing late, must not leave the start screen.
	v.fireTimers()
	v.expect("Willkommen im Bürgerbüro Musterstadt")

	// Next visitor, same queue: the next number; the screen returns by itself.
	v.tap("Wartenummer ziehen")
	v.tap("Kfz-Zulassung")
	v.expect("C002")
	v.fireTimers()
	v.expect("Willkommen im Bürgerbüro Musterstadt")
	if strings.Contains(v.screenText(), "C002") {
		t.Error("the number stays on screen after the visit ended")
	}
}

func TestBackAndStartFromTheBar(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.tap("Informationen")
	v.tap("Öffnungszeiten")
	v.expect("An Feiertagen ist der Schalter geschlossen.")
	v.tap("Weiter")
	v.expect("Was Sie mitbringen sollten")
	v.tap("Zurück")
	v.expect("An Feiertagen ist der Schalter geschlossen.")
	v.tap("Zurück")
	v.tap("Zurück")
	v.expect("Willkommen im Bürgerbüro Musterstadt")
	v.tap("Wartenummer ziehen")
	v.tap("Start")
	v.expect("Willkommen im Bürgerbüro Musterstadt")
}

func TestUnpluggedPrinterStillShowsNumberAndSaysSo(t *testing.T) {
	printer := escpos.NewDriver(serialport.Config{Device: filepath.Join(t.TempDir(), "ttyUSB0"), Baud: 9600}, escpos.StatusAuto)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go printer.Run(ctx)
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), printer, deskDay))
	v.tap("Wartenummer ziehen")
	v.tap("Ausweis & Pass")
	v.expect("A001", "Das Ticket konnte leider nicht gedruckt werden. Bitte merken Sie sich Ihre Nummer oder fragen Sie am Schalter.")
}

func TestBrokenDatabaseShowsCalmMessageAndIssuesNothing(t *testing.T) {
	db := testutil.DB(t)
	desk := testutil.Desk(t, db, nil, deskDay)
	v := newVisit(t, demoCatalogue(t), desk)
	db.Close()
	v.tap("Wartenummer ziehen")
	v.tap("Wohnsitz melden")
	v.expect("Es konnte gerade keine Wartenummer vergeben werden.")
	if strings.Contains(v.screenText(), "B001") {
		t.Error("a number was shown although none could be stored")
	}
	v.finish()
	v.expect("Willkommen im Bürgerbüro Musterstadt")
}

func TestBrokenCatalogueFileLeavesValidServices(t *testing.T) {
	fsys := fstest.MapFS{
		"services/a.yaml": {Data: []byte("id: info\nkind: info\ntitle: Hinweise\npages:\n  - title: A\n    text: B\n")},
		"services/b.yaml": {Data: []byte("id: broken\nkind: ticket\n")},
	}
	cat, errs := flow.LoadCatalogue(fsys, "services")
	if len(errs) == 0 {
		t.Fatal("broken file not reported")
	}
	v := newVisitWith(t, Deps{Catalogue: cat, Warnings: flow.BrokenFiles(errs), Desk: testutil.Desk(t, testutil.DB(t), nil, deskDay)})
	v.expect("Hinweise", "Für das Personal: Eine Dienstleistungsdatei ist fehlerhaft und wird nicht angezeigt.")
}

func TestFaultScreenSendsResidentsToCounterAndTellsStaff(t *testing.T) {
	a := test.NewTempApp(t)
	win := test.NewWindow(nil)
	defer win.Close()
	week, _ := hours.Parse([]string{"Mo-Fr 8:00-12:00"}, nil)
	ShowFault(a, win, testutil.Texts(t), week, "open database /var/lib/lotse/kiosk.db: disk I/O error")
	v := &visit{t: t, win: win}
	v.expect("Dieser Kiosk ist gerade außer Betrieb", "Bitte wenden Sie sich an den Schalter.",
		"Persönlich am Schalter: Mo–Fr 8:00–12:00",
		"Für das Personal: open database /var/lib/lotse/kiosk.db: disk I/O error")
}

func TestStartScreenTellsStaffAboutThePrinter(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.k.SetPrinterStatus(escpos.Status{Connected: true, Online: true, PaperNearEnd: true})
	v.expect("Hinweis für das Personal: Das Papier im Drucker geht bald zu Ende.")
	v.k.SetPrinterStatus(escpos.Status{Connected: true, PaperEnd: true})
	v.expect("Der Drucker meldet eine Störung (paper end)")
	v.k.SetPrinterStatus(escpos.Status{Connected: true, Online: true})
	if strings.Contains(v.screenText(), "Hinweis für das Personal") {
		t.Error("notice stays after the printer is fine again")
	}
	// Not while a resident is in the middle of a visit.
	v.tap("Wartenummer ziehen")
	v.k.SetPrinterStatus(escpos.Status{Connected: true, Online: true, PaperNearEnd: true})
	v.expect("Wofür brauchen Sie eine Wartenummer?")
}

func TestDemoShowsThePrintedTicket(t *testing.T) {
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, testutil.DB(t), printer, deskDay)
	a := test.NewTempApp(t)
	win := test.NewWindow(nil)
	defer win.Close()
	k := New(a, win, Deps{Catalogue: demoCatalogue(t), Desk: desk, Texts: testutil.Texts(t), ReturnAfter: time.Minute,
		Printout: sim.LastPage})
	k.spawn = func(f func()) { f() }
	k.afterFunc = func(time.Duration, func()) {}
	k.Home()
	v := &visit{t: t, win: win, k: k}
	v.tap("Wartenummer ziehen")
	v.tap("Wohnsitz melden")
	found := false
	for _, o := range test.LaidOutObjects(win.Content()) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil && img.Image.Bounds().Dx() == 576 {
			found = true
		}
	}
	if !found {
		t.Error("the demo does not show the printed page beside the number")
	}
}

func TestStartScreenSaysQuietlyWhetherThePortalIsReachable(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.k.SetSyncStatus(SyncStatus{Known: true, Online: true, Waiting: 0})
	v.expect("Verbunden mit dem Rathaus. Noch zu senden: 0")
	v.k.SetSyncStatus(SyncStatus{Known: true, Online: false, Waiting: 3})
	v.expect("Gerade keine Verbindung zum Rathaus. Ihre Anliegen werden sicher hier gespeichert und später gesendet (wartend: 3).")
	// Nothing blocks a resident: the tiles are all still there.
	v.expect("Wartenummer ziehen", "Informationen")
}

func TestNoValidServiceStillTellsResidentsWhereToGo(t *testing.T) {
	cat, errs := flow.LoadCatalogue(fstest.MapFS{"services/b.yaml": {Data: []byte("id: broken\nkind: form\n")}}, "services")
	v := newVisitWith(t, Deps{Catalogue: cat, Warnings: flow.BrokenFiles(errs)})
	v.expect("Bitte wenden Sie sich an den Schalter", "Für das Personal: Eine Dienstleistungsdatei ist fehlerhaft")
}

// TestStartScreenSaysWhenTheCounterIsOpen: the kiosk is never the only
// way, so the start screen says when the counter beside it is open, and
// keeps saying the truth as the day passes.
func TestStartScreenSaysWhenTheCounterIsOpen(t *testing.T) {
	week, err := hours.Parse([]string{"Mo-Mi 8:00-16:00", "Do 8:00-12:00, 13:00-18:00", "Fr 8:00-12:00"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 26, 12, 30, 0, 0, berlin) // a Thursday
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Hours: week, Now: func() time.Time { return now }})
	v.expect("Der Schalter ist heute geöffnet: 13:00–18:00 Uhr.")

	now = time.Date(2026, 11, 27, 12, 5, 0, 0, berlin) // Friday, just after closing
	v.k.Tick()
	v.expect("Der Schalter ist jetzt geschlossen. Wieder geöffnet: Montag ab 8:00 Uhr.")

	v.tap("Sprache")
	v.tap("English")
	v.expect("The counter is closed now. Open again: Monday from 8:00.")

	// No hours configured: nothing is said, rather than something wrong.
	v = newVisitWith(t, Deps{Catalogue: demoCatalogue(t)})
	if strings.Contains(v.screenText(), "Schalter ist") {
		t.Errorf("hours shown without any configured:\n%s", v.screenText())
	}
}

// TestNoWaitingNumberWhileTheCounterIsClosed: where staff ask for it, a
// resident is told when numbers are given again instead of drawing one
// for a counter that has closed; forms are still taken.
func TestNoWaitingNumberWhileTheCounterIsClosed(t *testing.T) {
	week, _ := hours.Parse([]string{"Mo-Mi 8:00-16:00", "Do 8:00-12:00, 13:00-18:00", "Fr 8:00-12:00"}, nil)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, berlin) // a Sunday
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, testutil.DB(t), printer, now)
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Hours: week, TicketsOnlyWhenOpen: true,
		Now: func() time.Time { return now }})
	v.tap("Wartenummer ziehen")
	v.expect("Der Schalter ist jetzt geschlossen", "wieder am Montag ab 8:00 Uhr",
		"Persönlich am Schalter: Mo–Mi 8:00–16:00 · Do 8:00–12:00, 13:00–18:00 · Fr 8:00–12:00",
		"Anträge und Meldungen können Sie hier am Kiosk jederzeit abgeben.")
	if strings.Contains(v.screenText(), "Wohnsitz melden") {
		t.Error("the choice of numbers is offered while the counter is closed")
	}
	v.tap("Start")
	v.tap("Mangel melden") // forms go on
	v.expect("Los geht’s")

	now = time.Date(2026, 11, 26, 12, 30, 0, 0, berlin) // Thursday's lunch break
	v.tap("Start")
	v.tap("Wartenummer ziehen")
	v.expect("wieder am Donnerstag ab 13:00 Uhr")

	now = time.Date(2026, 11, 26, 13, 5, 0, 0, berlin)
	v.tap("Start")
	v.tap("Wartenummer ziehen")
	v.tap("Wohnsitz melden")
	testutil.WaitJobs(t, sim, 1)
	v.expect("B001")
	if jobs := sim.Jobs(); len(jobs) != 1 {
		t.Errorf("%d tickets printed, want the one drawn while open", len(jobs))
	}
}

// TestTheHoursPageShowsTheConfiguredHours: the information page about
// opening hours shows the profile's hours, in the visitor's language, so
// it never contradicts the start screen.
func TestTheHoursPageShowsTheConfiguredHours(t *testing.T) {
	week, _ := hours.Parse([]string{"Mo-Mi 7:30-15:00", "Fr 8:00-12:00"}, nil)
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Hours: week})
	v.tap("Informationen")
	v.tap("Öffnungszeiten")
	v.expect("Mo–Mi 7:30–15:00\nFr 8:00–12:00", "An Feiertagen ist der Schalter geschlossen.")
	v.tap("Sprache")
	v.tap("English")
	v.expect("Mon–Wed 7:30–15:00\nFri 8:00–12:00", "The counter is closed on public holidays.")
}

// The language screen is titled in every language offered and marks the
// language in use; the bar's button says "language" in the one chosen.
func TestLanguageScreenSpeaksEveryLanguage(t *testing.T) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t)})
	chosen := func(label string) bool {
		for _, o := range test.LaidOutObjects(v.win.Content()) {
			if tile, ok := o.(*widgets.Tile); ok && tile.Label() == label {
				return tile.Chosen()
			}
		}
		t.Fatalf("no tile %q:\n%s", label, v.screenText())
		return false
	}
	v.tap("Sprache")
	v.expect("Sprache · Language · Dil · Мова · Язык · Język")
	if !chosen("Deutsch") || chosen("Türkçe") {
		t.Error("German is not the one marked in use")
	}
	v.tap("Türkçe")
	v.tap("Dil")
	if !chosen("Türkçe") || chosen("Deutsch") {
		t.Error("Turkish is not the one marked in use")
	}
}

// Start drops the answers, not the visitor: the language and the look
// chosen hold until the visit ends.
func TestStartKeepsLanguageAndLook(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.tap("Sprache")
	v.tap("English")
	v.tap("Display")
	v.tap("Large text")
	v.tap("Back")
	v.tap("Idea or suggestion")
	v.tap("Let’s start")
	v.tap("Traffic")
	v.tap("Start")
	v.tap("Yes, discard everything")
	v.expect("Idea or suggestion")
	if v.k.v.form != nil || !v.k.v.look.Large || v.k.v.tr.Lang() != "en" {
		t.Errorf("after Start: form %v, large %v, language %s", v.k.v.form != nil, v.k.v.look.Large, v.k.v.tr.Lang())
	}
	v.k.Home() // the visit ends
	if v.k.v.look.Large || v.k.v.tr.Lang() != "de" {
		t.Error("the next visitor gets the last one's language or look")
	}
}

// The start screen offers every other language in its own words, so a
// visitor who reads no German need not find the globe; the large look
// leaves them to the globe for want of room.
func TestStartScreenOffersTheLanguages(t *testing.T) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t)})
	v.expect("Türkçe", "Українська", "Polski", "Leichte Sprache")
	v.tap("Türkçe")
	v.expect("Deutsch")
	if v.k.v.tr.Lang() != "tr" {
		t.Fatalf("language after tapping Türkçe: %s", v.k.v.tr.Lang())
	}
	if strings.Contains(v.screenText(), "Türkçe") {
		t.Error("the language in use is offered again")
	}
	v.tap("Deutsch")
	// A window too low for the row hides it rather than clipping tiles.
	shown := func() (found bool) {
		walkVisible(v.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) {
			if tile, ok := o.(*widgets.Tile); ok && tile.Label() == "Türkçe" {
				found = true
			}
		})
		return found
	}
	if !shown() {
		t.Fatal("the row is hidden in a window with room for it")
	}
	v.win.Resize(fyne.NewSize(1280, 400))
	if shown() {
		t.Error("the row is shown in a window too low for it")
	}
	v.win.Resize(fyne.NewSize(1280, 800))
	if !shown() {
		t.Error("the row does not come back when there is room again")
	}
	v.k.help.setLook(widgets.Look{Large: true})
	v.k.showStart()
	if strings.Contains(v.screenText(), "Türkçe") {
		t.Error("the large look still shows the row it has no room for")
	}
}

// A Ukrainian visitor at a printer whose code page has no Cyrillic gets a
// German ticket, and the screen says so in Ukrainian.
func TestScreenSaysThePaperIsGermanWhereThePrinterCannotPrintTheLanguage(t *testing.T) {
	printer, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, testutil.DB(t), printer, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC))
	v := newVisit(t, demoCatalogue(t), desk)
	v.tap("Українська")
	v.tap("Взяти номер черги")
	v.tap("Реєстрація авто")
	v.expect("C001", "Принтер не може друкувати вашою мовою: папірець німецькою.")
	if text := testutil.WaitJobs(t, sim, 1)[0].Text(); !strings.Contains(text, "Ihre Wartenummer") {
		t.Errorf("the paper is not German:\n%s", text)
	}
	// English fits the code page: no such note.
	v.k.Home()
	v.tap("English")
	v.tap("Take a waiting number")
	v.tap("Vehicle registration")
	if strings.Contains(v.screenText(), "German") {
		t.Errorf("an English ticket is said to be German:\n%s", v.screenText())
	}
}
