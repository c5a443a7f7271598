package ui

import (
	"encoding/json"
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/ui/widgets"
)

// UIMap is where the touch targets of the screen are, written after every
// change for acceptance tests that tap the real window (xdotool on Xvfb,
// or a robot finger on a real kiosk). It holds labels and positions only,
// never what was typed.
type UIMap struct {
	Seq     uint64     `json:"seq"`
	Screen  string     `json:"screen"`
	Canvas  fyne.Size  `json:"canvas"`
	Targets []UITarget `json:"targets"`
}

// UITarget is one tile or key, in canvas units.
type UITarget struct {
	Label string  `json:"label"`
	X     float32 `json:"x"`
	Y     float32 `json:"y"`
	W     float32 `json:"w"`
	H     float32 `json:"h"`
}

// SetUIMap makes the kiosk write its UI map to path; "" stops it.
func (k *Kiosk) SetUIMap(path string) { k.uiMap = path }

// walkVisible calls fn for every visible object under o with its position
// on the canvas. (The driver's own lookup knows only objects it has drawn
// once; a map written right after a screen change needs the new ones.)
func walkVisible(o fyne.CanvasObject, at fyne.Position, fn func(fyne.CanvasObject, fyne.Position)) {
	if !o.Visible() {
		return
	}
	at = at.Add(o.Position())
	fn(o, at)
	var children []fyne.CanvasObject
	switch o := o.(type) {
	case *fyne.Container:
		children = o.Objects
	case fyne.Widget:
		children = widgetObjects(o)
	}
	for _, c := range children {
		walkVisible(c, at, fn)
	}
}

// widgetObjects are the objects a widget's renderer draws.
func widgetObjects(w fyne.Widget) []fyne.CanvasObject { return test.WidgetRenderer(w).Objects() }

// writeUIMap writes the map of the current screen, atomically, so a
// reader never sees half a file.
func (k screenRegistry) writeUIMap() {
	if k.uiMap == "" {
		return
	}
	k.uiSeq++
	m := UIMap{Seq: k.uiSeq, Screen: k.cur.name, Canvas: k.win.Canvas().Size()}
	walkVisible(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, p fyne.Position) {
		if t, ok := o.(*widgets.Tile); ok && !t.Size().IsZero() {
			s := t.Size()
			m.Targets = append(m.Targets, UITarget{Label: t.Label(), X: p.X, Y: p.Y, W: s.Width, H: s.Height})
		}
	})
	b, err := json.Marshal(m)
	if err == nil {
		tmp := k.uiMap + ".tmp"
		if err = os.WriteFile(tmp, b, 0o600); err == nil {
			err = os.Rename(tmp, k.uiMap)
		}
	}
	if err != nil {
		slog.Warn("ui map", "err", err)
	}
}
