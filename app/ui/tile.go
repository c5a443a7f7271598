package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tile is a large touch target with an optional icon and one to three
// words. It acts on release (Fyne's Tapped), so a resident who slides off a
// tile does not trigger it.
type Tile struct {
	widget.BaseWidget
	label    string
	icon     fyne.Resource
	bg, fg   color.Color
	minH     float32
	textSize float32
	OnTapped func()
}

// NewTile returns a primary tile: dark blue with white text.
func NewTile(label string, icon fyne.Resource, tapped func()) *Tile {
	t := &Tile{label: label, icon: icon, bg: colTile, fg: colTileText, minH: tileMinHeight, textSize: 34, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// newBarButton returns a tile for the bottom bar: light, lower, smaller text.
func newBarButton(label string, icon fyne.Resource, tapped func()) *Tile {
	t := &Tile{label: label, icon: icon, bg: colBar, fg: colText, minH: barHeight, textSize: 28, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// newSmallButton returns a light tile for a secondary action beside a
// line of text (Ändern), still a full touch target.
func newSmallButton(label string, tapped func()) *Tile {
	t := &Tile{label: label, bg: colBar, fg: colText, minH: smallButtonHeight, textSize: 26, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// newActionButton returns the tile that moves a visit on (Weiter,
// Absenden): primary colours, bar height.
func newActionButton(label string, icon fyne.Resource, tapped func()) *Tile {
	if icon != nil {
		icon = theme.NewInvertedThemedResource(icon)
	}
	t := &Tile{label: label, icon: icon, bg: colTile, fg: colTileText, minH: barHeight, textSize: 30, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Label is the tile's text.
func (t *Tile) Label() string { return t.label }

// Tapped runs the tile's action.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if t.OnTapped != nil {
		t.OnTapped()
	}
}

func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(t.bg)
	bg.CornerRadius = 14
	r := &tileRenderer{t: t, bg: bg, objs: []fyne.CanvasObject{bg}}
	if t.icon != nil {
		r.icon = canvas.NewImageFromResource(t.icon)
		r.icon.FillMode = canvas.ImageFillContain
		r.objs = append(r.objs, r.icon)
	}
	for i := range r.lines {
		r.lines[i] = canvas.NewText("", t.fg)
		r.lines[i].TextSize = t.textSize
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

const tilePad = 24

func (r *tileRenderer) measure(s string) fyne.Size {
	return fyne.MeasureText(s, r.t.textSize, fyne.TextStyle{Bold: true})
}

// split breaks the label at the space that makes the wider line
// narrowest.
func (r *tileRenderer) split() (string, string) {
	label := r.t.label
	best, bestW := -1, float32(0)
	for i, c := range label {
		if c != ' ' {
			continue
		}
		w := max(r.measure(label[:i]).Width, r.measure(label[i+1:]).Width)
		if best < 0 || w < bestW {
			best, bestW = i, w
		}
	}
	if best < 0 {
		return label, ""
	}
	return label[:best], label[best+1:]
}

func (r *tileRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	one, two := r.t.label, ""
	if r.measure(one).Width > size.Width-2*tilePad {
		one, two = r.split()
	}
	r.lines[0].Text, r.lines[1].Text = one, two
	lineH := r.measure("Ág").Height
	n := float32(1)
	if two != "" {
		n = 2
	}
	h := n * lineH
	iconSize := float32(0)
	if r.icon != nil {
		// The icon gives way to a second line of text.
		iconSize = min(r.t.textSize*1.6, size.Height-h-tilePad)
		if iconSize < r.t.textSize*0.8 {
			iconSize = 0
		}
		h += iconSize + 8
	}
	y := (size.Height - h) / 2
	if r.icon != nil {
		r.icon.Hidden = iconSize == 0
		r.icon.Move(fyne.NewPos((size.Width-iconSize)/2, y))
		r.icon.Resize(fyne.NewSquareSize(iconSize))
		y += iconSize + 8
	}
	for i, l := range r.lines {
		l.Move(fyne.NewPos(0, y+float32(i)*lineH))
		l.Resize(fyne.NewSize(size.Width, lineH))
		l.Refresh()
	}
}

func (r *tileRenderer) MinSize() fyne.Size {
	one, two := r.split()
	w := max(r.measure(one).Width, r.measure(two).Width)
	return fyne.NewSize(w+2*tilePad, r.t.minH)
}

func (r *tileRenderer) Refresh() {
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *tileRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *tileRenderer) Destroy()                     {}

// tapCatcher covers a screen so a tap anywhere runs an action.
type tapCatcher struct {
	widget.BaseWidget
	onTap func()
}

func newTapCatcher(onTap func()) *tapCatcher {
	c := &tapCatcher{onTap: onTap}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tapCatcher) Tapped(*fyne.PointEvent) { c.onTap() }

func (c *tapCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}
