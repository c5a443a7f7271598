package refcode_test

import (
	"strings"
	"testing"

	"lotse/sync/refcode"
)

func TestCodesAreReadableAndCheck(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c, err := refcode.New(37)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != len("LT-7K3M-9QPD") || !strings.HasPrefix(c, "LT-37") || strings.ContainsAny(c[3:], "01IO") {
			t.Fatalf("code %q", c)
		}
		if got, err := refcode.Parse(strings.ToLower(strings.ReplaceAll(c, "-", " "))); err != nil || got != c {
			t.Fatalf("parse %q: %q %v", c, got, err)
		}
		seen[c] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct codes in 2000", len(seen))
	}
}

func TestCheckCatchesOneWrongCharacterAndSwaps(t *testing.T) {
	c, _ := refcode.New(5)
	body := []byte(strings.ReplaceAll(c[3:], "-", ""))
	for i := range body {
		for _, r := range []byte(refcode.Alphabet) {
			if r == body[i] {
				continue
			}
			typo := append([]byte(nil), body...)
			typo[i] = r
			if _, err := refcode.Parse(string(typo)); err == nil {
				t.Fatalf("%s accepted with position %d changed to %c", c, i, r)
			}
		}
		if i+1 < len(body) && body[i] != body[i+1] {
			swap := append([]byte(nil), body...)
			swap[i], swap[i+1] = swap[i+1], swap[i]
			if _, err := refcode.Parse(string(swap)); err == nil {
				t.Fatalf("%s accepted with positions %d and %d swapped", c, i, i+1)
			}
		}
	}
	if _, err := refcode.New(refcode.MaxKiosks); err == nil {
		t.Error("kiosk number out of range accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("LT-7K3M-9QPD")
	f.Add("lt 22 22 22 22")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := refcode.Parse(s)
		if err == nil {
			if again, err := refcode.Parse(c); err != nil || again != c {
				t.Fatalf("%q parsed to %q, which does not parse to itself", s, c)
			}
		}
	})
}
