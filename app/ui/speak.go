package ui

import (
	"lotse/app/ui/widgets"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// Script is what the screen showing says when read aloud, in the
// visitor's language: its texts in reading order (title, question,
// messages), then the choices with their numbers, what was typed (never a
// PIN: each of its characters is "Stern"), and how to go on. It is built
// from the laid-out widgets, so every screen has one and it always says
// what is on the screen.
func (k *Kiosk) Script() string {
	var texts, options []string
	var field *widgets.Field
	var read func(o fyne.CanvasObject)
	read = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widgets.Tile:
			if !o.InBar {
				options = append(options, o.Label())
			}
			return
		case *widgets.Keyboard:
			return // the keys are not read out one by one; the hint says there is a keyboard
		case *widgets.Field:
			field = o
			return
		case *widget.Label:
			texts = append(texts, o.Text)
			return
		case *widget.RichText:
			texts = append(texts, o.String())
			return
		case *canvas.Text:
			texts = append(texts, o.Text)
			return
		case *fyne.Container:
			for _, c := range o.Objects {
				read(c)
			}
		case fyne.Widget:
			for _, c := range widgetObjects(o) {
				read(c)
			}
		}
	}
	read(k.win.Content())
	var b strings.Builder
	for _, t := range texts {
		sentence(&b, t)
	}
	if len(options) > 0 {
		sentence(&b, k.v.tr.T("speech_options"))
		for i, o := range options {
			sentence(&b, k.v.tr.T("speech_option", map[string]any{"N": i + 1, "Label": o}))
		}
	}
	if field != nil {
		switch {
		case field.Text() == "":
			sentence(&b, k.v.tr.T("speech_empty"))
		default:
			sentence(&b, k.v.tr.T("speech_value", map[string]any{"Value": k.voice.spoken(field)}))
		}
	}
	sentence(&b, k.v.tr.T("speech_how"))
	return strings.TrimSpace(b.String())
}

// spoken is a field's text as it may be said: a masked field (a PIN) is
// "Stern" per character, never its digits.
func (k voiceControls) spoken(f *widgets.Field) string {
	if f.Masked {
		return strings.TrimSpace(strings.Repeat(k.v.tr.T("speech_star")+" ", len([]rune(f.Text()))))
	}
	return f.Text()
}

// sentence adds s as a sentence: a full stop where it has none, so the
// voice pauses between a heading and what follows.
func sentence(b *strings.Builder, s string) {
	// A line break ends a thought; " · " separates like a comma; the
	// middle dot inside words of Leichte Sprache (Bild·schirm) is for
	// the eye only.
	s = strings.NewReplacer("\n", ". ", " · ", ", ", "·", "").Replace(s)
	s = strings.TrimSpace(strings.ReplaceAll(s, ". . ", ". "))
	if s == "" {
		return
	}
	b.WriteString(s)
	if r := []rune(s); unicode.IsLetter(r[len(r)-1]) || unicode.IsDigit(r[len(r)-1]) {
		b.WriteString(".")
	}
	b.WriteString(" ")
}

// say speaks text in the visitor's language, if the kiosk has a voice.
func (k voiceControls) say(text string) {
	if k.deps.Speech != nil {
		k.deps.Speech.Say(k.v.tr.Lang(), text)
	}
}

// readAloud is the bar's Vorlesen: the current screen, once.
func (k voiceControls) readAloud() { k.say(k.Script()) }

// setSpeechMode switches reading every screen on arrival (and every key)
// on or off, and says so.
func (k voiceControls) setSpeechMode(on bool) {
	k.v.speechMode = on
	k.cur.redraw()
	if !on {
		k.say(k.v.tr.T("speech_mode_off"))
	}
}

// spokenKey is what a key press says in speech mode.
func (k voiceControls) spokenKey(target *widgets.Field, name string) {
	if !k.v.speechMode {
		return
	}
	if target != nil && target.Masked && name != k.v.tr.T("key_delete") {
		name = k.v.tr.T("speech_star")
	}
	k.say(name)
}

// targets are the screen's touch targets in reading order, bar last,
// for the keypad.
func (k voiceControls) targets() []*widgets.Tile {
	var main, bar []*widgets.Tile
	walkVisible(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) {
		if t, ok := o.(*widgets.Tile); ok && !t.Size().IsZero() {
			if t.InBar {
				bar = append(bar, t)
			} else if !isKey(t) {
				main = append(main, t)
			}
		}
	})
	return append(main, bar...)
}

// isKey says t is a key of the on-screen keyboard (the keypad types
// itself; it does not step through keys).
func isKey(t *widgets.Tile) bool { return t.MinHeight == widgets.SizeKey }

// keypadFocus moves the keypad focus to target i of the screen and says
// its label.
func (k voiceControls) keypadFocus(i int) {
	ts := k.targets()
	if len(ts) == 0 {
		return
	}
	i = (i%len(ts) + len(ts)) % len(ts)
	for _, t := range ts {
		if t.Focused {
			t.Focused = false
			t.Refresh()
		}
	}
	ts[i].Focused = true
	ts[i].Refresh()
	k.focus = i
	k.say(ts[i].Label())
}

// keypadRune handles the keys of a numeric keypad (or any keyboard) when
// no text field takes them: a digit picks that numbered choice, + and -
// step through the targets, * repeats the screen, / goes back.
func (k voiceControls) keypadRune(r rune) {
	k.idle.touch()
	switch {
	case r >= '1' && r <= '9':
		k.keypadFocus(int(r - '1'))
	case r == '+':
		k.keypadFocus(k.focus + 1)
	case r == '-':
		k.keypadFocus(k.focus - 1)
	case r == '*':
		k.readAloud()
	case r == '/':
		k.back()
	}
}

// keypadKey handles Enter (activate the focused target), arrows and Tab
// (step), Backspace and Escape (back).
func (k voiceControls) keypadKey(ev *fyne.KeyEvent) {
	k.idle.touch()
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		ts := k.targets()
		if k.focus >= 0 && k.focus < len(ts) && ts[k.focus].Focused {
			ts[k.focus].Tapped(nil)
		}
	case fyne.KeyDown, fyne.KeyRight, fyne.KeyTab:
		k.keypadFocus(k.focus + 1)
	case fyne.KeyUp, fyne.KeyLeft:
		k.keypadFocus(k.focus - 1)
	case fyne.KeyBackspace, fyne.KeyEscape:
		k.back()
	}
}
