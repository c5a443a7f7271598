package wire_test

import (
	"testing"

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
