package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"lotse/app/ui/widgets"
)

// Measure is what the accessibility report finds on the screen showing:
// sizes in millimetres on the kiosk's display, contrast as WCAG ratios.
type Measure struct {
	Screen string
	// MinTarget is the shorter side of the smallest touch target, MinGap
	// the narrowest space between two targets (+Inf with fewer than two).
	MinTarget      float64
	MinTargetLabel string
	MinGap         float64
	MinGapLabels   string
	// MinCap is the smallest cap height of any text.
	MinCap     float64
	MinCapText string
	// MinContrast is the lowest text/background contrast ratio.
	MinContrast     float64
	MinContrastText string
	// Clipped lists texts that do not fit their space or the screen;
	// Raw lists texts that are message ids, not words.
	Clipped []string
	Raw     []string
	// Unmarked lists chosen options told by colour alone (no mark of at
	// least 10 mm shown); Unlabelled counts controls without words.
	Unmarked   []string
	Unlabelled int
	// Sizes are the text sizes drawn, in mm, by words (a tile's by its
	// label): the report compares a large look's with the standard's.
	Sizes map[string]float64
	// AboveQuestion lists texts on a form step drawn larger than its
	// question; Step is the step shown (zero elsewhere).
	AboveQuestion []string
	Step          StepShown
}

// Limits are the thresholds a screen must meet.
type Limits struct {
	Target, Gap, Cap, Contrast float64
}

// LimitsFor are the limits of a look: targets 15 mm, gaps 3 mm, cap
// height 5 mm (6.1 mm for large text), contrast 4.5:1 (7:1 for high
// contrast).
func LimitsFor(l widgets.Look) Limits {
	lim := Limits{Target: widgets.TargetMM, Gap: widgets.GapMM, Cap: 5, Contrast: 4.5}
	if l.Large {
		lim.Cap = 6.1
	}
	if l.Contrast {
		lim.Contrast = 7
	}
	return lim
}

// Breaches lists what on the screen falls short of lim.
func (m Measure) Breaches(lim Limits) []string {
	var out []string
	const eps = 0.01
	if m.MinTarget < lim.Target-eps {
		out = append(out, fmt.Sprintf("touch target %q is %.1f mm (< %.0f)", m.MinTargetLabel, m.MinTarget, lim.Target))
	}
	if m.MinGap < lim.Gap-eps {
		out = append(out, fmt.Sprintf("gap between %s is %.1f mm (< %.0f)", m.MinGapLabels, m.MinGap, lim.Gap))
	}
	if m.MinCap < lim.Cap-eps {
		out = append(out, fmt.Sprintf("text %q has a cap height of %.2f mm (< %.1f)", m.MinCapText, m.MinCap, lim.Cap))
	}
	if m.MinContrast < lim.Contrast-eps {
		out = append(out, fmt.Sprintf("text %q has a contrast of %.2f:1 (< %.1f:1)", m.MinContrastText, m.MinContrast, lim.Contrast))
	}
	for _, c := range m.Clipped {
		out = append(out, "clipped: "+c)
	}
	for _, r := range m.Raw {
		out = append(out, "untranslated: "+r)
	}
	for _, u := range m.Unmarked {
		out = append(out, fmt.Sprintf("chosen %q is marked by colour alone", u))
	}
	if m.Unlabelled > 0 {
		out = append(out, fmt.Sprintf("%d controls without a label", m.Unlabelled))
	}
	for _, t := range m.AboveQuestion {
		out = append(out, fmt.Sprintf("%q is larger than the question", t))
	}
	if m.Step.N > m.Step.Total {
		out = append(out, fmt.Sprintf("progress says %d of %d", m.Step.N, m.Step.Total))
	}
	return out
}

// Shrunk lists the words drawn smaller in m, a large look, than in std,
// the same screen in the standard look: large text must never make a
// label smaller.
func (m Measure) Shrunk(std Measure) []string {
	var out []string
	for text, large := range m.Sizes {
		if s, ok := std.Sizes[text]; ok && large < s-0.01 {
			out = append(out, fmt.Sprintf("%q is smaller in large text (%.1f mm) than in standard (%.1f mm)", text, large, s))
		}
	}
	sort.Strings(out)
	return out
}

