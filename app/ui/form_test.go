package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/app/ui/widgets"
	"lotse/devices/escpossim"
	"lotse/sync/client"
	"lotse/sync/hours"
	"lotse/sync/hours/hourstest"
	"lotse/sync/outbox"
	"lotse/sync/portal"
)

// visibleTile says whether a tile with label is on screen.
func (v *visit) visibleTile(label string) bool {
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		if tile, ok := o.(*widgets.Tile); ok && tile.Label() == label && tile.Visible() {
			return true
		}
	}
	return false
}

// reportPothole walks „Mangel melden“ to its question about an answer:
// a pothole at where, described as what, both typed on the screen.
func (v *visit) reportPothole(where, what string) {
	v.t.Helper()
	v.tap("Mangel melden")
	v.tap("Los geht’s")
	v.tap("Schlagloch")
	v.typeOnScreen(where)
	v.tap("Weiter")
	v.typeOnScreen(what)
	v.tap("Weiter")
}

// typeOnScreen types text with the on-screen keyboard only, as a
// resident would: capitals with Groß, digits and symbols on the ?123 page.
func (v *visit) typeOnScreen(text string) {
	v.t.Helper()
	tr := v.k.v.tr // the keys are labelled in the visitor's language
	for _, r := range text {
		label := string(r)
		switch {
		case r == ' ':
			v.tap(tr.T("key_space"))
		case v.visibleTile(label):
			v.tap(label)
		case v.visibleTile(strings.ToUpper(label)) || v.visibleTile(strings.ToLower(label)) ||
			v.visibleTile(turkishCase(label)):
			v.tap(tr.T("key_shift")) // the wrong case is showing: switch it
			v.tap(label)
		default:
			v.tap(tr.T("key_symbols"))
			if !v.visibleTile(label) {
				v.tap(tr.T("key_accents")) // é ñ ø: the accent page
				if !v.visibleTile(label) {
					v.tap(tr.T("key_shift"))
				}
			}
			v.tap(label)
			v.tap(tr.T("key_letters"))
		}
	}
}

// turkishCase is the other case of a Turkish dotted or dotless i.
func turkishCase(s string) string {
	return map[string]string{"i": "İ", "İ": "i", "ı": "I", "I": "ı"}[s]
}

func (v *visit) field() *widgets.Field {
	v.t.Helper()
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		if f, ok := o.(*widgets.Field); ok {
			return f
		}
	}
	v.t.Fatalf("no text field on screen:\n%s", v.screenText())
	return nil
}

