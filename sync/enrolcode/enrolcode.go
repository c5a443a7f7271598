// Package enrolcode makes and reads the one-time codes staff give a kiosk
// to enrol with, such as 7K3M-9QPD-XH4T-2BWE. The first two groups are
// the secret the portal checks; the last two are a fingerprint of the
// portal's keys, keyed with that secret, that the kiosk checks before it
// pins any key. A proxy that sees the enrolment can learn the secret, but
// it cannot answer with keys of its own: it would have to find keys whose
// 40-bit fingerprint matches within the request's lifetime.
//
// The code is read aloud over the phone or typed from a sheet, so it uses
// the reference-code alphabet (no 0/O, 1/I) and ignores case, spaces and
// dashes.
package enrolcode

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"

	"lotse/sync/refcode"
)

const (
	secretLen      = 8
	fingerprintLen = 8
)

// ErrInvalid means the text is not an enrolment code.
var ErrInvalid = errors.New("not an enrolment code: want four groups of four letters and digits, e.g. 7K3M-9QPD-XH4T-2BWE")

// ErrNoFingerprint means an old, two-group code without the portal's
// fingerprint: a kiosk can not verify the keys it would get with it.
var ErrNoFingerprint = errors.New("this enrolment code has no fingerprint of the portal's key (an old 8-character code): make a new one with lotse-portal enroll-code")

// New makes a fresh code for a portal whose public keys are keys (DER or
// any stable encoding, in a fixed order). It returns the whole code for
// staff and the secret the portal keeps a hash of.
func New(keys ...[]byte) (code, secret string, err error) {
	b := make([]byte, secretLen)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	for i := range b {
		// 256 is a multiple of 32: every character equally likely.
		b[i] = refcode.Alphabet[int(b[i])%len(refcode.Alphabet)]
	}
	secret = string(b)
	return group(secret + Fingerprint(secret, keys...)), secret, nil
}

// Parse normalises a code as typed and splits it into its secret and the
// fingerprint the kiosk must find in the portal's keys.
func Parse(code string) (secret, fingerprint string, err error) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(refcode.Alphabet, s[i]) < 0 {
			return "", "", ErrInvalid
		}
	}
	switch len(s) {
	case secretLen + fingerprintLen:
		return s[:secretLen], s[secretLen:], nil
	case secretLen:
		return "", "", ErrNoFingerprint
	}
	return "", "", ErrInvalid
}

// NormalSecret is the secret part as the portal hashes it; ok is false
// for anything that is not a code (old two-group codes included).
func NormalSecret(code string) (string, bool) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
	if len(s) != secretLen && len(s) != secretLen+fingerprintLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(refcode.Alphabet, s[i]) < 0 {
			return "", false
		}
	}
	return s[:secretLen], true
}

// Fingerprint is 40 bits of HMAC-SHA256(secret, keys) in the code
// alphabet. Keying it with the secret means no one can prepare keys for a
// portal's fingerprint in advance.
func Fingerprint(secret string, keys ...[]byte) string {
	m := hmac.New(sha256.New, []byte("lotse-enrol-v1:"+secret))
	for _, k := range keys {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(k)>>24), byte(len(k)>>16), byte(len(k)>>8), byte(len(k))
		m.Write(n[:]) // length-prefixed: no two key lists hash alike
		m.Write(k)
	}
	sum := m.Sum(nil)
	// 8 characters × 5 bits from the first 5 bytes.
	var v uint64
	for _, c := range sum[:5] {
		v = v<<8 | uint64(c)
	}
	out := make([]byte, fingerprintLen)
	for i := fingerprintLen - 1; i >= 0; i-- {
		out[i] = refcode.Alphabet[v&31]
		v >>= 5
	}
	return string(out)
}

// Verify says whether the keys a portal answered with are the ones the
// code was made for.
func Verify(code string, keys ...[]byte) error {
	secret, fp, err := Parse(code)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(Fingerprint(secret, keys...)), []byte(fp)) {
		return ErrMismatch
	}
	return nil
}

// ErrMismatch means the portal's keys are not the ones in the code:
// somebody between the kiosk and the portal answered instead.
var ErrMismatch = errors.New("the portal's keys do not match the fingerprint in the enrolment code: someone may be intercepting the connection; nothing was saved")

func group(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}
