package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is a light theme with large type: a kiosk is read standing, at
// arm's length, often by someone without their reading glasses. Sizes here
// are in Fyne units; the millimetre-exact theme comes with the accessibility
// work.
type kioskTheme struct{}

var _ fyne.Theme = kioskTheme{}

// Sizes of the kiosk's own elements, in Fyne units.
const (
	tileMinHeight = 120
	barHeight     = 96
	// smallButtonHeight is the least a touch target gets: at 1920×1080 on
	// a 27" screen (3.2 px/mm) 80 units are 25 mm, on 15.6" 14 mm.
	smallButtonHeight = 80
	numberTextSize    = 220
	titleTextSize     = 44
	codeTextSize      = 88
	smallTextSize     = 22
)

// Colours chosen for at least 4.5:1 contrast on their backgrounds.
var (
	colBackground = color.NRGBA{0xFA, 0xFA, 0xF7, 0xFF}
	colText       = color.NRGBA{0x1A, 0x1A, 0x1A, 0xFF}
	colTile       = color.NRGBA{0x0B, 0x4F, 0x8A, 0xFF} // white on it: 8.6:1
	colTileText   = color.White
	colBar        = color.NRGBA{0xE3, 0xE6, 0xEA, 0xFF} // dark text on it: 14:1
	colChosen     = color.NRGBA{0x1E, 0x6B, 0x34, 0xFF} // white on it: 6.6:1
	colWarning    = color.NRGBA{0x8A, 0x3B, 0x00, 0xFF} // on the background: 7.4:1
)

func (kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return colBackground
	case theme.ColorNameForeground:
		return colText
	case theme.ColorNameWarning:
		// Warnings are text on the background, not badges: dark enough to read.
		return colWarning
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (kioskTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 26
	case theme.SizeNameHeadingText:
		return titleTextSize
	case theme.SizeNameSubHeadingText:
		return 32
	case theme.SizeNamePadding:
		return 12
	case theme.SizeNameInnerPadding:
		return 16
	}
	return theme.DefaultTheme().Size(n)
}