// TestWohnsitzUmmeldenTypedOnTheScreen fills the whole move registration
// with taps only, then follows the envelope: in the outbox, at the
// printer as a receipt, and at the portal with exactly the typed values.
func TestWohnsitzUmmeldenTypedOnTheScreen(t *testing.T) {
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, queue := testutil.Enrolled(t, db, p)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, deskDay)
	desk.Sealer = queue
	v := newVisit(t, demoCatalogue(t), desk)

	v.tap("Wohnsitz ummelden")
	// What to have at hand, and honestly what this is: a preparation.
	v.expect("Hier bereiten Sie die Anmeldung Ihrer neuen Wohnung vor.", "Wohnungsgeberbestätigung",
		"Fertig ist die Anmeldung, wenn Sie mit Ihrem Ausweis im Bürgerbüro waren")
	v.tap("Los geht’s")
	// The count is the longest path's: it does not grow with an answer.
	v.expect("Wohnsitz ummelden · Frage 1 von 16", "Wer zieht um?")
	v.tap("Ich und weitere Personen")
	v.expect("Frage 2 von 16", "Wie viele Personen ziehen mit Ihnen um?")
	v.typeOnScreen("2")
	v.tap("Weiter")
	// The people moving along by name, not just a count.
	v.expect("Wer zieht mit Ihnen um?")
	v.typeOnScreen("Ben Müller")
	v.tap("Weiter")
	typed := []struct{ question, text string }{
		{"Wie ist Ihr Vorname?", "Anna-Lena"},
		{"Wie ist Ihr Nachname?", "Müller"},
		{"Wie lautet Ihre neue Adresse?", "Lindenstraße 12a"},
		{"Welche Postleitzahl hat Ihre neue Adresse?", "35037"},
		{"In welchem Ort ist Ihre neue Wohnung?", "Musterstadt"},
	}
	// One letter is not a name: the message names the rule, with an error
	// icon and a red border on the field; the letter stays to be corrected.
	v.expect("Wie ist Ihr Vorname?")
	v.typeOnScreen("A")
	v.tap("Weiter")
	v.expect("Bitte prüfen Sie Ihre Eingabe: Ein Name hat mindestens zwei Buchstaben.")
	if f := v.field(); !f.Invalid || f.Text() != "A" {
		t.Errorf("the refused field: invalid %v, text %q", f.Invalid, f.Text())
	}
	v.tap("Löschen")
	for _, s := range typed {
		v.expect(s.question)
		v.typeOnScreen(s.text)
		if got := v.field().Text(); got != s.text {
			t.Fatalf("typed %q, the field shows %q", s.text, got)
		}
		v.tap("Weiter")
	}
	v.expect("Wann sind Sie eingezogen", "Tag", "Monat", "Jahr")
	v.tap("Weiter") // today
	for _, s := range []struct{ question, text string }{
		{"Wo haben Sie vorher gewohnt?", "Am Markt 3"},
		{"Welche Postleitzahl hatte Ihre alte Adresse?", "35390"},
		{"In welchem Ort haben Sie vorher gewohnt?", "Gießen"},
	} {
		v.expect(s.question)
		v.typeOnScreen(s.text)
		v.tap("Weiter")
	}
	v.expect("Wohnungsgeberbestätigung")
	v.tap("Ja")
	v.expect("Telefonnummer", "(freiwillig)", "Überspringen")
	v.typeOnScreen("0641 123456")
	v.tap("Weiter")
	// The declaration is its own question, apart from the consent.
	v.expect("Stimmen Ihre Angaben?", "Ich versichere, dass meine Angaben richtig und vollständig sind.")
	v.tap("Ja, ich bin einverstanden")
	v.expect("Die Stadt darf meine Angaben für meine Anmeldung speichern", "Nein, ich bin nicht einverstanden")
	// Nein says what it means, and the way back keeps every answer.
	v.tap("Nein, ich bin nicht einverstanden")
	v.expect("Ohne Ihr Einverständnis", "Der Kiosk sendet nichts und speichert nichts von Ihren Antworten")
	v.tap("Zurück zur Frage")
	v.tap("Ja, ich bin einverstanden")

	// As many rows to a page as the screen holds; Absenden after the last.
	v.expect("Bitte prüfen Sie Ihre Angaben", "Wer zieht um: Ich und weitere Personen", "Vorname: Anna-Lena", "Seite 1 von 4",
		"Lesen Sie alle Seiten.")
	if v.visibleTile("Absenden") {
		t.Error("Absenden on the first of four pages")
	}
	for range 3 {
		v.tap("Nächste Seite")
	}
	v.tap("Absenden")
	v.expect("Vielen Dank!", "Ihr Vorgangscode", "Was passiert jetzt?", "Ihr Beleg mit diesem Code kommt unten aus dem Drucker.")

	// The receipt: the code on screen is the code on paper, and no
	// personal data on either.
	receipt := testutil.WaitJobs(t, sim, 1)[0].Text()
	screen := v.screenText()
	var code string
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(line, "LT-") {
			code = line
		}
	}
	if code == "" || !strings.Contains(receipt, code) {
		t.Fatalf("code %q on screen, receipt:\n%s", code, receipt)
	}
	// What happens next follows the answers: two more people to register.
	for _, where := range []string{receipt, screen} {
		where = strings.Join(strings.Fields(where), " ") // the paper wraps its lines
		if !strings.Contains(where, "Die 2 weiteren Personen melden Sie bitte am Schalter an.") ||
			strings.Contains(where, "Bringen Sie auch die Wohnungsgeberbestätigung") {
			t.Errorf("the notes do not follow the answers:\n%s", where)
		}
	}
	for _, private := range []string{"Anna-Lena", "Lindenstraße", "0641", "Ben Müller"} {
		if strings.Contains(receipt, private) || strings.Contains(screen, private) {
			t.Errorf("%q is on the receipt or the final screen", private)
		}
	}

	// At the portal, exactly what was typed.
	c, err := client.New(context.Background(), db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.SendOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	dir := t.TempDir()
	if n, bad, err := p.Cases().Export(context.Background(), time.Time{}, dir); err != nil || n != 1 || len(bad) != 0 {
		t.Fatalf("exported %d: %v", n, err)
	}
	var x portal.Exported
	b, _ := os.ReadFile(filepath.Join(dir, code+".json"))
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"wer": "mehrere", "anzahl": "2", "vorname": "Anna-Lena", "nachname": "Müller",
		"strasse": "Lindenstraße 12a", "plz": "35037", "ort": "Musterstadt", "einzug": v.k.deps.Now().Format(time.DateOnly),
		"alte_strasse": "Am Markt 3", "alte_plz": "35390", "alter_ort": "Gießen", "wohnungsgeber": "ja",
		"telefon": "0641 123456", "erklaerung": "ja", "einwilligung": "ja", "mitziehende": "Ben Müller"}
	for k, w := range want {
		if x.Data[k] != w {
			t.Errorf("portal has %s = %q, want %q", k, x.Data[k], w)
		}
	}
	if x.Service != "ummelden" || len(x.Data) != len(want) {
		t.Errorf("portal got %s with %v", x.Service, x.Data)
	}
}

