package portal

import (
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

// loadOrCreateKey reads the portal's private key from dir, creating it on
// first start. Only the portal holds it; kiosks pin the public half.
func loadOrCreateKey(dir string, bits int) (*rsa.PrivateKey, error) {
	path := filepath.Join(dir, "portal-key.pem")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("portal key: %w", err)
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
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("portal key %s: not RSA", path)
	}
	return key, nil
}

// PublicKey is what kiosks pin at enrolment.
func (s *Server) PublicKey() seal.Key {
	return seal.Key{ID: s.kid, Public: &s.key.PublicKey}
}
