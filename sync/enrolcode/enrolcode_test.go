package enrolcode

import (
	"errors"
	"strings"
	"testing"
)

func TestCodesCarryTheKeysFingerprint(t *testing.T) {
	keyA, keyB := []byte("sealing key DER"), []byte("signing key DER")
	code, secret, err := New(keyA, keyB)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 19 || strings.Count(code, "-") != 3 || !strings.HasPrefix(strings.ReplaceAll(code, "-", ""), secret) {
		t.Fatalf("code %q secret %q", code, secret)
	}
	// As typed by a person: lower case, spaces.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if err := Verify(typed, keyA, keyB); err != nil {
		t.Errorf("typed %q: %v", typed, err)
	}
	if err := Verify(code, []byte("proxy's key"), keyB); !errors.Is(err, ErrMismatch) {
		t.Errorf("another sealing key: %v", err)
	}
	if err := Verify(code, keyB, keyA); !errors.Is(err, ErrMismatch) {
		t.Errorf("keys swapped: %v", err)
	}
	if s, ok := NormalSecret(typed); !ok || s != secret {
		t.Errorf("NormalSecret(%q) = %q %v", typed, s, ok)
	}
	for _, bad := range []string{"", "7K3M-9QPD-XH4T", "7K3M-9QPD-XH4T-2BW0", "7K3M-9QPD-XH4T-2BWE-AAAA", "ÄÖÜ"} {
		if _, _, err := Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, _, err := Parse("7k3m 9qpd"); !errors.Is(err, ErrNoFingerprint) {
		t.Errorf("old code: %v", err)
	}
}

// FuzzParse: whatever is typed, Parse either refuses it or returns a
// secret NormalSecret agrees on; it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"7K3M-9QPD-XH4T-2BWE", "7k3m 9qpd", "", "----", "ABCDEFGHJKLMNPQR", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		secret, fp, err := Parse(s)
		if err != nil {
			return
		}
		if len(secret) != secretLen || len(fp) != fingerprintLen {
			t.Fatalf("%q: %q %q", s, secret, fp)
		}
		if n, ok := NormalSecret(s); !ok || n != secret {
			t.Fatalf("%q: NormalSecret %q %v, Parse %q", s, n, ok, secret)
		}
	})
}
