package profilesig

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
)

func TestSignatures(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	bundle := []byte("a profile zip")
	sig, err := Sign(priv, 3, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(pub, sig, 3, bundle); err != nil {
		t.Fatalf("the real signature: %v", err)
	}
	forged, _ := Sign(otherPriv, 99, []byte("staff pin 0000"))
	for name, c := range map[string]struct {
		key     ed25519.PublicKey
		sig     string
		version int
		bundle  []byte
	}{
		"other key":       {otherPub, sig, 3, bundle},
		"forger's bundle": {pub, forged, 99, []byte("staff pin 0000")},
		"version bumped":  {pub, sig, 99, bundle},
		"content changed": {pub, sig, 3, []byte("a profile zjp")},
		"unsigned":        {pub, "", 3, bundle},
		"no pinned key":   {nil, sig, 3, bundle},
	} {
		if err := Verify(c.key, c.sig, c.version, c.bundle); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzVerify: a signature header from the network never panics the
// kiosk and never verifies without the portal's key.
func FuzzVerify(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	sig, _ := Sign(priv, 1, []byte("x"))
	f.Add(sig, 1, []byte("x"))
	f.Add("e30.e30.", 1, []byte("x"))
	f.Add("", 0, []byte(nil))
	f.Fuzz(func(t *testing.T, s string, v int, b []byte) {
		_ = Verify(pub, s, v, b)
		if Verify(other.Public().(ed25519.PublicKey), s, v, b) == nil && s != "" {
			// Only a signature by other's key could pass; the fuzzer has none.
			t.Fatalf("verified without the key: %q", s)
		}
	})
}
