// Package escpos encodes print jobs as ESC/POS bytes for a printer profile,
// and drives a printer over a serial line. The encoder does no I/O: a Doc's
// bytes are exactly what goes down the line, so the simulator and the tests
// can check every one of them.
package escpos

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Command bytes used below. Names follow the Epson ESC/POS reference.
const (
	ESC = 0x1B
	GS  = 0x1D
	DLE = 0x10
	EOT = 0x04
	LF  = 0x0A
)

// Align is a justification for ESC a.
type Align byte

const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// Doc builds one print job for one printer profile.
type Doc struct {
	buf     []byte
	profile Profile
	cm      *charmap.Charmap
	width   int // current character width multiplier
}

// New starts a job: reset the printer, choose the international character
// set and the code page. ESC R 0 matters: the German set swaps @[\]{|}~ for
// umlauts, which would break every URL we print.
func New(p Profile) *Doc {
	n, cm := p.CodePage()
	d := &Doc{profile: p, cm: cm, width: 1}
	d.buf = append(d.buf, ESC, '@', ESC, 'R', 0, ESC, 't', byte(n))
	return d
}

// Bytes returns the encoded job.
func (d *Doc) Bytes() []byte { return d.buf }

// Profile is the printer the job is for.
func (d *Doc) Profile() Profile { return d.profile }

// Align sets the justification of the following lines.
func (d *Doc) Align(a Align) *Doc {
	d.buf = append(d.buf, ESC, 'a', byte(a))
	return d
}

// Bold switches emphasis on or off.
func (d *Doc) Bold(on bool) *Doc {
	d.buf = append(d.buf, ESC, 'E', boolByte(on))
	return d
}

// Size sets character magnification, 1..8 in each direction (GS !).
func (d *Doc) Size(width, height int) *Doc {
	w, h := clamp(width, 1, 8), clamp(height, 1, 8)
	d.width = w
	d.buf = append(d.buf, GS, '!', byte((w-1)<<4|(h-1)))
	return d
}

// Line prints text wrapped at word boundaries to the line length at the
// current character width, one printed line per LF.
func (d *Doc) Line(text string) *Doc {
	for _, l := range Wrap(text, d.Columns()) {
		d.buf = append(d.buf, d.Encode(l)...)
		d.buf = append(d.buf, LF)
	}
	return d
}

// Columns is how many characters fit on a line at the current width.
func (d *Doc) Columns() int { return max(1, d.profile.Columns()/d.width) }

// Rule prints a line of dashes across the paper.
func (d *Doc) Rule() *Doc { return d.Line(strings.Repeat("-", d.Columns())) }

// Feed advances the paper by n lines.
func (d *Doc) Feed(n int) *Doc {
	d.buf = append(d.buf, ESC, 'd', byte(clamp(n, 0, 255)))
	return d
}

// Cut feeds to the cutter and cuts partially (GS V 66 0).
func (d *Doc) Cut() *Doc {
	d.buf = append(d.buf, GS, 'V', 66, 0)
	return d
}

// Encode converts text to the job's code page. Control characters become
// spaces: text from a catalogue or a visitor must never smuggle a printer
// command in. A character the code page lacks becomes '?', and € without a
// euro sign becomes "EUR".
func (d *Doc) Encode(text string) []byte { return encodeWith(d.cm, text) }

// Encode converts text to CP858, the code page of the standard profile.
func Encode(text string) []byte { return encodeWith(charmap.CodePage858, text) }

func encodeWith(cm *charmap.Charmap, text string) []byte {
	out := make([]byte, 0, len(text))
	for _, r := range text {
		if r < 0x20 || r == 0x7F {
			out = append(out, ' ')
			continue
		}
		b, ok := cm.EncodeRune(r)
		switch {
		case ok:
			out = append(out, b)
		case r == '€':
			out = append(out, "EUR"...)
		default:
			out = append(out, '?')
		}
	}
	return out
}

// Decode converts CP858 bytes back to text, for the simulator and tests.
func Decode(b []byte) string { return DecodeWith(charmap.CodePage858, b) }

// DecodeWith converts bytes in the given code page back to text. With no
// code page (one whose characters are not known here), the ASCII half is
// read and every other byte becomes '?'.
func DecodeWith(cm *charmap.Charmap, b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		switch {
		case cm != nil:
			rs[i] = cm.DecodeByte(c)
		case c < 0x80:
			rs[i] = rune(c)
		default:
			rs[i] = '?'
		}
	}
	return string(rs)
}

// Wrap breaks text into lines of at most width characters, at spaces where
// it can and inside a word only when the word alone is too long. Explicit
// line breaks are kept.
func Wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > width {
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				rs := []rune(word)
				lines = append(lines, string(rs[:width]))
				word = string(rs[width:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func clamp(v, lo, hi int) int {
	return max(lo, min(hi, v))
}
