package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tile is a large touch target with an optional icon and one to three
// words. It acts on release (Fyne's Tapped), so a resident who slides off a
// tile does not trigger it. Its colours and sizes are theme names, so a
// change of look redraws it correctly.
type Tile struct {
	widget.BaseWidget
	label     string
	icon      fyne.Resource
	bg, fg    fyne.ThemeColorName
	MinHeight fyne.ThemeSizeName
	textSize  fyne.ThemeSizeName
	OnTapped  func()
	// chosen draws a chosen option: inverted colours, a frame and a ticked
	// box; choice marks an option at all (an empty box when not chosen).
	chosen, choice bool
	// iconShown is the icon's side as last laid out (0: hidden),
	// textShown the size its words were drawn at.
	iconShown, textShown float32
	// InBar marks the bar's buttons, which a screen's speech names last;
	// Focused draws the keypad focus as a thick frame (Refresh after).
	InBar   bool
	Focused bool
}

func NewStyledTile(label string, icon fyne.Resource, bg, fg fyne.ThemeColorName, minH, text fyne.ThemeSizeName, tapped func()) *Tile {
	if icon != nil {
		icon = theme.NewColoredResource(icon, fg)
	}
	t := &Tile{label: label, icon: icon, bg: bg, fg: fg, MinHeight: minH, textSize: text, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// NewChoice returns an option of a question: a box at its left, ticked
// and the tile inverted and framed when chosen — never told by colour
// alone, in every look, however its words wrap.
func NewChoice(label string, chosen bool, tapped func()) *Tile {
	var t *Tile
	if chosen {
		t = NewStyledTile(label, theme.CheckButtonCheckedIcon(), ColorTileText, ColorTile, SizeTile, SizeTileText, tapped)
	} else {
		t = NewStyledTile(label, theme.CheckButtonIcon(), ColorTile, ColorTileText, SizeTile, SizeTileText, tapped)
	}
	t.chosen, t.choice = chosen, true
	return t
}

// NewTile returns a primary tile: dark blue with white text, or yellow
// with black in high contrast.
func NewTile(label string, icon fyne.Resource, tapped func()) *Tile {
	return NewStyledTile(label, icon, ColorTile, ColorTileText, SizeTile, SizeTileText, tapped)
}

// NewBarButton returns a tile for the bottom bar: light, lower, body text.
func NewBarButton(label string, icon fyne.Resource, tapped func()) *Tile {
	return NewStyledTile(label, icon, ColorBar, ColorBarText, SizeBar, theme.SizeNameText, tapped)
}

// NewSmallButton returns a light tile for a secondary action beside a
// line of text (Ändern), still a full touch target.
func NewSmallButton(label string, tapped func()) *Tile {
	return NewStyledTile(label, nil, ColorBar, ColorBarText, SizeTarget, theme.SizeNameText, tapped)
}

// NewActionButton returns the tile that moves a visit on (Weiter,
// Absenden): primary colours, bar height.
func NewActionButton(label string, icon fyne.Resource, tapped func()) *Tile {
	return NewStyledTile(label, icon, ColorTile, ColorTileText, SizeBar, SizeTileText, tapped)
}

// Label is the tile's text.
func (t *Tile) Label() string { return t.label }

// Chosen says the tile is a chosen option.
func (t *Tile) Chosen() bool { return t.chosen }

// IconShown is the side of the tile's icon as laid out, 0 when hidden:
// the accessibility report checks a chosen option's mark with it.
func (t *Tile) IconShown() float32 { return t.iconShown }

// TextShown is the size the words were drawn at in the last layout.
func (t *Tile) TextShown() float32 { return t.textShown }

// Tapped runs the tile's action.
func (t *Tile) Tapped(*fyne.PointEvent) {
	touched()
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(Color(t.bg))
	bg.CornerRadius = Size(SizeTarget) / 6
	bg.StrokeColor = Color(ColorCaret)
	r := &tileRenderer{t: t, bg: bg, objs: []fyne.CanvasObject{bg}}
	if t.icon != nil {
		r.icon = canvas.NewImageFromResource(t.icon)
		r.icon.FillMode = canvas.ImageFillContain
		r.objs = append(r.objs, r.icon)
	}
	for i := range r.lines {
		r.lines[i] = canvas.NewText("", Color(t.fg))
		r.lines[i].TextSize = Size(t.textSize)
		r.lines[i].TextStyle = fyne.TextStyle{Bold: true}
		r.lines[i].Alignment = fyne.TextAlignCenter
		r.objs = append(r.objs, r.lines[i])
	}
	return r
}

// tileRenderer draws the label on one line, or on two when the tile is
// too narrow: a label is never clipped.
type tileRenderer struct {
	t     *Tile
	bg    *canvas.Rectangle
	icon  *canvas.Image
	lines [2]*canvas.Text
	objs  []fyne.CanvasObject
}

// tilePad is the room around a tile's words, at least a gap wide.
func tilePad() float32 { return Size(theme.SizeNamePadding) * 1.5 }

// textSize is the size the words are drawn at: the tile's own, or body
// size when they need two lines, so two lines fit the tile's height.
func (r *tileRenderer) textSize(twoLines bool) float32 {
	if twoLines {
		return min(Size(r.t.textSize), Size(theme.SizeNameText))
	}
	return Size(r.t.textSize)
}

func (r *tileRenderer) measureAt(s string, ts float32) fyne.Size {
	return fyne.MeasureText(s, ts, fyne.TextStyle{Bold: true})
}

func (r *tileRenderer) measure(s string) fyne.Size { return r.measureAt(s, r.textSize(false)) }

// split breaks the label at the space that makes the wider line
// narrowest, measured at the two-line size.
func (r *tileRenderer) split() (string, string) {
	label := r.t.label
	ts := r.textSize(true)
	best, bestW := -1, float32(0)
	for i, c := range label {
		if c != ' ' {
			continue
		}
		w := max(r.measureAt(label[:i], ts).Width, r.measureAt(label[i+1:], ts).Width)
		if best < 0 || w < bestW {
			best, bestW = i, w
		}
	}
	if best < 0 {
		return label, ""
	}
	return label[:best], label[best+1:]
}

// twoLinesFit says the tile is high enough for its words on two lines.
func (r *tileRenderer) twoLinesFit() bool {
	return 2*r.measureAt("Ág", r.textSize(true)).Height+Size(theme.SizeNamePadding) <= Size(r.t.MinHeight)
}

// iconMin is an icon's smallest side: 10 mm, seen at arm's length.
func iconMin() float32 { return Size(SizeTarget) * 2 / 3 }

// Layout puts an icon above one line of words where the tile has room,
// else to the left of the words (a choice's box always sits there): the
// icon never gives way to the words.
func (r *tileRenderer) Layout(sz fyne.Size) {
	r.bg.Resize(sz)
	r.bg.StrokeWidth = 0
	switch {
	case r.t.Focused:
		r.bg.StrokeColor = Color(ColorCaret)
		r.bg.StrokeWidth = Size(theme.SizeNamePadding) // a frame as wide as the gap: seen, not guessed
	case r.t.chosen:
		r.bg.StrokeColor = Color(r.t.fg)
		r.bg.StrokeWidth = Size(theme.SizeNamePadding) / 2
	case r.t.bg == ColorBar:
		// A light button's edge at its text's contrast (far above 3:1), so
		// a secondary action never looks disabled.
		r.bg.StrokeColor = Color(r.t.fg)
		r.bg.StrokeWidth = Size(theme.SizeNamePadding) / 4
	}
	pad := Size(theme.SizeNamePadding)
	textX, textW := tilePad(), sz.Width-2*tilePad()
	one, two := r.t.label, ""
	ts := r.textSize(false)
	lineH := r.measureAt("Ág", ts).Height
	iconSize, iconLeft := float32(0), false
	if r.icon != nil && r.keepsIcon() {
		above := min(max(ts*1.4, iconMin()), sz.Height-lineH-tilePad())
		if !r.t.choice && above >= iconMin() && r.measure(one).Width <= textW {
			iconSize = above
		} else {
			iconSize, iconLeft = iconMin(), true
			textX += iconSize + pad
			textW -= iconSize + pad
		}
	}
	if r.measure(one).Width > textW && r.twoLinesFit() {
		one, two = r.split()
		ts = r.textSize(true)
		lineH = r.measureAt("Ág", ts).Height
	}
	r.lines[0].Text, r.lines[1].Text = one, two
	n := float32(1)
	if two != "" {
		n = 2
	}
	h := n * lineH
	if r.icon != nil && !r.keepsIcon() {
		// A button's small icon gives way to a second line of words.
		iconSize = min(ts*1.4, sz.Height-h-tilePad())
		if iconSize < ts*0.8 {
			iconSize = 0
		}
	}
	if iconSize > 0 && !iconLeft {
		h += iconSize + 8
	}
	y := (sz.Height - h) / 2
	r.t.iconShown, r.t.textShown = iconSize, ts
	if r.icon != nil {
		r.icon.Hidden = iconSize == 0
		r.icon.Resize(fyne.NewSquareSize(iconSize))
		if iconLeft {
			r.icon.Move(fyne.NewPos(tilePad(), (sz.Height-iconSize)/2))
		} else {
			r.icon.Move(fyne.NewPos((sz.Width-iconSize)/2, y))
			y += iconSize + 8
		}
	}
	for i, l := range r.lines {
		l.TextSize = ts
		l.Move(fyne.NewPos(textX, y+float32(i)*lineH))
		l.Resize(fyne.NewSize(textW, lineH))
		l.Refresh()
	}
}

// MinSize is the narrowest the tile can be drawn whole: its words on
// one line, or on two where the tile is high enough — with an icon above
// one line where there is height for it, else beside the words.
func (r *tileRenderer) MinSize() fyne.Size {
	pad := Size(theme.SizeNamePadding)
	oneW := r.measure(r.t.label).Width
	w := oneW
	keeps := r.icon != nil && r.keepsIcon()
	if keeps {
		w += iconMin() + pad // beside
	}
	if r.twoLinesFit() {
		one, two := r.split()
		twoW := max(r.measureAt(one, r.textSize(true)).Width, r.measureAt(two, r.textSize(true)).Width)
		if keeps {
			twoW += iconMin() + pad
		}
		w = min(w, twoW)
	}
	if keeps && !r.t.choice && r.iconAboveFits() {
		w = min(w, oneW)
	}
	return fyne.NewSize(w+2*tilePad(), Size(r.t.MinHeight))
}

// keepsIcon says the tile's icon is never hidden: a service or an option
// (tile height), whose icon tells what it is or whether it is chosen.
// The lower buttons' small icons give way to their words.
func (r *tileRenderer) keepsIcon() bool { return r.t.MinHeight == SizeTile }

// iconAboveFits says the tile is high enough for an icon of iconMin above
// one line of its words.
func (r *tileRenderer) iconAboveFits() bool {
	return Size(r.t.MinHeight)-r.measureAt("Ág", r.textSize(false)).Height-tilePad() >= iconMin()
}

func (r *tileRenderer) Refresh() {
	r.Layout(r.t.Size())
	r.bg.Refresh()
	canvas.Refresh(r.t)
}

func (r *tileRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *tileRenderer) Destroy()                     {}

// touchHook is told of every touch on a kiosk target: the kiosk's idle
// timer (one kiosk runs per process). SetTouchHook sets it.
var touchHook func()

// SetTouchHook makes fn hear every touch on a Tile or a Field.
func SetTouchHook(fn func()) { touchHook = fn }

func touched() {
	if touchHook != nil {
		touchHook()
	}
}
