package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A tile is at least a 15 mm target, however short its words; tapping it
// runs its action and tells the idle timer a person is there.
func TestTileIsATargetAndTellsOfTouches(t *testing.T) {
	themedApp(t)
	touches := 0
	SetTouchHook(func() { touches++ })
	defer SetTouchHook(nil)
	ran := false
	tile := NewTile("Ja", nil, func() { ran = true })
	w := test.NewWindow(tile)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))
	if h := tile.MinSize().Height / DesktopMetrics.UnitsPerMM; h < 15 {
		t.Errorf("tile %.1f mm high, want 15", h)
	}
	test.Tap(tile)
	if !ran || touches != 1 {
		t.Errorf("tap: ran=%v, touches=%d", ran, touches)
	}
}

// A label too long for one line is split over two at a space.
func TestTileWrapsALongLabel(t *testing.T) {
	themedApp(t)
	tile := NewTile("Wohnsitz ummelden", nil, nil)
	w := test.NewWindow(tile)
	defer w.Close()
	w.Resize(fyne.NewSize(DesktopMetrics.MM(40), DesktopMetrics.MM(30)))
	r := test.WidgetRenderer(tile).(*tileRenderer)
	if r.lines[0].Text != "Wohnsitz" || r.lines[1].Text != "ummelden" {
		t.Errorf("lines %q / %q, want the label on two", r.lines[0].Text, r.lines[1].Text)
	}
}

// A chosen option keeps its ticked box, 10 mm at least, when its words
// need two lines in large text; so does an option not chosen (an empty
// box): the choice is never told by colour alone.
func TestChoiceKeepsItsMarkWhenItsWordsWrap(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{Metrics: DesktopMetrics, Look: Look{Large: true, Contrast: true}})
	for _, chosen := range []bool{true, false} {
		tile := NewChoice("Ich und weitere Personen", chosen, nil)
		w := test.NewWindow(tile)
		w.Resize(fyne.NewSize(DesktopMetrics.MM(70), DesktopMetrics.MM(30)))
		r := test.WidgetRenderer(tile).(*tileRenderer)
		if r.lines[1].Text == "" {
			t.Errorf("chosen %v: the words did not wrap (%q)", chosen, r.lines[0].Text)
		}
		if side := tile.IconShown() / DesktopMetrics.UnitsPerMM; r.icon.Hidden || side < 9.9 {
			t.Errorf("chosen %v: the mark is %.1f mm (hidden %v)", chosen, side, r.icon.Hidden)
		}
		if tile.Chosen() != chosen {
			t.Errorf("Chosen() = %v", tile.Chosen())
		}
		w.Close()
	}
}
