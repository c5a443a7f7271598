// The kiosk's layouts, in one place: the screen, the bar of buttons, the
// grid of tiles, and the corner where staff tap.

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lotse/app/ui/widgets"
)

// screenLayout gives its content the whole window and asks for no more
// than the smallest window the kiosk runs in. Without it, a wrapped text
// measured before it knows its width makes the window taller than the
// screen; a screen whose content does not fit is a bug the screen tests
// find, not a reason to grow the window past the display.
type screenLayout struct{}

func (screenLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (screenLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(320, 240) }

// barLayout lays the bar's buttons out in one row, each at least as wide
// as its words need and the rest shared out evenly: long words in one
// language ("Помічник") do not force every button to their width.
type barLayout struct{}

func (barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := theme.Padding()
	need := float32(0)
	for _, o := range objs {
		need += o.MinSize().Width
	}
	extra := max(0, size.Width-need-gap*float32(len(objs)-1)) / float32(len(objs))
	x := float32(0)
	for _, o := range objs {
		w := o.MinSize().Width + extra
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + gap
	}
}

func (barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
	}
	s.Width += theme.Padding() * float32(len(objs)-1)
	return s
}

// tileLayout is tileGrid's grid. Like a wrapped label, it learns its
// width in the first layout and asks for its real height in the next
// (display lays every screen out twice).
type tileLayout struct{ width float32 }

// grid is how the tiles fall at the width last laid out: columns, rows
// and the largest tile's minimum size.
func (l *tileLayout) grid(objs []fyne.CanvasObject) (cols, rows int, largest fyne.Size) {
	for _, o := range objs {
		largest = largest.Max(o.MinSize())
	}
	cols = 2
	if len(objs) > 4 {
		cols = 3
	}
	// Labels that cannot wrap (a guide's list of questions in large
	// text) take fewer columns rather than being cut.
	pad := theme.Padding()
	for l.width > 0 && cols > 1 && (l.width-float32(cols-1)*pad)/float32(cols) < largest.Width {
		cols--
	}
	return cols, (len(objs) + cols - 1) / cols, largest
}

func (l *tileLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	cols, rows, _ := l.grid(objs)
	pad := theme.Padding()
	w := (size.Width - float32(cols-1)*pad) / float32(cols)
	h := (size.Height - float32(rows-1)*pad) / float32(rows)
	for i, o := range objs {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(w+pad), float32(r)*(h+pad)))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *tileLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	cols, rows, largest := l.grid(objs)
	pad := theme.Padding()
	return fyne.NewSize(float32(cols)*largest.Width+float32(cols-1)*pad, float32(rows)*largest.Height+float32(rows-1)*pad)
}

// spareLayout gives its first object the room and puts its second, a
// row that is welcome but not needed, under it when both fit; when they
// do not (a long language in large text on a small screen), the row is
// hidden rather than the screen clipped. It asks only for the first.
type spareLayout struct{}

func (spareLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	main, spare := objs[0], objs[1]
	pad := theme.Padding()
	h := spare.MinSize().Height
	fits := main.MinSize().Height+pad+h <= size.Height
	// Only on a change: showing or hiding repaints, which lays out again.
	switch {
	case fits && !spare.Visible():
		spare.Show()
	case !fits && spare.Visible():
		spare.Hide()
	}
	main.Move(fyne.NewPos(0, 0))
	if !fits {
		main.Resize(size)
		return
	}
	main.Resize(fyne.NewSize(size.Width, size.Height-pad-h))
	spare.Move(fyne.NewPos(0, size.Height-h))
	spare.Resize(fyne.NewSize(size.Width, h))
}

func (spareLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// cornerLayout puts the corner catcher over the top-left of the screen.
type cornerLayout struct{}

func (cornerLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(s)
	c := widgets.Size(widgets.SizeTarget)
	objs[1].Move(fyne.NewPos(0, 0))
	objs[1].Resize(fyne.NewSquareSize(c))
}

func (cornerLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }
