// Package credential is how guides' cards and PINs are registered at the
// portal and checked at the kiosk: card ids as SHA-256 hashes, PINs as
// bcrypt hashes. Neither side ever stores a card number or a PIN.
package credential

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// HashCard is how a card id is kept: SHA-256, hex, of the id in capitals
// as the reader reports it.
func HashCard(id string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(id))))
	return hex.EncodeToString(h[:])
}

// HashPIN is the bcrypt hash of a PIN.
func HashPIN(pin string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	return string(b), err
}

// CheckPIN says pin matches hash.
func CheckPIN(hash, pin string) bool {
	return hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil
}

// ValidPINHash says hash is a bcrypt hash.
func ValidPINHash(hash string) bool {
	_, err := bcrypt.Cost([]byte(hash))
	return err == nil
}
