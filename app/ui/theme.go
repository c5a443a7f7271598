package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Metrics says how many Fyne units make a millimetre on the kiosk's
// screen. Every size in the kiosk is given in millimetres, because what
// matters to a resident is the size under their finger and before their
// eyes, whatever the panel's resolution.
type Metrics struct {
	UnitsPerMM float32
}

// MetricsFor returns the metrics of a screen widthPx pixels wide and
// widthMM millimetres wide (square pixels, Fyne scale 1).
func MetricsFor(widthPx int, widthMM float32) Metrics {
	return Metrics{UnitsPerMM: float32(widthPx) / widthMM}
}

// DesktopMetrics is a 96 dpi monitor, for a demo window when the screen
// reports no size.
var DesktopMetrics = Metrics{UnitsPerMM: 96 / 25.4}

func (m Metrics) mm(v float32) float32 { return v * m.UnitsPerMM }

// Look is a visitor's choice of display: larger text, higher contrast.
// Each visit starts with the zero Look.
type Look struct {
	Large    bool
	Contrast bool
}

// Name is the look's name in `lotse screens` and the a11y report.
func (l Look) Name() string {
	switch {
	case l.Large && l.Contrast:
		return "large-contrast"
	case l.Large:
		return "large"
	case l.Contrast:
		return "contrast"
	}
	return "standard"
}

// Looks lists every look, standard first.
func Looks() []Look {
	return []Look{{}, {Large: true}, {Contrast: true}, {Large: true, Contrast: true}}
}

// LookNamed returns the look called name.
func LookNamed(name string) (Look, bool) {
	for _, l := range Looks() {
		if l.Name() == name {
			return l, true
		}
	}
	return Look{}, false
}

// Physical sizes. Touch targets are at least 15 mm with 3 mm between
// them (EN 301 549, and what trembling fingers need); body text has a cap
// height of at least 5 mm, large text 6.1 mm.
const (
	targetMM    = 15
	gapMM       = 3
	tileMM      = 24 // a service tile: icon and one line, or two lines of words
	tileLargeMM = 28
	barMM       = 20
	keyMM       = 15
	capMM       = 5.1 // a little above 5, so rounding never falls below it
	capLargeMM  = 6.2
	// capRatio is the cap height of Noto Sans (Fyne's font) over its
	// em size: 1462/2048. `lotse a11y-report` measures it on rendered text.
	capRatio = 0.714
)

// Sizes of the kiosk's own elements, looked up in the theme.
const (
	sizeTarget     fyne.ThemeSizeName = "lotse-target"
	sizeTile       fyne.ThemeSizeName = "lotse-tile"
	sizeBar        fyne.ThemeSizeName = "lotse-bar"
	sizeKey        fyne.ThemeSizeName = "lotse-key"
	sizeTileText   fyne.ThemeSizeName = "lotse-tile-text"
	sizeFieldText  fyne.ThemeSizeName = "lotse-field-text"
	sizeCodeText   fyne.ThemeSizeName = "lotse-code-text"
	sizeNumberText fyne.ThemeSizeName = "lotse-number-text"
	sizePicture    fyne.ThemeSizeName = "lotse-picture"
)

// Colours of the kiosk's own elements.
const (
	colorTile       fyne.ThemeColorName = "lotse-tile"
	colorTileText   fyne.ThemeColorName = "lotse-tile-text"
	colorBar        fyne.ThemeColorName = "lotse-bar"
	colorBarText    fyne.ThemeColorName = "lotse-bar-text"
	colorChosen     fyne.ThemeColorName = "lotse-chosen"
	colorChosenText fyne.ThemeColorName = "lotse-chosen-text"
	colorField      fyne.ThemeColorName = "lotse-field"
	colorCaret      fyne.ThemeColorName = "lotse-caret"
)

// palette is one set of colours; each text colour is chosen against the
// background it is drawn on.
type palette map[fyne.ThemeColorName]color.Color

var (
	// standardPalette: every pair at least 4.5:1 (most above 7:1).
	standardPalette = palette{
		theme.ColorNameBackground: rgb(0xFAFAF7),
		theme.ColorNameForeground: rgb(0x1A1A1A), // 16.6:1
		theme.ColorNameWarning:    rgb(0x8A3B00), // 7.4:1
		colorTile:                 rgb(0x0B4F8A),
		colorTileText:             rgb(0xFFFFFF), // 8.6:1
		colorBar:                  rgb(0xE3E6EA),
		colorBarText:              rgb(0x1A1A1A), // 13.6:1
		colorChosen:               rgb(0x1E6B34),
		colorChosenText:           rgb(0xFFFFFF), // 6.5:1
		colorField:                rgb(0xFFFFFF),
		colorCaret:                rgb(0x0B4F8A),
	}
	// contrastPalette: every pair at least 7:1.
	contrastPalette = palette{
		theme.ColorNameBackground: rgb(0x000000),
		theme.ColorNameForeground: rgb(0xFFFFFF), // 21:1
		theme.ColorNameWarning:    rgb(0xFFD84D), // 14.8:1
		colorTile:                 rgb(0xFFFF00),
		colorTileText:             rgb(0x000000), // 19.6:1
		colorBar:                  rgb(0xFFFFFF),
		colorBarText:              rgb(0x000000), // 21:1
		colorChosen:               rgb(0x00FFFF),
		colorChosenText:           rgb(0x000000), // 16.7:1
		colorField:                rgb(0x000000),
		colorCaret:                rgb(0xFFFF00),
	}
)

func rgb(v uint32) color.Color {
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}

// kioskTheme sizes everything in millimetres for the screen at hand and
// colours it for the visitor's look.
type kioskTheme struct {
	m    Metrics
	look Look
}

var _ fyne.Theme = kioskTheme{}

func (t kioskTheme) palette() palette {
	if t.look.Contrast {
		return contrastPalette
	}
	return standardPalette
}

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := t.palette()[n]; ok {
		return c
	}
	v := theme.VariantLight
	if t.look.Contrast {
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (kioskTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// body is the text size whose capitals are capMM (or capLargeMM) high.
func (t kioskTheme) body() float32 {
	c := float32(capMM)
	if t.look.Large {
		c = capLargeMM
	}
	return t.m.mm(c) / capRatio
}

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	body := t.body()
	switch n {
	case theme.SizeNameText:
		return body
	case theme.SizeNameHeadingText:
		return body * 1.3
	case theme.SizeNameSubHeadingText:
		return body * 1.12
	case theme.SizeNameCaptionText:
		return body // no small print on a kiosk
	case theme.SizeNamePadding:
		return t.m.mm(gapMM)
	case theme.SizeNameInnerPadding:
		return t.m.mm(2)
	case theme.SizeNameLineSpacing:
		return t.m.mm(1)
	case sizeTarget:
		return t.m.mm(targetMM)
	case sizeTile:
		if t.look.Large {
			return t.m.mm(tileLargeMM) // two lines of large words
		}
		return t.m.mm(tileMM)
	case sizeBar:
		return t.m.mm(barMM)
	case sizeKey:
		return t.m.mm(keyMM)
	case sizeTileText:
		return body * 1.15
	case sizeFieldText:
		return body * 1.2
	case sizeCodeText:
		return body * 2.2
	case sizeNumberText:
		return body * 4
	case sizePicture:
		return t.m.mm(55)
	}
	return theme.DefaultTheme().Size(n)
}

// size and col read the kiosk's theme.
func size(n fyne.ThemeSizeName) float32 { return theme.Size(n) }

func col(n fyne.ThemeColorName) color.Color { return theme.Color(n) }