func TestChangeFromSummaryAndConditionalSteps(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.reportPothole("Markt 3", "Tief.")
	v.tap("Ja")
	v.expect("An welche E-Mail-Adresse", "@")
	v.typeOnScreen("a@b")
	v.tap("Weiter")
	v.expect("Eine E-Mail-Adresse sieht so aus: name@beispiel.de")
	if v.field().Text() != "a@b" {
		t.Errorf("a refused answer was cleared: %q", v.field().Text())
	}
	v.typeOnScreen(".de")
	v.tap("Weiter")
	v.tap("Ja, ich bin einverstanden")
	v.expect("Art: Schlagloch", "Antwort gewünscht: Ja", "Seite 1 von 2")
	if v.visibleTile("Absenden") {
		t.Error("Absenden before the last page")
	}
	v.tap("Nächste Seite")
	v.expect("Einverständnis: Zugestimmt", "Absenden")
	v.tap("Vorige Seite")

	// Change the yes to no: the e-mail line goes, the summary returns.
	tapNth(v, "Ändern", 3)
	v.expect("Möchten Sie eine Antwort")
	v.tap("Nein")
	v.expect("Bitte prüfen Sie Ihre Angaben")
	if strings.Contains(v.screenText(), "a@b.de") {
		t.Error("the e-mail of a hidden step is still in the summary")
	}
	// Zurück from the summary goes to the last question.
	v.tap("Zurück")
	v.expect("Möchten Sie eine Antwort")
}

// tapNth taps the n-th visible tile labelled label.
func tapNth(v *visit, label string, n int) {
	v.t.Helper()
	for _, o := range test.LaidOutObjects(v.win.Content()) {
		if tile, ok := o.(*widgets.Tile); ok && tile.Label() == label && tile.Visible() {
			if n == 0 {
				test.Tap(tile)
				return
			}
			n--
		}
	}
	v.t.Fatalf("no tile %q on screen", label)
}

func TestHelpIsPlainOrEasyAndKeepsTheTypedText(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), testutil.Desk(t, testutil.DB(t), nil, deskDay))
	v.tap("Sperrmüll anmelden")
	v.tap("Los geht’s")
	v.tap("Möbel")
	v.tap("Weiter")
	v.typeOnScreen("4")
	v.tap("Hilfe")
	v.expect("Ein Schrank zählt als ein Teil")
	v.tap("Leichte Sprache")
	v.expect("Ein Schrank ist 1 Teil.")
	v.tap("Zurück zur Frage")
	v.expect("Wie viele Teile sind es ungefähr?")
	if got := v.field().Text(); got != "4" {
		t.Errorf("after help the field shows %q, want the 4 typed before", got)
	}
	// Start with answers given asks first; "Nein" keeps them, "Ja" drops
	// them — and only them: the visitor's choice of help in Leichte
	// Sprache holds until the visit ends.
	v.tap("Start")
	v.expect("Ihre Antworten verwerfen?", "Sie haben 2 Antworten gegeben")
	v.tap("Nein, weiter")
	if got := v.field().Text(); got != "4" {
		t.Errorf("after Nein the field shows %q, want the 4 typed before", got)
	}
	v.tap("Start")
	v.tap("Ja, alles verwerfen")
	if v.k.v.form != nil || !v.k.atStart {
		t.Fatal("the answers are kept after Start")
	}
	v.tap("Hilfe")
	v.expect("Tippen Sie mit dem Finger auf den Bild·schirm.")
	v.k.Home() // the visit ends
	v.tap("Hilfe")
	v.expect("Tippen Sie mit dem Finger auf das, was Sie möchten.")
}

