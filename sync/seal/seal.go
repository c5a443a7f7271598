// Package seal encrypts a resident's submission on the kiosk, to the
// portal's public key, as FIT-Connect asks: JWE compact serialisation,
// RSA-OAEP-256 key wrapping, A256GCM content encryption, with kid and cty
// set. What stays readable outside the ciphertext is only what the queue
// and the portal need to route it: ids, service, time, reference code and
// size. A stolen kiosk holds nothing but ciphertext.
package seal

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Submission is what a resident entered, before sealing.
type Submission struct {
	ID      string            // the envelope's local UUID, also its idempotency key
	Service string            // service id from the catalogue
	Code    string            // reference code printed on the receipt
	Created time.Time         // UTC
	Test    bool              // synthetic (selftest), never a real case
	Guide   string            // the id of the guide who assisted, if any
	Data    map[string]string // the answers, by field id
}

// Envelope is a sealed submission: clear routing fields and the JWE.
type Envelope struct {
	ID      string    `json:"id"`
	Service string    `json:"service"`
	Code    string    `json:"code"`
	Created time.Time `json:"created"`
	Test    bool      `json:"test,omitempty"`
	Size    int       `json:"size"` // bytes of plaintext
	JWE     string    `json:"jwe"`
}

// plaintext is what the JWE carries.
type plaintext struct {
	Metadata Metadata        `json:"metadata"`
	Data     json.RawMessage `json:"data"`
}

// Metadata describes the sealed data, with its SHA-512 hash so the portal
// can check that what it decrypted is what the kiosk sealed.
type Metadata struct {
	ID      string    `json:"id"`
	Service string    `json:"service"`
	Code    string    `json:"code"`
	Created time.Time `json:"created"`
	Test    bool      `json:"test,omitempty"`
	Guide   string    `json:"guide,omitempty"` // the assisting guide's id, not a name
	SHA512  string    `json:"sha512"`          // hex, of the data JSON
}

// Key is the portal's public key as the kiosk pins it.
type Key struct {
	ID     string
	Public *rsa.PublicKey
}

// Seal encrypts s to key.
func Seal(s Submission, key Key) (Envelope, error) {
	if s.ID == "" || s.Code == "" || s.Service == "" {
		return Envelope{}, errors.New("seal: submission lacks id, code or service")
	}
	data, err := json.Marshal(s.Data)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal: %w", err)
	}
	sum := sha512.Sum512(data)
	created := s.Created.UTC()
	pt, err := json.Marshal(plaintext{
		Metadata: Metadata{ID: s.ID, Service: s.Service, Code: s.Code, Created: created, Test: s.Test, Guide: s.Guide, SHA512: hex.EncodeToString(sum[:])},
		Data:     data,
	})
	if err != nil {
		return Envelope{}, fmt.Errorf("seal: %w", err)
	}
	enc, err := jose.NewEncrypter(jose.A256GCM,
		jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.Public, KeyID: key.ID},
		(&jose.EncrypterOptions{}).WithContentType("application/json"))
	if err != nil {
		return Envelope{}, fmt.Errorf("seal: %w", err)
	}
	obj, err := enc.Encrypt(pt)
	clear(pt)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal: %w", err)
	}
	compact, err := obj.CompactSerialize()
	if err != nil {
		return Envelope{}, fmt.Errorf("seal: %w", err)
	}
	return Envelope{ID: s.ID, Service: s.Service, Code: s.Code, Created: created, Test: s.Test, Size: len(data), JWE: compact}, nil
}

// ErrUnknownKey is returned when an envelope was sealed to another key.
var ErrUnknownKey = errors.New("sealed to an unknown key")

// Open decrypts an envelope with the portal's private key (keys by kid),
// checks the hash and that the clear fields match the sealed ones.
func Open(e Envelope, keys map[string]*rsa.PrivateKey) (Metadata, map[string]string, error) {
	obj, err := jose.ParseEncryptedCompact(e.JWE, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open %s: %w", e.ID, err)
	}
	priv, ok := keys[obj.Header.KeyID]
	if !ok {
		return Metadata{}, nil, fmt.Errorf("open %s: kid %q: %w", e.ID, obj.Header.KeyID, ErrUnknownKey)
	}
	raw, err := obj.Decrypt(priv)
	if err != nil {
		return Metadata{}, nil, fmt.Errorf("open %s: %w", e.ID, err)
	}
	var pt plaintext
	if err := json.Unmarshal(raw, &pt); err != nil {
		return Metadata{}, nil, fmt.Errorf("open %s: %w", e.ID, err)
	}
	sum := sha512.Sum512(pt.Data)
	if hex.EncodeToString(sum[:]) != pt.Metadata.SHA512 {
		return Metadata{}, nil, fmt.Errorf("open %s: data does not match its SHA-512", e.ID)
	}
	m := pt.Metadata
	if m.ID != e.ID || m.Code != e.Code || m.Service != e.Service || m.Test != e.Test {
		return Metadata{}, nil, fmt.Errorf("open %s: clear fields differ from the sealed ones", e.ID)
	}
	var data map[string]string
	if err := json.Unmarshal(pt.Data, &data); err != nil {
		return Metadata{}, nil, fmt.Errorf("open %s: %w", e.ID, err)
	}
	return m, data, nil
}

// KeyID names a public key by its thumbprint, so kiosk and portal agree
// on it without coordination.
func KeyID(pub *rsa.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(tp[:16]), nil
}

// EncodePublic and DecodePublic move a public key as PEM (SPKI).
func EncodePublic(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

func DecodePublic(s string) (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("public key: not PEM")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() < 2048 {
		return nil, errors.New("public key: want RSA, at least 2048 bits")
	}
	return pub, nil
}
