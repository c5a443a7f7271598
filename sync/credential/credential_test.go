package credential

import (
	"bytes"
	"strings"
	"testing"
)

// Attack: a stolen profile. Before, card hashes were unsalted SHA-256 of
// 40-bit ids (recovered in 1.6 s) and PINs bcrypt of 4 digits. Now
// without the site key nobody can test a guess: the same card under
// another key hashes differently, and no PIN checks without the key.
func TestHashesAreKeyed(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	other := bytes.Repeat([]byte{8}, KeySize)
	card, err := HashCard(key, "1f00644bb6")
	if err != nil || !ValidCardHash(card) {
		t.Fatalf("%q %v", card, err)
	}
	if !CheckCard(key, card, "1F00644BB6 ") || CheckCard(other, card, "1F00644BB6") {
		t.Error("card check")
	}
	staff, err := HashPIN(key, Staff, "135790")
	if err != nil || !ValidPINHash(staff) {
		t.Fatalf("%q %v", staff, err)
	}
	if !CheckPIN(key, Staff, staff, "135790") {
		t.Error("the right staff PIN")
	}
	if CheckPIN(other, Staff, staff, "135790") || CheckPIN(nil, Staff, staff, "135790") || CheckPIN(key, Guide, staff, "135790") {
		t.Error("a PIN checked under another key, no key, or as a guide's")
	}
	for kind, pins := range map[Kind][]string{Staff: {"2580", "12345", "12345a", "1234567890123"}, Guide: {"123", "12a4", "4711", "12345", ""}} {
		for _, pin := range pins {
			if _, err := HashPIN(key, kind, pin); err == nil {
				t.Errorf("%s PIN %q accepted", kind, pin)
			}
		}
	}
	if _, err := HashPIN(key, Guide, "4711"); err == nil {
		t.Error("a guide PIN of 4 digits accepted: a guide's PIN has 6 at least")
	}
	guide, err := HashPIN(key, Guide, "471108")
	if err != nil || !strings.HasPrefix(guide, "k2:") || !ValidPINHash(guide) {
		t.Fatalf("guide PIN hash %q %v", guide, err)
	}
	// One PIN typed, hashed once, compared with every guide's hash.
	other1, _ := HashPIN(key, Guide, "111111")
	other2, _ := HashPIN(key, Guide, "222222")
	if i := MatchPIN(key, Guide, "471108", []string{other1, other2, guide}); i != 2 {
		t.Errorf("matched guide %d, want 2", i)
	}
	if i := MatchPIN(key, Guide, "333333", []string{other1, other2, guide}); i != -1 {
		t.Errorf("a wrong PIN matched guide %d", i)
	}
	// Hashes of the first release are not taken.
	if ValidCardHash("0425ffd5f3c8cde5b693aa49e53b228c24b1dac80f60205419f5a81341678f0f") ||
		ValidPINHash("$2a$10$6dCnxUuh1P1SLNVNQ2AQY.6irUVaF2kpK80orJdkKramxWHyDN6zG") {
		t.Error("an unkeyed hash passed")
	}
	if strings.Contains(card+staff, "1F00644BB6") {
		t.Error("the hash shows the id")
	}
}

// One telephone number written three ways, and one address in two cases,
// are one contact each; different ones are not.
func TestHashContactNormalForm(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	h := func(s string) string {
		v, err := HashContact(key, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, b, c := h("0171 234 56 78"), h("0171/2345678"), h("+49 171 2345678"); a != b || b != c {
		t.Errorf("one number, three hashes")
	}
	if h("Anna@Example.de") != h("anna@example.de ") {
		t.Error("one address, two hashes")
	}
	// What got past max_per_contact before: the same number and address
	// written the ways people (and hoarders) write them.
	for _, same := range [][]string{
		{"+49 (0) 151 23456789", "0049 0151 23456789", "0151 23456789", "+4915123456789", "0151-234 567 89"},
		{"name@example.org", "name+1@example.org", "Name+termin@EXAMPLE.org"},
		{"anna.schmidt@gmail.com", "annaschmidt@gmail.com", "a.n.n.a.schmidt+x@googlemail.com"},
	} {
		for _, o := range same[1:] {
			if h(o) != h(same[0]) {
				t.Errorf("%q and %q are two contacts", o, same[0])
			}
		}
	}
	if h("anna.schmidt@example.org") == h("annaschmidt@example.org") {
		t.Error("dots ignored where the provider does not ignore them")
	}
	if h("+90 532 123 45 67") == h("0532 1234567") {
		t.Error("a Turkish and a German number alike")
	}
	if h("0171 2345678") == h("0171 2345679") || strings.Contains(h("0171 2345678"), "2345678") {
		t.Error("different numbers alike, or the number in the hash")
	}
	if _, err := HashContact(nil, "x"); err == nil {
		t.Error("hashed without a key")
	}
}

// Whatever a resident types as a contact, its normal form is made without
// failing and holds nothing but what an address or a number may.
func FuzzNormalContact(f *testing.F) {
	for _, s := range []string{"+49 (0) 151 23456789", "0049 0151 2345", "name+1@Example.org", "a.b@gmail.com", "@", "++", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalContact(s)
		if !strings.Contains(n, "@") && strings.Trim(n, "+0123456789") != "" {
			t.Errorf("%q → %q", s, n)
		}
	})
}

// What a stolen kiosk gives away: its site key and every PIN hash. The
// argon2id hash makes each guess cost what this benchmark measures; with
// 10^6 six-digit PINs, the whole space costs a million times that on
// one core (two to four days here at 0.18–0.34 s a guess).
func BenchmarkPINGuess(b *testing.B) {
	key := bytes.Repeat([]byte{7}, KeySize)
	h, _ := HashPIN(key, Guide, "471108")
	for b.Loop() {
		CheckPIN(key, Guide, h, "000000")
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)*1e6/86400, "days-for-all-6-digit-PINs")
}
