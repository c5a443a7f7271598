package seal_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"lotse/sync/seal"
)

func key(t testing.TB) (*rsa.PrivateKey, seal.Key) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid, err := seal.KeyID(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return priv, seal.Key{ID: kid, Public: &priv.PublicKey}
}

func submission() seal.Submission {
	return seal.Submission{ID: "0b7d3c1e-1111-4222-8333-944455556666", Service: "sperrmuell", Code: "LT-7K3M-9QPD",
		Created: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC),
		Data:    map[string]string{"name": "Erika Mustermann", "street": "Hauptstraße 1"}}
}

func TestSealAndOpen(t *testing.T) {
	priv, k := key(t)
	env, err := seal.Seal(submission(), k)
	if err != nil {
		t.Fatal(err)
	}
	// The header is what FIT-Connect asks for.
	var hdr map[string]string
	b, _ := base64.RawURLEncoding.DecodeString(strings.Split(env.JWE, ".")[0])
	json.Unmarshal(b, &hdr)
	want := map[string]string{"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "application/json", "kid": k.ID}
	for h, v := range want {
		if hdr[h] != v {
			t.Errorf("header %s = %q, want %q", h, hdr[h], v)
		}
	}
	if parts := strings.Split(env.JWE, "."); len(parts) != 5 {
		t.Errorf("not compact JWE: %d parts", len(parts))
	}
	// No personal data in clear, not even base64-encoded in the header.
	clear, _ := json.Marshal(env)
	for _, s := range []string{"Mustermann", "Hauptstraße", "Erika"} {
		if bytes.Contains(clear, []byte(s)) || bytes.Contains(b, []byte(s)) {
			t.Errorf("%q readable in the envelope", s)
		}
	}
	meta, data, err := seal.Open(env, map[string]*rsa.PrivateKey{k.ID: priv})
	if err != nil {
		t.Fatal(err)
	}
	if data["name"] != "Erika Mustermann" || meta.Code != "LT-7K3M-9QPD" || len(meta.SHA512) != 128 {
		t.Errorf("opened %+v %v", meta, data)
	}
}

func TestOpenRefusesTamperingAndUnknownKeys(t *testing.T) {
	priv, k := key(t)
	env, _ := seal.Seal(submission(), k)
	keys := map[string]*rsa.PrivateKey{k.ID: priv}

	other, _ := key(t)
	if _, _, err := seal.Open(env, map[string]*rsa.PrivateKey{"x": other}); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("unknown kid: %v", err)
	}
	moved := env
	moved.Code = "LT-2222-2222"
	if _, _, err := seal.Open(moved, keys); err == nil {
		t.Error("clear code changed, envelope still opened")
	}
	parts := strings.Split(env.JWE, ".")
	ct := []byte(parts[3])
	ct[5] ^= 1
	parts[3] = string(ct)
	bad := env
	bad.JWE = strings.Join(parts, ".")
	if _, _, err := seal.Open(bad, keys); err == nil {
		t.Error("tampered ciphertext opened")
	}
}

func TestPublicKeyPEMRoundTrip(t *testing.T) {
	_, k := key(t)
	p, err := seal.EncodePublic(k.Public)
	if err != nil {
		t.Fatal(err)
	}
	back, err := seal.DecodePublic(p)
	if err != nil || back.N.Cmp(k.Public.N) != 0 {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := seal.DecodePublic("garbage"); err == nil {
		t.Error("garbage accepted as a key")
	}
}
