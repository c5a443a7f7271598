package widgets

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Field shows what a visitor types with the on-screen keyboard, in large
// type with a caret at the end. Text only grows at the end and shrinks
// with Löschen: no cursor to place with a finger, no selection, no
// clipboard — nothing a first-time user can get lost in. A physical
// keyboard reaches it too, through TypedRune and TypedKey.
type Field struct {
	widget.BaseWidget
	text []rune
	// Max is the most characters the field takes (0: no limit).
	Max int
	// Lines above 1 wrap the text over that many lines (free text).
	Lines int
	// Masked shows a dot per character, for PINs.
	Masked bool
	// Invalid draws the border thick and red: the answer was refused.
	Invalid bool
	// OnChanged runs after every change, with the new text.
	OnChanged func(string)
	// OnSubmit runs on Enter from a physical keyboard.
	OnSubmit func()
}

var _ fyne.Focusable = (*Field)(nil)

// fieldTextSize is the typed text's size: larger than body text, since
// reading back what one typed is where mistakes are found.
func fieldTextSize() float32 { return Size(SizeFieldText) }

// NewField returns an empty field.
func NewField() *Field {
	f := &Field{Lines: 1}
	f.ExtendBaseWidget(f)
	return f
}

// Text is what was typed.
func (f *Field) Text() string { return string(f.text) }

// SetText replaces the text (cut to Max).
func (f *Field) SetText(s string) {
	f.text = []rune(s)
	if f.Max > 0 && len(f.text) > f.Max {
		f.text = f.text[:f.Max]
	}
	f.changed()
}

// Clear forgets the text, overwriting the runes it held first.
func (f *Field) Clear() {
	clear(f.text)
	f.text = f.text[:0]
	f.changed()
}

// Full says the field holds Max characters.
func (f *Field) Full() bool { return f.Max > 0 && len(f.text) >= f.Max }

// TypedRune appends r unless the field is full.
func (f *Field) TypedRune(r rune) {
	touched()
	if f.Full() || (r == '\n' && f.Lines <= 1) {
		return
	}
	f.text = append(f.text, r)
	f.changed()
}

// TypedKey handles Löschen (backspace) and Enter.
func (f *Field) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyBackspace:
		if len(f.text) > 0 {
			f.text[len(f.text)-1] = 0
			f.text = f.text[:len(f.text)-1]
			f.changed()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if f.OnSubmit != nil {
			f.OnSubmit()
		}
	}
}

func (f *Field) FocusGained() {}
func (f *Field) FocusLost()   {}

func (f *Field) changed() {
	if f.OnChanged != nil {
		f.OnChanged(string(f.text))
	}
	f.Refresh()
}

// shown is the text as displayed: dots for a masked field.
func (f *Field) shown() string {
	if f.Masked {
		return strings.Repeat("●", len(f.text))
	}
	return string(f.text)
}

func (f *Field) CreateRenderer() fyne.WidgetRenderer {
	box := canvas.NewRectangle(Color(ColorField))
	box.StrokeColor = Color(theme.ColorNameForeground)
	box.StrokeWidth = 3
	box.CornerRadius = 8
	r := &fieldRenderer{f: f, box: box, caret: canvas.NewRectangle(Color(ColorCaret))}
	r.objs = []fyne.CanvasObject{box, r.caret}
	r.lines = make([]*canvas.Text, max(1, f.Lines))
	for i := range r.lines {
		r.lines[i] = canvas.NewText("", Color(theme.ColorNameForeground))
		r.lines[i].TextSize = fieldTextSize()
		r.objs = append(r.objs, r.lines[i])
	}
	r.Refresh()
	return r
}

// fieldRenderer shows the end of the text, where the typing happens: the
// last line of a one-line field, the last Lines lines of a longer one.
type fieldRenderer struct {
	f     *Field
	box   *canvas.Rectangle
	lines []*canvas.Text
	caret *canvas.Rectangle
	objs  []fyne.CanvasObject
}

// fieldPad is the room inside the field's frame.
func fieldPad() float32 { return Size(theme.SizeNamePadding) }

func measureField(s string) fyne.Size {
	return fyne.MeasureText(s, fieldTextSize(), fyne.TextStyle{})
}

// wrap breaks text into lines no wider than width, at spaces where it
// can and inside a word where it must.
func Wrap(text string, width float32) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.SplitAfter(para, " ") {
			if measureField(line+word).Width <= width || line == "" && measureField(word).Width <= width {
				line += word
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for measureField(word).Width > width && utf8.RuneCountInString(word) > 1 {
				cut := len(word)
				for cut > 0 && measureField(word[:cut]).Width > width {
					_, n := utf8.DecodeLastRuneInString(word[:cut])
					cut -= n
				}
				cut = max(cut, len(string([]rune(word)[0])))
				lines = append(lines, word[:cut])
				word = word[cut:]
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

func (r *fieldRenderer) Layout(size fyne.Size) {
	r.box.Resize(size)
	avail := size.Width - 2*fieldPad() - 8
	lineH := measureField("Ág").Height
	var shown []string
	if len(r.lines) == 1 {
		// A long line shows its end.
		text := r.f.shown()
		for utf8.RuneCountInString(text) > 1 && measureField(text).Width > avail {
			_, n := utf8.DecodeRuneInString(text)
			text = text[n:]
		}
		shown = []string{text}
	} else {
		shown = Wrap(r.f.shown(), avail)
		if len(shown) > len(r.lines) {
			shown = shown[len(shown)-len(r.lines):]
		}
	}
	top := (size.Height - lineH*float32(len(r.lines))) / 2
	for i, l := range r.lines {
		l.Text = ""
		if i < len(shown) {
			l.Text = shown[i]
		}
		l.Move(fyne.NewPos(fieldPad(), top+float32(i)*lineH))
		l.Resize(fyne.NewSize(avail, lineH))
		l.Refresh()
	}
	last := len(shown) - 1
	w := measureField(shown[last]).Width
	if shown[last] == "" {
		w = 0
	}
	r.caret.Move(fyne.NewPos(fieldPad()+w+2, top+float32(last)*lineH+4))
	r.caret.Resize(fyne.NewSize(4, lineH-8))

}

func (r *fieldRenderer) MinSize() fyne.Size {
	h := measureField("Ág").Height * float32(len(r.lines))
	return fyne.NewSize(200, h+2*fieldPad())
}

func (r *fieldRenderer) Refresh() {
	// A refused answer: a thick red border beside the message and its icon,
	// so the error is not told by a colour alone.
	r.box.StrokeColor, r.box.StrokeWidth = Color(theme.ColorNameForeground), 3
	if r.f.Invalid {
		r.box.StrokeColor, r.box.StrokeWidth = Color(theme.ColorNameError), 6
	}
	r.Layout(r.f.Size())
	canvas.Refresh(r.f)
}

func (r *fieldRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *fieldRenderer) Destroy()                     {}