// Progress remembers each service's "von N" as its first step said it,
// across the screens of one language and look.
type Progress map[string]int

// Grows says what is wrong when a later step says more than the first: a
// number that grows makes anyone wonder how long this goes on. Fewer is
// fine (an answer skipped steps). "" when all is well or no step shows.
func (p Progress) Grows(s StepShown) string {
	if s.Service == "" {
		return ""
	}
	first, ok := p[s.Service]
	if !ok {
		p[s.Service] = s.Total
		return ""
	}
	if s.Total > first {
		return fmt.Sprintf("progress says „of %d“ where an earlier step said „of %d“", s.Total, first)
	}
	return ""
}

var rawKey = regexp.MustCompile(`^\[[a-z0-9_.]+\]$`)

type placed struct {
	o   fyne.CanvasObject
	pos fyne.Position
}

// Measure measures the screen showing, from the laid-out widget tree.
// CapRatio is the font's cap height over its size (CapRatio measures it).
func (k *Kiosk) Measure(capRatio float64) Measure {
	m := Measure{Screen: k.cur.name, MinTarget: math.Inf(1), MinGap: math.Inf(1), MinCap: math.Inf(1), MinContrast: math.Inf(1),
		Sizes: map[string]float64{}}
	perMM := float64(k.deps.Metrics.UnitsPerMM)
	onStep := k.v.form != nil && k.v.fs.shown.Screen == k.cur.name
	if onStep {
		m.Step = k.v.fs.shown
	}
	questionSize := widgets.Size(theme.SizeNameSubHeadingText)
	size := func(text string, s float32) {
		mm := float64(s) / perMM
		if old, ok := m.Sizes[text]; !ok || mm < old {
			m.Sizes[text] = mm
		}
		if onStep && s > questionSize+0.5 {
			m.AboveQuestion = append(m.AboveQuestion, text)
		}
	}
	win := k.win.Canvas().Size()
	// The screen's own content, below the layout that asks the window for
	// no size.
	if min := k.body.MinSize(); min.Width > win.Width+1 || min.Height > win.Height+1 {
		m.Clipped = append(m.Clipped, fmt.Sprintf("the screen needs %.0f×%.0f of %.0f×%.0f", min.Width, min.Height, win.Width, win.Height))
	}
	var targets []placed
	var fills []placed // rectangles, in painting order
	bg := widgets.Color(theme.ColorNameBackground)
	walkVisible(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, p fyne.Position) {
		switch o := o.(type) {
		case *widgets.Tile:
			if !o.Size().IsZero() {
				targets = append(targets, placed{o, p})
			}
			if strings.TrimSpace(o.Label()) == "" {
				m.Unlabelled++
			} else if o.TextShown() > 0 {
				size(o.Label(), o.TextShown())
			}
			// WCAG 1.4.1: a chosen option shows its tick, whatever its
			// words and the look do to the tile.
			if o.Chosen() && float64(o.IconShown())/perMM < 9.9 {
				m.Unmarked = append(m.Unmarked, o.Label())
			}
		case *canvas.Rectangle:
			if _, _, _, a := o.FillColor.RGBA(); a > 0 {
				fills = append(fills, placed{o, p})
			}
		case *canvas.Text:
			if o.Text == "" {
				return
			}
			if rawKey.MatchString(o.Text) {
				m.Raw = append(m.Raw, o.Text)
			}
			size(o.Text, o.TextSize)
			if c := float64(o.TextSize) * capRatio / perMM; c < m.MinCap {
				m.MinCap, m.MinCapText = c, o.Text
			}
			// The background is the last rectangle painted under the
			// whole text (a caret beside it does not count).
			back := bg
			for i := len(fills) - 1; i >= 0; i-- {
				if covers(fills[i], p, o.Size()) {
					back = fills[i].o.(*canvas.Rectangle).FillColor
					break
				}
			}
			if c := widgets.Contrast(o.Color, back); c < m.MinContrast {
				m.MinContrast, m.MinContrastText = c, o.Text
			}
			need := fyne.MeasureText(o.Text, o.TextSize, o.TextStyle)
			s := o.Size()
			// A millimetre of slack: Fyne's own wrapping rounds a few
			// pixels into the padding, which hides nothing.
			slack := float32(perMM)
			switch {
			case need.Width > s.Width+slack && s.Width > 0:
				m.Clipped = append(m.Clipped, fmt.Sprintf("%q needs %.0f of %.0f", o.Text, need.Width, s.Width))
			case p.X < -1 || p.Y < -1 || p.X+min(need.Width, s.Width) > win.Width+1 || p.Y+s.Height > win.Height+1:
				m.Clipped = append(m.Clipped, fmt.Sprintf("%q lies outside the screen", o.Text))
			}
		}
	})
	for i, a := range targets {
		as := a.o.Size()
		if side := float64(min(as.Width, as.Height)) / perMM; side < m.MinTarget {
			m.MinTarget, m.MinTargetLabel = side, a.o.(*widgets.Tile).Label()
		}
		for _, b := range targets[i+1:] {
			if g, ok := gap(a, b); ok && float64(g)/perMM < m.MinGap {
				m.MinGap = float64(g) / perMM
				m.MinGapLabels = fmt.Sprintf("%q and %q", a.o.(*widgets.Tile).Label(), b.o.(*widgets.Tile).Label())
			}
		}
	}
	for _, id := range k.MissingTranslations() {
		if strings.HasPrefix(id, k.v.tr.Lang()+": ") {
			m.Raw = append(m.Raw, id)
		}
	}
	sort.Strings(m.Raw)
	return m
}

func covers(r placed, p fyne.Position, s fyne.Size) bool {
	rs := r.o.Size()
	const slack = 2
	return p.X >= r.pos.X-slack && p.Y >= r.pos.Y-slack &&
		p.X+s.Width <= r.pos.X+rs.Width+slack && p.Y+s.Height <= r.pos.Y+rs.Height+slack
}

// gap is the space between two targets side by side or one above the
// other (ok false when they are neither, e.g. diagonal).
func gap(a, b placed) (float32, bool) {
	as, bs := a.o.Size(), b.o.Size()
	overlapX := a.pos.X < b.pos.X+bs.Width && b.pos.X < a.pos.X+as.Width
	overlapY := a.pos.Y < b.pos.Y+bs.Height && b.pos.Y < a.pos.Y+as.Height
	switch {
	case overlapX && overlapY:
		return 0, true
	case overlapY:
		return max(b.pos.X-(a.pos.X+as.Width), a.pos.X-(b.pos.X+bs.Width)), true
	case overlapX:
		return max(b.pos.Y-(a.pos.Y+as.Height), a.pos.Y-(b.pos.Y+bs.Height)), true
	}
	return 0, false
}

// CapRatio measures the cap height of the theme's font over its size:
// it renders "H" large with the software renderer and counts the rows the
// letter inks.
func CapRatio() float64 {
	const size = 200
	txt := canvas.NewText("H", color.Black)
	txt.TextSize = size
	bgRect := canvas.NewRectangle(color.White)
	w := test.NewWindow(nil)
	defer w.Close()
	w.SetPadded(false)
	w.SetContent(container.NewStack(bgRect, txt))
	w.Resize(fyne.NewSize(size*1.5, size*1.6))
	img := w.Canvas().Capture()
	top, bottom := -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if rowInked(img, y) {
			if top < 0 {
				top = y
			}
			bottom = y
		}
	}
	if top < 0 {
		return widgets.CapRatio
	}
	scale := float64(b.Dy()) / float64(w.Canvas().Size().Height)
	return float64(bottom-top+1) / scale / size
}

func rowInked(img image.Image, y int) bool {
	b := img.Bounds()
	for x := b.Min.X; x < b.Max.X; x++ {
		if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
			return true
		}
	}
	return false
}