func TestCallingAGuideIsRecordedWithoutTypedText(t *testing.T) {
	db := testutil.DB(t)
	calls := store.NewCalls(db)
	c := newClock()
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: testutil.Desk(t, db, nil, deskDay), Calls: calls, Now: c.now,
		IdleAfter: time.Minute, IdleWarning: 30 * time.Second})
	v.tap("Idee oder Anregung")
	v.tap("Los geht’s")
	v.tap("Verkehr")
	v.typeOnScreen("Tempo")
	v.tap("Lotse rufen")
	v.expect("Gleich kommt jemand zu Ihnen.")
	got, err := calls.Since(context.Background(), time.Now().Add(-time.Minute))
	if err != nil || len(got) != 1 || got[0].Screen != "anregung-02-idee" {
		t.Fatalf("calls %+v, %v", got, err)
	}
	v.tap("Zurück zur Frage")
	if v.field().Text() != "Tempo" {
		t.Error("the typed text was lost by calling a guide")
	}
	// While the call is open the visit is not wiped, however long the
	// guide takes, and every screen says help is on the way.
	v.expect("Hilfe gerufen um 10:00 – bitte warten Sie.", "Doch nicht nötig")
	v.tick(c, 5*time.Minute)
	v.tick(c, 5*time.Minute)
	if v.k.v.form == nil || v.field().Text() != "Tempo" {
		t.Fatal("the visit was wiped while a guide was on the way")
	}
	// Withdrawn: the banner goes, and an idle visit is wiped as always.
	v.tap("Doch nicht nötig")
	if strings.Contains(v.screenText(), "Hilfe gerufen") {
		t.Error("the banner stays after the call was withdrawn")
	}
	// And recorded, for the portal: nobody walks over for nothing.
	if got, _ := calls.Since(context.Background(), time.Now().Add(-time.Minute)); len(got) != 1 || got[0].Withdrawn.IsZero() {
		t.Errorf("the withdrawal is not recorded: %+v", got)
	}
	v.tick(c, 61*time.Second)
	v.expect("Sind Sie noch da?")
}

// When nobody can come — after hours here — the call screen says so and
// when the counter is open, and the visit is not held for a guide.
func TestCallingAGuideAfterHours(t *testing.T) {
	db := testutil.DB(t)
	week, _ := hours.Parse([]string{"Mo-Fr 8:00-12:00"}, nil)
	c := newClock() // Thursday 19 November, 10:00 UTC
	c.t = time.Date(2026, 11, 19, 18, 0, 0, 0, time.Local)
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: testutil.Desk(t, db, nil, deskDay), Calls: store.NewCalls(db),
		Now: c.now, Hours: week})
	v.tap("Idee oder Anregung")
	v.tap("Lotse rufen")
	v.expect("Gerade kann niemand kommen: Das Amt ist jetzt geschlossen.", "Sie können alles auch persönlich am Schalter erledigen.")
	if !v.k.v.calledAt.IsZero() {
		t.Error("the visit is held for a guide who cannot come")
	}
}

func TestSubmitFailureKeepsTheAnswers(t *testing.T) {
	db := testutil.DB(t)
	desk := testutil.Desk(t, db, nil, deskDay)
	out, _ := testutil.Enrolled(t, testutil.DB(t), testutil.StartPortal(t))
	desk.Sealer = outbox.Sealer{DB: db, Out: out} // db holds no identity: nothing can be sealed
	v := newVisit(t, demoCatalogue(t), desk)
	v.tap("Idee oder Anregung")
	v.tap("Los geht’s")
	v.tap("Grünflächen")
	v.typeOnScreen("Mehr Bänke")
	v.tap("Weiter")
	v.tap("Nein")
	v.tap("Absenden")
	v.expect("Das hat leider nicht geklappt", "Sie sind nicht verloren")
	v.tap("Zu meinen Angaben")
	v.expect("Idee: Mehr Bänke")
}

func TestDatePickerStaysInRange(t *testing.T) {
	for _, d := range hourstest.Days {
		t.Run(d.Name, func(t *testing.T) { datePickerStaysInRange(t, d.At) })
	}
}

func datePickerStaysInRange(t *testing.T, at time.Time) {
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Now: func() time.Time { return at }})
	svc, _ := v.k.deps.Catalogue.Service("sperrmuell")
	v.k.registry.fillTo(svc, map[string]string{"was": "moebel", "teile": "2", "name": "Horst Becker", "strasse": "Gartenweg 4", "plz": "35037"}, flow.Step{}, "")
	v.expect("Ab wann können wir frühestens abholen?")
	earliest := at.AddDate(0, 0, 7)
	v.expect(v.k.forms.longDate(earliest)) // starts at the first allowed day
	tapNth(v, "−", 0)                      // a day earlier is not allowed
	v.expect(v.k.forms.longDate(earliest))
	tapNth(v, "+", 1) // a month later
	later := addMonths(time.Date(earliest.Year(), earliest.Month(), earliest.Day(), 0, 0, 0, 0, time.UTC), 1)
	v.expect(v.k.forms.longDate(later))
	v.tap("Weiter")
	v.expect("Unter welcher Telefonnummer")
	if got := v.k.v.form.Value("wunschtag"); got != later.Format(time.DateOnly) {
		t.Errorf("stored %q, want %s", got, later.Format(time.DateOnly))
	}
}

