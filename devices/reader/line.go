package reader

import "time"

// Line frames a line (barcode) scanner: a code ends with CR, LF or CR LF,
// or with a pause when the scanner sends no terminator.
type Line struct {
	drops
	buf    []byte
	lastAt time.Time
}

// lineMax bounds one code.
const lineMax = 128

// NewLine returns a framer for line scanners.
func NewLine() *Line { return &Line{} }

func (l *Line) Feed(b []byte, now time.Time) []Card {
	var cards []Card
	if len(l.buf) > 0 && now.Sub(l.lastAt) >= idleGap {
		cards = append(cards, l.end()...)
	}
	l.lastAt = now
	for _, c := range b {
		switch {
		case c == '\r' || c == '\n':
			cards = append(cards, l.end()...)
		case c < 0x20 || c > 0x7E:
			l.add("not printable")
			l.buf = l.buf[:0]
		case len(l.buf) >= lineMax:
			l.add("too long")
			l.buf = l.buf[:0]
		default:
			l.buf = append(l.buf, c)
		}
	}
	return cards
}

func (l *Line) Idle(now time.Time) []Card {
	if len(l.buf) > 0 && now.Sub(l.lastAt) >= idleGap {
		return l.end()
	}
	return nil
}

func (l *Line) end() []Card {
	if len(l.buf) == 0 {
		return nil // the LF of a CR LF
	}
	c := Card{Kind: "barcode", ID: string(l.buf)}
	l.buf = l.buf[:0]
	return []Card{c}
}
