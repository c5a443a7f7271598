package portal

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"lotse/sync/seal"
)

// Keys are the portal's private keys: the RSA key kiosks seal to and the
// Ed25519 key profiles are signed with. Every instance of one portal has
// the same (its data folder, or a copy of it).
type Keys struct {
	Seal *rsa.PrivateKey
	Sign ed25519.PrivateKey
}

// LoadKeys reads the portal's keys from dir, making them on first start:
// RSA of bits (3072 when 0, as BSI TR-02102 asks; tests use 2048 for
// speed).
func LoadKeys(dir string, bits int) (*Keys, error) {
	if bits == 0 {
		bits = 3072
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("portal data folder: %w", err)
	}
	key, err := loadOrCreateKey(dir, bits)
	if err != nil {
		return nil, err
	}
	sign, err := loadOrCreateSigningKey(dir)
	if err != nil {
		return nil, err
	}
	return &Keys{Seal: key, Sign: sign}, nil
}

// loadOrCreateKey reads the portal's private key from dir, creating it on
// first start. Only the portal holds it; kiosks pin the public half.
func loadOrCreateKey(dir string, bits int) (*rsa.PrivateKey, error) {
	k, err := loadOrCreate(filepath.Join(dir, "portal-key.pem"), func() (crypto.Signer, error) {
		return rsa.GenerateKey(rand.Reader, bits)
	})
	if err != nil {
		return nil, err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("portal key in %s: not RSA", dir)
	}
	return key, nil
}

// loadOrCreateSigningKey reads the key the portal signs profiles with,
// creating it on first start. Kiosks pin its public half at enrolment.
func loadOrCreateSigningKey(dir string) (ed25519.PrivateKey, error) {
	k, err := loadOrCreate(filepath.Join(dir, "portal-signing-key.pem"), func() (crypto.Signer, error) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	})
	if err != nil {
		return nil, err
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("portal signing key in %s: not Ed25519", dir)
	}
	return key, nil
}

// loadOrCreate reads a PKCS #8 private key from path, or makes one with
// generate and writes it readable by the portal's user only.
func loadOrCreate(path string, generate func() (crypto.Signer, error)) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := generate()
		if err != nil {
			return nil, fmt.Errorf("portal key %s: %w", path, err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(path, out, 0o600); err != nil {
			return nil, fmt.Errorf("portal key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("portal key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("portal key %s: not PEM", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("portal key %s: %w", path, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("portal key %s: not a private key", path)
	}
	return signer, nil
}

// keyDERs are the portal's public keys as the enrolment code's
// fingerprint covers them: the sealing key, then the signing key.
func (e *Enrolment) keyDERs() [][]byte {
	return [][]byte{e.pubDER, e.signPubDER}
}

// PublicKey is what kiosks pin at enrolment.
func (s *Server) PublicKey() seal.Key {
	return seal.Key{ID: s.kid, Public: &s.key.PublicKey}
}
