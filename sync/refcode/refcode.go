// Package refcode makes the reference codes residents take home, such as
// LT-7K3M-9QPD: short, easy to read aloud (no 0/O or 1/I), with a check
// character that catches any one mistyped character and any swap of two
// neighbours. A kiosk makes them offline: the first two characters are the
// kiosk's number from enrolment, so codes from different kiosks never
// collide, and the kiosk's own outbox keeps its codes unique.
package refcode

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Alphabet has 32 characters: digits and capitals without 0, 1, I and O.
const Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

const (
	prefix = "LT-"
	// MaxKiosks is how many kiosk numbers two characters hold.
	MaxKiosks = 32 * 32
)

// New makes a fresh code for kiosk number n (0 ≤ n < MaxKiosks).
func New(kiosk int) (string, error) {
	if kiosk < 0 || kiosk >= MaxKiosks {
		return "", fmt.Errorf("reference code: kiosk number %d outside 0..%d", kiosk, MaxKiosks-1)
	}
	body := []byte{Alphabet[kiosk/32], Alphabet[kiosk%32]}
	for range 5 {
		i, err := rand.Int(rand.Reader, big.NewInt(32))
		if err != nil {
			return "", fmt.Errorf("reference code: %w", err)
		}
		body = append(body, Alphabet[i.Int64()])
	}
	body = append(body, check(string(body)))
	return prefix + string(body[:4]) + "-" + string(body[4:]), nil
}

// check is the Luhn mod 32 check character of s.
func check(s string) byte {
	factor, sum := 2, 0
	for i := len(s) - 1; i >= 0; i-- {
		add := factor * strings.IndexByte(Alphabet, s[i])
		factor = 3 - factor
		sum += add/32 + add%32
	}
	return Alphabet[(32-sum%32)%32]
}

var separators = strings.NewReplacer(" ", "", "-", "")

// ErrInvalid means the text is not a reference code.
var ErrInvalid = errors.New("not a valid reference code")

// Parse normalises what a resident typed or a scanner read ("lt 7k3m 9qpd")
// and checks it.
func Parse(s string) (string, error) {
	s = strings.ToUpper(separators.Replace(strings.TrimSpace(s)))
	s = strings.TrimPrefix(s, "LT")
	if len(s) != 8 {
		return "", ErrInvalid
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(Alphabet, s[i]) < 0 {
			return "", ErrInvalid
		}
	}
	if check(s[:7]) != s[7] {
		return "", ErrInvalid
	}
	return prefix + s[:4] + "-" + s[4:], nil
}

// KioskNumber is the number of the kiosk that made code (a valid code in
// its normal form, as Parse returns it).
func KioskNumber(code string) (int, error) {
	n, err := Parse(code)
	if err != nil {
		return 0, err
	}
	body := n[len(prefix):]
	return strings.IndexByte(Alphabet, body[0])*32 + strings.IndexByte(Alphabet, body[1]), nil
}
