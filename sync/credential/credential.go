// Package credential is how guides' cards and PINs and the staff PIN are
// registered at the portal and checked at the kiosk. Both are keyed with
// the site's secret (HMAC-SHA256), which the portal hands each kiosk of
// the site over its authenticated channel and never puts in a profile: a
// profile that leaks (a copy of the zip, a kiosk's download) holds only
// values nobody can test guesses against. PINs are bcrypt-hashed on top,
// so even with the key a PIN costs a bcrypt per guess. Neither side
// stores a card number or a PIN.
package credential

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// KeySize is the length of a site key in bytes.
const KeySize = 32

// prefix marks a keyed hash; hashes of the first release (plain SHA-256
// of a card id, bcrypt of a bare PIN) have none and are refused. A PIN's
// hash is argon2id (pinPrefix); "k1:" bcrypt hashes of PINs from before
// are still checked until the profile is published again.
const (
	prefix    = "k1:"
	pinPrefix = "k2:"
)

// Argon2id for PINs: 64 MiB and three passes, 0.18 to 0.34 seconds
// on one core here. With the site key (a stolen kiosk has it) the whole
// space of 6-digit PINs then costs two to four days on one core; a guess
// at the kiosk costs its owner a fraction of a second. (bcrypt of cost 10
// let 10^4 PINs fall in 2.5 minutes.)
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 1
	argonLen     = 32
)

// Kind is what a PIN opens; a guide's PIN never opens the staff area.
type Kind string

const (
	Guide Kind = "guide"
	Staff Kind = "staff"
)

// MinDigits is the shortest PIN of each kind: the staff area can change
// what every resident sees, so its PIN is longer.
var MinDigits = map[Kind]int{Guide: 6, Staff: 6}

// ErrNoKey means the kiosk has no site key yet: it gets it at enrolment
// and with every heartbeat.
var ErrNoKey = errors.New("no site key")

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// HashCard is how a card id is kept: keyed, of the id in capitals as the
// reader reports it.
func HashCard(key []byte, id string) (string, error) {
	if len(key) != KeySize {
		return "", ErrNoKey
	}
	return prefix + hex.EncodeToString(mac(key, "card", strings.ToUpper(strings.TrimSpace(id)))), nil
}

// CheckPINFormat says what is wrong with pin for kind ("" when nothing).
func CheckPINFormat(kind Kind, pin string) error {
	min, ok := MinDigits[kind]
	if !ok {
		return fmt.Errorf("PIN for %q: want guide or staff", kind)
	}
	if len(pin) < min || len(pin) > 12 || strings.Trim(pin, "0123456789") != "" {
		return fmt.Errorf("a %s PIN has %d to 12 digits", kind, min)
	}
	return nil
}

// HashPIN is the keyed argon2id hash of a PIN of kind.
func HashPIN(key []byte, kind Kind, pin string) (string, error) {
	if len(key) != KeySize {
		return "", ErrNoKey
	}
	if err := CheckPINFormat(kind, pin); err != nil {
		return "", err
	}
	return pinPrefix + base64.RawStdEncoding.EncodeToString(pinDigest(key, kind, pin)), nil
}

// pinInput is the keyed PIN: 44 characters (under bcrypt's 72-byte limit,
// for the hashes from before).
func pinInput(key []byte, kind Kind, pin string) []byte {
	return []byte(base64.StdEncoding.EncodeToString(mac(key, "pin", string(kind), pin)))
}

// pinDigest is argon2id of the keyed PIN. Its salt is the site's and the
// kind's (from the site key), not the guide's: a PIN typed at the kiosk
// is hashed once and compared with every guide's hash, not once per
// guide at a third of a second each.
func pinDigest(key []byte, kind Kind, pin string) []byte {
	salt := mac(key, "pin salt", string(kind))[:16]
	return argon2.IDKey(pinInput(key, kind, pin), salt, argonTime, argonMemory, argonThreads, argonLen)
}

// CheckPIN says pin of kind matches hash under key.
func CheckPIN(key []byte, kind Kind, hash, pin string) bool {
	return MatchPIN(key, kind, pin, []string{hash}) == 0
}

// MatchPIN is the index of the hash in hashes that pin of kind matches
// under key (-1: none), hashing the PIN once.
func MatchPIN(key []byte, kind Kind, pin string, hashes []string) int {
	if len(key) != KeySize || pin == "" {
		return -1
	}
	var digest []byte
	for i, h := range hashes {
		if b, ok := strings.CutPrefix(h, pinPrefix); ok {
			want, err := base64.RawStdEncoding.DecodeString(b)
			if err != nil || len(want) != argonLen {
				continue
			}
			if digest == nil {
				digest = pinDigest(key, kind, pin)
			}
			if subtle.ConstantTimeCompare(digest, want) == 1 {
				return i
			}
		} else if b, ok := strings.CutPrefix(h, prefix); ok && bcrypt.CompareHashAndPassword([]byte(b), pinInput(key, kind, pin)) == nil {
			return i
		}
	}
	return -1
}

// CheckCard says id matches the card hash under key.
func CheckCard(key []byte, hash, id string) bool {
	h, err := HashCard(key, id)
	return err == nil && hmac.Equal([]byte(h), []byte(hash))
}

var cardHash = regexp.MustCompile(`^k1:[0-9a-f]{64}$`)

// ValidCardHash and ValidPINHash say a profile's value is a keyed hash.
func ValidCardHash(h string) bool { return cardHash.MatchString(h) }

func ValidPINHash(h string) bool {
	if b, ok := strings.CutPrefix(h, pinPrefix); ok {
		d, err := base64.RawStdEncoding.DecodeString(b)
		return err == nil && len(d) == argonLen
	}
	b, ok := strings.CutPrefix(h, prefix)
	if !ok {
		return false
	}
	_, err := bcrypt.Cost([]byte(b))
	return err == nil
}

// HashContact is how a resident's phone number or e-mail address is kept
// for the limit of appointments per contact: keyed, of its normal form
// (NormalContact), so "0171 234 56 78", "+49 (0) 171 2345678" and
// "0049 0171 2345678" are one contact, and so are "Name+1@Example.org"
// and "name@example.org".
func HashContact(key []byte, contact string) (string, error) {
	if len(key) != KeySize {
		return "", ErrNoKey
	}
	return prefix + hex.EncodeToString(mac(key, "contact", NormalContact(contact))), nil
}

// NormalContact is the one form of a phone number or e-mail address that
// every way of writing it shares: a number in E.164 (German when it has no
// country code; libphonenumber's rules, so a "(0)" after +49 is dropped),
// an address in lower case without its sub-address ("+tag") and, at
// Gmail, without the dots Gmail ignores.
func NormalContact(contact string) string {
	c := strings.ToLower(strings.TrimSpace(contact))
	if local, domain, ok := strings.Cut(c, "@"); ok {
		local, _, _ = strings.Cut(local, "+")
		if domain == "googlemail.com" {
			domain = "gmail.com"
		}
		if domain == "gmail.com" {
			local = strings.ReplaceAll(local, ".", "")
		}
		return local + "@" + domain
	}
	if n, err := phonenumbers.Parse(c, "DE"); err == nil {
		return phonenumbers.Format(n, phonenumbers.E164)
	}
	var b strings.Builder // not a number libphonenumber knows: its digits
	for _, r := range c {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
