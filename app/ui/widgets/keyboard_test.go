package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var testLabels = KeyLabels{Delete: "Löschen", Space: "Leerzeichen", Shift: "Groß", Symbols: "?123", Letters: "ABC", Accents: "àéñ"}

// press taps the key labelled label on kb.
func press(t *testing.T, kb *Keyboard, label string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(kb) {
		if tile, ok := o.(*Tile); ok && tile.Label() == label {
			test.Tap(tile)
			return
		}
	}
	t.Fatalf("no key %q", label)
}

func hasKey(kb *Keyboard, label string) bool {
	for _, o := range test.LaidOutObjects(kb) {
		if tile, ok := o.(*Tile); ok && tile.Label() == label {
			return true
		}
	}
	return false
}

// themedApp is a test app with the kiosk's theme, whose sizes the
// widgets read.
func themedApp(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{Metrics: DesktopMetrics})
}

func newTestKeyboard(t *testing.T, mode KeyboardMode, autoCap bool) (*Field, *Keyboard) {
	themedApp(t)
	f := NewField()
	kb := NewKeyboard(f, mode, testLabels, autoCap)
	w := test.NewWindow(kb)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 400))
	return f, kb
}

func TestKeyboardTypesUmlautsCapitalsAndSymbols(t *testing.T) {
	f, kb := newTestKeyboard(t, KeyboardText, false)
	for _, k := range []string{"q", "w", "e", "r", "t", "z", "ü", "ö", "ä", "ß"} {
		if !hasKey(kb, k) {
			t.Errorf("QWERTZ key %q missing", k)
		}
	}
	press(t, kb, "Groß")
	press(t, kb, "Ä") // shift shows capitals
	press(t, kb, "r") // and is gone after one letter
	press(t, kb, "Leerzeichen")
	press(t, kb, "?123")
	for _, k := range []string{"@", ".", "-", "/", "1", "0"} {
		if !hasKey(kb, k) {
			t.Errorf("symbol page lacks %q", k)
		}
	}
	press(t, kb, "4")
	press(t, kb, "/")
	press(t, kb, "ABC")
	press(t, kb, "ß")
	if got := f.Text(); got != "Är 4/ß" {
		t.Errorf("typed %q", got)
	}
	press(t, kb, "Löschen")
	press(t, kb, "Löschen")
	if got := f.Text(); got != "Är 4" {
		t.Errorf("after two Löschen: %q", got)
	}
}

func TestKeyboardCapitalisesWordsOfNames(t *testing.T) {
	f, kb := newTestKeyboard(t, KeyboardText, true)
	press(t, kb, "A")
	press(t, kb, "n")
	press(t, kb, "-")
	press(t, kb, "L") // after a hyphen the next word starts capital again
	press(t, kb, "i")
	if got := f.Text(); got != "An-Li" {
		t.Errorf("typed %q", got)
	}
}

func TestEmailKeyboardHasAt(t *testing.T) {
	_, kb := newTestKeyboard(t, KeyboardEmail, false)
	if !hasKey(kb, "@") || !hasKey(kb, ".") {
		t.Error("e-mail keyboard lacks @ or . on its letter page")
	}
}

func TestNumericPadAndFieldLimit(t *testing.T) {
	f, kb := newTestKeyboard(t, KeyboardDigits, false)
	f.Max = 5
	if hasKey(kb, "a") {
		t.Error("the numeric pad has letters")
	}
	for _, k := range []string{"3", "5", "0", "3", "7", "9"} {
		press(t, kb, k)
	}
	if got := f.Text(); got != "35037" {
		t.Errorf("typed %q into a field of 5", got)
	}
	_, phone := newTestKeyboard(t, KeyboardPhone, false)
	for _, k := range []string{"+", "/", "Leerzeichen"} {
		if !hasKey(phone, k) {
			t.Errorf("phone pad lacks %q", k)
		}
	}
}

func TestKeysAreLargeEnough(t *testing.T) {
	_, kb := newTestKeyboard(t, KeyboardText, false)
	for _, o := range test.LaidOutObjects(kb) {
		if tile, ok := o.(*Tile); ok {
			if s := tile.Size(); s.Height < DesktopMetrics.MM(15) || s.Width < DesktopMetrics.MM(15) {
				t.Errorf("key %q is %v, want at least %vx%v", tile.Label(), s, keyMinWidth(), keyHeight())
			}
		}
	}
}

