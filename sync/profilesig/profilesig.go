// Package profilesig signs the profile bundles a portal publishes and
// checks them on the kiosk. A profile sets the staff PIN and the guides,
// so a kiosk runs only a bundle the portal's signing key vouches for: a
// JWS (EdDSA, Ed25519) over the bundle's version and SHA-256. The kiosk
// pins the signing key at enrolment, verified by the enrolment code's
// fingerprint (see sync/enrolcode).
package profilesig

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Header carries the signature with a profile download.
const Header = "Lotse-Profile-Signature"

// claims is what the portal signs.
type claims struct {
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
}

// Sign vouches for bundle as profile version.
func Sign(key ed25519.PrivateKey, version int, bundle []byte) (string, error) {
	sum := sha256.Sum256(bundle)
	payload, err := json.Marshal(claims{Version: version, SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key}, nil)
	if err != nil {
		return "", fmt.Errorf("profile signature: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("profile signature: %w", err)
	}
	return obj.CompactSerialize()
}

// ErrBadSignature means a bundle the portal's key does not vouch for.
var ErrBadSignature = errors.New("profile not signed by the portal this kiosk enrolled with")

// Verify checks that sig is the portal's signature of bundle as version.
func Verify(key ed25519.PublicKey, sig string, version int, bundle []byte) error {
	if len(key) != ed25519.PublicKeySize {
		return fmt.Errorf("%w (no signing key pinned: enrol the kiosk again)", ErrBadSignature)
	}
	if sig == "" {
		return fmt.Errorf("%w (unsigned)", ErrBadSignature)
	}
	obj, err := jose.ParseSignedCompact(sig, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	payload, err := obj.Verify(key)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	sum := sha256.Sum256(bundle)
	if c.Version != version || c.SHA256 != hex.EncodeToString(sum[:]) {
		return fmt.Errorf("%w: signed for version %d with another content", ErrBadSignature, c.Version)
	}
	return nil
}
