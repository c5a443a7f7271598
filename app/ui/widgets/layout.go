package widgets

import "fyne.io/fyne/v2"

// weightedRow lays out one row of keys: widths in proportion to weights,
// gaps between, all the row's height.
type weightedRow struct {
	weights []float32
	unit    float32 // the narrowest a key of weight 1 may be
}

func (l *weightedRow) sum() float32 {
	var s float32
	for _, w := range l.weights {
		s += w
	}
	return s
}

// minUnit is the width of a weight-1 key: the row's least, or more where
// a key's word needs it ("Löschen" on a telephone pad).
func (l *weightedRow) minUnit(objs []fyne.CanvasObject) float32 {
	u := l.unit
	for i, o := range objs {
		u = max(u, o.MinSize().Width/l.weights[i])
	}
	return u
}

func (l *weightedRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	unit := (size.Width - keyGap()*float32(len(objs)-1)) / l.sum()
	x := float32(0)
	for i, o := range objs {
		w := unit * l.weights[i]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + keyGap()
	}
}

func (l *weightedRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.minUnit(objs)*l.sum()+keyGap()*float32(len(objs)-1), keyHeight())
}
