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

// A Land-wide portal has more than 1,024 kiosks: from number 1,024 on a
// code carries the kiosk in four characters (two more in all), up to
// 1,048,576 kiosks; a code printed before, in the short form, still reads
// and names its kiosk. Typos and swaps are caught in both forms.
func TestCodesForALandWidePortal(t *testing.T) {
	for _, k := range []int{0, 37, refcode.ShortKiosks - 1, refcode.ShortKiosks, 99_999, 100_000, refcode.MaxKiosks - 1} {
		c, err := refcode.New(k)
		if err != nil {
			t.Fatal(err)
		}
		short := k < refcode.ShortKiosks
		if want := map[bool]int{true: len("LT-7K3M-9QPD"), false: len("LT-227K-3M9Q-PD")}[short]; len(c) != want {
			t.Errorf("kiosk %d: %q", k, c)
		}
		if n, err := refcode.KioskNumber(strings.ToLower(strings.ReplaceAll(c, "-", " "))); err != nil || n != k {
			t.Errorf("kiosk %d: %q names kiosk %d (%v)", k, c, n, err)
		}
		body := []byte(strings.ReplaceAll(c[3:], "-", ""))
		for i := range body {
			typo := append([]byte(nil), body...)
			typo[i] = refcode.Alphabet[(strings.IndexByte(refcode.Alphabet, body[i])+7)%32]
			if _, err := refcode.Parse(string(typo)); err == nil {
				t.Errorf("%s accepted with position %d changed", c, i)
			}
		}
	}
	// A code of the first release, as printed on a receipt.
	printed, _ := refcode.New(37)
	if n, err := refcode.KioskNumber(printed); err != nil || n != 37 {
		t.Errorf("a short code: %d %v", n, err)
	}
	if refcode.MaxKiosks < 100_000 {
		t.Errorf("codes for %d kiosks", refcode.MaxKiosks)
	}
}
