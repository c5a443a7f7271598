package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestCapRatioOfTheFont(t *testing.T) {
	test.NewTempApp(t)
	if r := CapRatio(); r < 0.68 || r > 0.75 {
		t.Errorf("cap ratio %.3f, Noto Sans has 0.714", r)
	}
}

func TestZZReport(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	v.win.Resize(fyne.NewSize(1280, 800))
	r := CapRatio()
	for _, s := range v.k.Screens() {
		s.Show()
		m := v.k.Measure(r)
		if b := m.Breaches(LimitsFor(Look{})); len(b) > 0 {
			t.Errorf("%s: %s", s.Name, strings.Join(b, "; "))
		}
	}
}
