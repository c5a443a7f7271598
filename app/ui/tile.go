package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/layout"
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
	text := canvas.NewText(t.label, t.fg)
	text.TextSize = t.textSize
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.Alignment = fyne.TextAlignCenter
	objs := []fyne.CanvasObject{bg}
	var icon *canvas.Image
	if t.icon != nil {
		icon = canvas.NewImageFromResource(t.icon)
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSquareSize(t.textSize * 1.6))
		objs = append(objs, icon)
	}
	objs = append(objs, text)
	return &tileRenderer{t: t, bg: bg, icon: icon, text: text, objs: objs}
}

type tileRenderer struct {
	t    *Tile
	bg   *canvas.Rectangle
	icon *canvas.Image
	text *canvas.Text
	objs []fyne.CanvasObject
}

func (r *tileRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	textSize := r.text.MinSize()
	h := textSize.Height
	if r.icon != nil {
		h += r.icon.MinSize().Height + 8
	}
	y := (size.Height - h) / 2
	if r.icon != nil {
		is := r.icon.MinSize()
		r.icon.Move(fyne.NewPos((size.Width-is.Width)/2, y))
		r.icon.Resize(is)
		y += is.Height + 8
	}
	r.text.Move(fyne.NewPos(0, y))
	r.text.Resize(fyne.NewSize(size.Width, textSize.Height))
}

func (r *tileRenderer) MinSize() fyne.Size {
	w := r.text.MinSize().Width + 48
	return fyne.NewSize(w, r.t.minH)
}

func (r *tileRenderer) Refresh() {
	r.text.Text = r.t.label
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
