package widgets

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// KeyboardMode picks the keys a field needs.
type KeyboardMode int

const (
	// KeyboardText is QWERTZ with ä ö ü ß and a page of digits and symbols.
	KeyboardText KeyboardMode = iota
	// KeyboardEmail is KeyboardText with @ beside the space bar.
	KeyboardEmail
	// KeyboardDigits is a numeric pad (postcodes, numbers, PINs).
	KeyboardDigits
	// KeyboardPhone is the numeric pad with +, space and /.
	KeyboardPhone
)

// KeyLabels are the words on the keys that are not characters, in the
// visitor's language.
type KeyLabels struct {
	Delete, Space, Shift, Symbols, Letters string
	// Accents is the key to the page of accented letters (é ñ ø …) that
	// no language's own keyboard has; "": no such page.
	Accents string
	// Lang picks the letters' layout (letterRows): the visitor's language.
	Lang string
}

// letterRows are the letter keys of each language's keyboard, as residents
// know them from home: German QWERTZ with ä ö ü ß, English QWERTY, Turkish
// Q with ı ğ ş i ö ç ü, Polish programmer's QWERTY with its AltGr letters
// as keys of their own, Ukrainian and Russian ЙЦУКЕН. The fourth string
// is the letters that go beside the space bar: a row of more than nine
// letters with Shift and Delete would not keep 15 mm keys on a small screen
// in large text.
var letterRows = map[string][4]string{
	"de": {"qwertzuiopü", "asdfghjklöä", "yxcvbnmß", ""},
	"en": {"qwertyuiop", "asdfghjkl", "zxcvbnm", ""},
	"tr": {"qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç", ""},
	"pl": {"qwertyuiopę", "asdfghjklłą", "zxcvbnmóż", "ćńśź"},
	"uk": {"йцукенгшщзхї", "фівапролджє", "ячсмитьбю", "ґ’"},
	"ru": {"йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "ё"},
}

// rows is the layout for lang: Leichte Sprache and any language without
// one of its own type on the German keys.
func rows(lang string) [4]string {
	if r, ok := letterRows[lang]; ok {
		return r
	}
	return letterRows["de"]
}

// Keyboard is the kiosk's on-screen keyboard: Fyne has none on desktop
// Linux, and external keyboards do not reach a kiosk under cage. It types
// into one Field.
type Keyboard struct {
	widget.BaseWidget
	target *Field
	mode   KeyboardMode
	labels KeyLabels
	// symbols is the page of digits and symbols; shift is the one-shot
	// capital; autoCap turns shift on at the start of a word (names,
	// streets, places).
	symbols, shift, autoCap bool
	// accents is the page of accented letters, reached from the symbols.
	accents bool
	// OnKey runs after each key with what it did, for speech.
	OnKey func(name string)
	// OnPress runs after a key was handled and the page shown.
	OnPress func()
	// pages keeps each page's keys; showing is the page on screen.
	pages   map[[3]bool][]fyne.CanvasObject
	showing [3]bool
	rows    *fyne.Container
}

// Key sizes follow the theme: keys are 15 mm high and at least 15 mm
// wide (wider where the row allows), 3 mm apart; a numeric pad's keys are
// wider, as on a telephone.
func keyHeight() float32   { return Size(SizeKey) }
func keyMinWidth() float32 { return Size(SizeKey) }
func padKeyWidth() float32 { return Size(SizeKey) * 1.6 }
func keyGap() float32      { return Size(theme.SizeNamePadding) }

// NewKeyboard returns a keyboard typing into target.
func NewKeyboard(target *Field, mode KeyboardMode, labels KeyLabels, autoCap bool) *Keyboard {
	k := &Keyboard{target: target, mode: mode, labels: labels, autoCap: autoCap,
		rows: container.NewVBox()}
	k.ExtendBaseWidget(k)
	k.autoShift()
	k.build()
	return k
}

func (k *Keyboard) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(k.rows) }

// keyDef is one key: a character, or an action with a label.
type keyDef struct {
	r      rune
	label  string
	weight float32
	press  func()
}

func (k *Keyboard) char(r rune) keyDef {
	return keyDef{r: r, label: string(r), weight: 1}
}

func (k *Keyboard) chars(s string) []keyDef {
	var keys []keyDef
	for _, r := range s {
		if k.shift && !k.symbols {
			r = upper(r, k.labels.Lang)
		}
		keys = append(keys, k.char(r))
	}
	return keys
}

// upper capitalises r in lang: Turkish i is İ and ı is I; ß and the
// apostrophe have no capital and stay.
func upper(r rune, lang string) rune {
	switch {
	case r == 'ß' || r == '’':
		return r
	case lang == "tr":
		return unicode.TurkishCase.ToUpper(r)
	}
	return unicode.ToUpper(r)
}

