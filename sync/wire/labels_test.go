package wire_test

import (
	"testing"
	"time"

	"lotse/sync/wire"
)

// However many numbers a day brings, the portal's and the offline
// blocks' never meet.
func TestQueueAndOfflineLabelsNeverMeet(t *testing.T) {
	offline := map[string]bool{}
	for b := 1; b <= 9; b++ {
		for n := 1; n <= wire.MaxBlockNumbers; n++ {
			l := wire.OfflineLabel("A", b, n)
			offline[l] = true
			p, bb, nn, ok := wire.ParseOfflineLabel(l)
			if !ok || p != "A" || bb != b || nn != n {
				t.Fatalf("%s read back as %s %d %d %v", l, p, bb, nn, ok)
			}
		}
	}
	seen := map[string]bool{}
	for n := 1; n <= 200_000; n++ {
		l := wire.QueueLabel("A", n)
		if offline[l] || seen[l] {
			t.Fatalf("portal number %d is %s: taken", n, l)
		}
		if _, _, _, ok := wire.ParseOfflineLabel(l); ok {
			t.Fatalf("portal number %s reads as an offline one", l)
		}
		seen[l] = true
	}
	for _, l := range []string{"A001", "A999", "A10000", "A0001", "a1001", "A1000", "A1-01", "A1+01", "A10011", "", "Ä1001"} {
		if _, _, _, ok := wire.ParseOfflineLabel(l); ok {
			t.Errorf("%q read as an offline label", l)
		}
	}
	if wire.QueueLabel("B", 7) != "B007" || wire.QueueLabel("B", 1000) != "B10000" {
		t.Error("labels")
	}
}

func FuzzParseOfflineLabel(f *testing.F) {
	for _, s := range []string{"A1001", "Z9999", "A001", "A10000", "A1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, b, n, ok := wire.ParseOfflineLabel(s)
		if ok && wire.OfflineLabel(p, b, n) != s {
			t.Errorf("%q read as %s %d %d", s, p, b, n)
		}
	})
}

// Names that look like others: a Greek capital kappa in "Κ1" beside
// "K1", a Cyrillic "а" inside "Anna". Each word is in one script; a
// person's names may be in two.
func TestMixedScripts(t *testing.T) {
	for s, want := range map[string]bool{"Κ1": false, "Κiosk 1": true, "Аnna Schmidt": true, "Anna Schmidt": false,
		"Olena Шевчук": false, "Мар’яна Євтушенко": false, "Łukasz Wróbel": false, "Rathaus-Еingang": true, "": false} {
		if got := wire.MixedScripts(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"K1": true, "Κ1": false, "Rathaus Süd": true, "Łódź-Straße": true, "Кiosk": false} {
		if got := wire.LatinLetters(s); got != want {
			t.Errorf("Latin %q: %v, want %v", s, got, want)
		}
	}
	if fe := wire.CheckBook(wire.BookRequest{Service: "ausweis", Start: time.Now(), Name: "Аnna Schmidt"}); fe == nil || fe.Field != "name" {
		t.Errorf("a booking name with a Cyrillic А among Latin letters: %v", fe)
	}
}
