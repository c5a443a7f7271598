package reader

import (
	"strings"
	"time"
)

// Magstripe frames a magnetic stripe reader in keyboard-wedge style output:
// track 1 as %…?, track 2 as ;…?, then CR (or a pause). A track the
// reader could not read comes as %E? or ;E?. The card's id is track 2's
// number (the digits before "="), or track 1's when track 2 failed; the
// rest of the tracks, a name among it, is dropped at once.
type Magstripe struct {
	drops
	buf []byte
}

// magMax bounds a swipe: three tracks are under 250 characters.
const magMax = 512

// NewMagstripe returns a framer for magnetic stripe readers.
func NewMagstripe() *Magstripe { return &Magstripe{} }

func (m *Magstripe) Feed(b []byte, now time.Time) []Card {
	var cards []Card
	for _, c := range b {
		if c == '\r' || c == '\n' {
			cards = append(cards, m.end()...)
			continue
		}
		if len(m.buf) >= magMax {
			m.add("too long")
			m.buf = m.buf[:0]
		}
		m.buf = append(m.buf, c)
	}
	return cards
}

func (m *Magstripe) Idle(time.Time) []Card { return m.end() }

func (m *Magstripe) end() []Card {
	if len(m.buf) == 0 {
		return nil
	}
	s := string(m.buf)
	// Overwrite the swipe before it is released: track data must not
	// linger in memory.
	for i := range m.buf {
		m.buf[i] = 0
	}
	m.buf = m.buf[:0]
	t1, ok1 := track(s, '%')
	t2, ok2 := track(s, ';')
	if !ok1 && !ok2 {
		m.add("no track")
		return nil
	}
	if ok2 && t2 != "E" {
		id, _, _ := strings.Cut(t2, "=")
		if digits(id) {
			return []Card{{Kind: "magstripe", ID: id}}
		}
		m.add("track 2 malformed")
		return unreadable("magstripe")
	}
	if ok1 && t1 != "E" && len(t1) > 1 && t1[0] == 'B' {
		id, _, _ := strings.Cut(t1[1:], "^")
		if digits(id) {
			return []Card{{Kind: "magstripe", ID: id}}
		}
		m.add("track 1 malformed")
		return unreadable("magstripe")
	}
	m.add("read error")
	return unreadable("magstripe")
}

// unreadable is the event for a card that was there but not read.
func unreadable(kind string) []Card { return []Card{{Kind: kind, Unreadable: true}} }

// track returns the data between start and the next '?'.
func track(s string, start byte) (string, bool) {
	i := strings.IndexByte(s, start)
	if i < 0 {
		return "", false
	}
	rest := s[i+1:]
	j := strings.IndexByte(rest, '?')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

func digits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
