package ui

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"lotse/app/flow"
	"lotse/app/ui/widgets"
)

func TestCapRatioOfTheFont(t *testing.T) {
	test.NewTempApp(t)
	if r := CapRatio(); r < 0.68 || r > 0.75 {
		t.Errorf("cap ratio %.3f, Noto Sans has 0.714", r)
	}
}

// brokenTheme is the kiosk's theme with keys of 8 mm and grey text: the
// report must catch both.
type brokenTheme struct{ widgets.Theme }

func (t brokenTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == widgets.SizeKey {
		return t.Metrics.MM(8)
	}
	return t.Theme.Size(n)
}

func (t brokenTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameForeground {
		return color.NRGBA{0xAA, 0xAA, 0xAA, 0xFF}
	}
	return t.Theme.Color(n, v)
}

func TestReportFailsOnABrokenTheme(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	r := CapRatio()
	svc, _ := v.k.deps.Catalogue.Service("mangel")
	v.k.registry.fillTo(svc, map[string]string{"art": "laterne"}, flow.Step{ID: "wo"}, "")
	if b := v.k.Measure(r).Breaches(LimitsFor(widgets.Look{})); len(b) != 0 {
		t.Fatalf("the real theme breaches: %v", b)
	}
	fyne.CurrentApp().Settings().SetTheme(brokenTheme{widgets.Theme{Metrics: widgets.DesktopMetrics}})
	v.k.cur.redraw()
	b := strings.Join(v.k.Measure(r).Breaches(LimitsFor(widgets.Look{})), "\n")
	if !strings.Contains(b, "touch target") || !strings.Contains(b, "contrast") {
		t.Errorf("a broken theme passes: %s", b)
	}
}

// A chosen option without its tick, and a control without words, fail
// the report.
func TestReportFailsOnAnUnmarkedChoiceAndAnUnlabelledControl(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	v.tap("Ansicht")
	v.tap("Große Schrift")
	if b := v.k.Measure(CapRatio()).Breaches(LimitsFor(v.k.v.look)); len(b) != 0 {
		t.Fatalf("the look screen breaches: %v", b)
	}
	// A chosen option drawn without its tick (a tile hides no mark, so
	// the measure is given one) and a control without words.
	v.k.display(screen{name: "broken", content: container.NewVBox(widgets.NewTile("", nil, nil))})
	m := v.k.Measure(CapRatio())
	m.Unmarked = append(m.Unmarked, "Große Schrift")
	b := strings.Join(m.Breaches(LimitsFor(v.k.v.look)), "\n")
	if !strings.Contains(b, "1 controls without a label") || !strings.Contains(b, `chosen "Große Schrift" is marked by colour alone`) {
		t.Errorf("an unlabelled control or an unmarked choice passes: %s", b)
	}
}

// sizedTheme draws tiles' words at a given multiple of the body size.
type sizedTheme struct {
	widgets.Theme
	tile float32
}

func (t sizedTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == widgets.SizeTileText {
		return t.Theme.Size(theme.SizeNameText) * t.tile
	}
	return t.Theme.Size(n)
}

// Large text that makes a label smaller, words louder than the question,
// and a progress count that grows all fail the report.
func TestReportFailsOnShrunkLabelsLoudWordsAndGrowingProgress(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	r := CapRatio()
	svc, _ := v.k.deps.Catalogue.Service("mangel")
	v.k.registry.fillTo(svc, nil, flow.Step{ID: "art"}, "")
	std := v.k.Measure(r)
	if b := std.Breaches(LimitsFor(widgets.Look{})); len(b) != 0 {
		t.Fatalf("the step breaches: %v", b)
	}
	if std.Step.Service != "mangel" || std.Step.N != 1 {
		t.Fatalf("the step shown is %+v", std.Step)
	}
	v.k.help.setLook(widgets.Look{Large: true})
	if s := v.k.Measure(r).Shrunk(std); len(s) != 0 {
		t.Fatalf("the real large look shrinks: %v", s)
	}

	// A large look whose tiles' words fall to 60 % of the body size.
	fyne.CurrentApp().Settings().SetTheme(sizedTheme{widgets.Theme{Metrics: widgets.DesktopMetrics, Look: widgets.Look{Large: true}}, 0.6})
	v.k.cur.redraw()
	if s := strings.Join(v.k.Measure(r).Shrunk(std), "\n"); !strings.Contains(s, "smaller in large text") {
		t.Errorf("a shrinking large look passes: %q", s)
	}
	// Tiles' words twice the body size: louder than the question.
	fyne.CurrentApp().Settings().SetTheme(sizedTheme{widgets.Theme{Metrics: widgets.DesktopMetrics}, 2})
	v.k.cur.redraw()
	if b := strings.Join(v.k.Measure(r).Breaches(LimitsFor(widgets.Look{})), "\n"); !strings.Contains(b, "is larger than the question") {
		t.Errorf("words louder than the question pass: %s", b)
	}

	p := Progress{}
	if p.Grows(StepShown{Service: "mangel", N: 1, Total: 6}) != "" || p.Grows(StepShown{Service: "mangel", N: 2, Total: 5}) != "" {
		t.Error("a count that stays or shrinks fails")
	}
	if p.Grows(StepShown{Service: "mangel", N: 3, Total: 7}) == "" {
		t.Error("a count that grows passes")
	}
	m := Measure{Step: StepShown{Service: "x", N: 5, Total: 4}}
	if b := strings.Join(m.Breaches(Limits{}), "\n"); !strings.Contains(b, "progress says 5 of 4") {
		t.Errorf("5 of 4 passes: %s", b)
	}
}
