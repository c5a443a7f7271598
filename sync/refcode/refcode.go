// Package refcode makes the reference codes residents take home, such as
// LT-7K3M-9QPD: short, easy to read aloud (no 0/O or 1/I), with a check
// character that catches any one mistyped character and any swap of two
// neighbours. A kiosk makes them offline: the first characters are the
// kiosk's number from enrolment, so codes from different kiosks never
// collide, and the kiosk's own outbox keeps its codes unique.
//
// The first 1,024 kiosks of a portal carry their number in two characters
// (LT-7K3M-9QPD, as every code printed so far); a Land-wide portal's
// further kiosks in four, with two characters more (LT-227K-3M9Q-PD):
// 1,048,576 kiosks in all, and the short codes keep resolving.
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
	// ShortKiosks is how many kiosk numbers the short form's two
	// characters hold; MaxKiosks how many the long form's four hold.
	ShortKiosks = 32 * 32
	MaxKiosks   = 32 * 32 * 32 * 32
	// The bodies without prefix and dashes: kiosk, five random
	// characters, check.
	shortLen = 2 + 5 + 1
	longLen  = 4 + 5 + 1
)

// New makes a fresh code for kiosk number n (0 ≤ n < MaxKiosks).
func New(kiosk int) (string, error) {
	if kiosk < 0 || kiosk >= MaxKiosks {
		return "", fmt.Errorf("reference code: kiosk number %d outside 0..%d", kiosk, MaxKiosks-1)
	}
	var body []byte
	if kiosk < ShortKiosks {
		body = []byte{Alphabet[kiosk/32], Alphabet[kiosk%32]}
	} else {
		body = []byte{Alphabet[kiosk>>15&31], Alphabet[kiosk>>10&31], Alphabet[kiosk>>5&31], Alphabet[kiosk&31]}
	}
	for range 5 {
		i, err := rand.Int(rand.Reader, big.NewInt(32))
		if err != nil {
			return "", fmt.Errorf("reference code: %w", err)
		}
		body = append(body, Alphabet[i.Int64()])
	}
	body = append(body, check(string(body)))
	return format(string(body)), nil
}

// format is a body as printed: LT-7K3M-9QPD, LT-227K-3M9Q-PD.
func format(body string) string {
	if len(body) == shortLen {
		return prefix + body[:4] + "-" + body[4:]
	}
	return prefix + body[:4] + "-" + body[4:8] + "-" + body[8:]
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
	if len(s) != shortLen && len(s) != longLen {
		return "", ErrInvalid
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(Alphabet, s[i]) < 0 {
			return "", ErrInvalid
		}
	}
	if check(s[:len(s)-1]) != s[len(s)-1] {
		return "", ErrInvalid
	}
	return format(s), nil
}

// KioskNumber is the number of the kiosk that made code (a valid code in
// its normal form, as Parse returns it).
func KioskNumber(code string) (int, error) {
	n, err := Parse(code)
	if err != nil {
		return 0, err
	}
	body := strings.ReplaceAll(n[len(prefix):], "-", "")
	digits := 2
	if len(body) == longLen {
		digits = 4
	}
	k := 0
	for i := range digits {
		k = k*32 + strings.IndexByte(Alphabet, body[i])
	}
	return k, nil
}