func TestFieldShowsTheEndAndMasks(t *testing.T) {
	themedApp(t)
	f := NewField()
	f.Masked = true
	f.SetText("1234")
	w := test.NewWindow(f)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 100))
	r := test.WidgetRenderer(f).(*fieldRenderer)
	if r.lines[0].Text != "●●●●" {
		t.Errorf("masked field shows %q", r.lines[0].Text)
	}
	f.Masked = false
	f.SetText("Eine sehr lange Straße mit einem sehr langen Namen 12")
	if got := r.lines[0].Text; got == f.Text() || got[len(got)-2:] != "12" {
		t.Errorf("a long line shows %q, want its end", got)
	}
	f.Clear()
	if f.Text() != "" {
		t.Error("Clear left text")
	}
}

// Names from the kiosk's own languages typed on that language's keyboard
// come out exactly: Turkish ı and İ, Polish ł and ó, Cyrillic with є and
// the apostrophe.
func TestEveryLanguageTypesItsNames(t *testing.T) {
	for _, tc := range []struct{ lang, name string }{
		{"tr", "Fatma Yılmaz"}, {"tr", "İsmail Çelik"}, {"pl", "Łukasz Wróbel"}, {"pl", "Zażółć Gęślą"},
		{"uk", "Олена Шевчук"}, {"uk", "Мар’яна Євтушенко"}, {"ru", "Пётр Объедков"}, {"de", "Jürgen Weiß"},
	} {
		themedApp(t)
		field := NewField()
		labels := testLabels
		labels.Lang = tc.lang
		kb := NewKeyboard(field, KeyboardText, labels, true)
		w := test.NewWindow(kb)
		w.Resize(fyne.NewSize(1280, 600))
		for _, r := range tc.name {
			switch label := string(r); {
			case r == ' ':
				press(t, kb, "Leerzeichen")
			case hasKey(kb, label):
				press(t, kb, label)
			default:
				press(t, kb, "Groß") // the other case is showing
				press(t, kb, label)
			}
		}
		if got := field.Text(); got != tc.name {
			t.Errorf("%s: typed %q, want %q", tc.lang, got, tc.name)
		}
		w.Close()
	}
}

// The PIN and number pads are laid out as a telephone's: 1 2 3 on top.
func TestPadsHaveOneTwoThreeOnTop(t *testing.T) {
	for _, mode := range []KeyboardMode{KeyboardDigits, KeyboardPhone} {
		_, kb := newTestKeyboard(t, mode, false)
		y := map[string]float32{}
		for _, o := range test.LaidOutObjects(kb) {
			if tile, ok := o.(*Tile); ok {
				y[tile.Label()] = fyne.CurrentApp().Driver().AbsolutePositionForObject(tile).Y
			}
		}
		if !(y["1"] < y["4"] && y["4"] < y["7"] && y["7"] < y["0"]) {
			t.Errorf("mode %d: rows at 1:%v 4:%v 7:%v 0:%v", mode, y["1"], y["4"], y["7"], y["0"])
		}
	}
}

// Names from elsewhere are typed on the accent page, behind the symbols:
// Zoë Núñez, with its capitals, and back to the letters.
func TestAccentPageTypesNamesFromElsewhere(t *testing.T) {
	f, kb := newTestKeyboard(t, KeyboardText, true)
	for _, step := range []string{"Z", "o", "?123", "àéñ", "ë", "ABC", "Leerzeichen", "N", "?123", "àéñ", "ú", "ñ", "ABC", "e", "z"} {
		press(t, kb, step)
	}
	if got := f.Text(); got != "Zoë Núñez" {
		t.Errorf("typed %q, want Zoë Núñez", got)
	}
	press(t, kb, "?123")
	press(t, kb, "àéñ")
	press(t, kb, "Groß")
	if !hasKey(kb, "Ø") || hasKey(kb, "ø") {
		t.Error("Groß on the accent page does not show capitals")
	}
}