// A "Nein" to the consent sends nothing: the kiosk says so, and ending
// the visit there leaves the outbox empty and the answers gone.
func TestConsentNoSendsNothing(t *testing.T) {
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, queue := testutil.Enrolled(t, db, p)
	desk := testutil.Desk(t, db, nil, deskDay)
	desk.Sealer = queue
	v := newVisit(t, demoCatalogue(t), desk)
	v.reportPothole("Markt 3", "Tief.")
	v.tap("Ja")
	v.typeOnScreen("a@b.de")
	v.tap("Weiter")
	v.expect("Ja, ich bin einverstanden", "Nein, ich bin nicht einverstanden")
	v.tap("Nein, ich bin nicht einverstanden")
	v.expect("Ohne Ihr Einverständnis dürfen wir Ihre E-Mail-Adresse nicht speichern",
		"Der Kiosk sendet nichts und speichert nichts von Ihren Antworten")
	v.tap("Beenden, nichts senden")
	v.expect("Mangel melden") // the start screen
	if v.k.v.form != nil {
		t.Error("the answers are kept after the visit ended")
	}
	counts, err := out.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for state, n := range counts {
		if n != 0 {
			t.Errorf("%d submissions %s after a Nein", n, state)
		}
	}
}

// Names in the visitor's own script, typed on the keyboard of their
// language, reach the portal exactly: Turkish, Polish, Ukrainian, Russian.
func TestNamesTypedInTheirOwnLanguageReachThePortal(t *testing.T) {
	for _, tc := range []struct{ lang, name string }{
		{"tr", "Fatma Yılmaz"}, {"tr", "İsmail Çelik"}, {"pl", "Łukasz Wróbel"}, {"uk", "Олена Шевчук"},
		{"uk", "Мар’яна Євтушенко"}, {"ru", "Пётр Объедков"}, {"de", "Zoë Núñez"}, {"en", "Søren Ålund"},
	} {
		t.Run(tc.lang+"/"+tc.name, func(t *testing.T) {
			db := testutil.DB(t)
			p := testutil.StartPortal(t)
			out, sealer := testutil.Enrolled(t, db, p)
			desk := testutil.Desk(t, db, nil, deskDay)
			desk.Sealer = sealer
			v := newVisit(t, demoCatalogue(t), desk)
			svc, _ := v.k.deps.Catalogue.Service("anregung")
			v.k.registry.fillTo(svc, map[string]string{"thema": "verkehr", "idee": "Tempo 30", "antwort": "ja"}, flow.Step{ID: "name"}, "")
			v.k.v.tr = v.k.deps.Texts.For(tc.lang)
			v.k.v.draft = ""
			v.k.forms.showStep()
			v.typeOnScreen(tc.name)
			if got := v.field().Text(); got != tc.name {
				t.Fatalf("typed %q, the field shows %q", tc.name, got)
			}
			v.tap(v.k.v.tr.T("form_next"))
			v.typeOnScreen("a@b.de")
			v.tap(v.k.v.tr.T("form_next"))
			v.tap(v.k.v.tr.T("form_consent_agree"))
			if !v.k.v.form.AtSummary() {
				t.Fatalf("not at the summary: %s", v.k.ScreenName())
			}
			v.k.forms.submit()
			c, err := client.New(context.Background(), db, out, client.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := c.SendOnce(context.Background()); err != nil || n != 1 {
				t.Fatalf("sent %d: %v", n, err)
			}
			dir := t.TempDir()
			if n, _, err := p.Cases().Export(context.Background(), time.Time{}, dir); err != nil || n != 1 {
				t.Fatalf("exported %d: %v", n, err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "LT-*.json"))
			var x portal.Exported
			b, _ := os.ReadFile(files[0])
			if err := json.Unmarshal(b, &x); err != nil || x.Data["name"] != tc.name {
				t.Errorf("the portal has %q, want %q (%v)", x.Data["name"], tc.name, err)
			}
		})
	}
}