func (k *Keyboard) layout() [][]keyDef {
	del := keyDef{label: k.labels.Delete, weight: 2, press: func() {
		k.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		k.autoShift()
		k.build()
		k.pressed(k.labels.Delete)
	}}
	space := keyDef{r: ' ', label: k.labels.Space, weight: 4}
	switch k.mode {
	// The pads are a telephone's and a card terminal's, 1-2-3 on top, as
	// the elderly know them — not a calculator's.
	case KeyboardDigits:
		del.weight = 1
		return [][]keyDef{k.chars("123"), k.chars("456"), k.chars("789"), {{weight: 1}, k.char('0'), del}}
	case KeyboardPhone:
		space.weight, del.weight = 1, 1
		return [][]keyDef{k.chars("123"), k.chars("456"), k.chars("789"), {k.char('+'), k.char('0'), del},
			{space, k.char('/'), k.char('-')}}
	}
	lettersKey := keyDef{label: k.labels.Letters, weight: 2, press: func() {
		k.symbols, k.accents = false, false
		k.autoShift()
		k.build()
		k.pressed(k.labels.Letters)
	}}
	shift := keyDef{label: k.labels.Shift, weight: 2, press: func() {
		k.shift = !k.shift
		k.build()
		k.pressed(k.labels.Shift)
	}}
	if k.symbols {
		last := []keyDef{lettersKey, k.char(','), space, k.char('.'), k.char('-')}
		if k.labels.Accents != "" {
			last = append(last, keyDef{label: k.labels.Accents, weight: 2, press: func() {
				k.symbols, k.accents = false, true
				k.autoShift()
				k.build()
				k.pressed(k.labels.Accents)
			}})
		}
		return [][]keyDef{
			k.chars("1234567890"),
			k.chars("@.-/_'&+()"),
			append(k.chars("!?:;\"€#%"), del),
			last,
		}
	}
	if k.accents {
		// Letters of names from elsewhere: Zoë, Núñez, Søren, François.
		shift.weight, del.weight = 3, 3
		return [][]keyDef{
			k.chars("àáâäãåæçèéê"),
			k.chars("ëìíîïñòóôõø"),
			append(append([]keyDef{shift}, k.chars("œùúûýÿšžč")...), del),
			{lettersKey, k.char(','), space, k.char('.'), k.char('-')},
		}
	}
	symbols := keyDef{label: k.labels.Symbols, weight: 2, press: func() {
		k.symbols, k.shift = true, false
		k.build()
		k.pressed(k.labels.Symbols)
	}}
	last := []keyDef{symbols, k.char(','), space, k.char('.'), k.char('-')}
	if k.mode == KeyboardEmail {
		last = []keyDef{symbols, k.char('@'), space, k.char('.'), k.char('-'), k.char('_')}
	}
	lang := k.labels.Lang
	if k.mode == KeyboardEmail && (lang == "uk" || lang == "ru") {
		// An e-mail address is written in Latin letters, whatever the
		// visitor reads: the Cyrillic keyboards' visitors get English keys.
		lang = "en"
	}
	letters := rows(lang)
	last = append(last, k.chars(letters[3])...)
	// Shift and Delete beside the letters are wide: their words (in
	// Russian the longest) never push the letters below 15 mm.
	shift.weight, del.weight = 3, 3
	return [][]keyDef{
		k.chars(letters[0]),
		k.chars(letters[1]),
		append(append([]keyDef{shift}, k.chars(letters[2])...), del),
		last,
	}
}

// build shows the keys of the current page: letters, capitals or symbols.
// Each page's keys are made once and kept, so a key press that changes no
// page costs no new widgets.
func (k *Keyboard) build() {
	state := [3]bool{k.symbols, k.shift && !k.symbols, k.accents}
	if k.pages == nil {
		k.pages = map[[3]bool][]fyne.CanvasObject{}
	} else if state == k.showing {
		return
	}
	k.showing = state
	if page, ok := k.pages[state]; ok {
		k.rows.Objects = page
		k.rows.Refresh()
		return
	}
	pad := k.mode == KeyboardDigits || k.mode == KeyboardPhone
	var rows []fyne.CanvasObject
	for _, row := range k.layout() {
		var keys []fyne.CanvasObject
		var weights []float32
		for _, d := range row {
			weights = append(weights, d.weight)
			if d.label == "" && d.press == nil {
				keys = append(keys, layout.NewSpacer()) // a gap in the pad
				continue
			}
			keys = append(keys, k.key(d))
		}
		unit := keyMinWidth()
		if pad {
			unit = padKeyWidth()
		}
		rows = append(rows, container.New(&weightedRow{weights: weights, unit: unit}, keys...))
	}
	if pad {
		// A pad is no wider than a telephone's: centred, not stretched.
		rows = []fyne.CanvasObject{container.NewCenter(container.NewVBox(rows...))}
	}
	k.pages[state] = rows
	k.rows.Objects = rows
	k.rows.Refresh()
}

func (k *Keyboard) key(d keyDef) *Tile {
	press := d.press
	if press == nil {
		r, label := d.r, d.label
		press = func() {
			k.target.TypedRune(r)
			if k.shift && !k.symbols {
				k.shift = false
			}
			k.autoShift()
			k.build()
			k.pressed(label)
		}
	}
	text := SizeTileText
	if len([]rune(d.label)) > 1 {
		text = theme.SizeNameText // Löschen, Leerzeichen: words, not letters
	}
	return NewStyledTile(d.label, nil, ColorBar, ColorBarText, SizeKey, text, press)
}

// pressed tells OnKey (speech) and OnPress what was pressed. (An echo of
// the last key beside the field, a grey box without a label that looked
// like a disabled button, is gone: the field itself shows what is typed.)
func (k *Keyboard) pressed(name string) {
	if k.OnKey != nil {
		k.OnKey(name)
	}
	if k.OnPress != nil {
		k.OnPress()
	}
}

// autoShift turns the capital on at the start of a word.
func (k *Keyboard) autoShift() {
	if !k.autoCap || k.symbols {
		return
	}
	t := k.target.Text()
	k.shift = t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "-")
}
