package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Every text colour is readable on the background it is drawn on: 4.5:1
// in the standard look (WCAG 1.4.3), 7:1 with high contrast (1.4.6).
func TestEveryTextColourIsReadableOnItsBackground(t *testing.T) {
	pairs := [][2]fyne.ThemeColorName{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNameWarning, theme.ColorNameBackground},
		{ColorTileText, ColorTile},
		{ColorBarText, ColorBar},
		{ColorChosenText, ColorChosen},
		{theme.ColorNameForeground, ColorField},
	}
	for _, look := range Looks() {
		th := Theme{Metrics: DesktopMetrics, Look: look}
		want := 4.5
		if look.Contrast {
			want = 7
		}
		for _, p := range pairs {
			fg, bg := th.Color(p[0], theme.VariantLight), th.Color(p[1], theme.VariantLight)
			if c := Contrast(fg, bg); c < want {
				t.Errorf("%s: %s on %s is %.2f:1, want %.1f:1", look.Name(), p[0], p[1], c, want)
			}
		}
	}
}

// Sizes are millimetres on the screen at hand: a touch target is 15 mm
// on a 24-inch panel and on a 15-inch one alike, and large text is
// larger than standard text.
func TestSizesAreMillimetres(t *testing.T) {
	for _, m := range []Metrics{MetricsFor(1920, 527), MetricsFor(1024, 304)} {
		th := Theme{Metrics: m}
		if got := th.Size(SizeTarget) / m.UnitsPerMM; got < 14.9 || got > 15.1 {
			t.Errorf("%.1f units/mm: a target is %.1f mm", m.UnitsPerMM, got)
		}
		large := Theme{Metrics: m, Look: Look{Large: true}}
		if large.Size(theme.SizeNameText) <= th.Size(theme.SizeNameText) {
			t.Errorf("large text %.1f is not larger than standard %.1f", large.Size(theme.SizeNameText), th.Size(theme.SizeNameText))
		}
		if cap := th.Size(theme.SizeNameText) * CapRatio / m.UnitsPerMM; cap < 5 {
			t.Errorf("body text has a cap height of %.2f mm, want 5", cap)
		}
	}
}
