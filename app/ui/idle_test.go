package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/internal/testutil"
	"lotse/app/speech"
	"lotse/app/ui/widgets"
)

// clock is a test's own time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time                 { return c.t }
func (c *clock) advance(d time.Duration)        { c.t = c.t.Add(d) }
func newClock() *clock                          { return &clock{t: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)} }
func (v *visit) tick(c *clock, d time.Duration) { c.advance(d); v.k.Tick() }

// holds searches everything reachable from root — structs, pointers,
// maps, slices, interfaces, unexported fields included — for needle, and
// returns the paths where it is found. Functions and channels are opaque.
func holds(root any, needle string) []string {
	var found []string
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, path string, depth int)
	walk = func(v reflect.Value, path string, depth int) {
		if depth > 400 || !v.IsValid() {
			return
		}
		switch v.Kind() {
		case reflect.String:
			if strings.Contains(v.String(), needle) {
				found = append(found, path)
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Int32 { // []rune
				var b strings.Builder
				for i := 0; i < v.Len(); i++ {
					b.WriteRune(rune(v.Index(i).Int()))
				}
				if strings.Contains(b.String(), needle) {
					found = append(found, path)
				}
				return
			}
			if v.Type().Elem().Kind() == reflect.Uint8 {
				if strings.Contains(string(v.Bytes()), needle) {
					found = append(found, path)
				}
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
			}
		case reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
			}
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), path, depth+1)
		case reflect.Interface:
			walk(v.Elem(), path, depth+1)
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name, depth+1)
			}
		case reflect.Map:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			it := v.MapRange()
			for it.Next() {
				walk(it.Key(), path+"{key}", depth+1)
				walk(it.Value(), path+"{"+fmt.Sprint(it.Key())+"}", depth+1)
			}
		}
	}
	v := reflect.ValueOf(root)
	if v.Kind() == reflect.Pointer {
		// Walk a copy reachable through unsafe so unexported fields read too.
		v = reflect.NewAt(v.Elem().Type(), unsafe.Pointer(v.Pointer()))
	}
	walk(v, "kiosk", 0)
	return found
}

// screenHolds lists the texts of every object in the window, shown or
// hidden, that contain needle.
func screenHolds(win fyne.Window, needle string) []string {
	var found []string
	for _, o := range test.LaidOutObjects(win.Content()) {
		if f, ok := o.(*widgets.Field); ok && strings.Contains(f.Text(), needle) {
			found = append(found, "field")
		}
	}
	for _, line := range strings.Split(textOf(win), "\n") {
		if strings.Contains(line, needle) {
			found = append(found, line)
		}
	}
	return found
}

func textOf(win fyne.Window) string {
	v := &visit{win: win}
	return v.screenText()
}

func TestIdleWarningMoreTimeTenTimesThenWipe(t *testing.T) {
	c := newClock()
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: testutil.Desk(t, testutil.DB(t), nil, c.t), Now: c.now})
	v.tap("Ansicht")
	v.tap("Große Schrift")
	v.tap("Zurück")
	v.tap("Idee oder Anregung")
	v.tap("Los geht’s")
	v.tap("Verkehr")
	v.typeOnScreen("Geheime Idee")
	if len(holds(v.k, "Geheime")) < 2 || len(screenHolds(v.win, "Geheime")) == 0 {
		t.Fatalf("the search does not find the typed text while it is typed: %v", holds(v.k, "Geheime"))
	}
	for i := range 10 {
		v.tick(c, 30*time.Second)
		if v.k.ScreenName() != "anregung-02-idee" {
			t.Fatalf("round %d: a warning after 30 s", i)
		}
		v.tick(c, 30*time.Second)
		v.expect("Sind Sie noch da?", "Noch 30 Sekunden", "Mehr Zeit")
		v.tick(c, 12*time.Second)
		v.expect("Noch 18 Sekunden")
		v.tap("Mehr Zeit")
		if got := v.field().Text(); got != "Geheime Idee" {
			t.Fatalf("round %d: after Mehr Zeit the field shows %q", i, got)
		}
	}
	if !v.k.v.look.Large {
		t.Fatal("the look was lost by Mehr Zeit")
	}
	v.tick(c, 60*time.Second)
	v.expect("Sind Sie noch da?")
	for range 29 {
		v.tick(c, time.Second)
	}
	v.expect("Noch 1 Sekunde")
	v.tick(c, time.Second)
	v.expect("Willkommen im Bürgerbüro Musterstadt")
	if got := holds(v.k, "Geheime"); len(got) > 0 {
		t.Errorf("after the wipe the kiosk still holds the typed text at %v", got)
	}
	if got := screenHolds(v.win, "Geheime"); len(got) > 0 {
		t.Errorf("after the wipe the screen holds %v", got)
	}
	if v.k.v.look != (widgets.Look{}) || v.k.v.tr.Lang() != "de" {
		t.Errorf("after the wipe: look %+v, language %s", v.k.v.look, v.k.v.tr.Lang())
	}
}

func TestWipeAfterAFinishedService(t *testing.T) {
	db := testutil.DB(t)
	_, queue := testutil.Enrolled(t, db, testutil.StartPortal(t))
	desk := testutil.Desk(t, db, nil, deskDay)
	desk.Sealer = queue
	v := newVisit(t, demoCatalogue(t), desk)
	v.reportPothole("Nordstraße 9", "Tiefes Loch")
	v.tap("Nein")
	v.tap("Absenden")
	v.expect("Ihr Vorgangscode")
	// Already on the receipt screen the answers are gone from memory.
	for _, typed := range []string{"Nordstraße", "Tiefes Loch"} {
		if got := holds(v.k, typed); len(got) > 0 {
			t.Errorf("on the receipt screen the kiosk holds %q at %v", typed, got)
		}
	}
	v.finish()
	v.expect("Willkommen im Bürgerbüro Musterstadt")
	for _, typed := range []string{"Nordstraße", "Tiefes Loch"} {
		if got := append(holds(v.k, typed), screenHolds(v.win, typed)...); len(got) > 0 {
			t.Errorf("after the visit %q is still at %v", typed, got)
		}
	}
}

func TestIdleDoesNotInterruptTheStartScreen(t *testing.T) {
	c := newClock()
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Now: c.now})
	v.tick(c, 10*time.Minute)
	if v.k.ScreenName() != "start" {
		t.Errorf("idle on the start screen shows %s", v.k.ScreenName())
	}
}

// TestIdleWarningIsSpokenEvenWithoutSpeechMode: the warning is heard as
// well as seen, in the visitor's language, by someone who never asked
// for the voice.
func TestIdleWarningIsSpokenEvenWithoutSpeechMode(t *testing.T) {
	c := newClock()
	rec := &said{Speaker: speech.NewSpeaker(speech.Synth{}, discard{})}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Now: c.now, Speech: rec})
	v.tap("Sprache")
	v.tap("English")
	v.tap("Idea or suggestion")
	v.tick(c, 61*time.Second)
	v.expect("Are you still there?")
	if got := rec.last(); !strings.Contains(got, "Are you still there?") || v.k.v.speechMode {
		t.Errorf("the warning said %q (speech mode %v)", got, v.k.v.speechMode)
	}
}
