// Package escpos encodes print jobs as ESC/POS bytes. It does no I/O: the
// output of a Doc is exactly what goes down the serial line, which keeps it
// testable and lets the simulator check every byte.
package escpos

import (
	"golang.org/x/text/encoding/charmap"
)

// Command bytes used below. Names follow the Epson ESC/POS reference.
const (
	ESC = 0x1B
	GS  = 0x1D
	LF  = 0x0A
)

// Code page numbers for ESC t.
const (
	// CodePageCP858 is CP850 with € at 0xD5: umlauts, ß and the euro sign.
	CodePageCP858 = 19
)

// Align is a justification for ESC a.
type Align byte

const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// Doc builds one print job.
type Doc struct {
	buf     []byte
	columns int
}

// New starts a job for a printer with the given number of characters per
// line in font A, resetting the printer and choosing the international set
// and code page. ESC R 0 matters: the German set swaps @[\]{|}~ for umlauts,
// which would break every URL we print.
func New(columns int) *Doc {
	d := &Doc{columns: columns}
	d.buf = append(d.buf, ESC, '@', ESC, 'R', 0, ESC, 't', CodePageCP858)
	return d
}

// Bytes returns the encoded job.
func (d *Doc) Bytes() []byte { return d.buf }

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
	w, h := clamp(width, 1, 8)-1, clamp(height, 1, 8)-1
	d.buf = append(d.buf, GS, '!', byte(w<<4|h))
	return d
}

// Line prints text and ends the line. Characters the code page lacks are
// printed as '?', never dropped silently.
func (d *Doc) Line(text string) *Doc {
	d.buf = append(d.buf, Encode(text)...)
	d.buf = append(d.buf, LF)
	return d
}

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

// Encode converts text to CP858. Control characters become spaces: text that
// came from a catalogue or a visitor must never smuggle a printer command in.
func Encode(text string) []byte {
	enc := charmap.CodePage858
	out := make([]byte, 0, len(text))
	for _, r := range text {
		if r < 0x20 || r == 0x7F {
			out = append(out, ' ')
			continue
		}
		b, ok := enc.EncodeRune(r)
		if !ok {
			b = '?'
		}
		out = append(out, b)
	}
	return out
}

// Decode converts CP858 bytes back to text, for the simulator and tests.
func Decode(b []byte) string {
	dec := charmap.CodePage858
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = dec.DecodeByte(c)
	}
	return string(rs)
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
