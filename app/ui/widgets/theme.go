package widgets

import (
	"image/color"
	"math"

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

// MM is v millimetres in Fyne units.
func (m Metrics) MM(v float32) float32 { return v * m.UnitsPerMM }

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
	TargetMM    = 15
	GapMM       = 3
	TileMM      = 24 // a service tile: icon and one line, or two lines of words
	TileLargeMM = 28
	BarMM       = 20
	KeyMM       = 15
	CapMM       = 5.1 // a little above 5, so rounding never falls below it
	CapLargeMM  = 6.2
	// CapRatio is the cap height of Noto Sans (Fyne's font) over its
	// em size: 1462/2048. `lotse a11y-report` measures it on rendered text.
	CapRatio = 0.714
)

// Sizes of the kiosk's own elements, looked up in the theme.
const (
	SizeTarget     fyne.ThemeSizeName = "lotse-target"
	SizeTile       fyne.ThemeSizeName = "lotse-tile"
	SizeBar        fyne.ThemeSizeName = "lotse-bar"
	SizeKey        fyne.ThemeSizeName = "lotse-key"
	SizeTileText   fyne.ThemeSizeName = "lotse-tile-text"
	SizeFieldText  fyne.ThemeSizeName = "lotse-field-text"
	SizeCodeText   fyne.ThemeSizeName = "lotse-code-text"
	SizeNumberText fyne.ThemeSizeName = "lotse-number-text"
	SizePicture    fyne.ThemeSizeName = "lotse-picture"
)

// Colours of the kiosk's own elements.
const (
	ColorTile       fyne.ThemeColorName = "lotse-tile"
	ColorTileText   fyne.ThemeColorName = "lotse-tile-text"
	ColorBar        fyne.ThemeColorName = "lotse-bar"
	ColorBarText    fyne.ThemeColorName = "lotse-bar-text"
	ColorChosen     fyne.ThemeColorName = "lotse-chosen"
	ColorChosenText fyne.ThemeColorName = "lotse-chosen-text"
	ColorField      fyne.ThemeColorName = "lotse-field"
	ColorCaret      fyne.ThemeColorName = "lotse-caret"
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
		theme.ColorNameError:      rgb(0xA4001D), // 7.7:1: errors, a field's red border
		ColorTile:                 rgb(0x0B4F8A),
		ColorTileText:             rgb(0xFFFFFF), // 8.6:1
		ColorBar:                  rgb(0xE3E6EA),
		ColorBarText:              rgb(0x1A1A1A), // 13.6:1
		ColorChosen:               rgb(0x1E6B34),
		ColorChosenText:           rgb(0xFFFFFF), // 6.5:1
		ColorField:                rgb(0xFFFFFF),
		ColorCaret:                rgb(0x0B4F8A),
	}
	// contrastPalette: every pair at least 7:1.
	contrastPalette = palette{
		theme.ColorNameBackground: rgb(0x000000),
		theme.ColorNameForeground: rgb(0xFFFFFF), // 21:1
		theme.ColorNameWarning:    rgb(0xFFD84D), // 14.8:1
		theme.ColorNameError:      rgb(0xFF8080), // 8.7:1
		ColorTile:                 rgb(0xFFFF00),
		ColorTileText:             rgb(0x000000), // 19.6:1
		ColorBar:                  rgb(0xFFFFFF),
		ColorBarText:              rgb(0x000000), // 21:1
		ColorChosen:               rgb(0x00FFFF),
		ColorChosenText:           rgb(0x000000), // 16.7:1
		ColorField:                rgb(0x000000),
		ColorCaret:                rgb(0xFFFF00),
	}
)

func rgb(v uint32) color.Color {
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}

// Theme sizes everything in millimetres for the screen at hand and
// colours it for the visitor's look.
type Theme struct {
	Metrics Metrics
	Look    Look
}

var _ fyne.Theme = Theme{}

func (t Theme) palette() palette {
	if t.Look.Contrast {
		return contrastPalette
	}
	return standardPalette
}

func (t Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := t.palette()[n]; ok {
		return c
	}
	v := theme.VariantLight
	if t.Look.Contrast {
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// body is the text size whose capitals are CapMM (or CapLargeMM) high.
func (t Theme) body() float32 {
	c := float32(CapMM)
	if t.Look.Large {
		c = CapLargeMM
	}
	return t.Metrics.MM(c) / CapRatio
}

func (t Theme) Size(n fyne.ThemeSizeName) float32 {
	body := t.body()
	switch n {
	case theme.SizeNameText:
		return body
	case theme.SizeNameHeadingText:
		return body * 1.3
	case theme.SizeNameSubHeadingText:
		return body * 1.2 // a question: the largest words on a step, above typed words and tiles (1.15)
	case theme.SizeNameCaptionText:
		return body // no small print on a kiosk
	case theme.SizeNamePadding:
		return t.Metrics.MM(GapMM)
	case theme.SizeNameInnerPadding:
		return t.Metrics.MM(2)
	case theme.SizeNameLineSpacing:
		return t.Metrics.MM(1)
	case SizeTarget:
		return t.Metrics.MM(TargetMM)
	case SizeTile:
		if t.Look.Large {
			return t.Metrics.MM(TileLargeMM) // two lines of large words
		}
		return t.Metrics.MM(TileMM)
	case SizeBar:
		return t.Metrics.MM(BarMM)
	case SizeKey:
		return t.Metrics.MM(KeyMM)
	case SizeTileText:
		return body * 1.15
	case SizeFieldText:
		return body * 1.15
	case SizeCodeText:
		return body * 2.2
	case SizeNumberText:
		return body * 4
	case SizePicture:
		return t.Metrics.MM(55)
	}
	return theme.DefaultTheme().Size(n)
}

// size and col read the kiosk's theme.
func Size(n fyne.ThemeSizeName) float32 { return theme.Size(n) }

func Color(n fyne.ThemeColorName) color.Color { return theme.Color(n) }

// Contrast is the WCAG 2 contrast ratio of two colours (alpha ignored).
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		x := float64(v>>8) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
