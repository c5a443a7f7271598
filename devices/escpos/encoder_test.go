package escpos_test

import (
	"bytes"
	"strings"
	"testing"

	"lotse/devices/escpos"
)

func profile(t testing.TB, id string) escpos.Profile {
	t.Helper()
	p, err := escpos.BuiltinProfile(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProfilesInheritAndReplaceWholeKeys(t *testing.T) {
	wide, narrow := profile(t, "TM-T20II"), profile(t, "generic-58mm")
	if wide.Dots() != 576 || wide.Columns() != 48 || !wide.NativeQR() {
		t.Errorf("TM-T20II: %d dots, %d columns, native QR %v", wide.Dots(), wide.Columns(), wide.NativeQR())
	}
	if n, _ := wide.CodePage(); n != 19 {
		t.Errorf("TM-T20II code page %d, want 19 (CP858, inherited)", n)
	}
	if narrow.Dots() != 384 || narrow.Columns() != 32 || narrow.NativeQR() {
		t.Errorf("58 mm: %d dots, %d columns, native QR %v", narrow.Dots(), narrow.Columns(), narrow.NativeQR())
	}
	if n, _ := narrow.CodePage(); n != 2 {
		t.Errorf("58 mm code page %d, want 2 (CP850: its own list replaces the parent's)", n)
	}
	if _, err := (escpos.Profiles{}).Get("TM-T99"); err == nil {
		t.Error("unknown profile accepted")
	}
}

func TestEuroWithoutEuroSignPrintsEUR(t *testing.T) {
	d := escpos.New(profile(t, "generic-58mm")).Line("5 €")
	if !strings.Contains(string(d.Bytes()), "5 EUR\n") {
		t.Errorf("got % x", d.Bytes())
	}
}

func TestWrapKeepsWordsAndSplitsOnlyLongOnes(t *testing.T) {
	got := escpos.Wrap("Bitte warten Sie, bis Ihre Nummer aufgerufen wird.", 16)
	want := []string{"Bitte warten", "Sie, bis Ihre", "Nummer", "aufgerufen wird."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
	if got := escpos.Wrap("Donaudampfschifffahrt", 8); strings.Join(got, "|") != "Donaudam|pfschiff|fahrt" {
		t.Errorf("long word: %q", got)
	}
}

func TestDoubleWidthHalvesTheLine(t *testing.T) {
	d := escpos.New(profile(t, "TM-T20II")).Size(2, 1)
	if d.Columns() != 24 {
		t.Errorf("columns at double width: %d", d.Columns())
	}
}

func TestNativeQRCommandIs41BytesPlusData(t *testing.T) {
	url := "https://lotse.example/t/TEST-0001"
	d := escpos.New(profile(t, "TM-T20II"))
	before := len(d.Bytes())
	if err := d.QR(url, 6); err != nil {
		t.Fatal(err)
	}
	got := d.Bytes()[before+3:] // after ESC a 1
	if len(got) != 41+len(url) {
		t.Errorf("native QR is %d bytes, want %d", len(got), 41+len(url))
	}
	if !bytes.HasPrefix(got, []byte{0x1D, '(', 'k', 4, 0, 49, 65, 50, 0}) {
		t.Errorf("does not start with model 2: % x", got[:9])
	}
}

func TestRasterQRComesInStripsOfAtMost128Rows(t *testing.T) {
	d := escpos.New(profile(t, "generic-58mm"))
	if err := d.QR(strings.Repeat("https://lotse.example/", 6), 5); err != nil {
		t.Fatal(err)
	}
	b := d.Bytes()
	strips := 0
	for i := 0; i+8 <= len(b); {
		if b[i] == 0x1D && b[i+1] == 'v' && b[i+2] == '0' {
			x, y := int(b[i+4])|int(b[i+5])<<8, int(b[i+6])|int(b[i+7])<<8
			if y > 128 {
				t.Fatalf("strip of %d rows", y)
			}
			strips++
			i += 8 + x*y
			continue
		}
		i++
	}
	if strips < 2 {
		t.Errorf("a tall QR came in %d strip(s)", strips)
	}
}

func TestJobStartsWithInitInternationalSetAndCP858(t *testing.T) {
	got := escpos.New(profile(t, "TM-T20II")).Bytes()
	want := []byte{0x1B, '@', 0x1B, 'R', 0, 0x1B, 't', 19}
	if !bytes.Equal(got, want) {
		t.Fatalf("header % x, want % x", got, want)
	}
}

func TestGermanTextInCP858(t *testing.T) {
	got := escpos.Encode("äöüÄÖÜß€")
	want := []byte{0x84, 0x94, 0x81, 0x8E, 0x99, 0x9A, 0xE1, 0xD5}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	if back := escpos.Decode(got); back != "äöüÄÖÜß€" {
		t.Fatalf("round trip gave %q", back)
	}
}

func TestTextCannotInjectCommands(t *testing.T) {
	got := escpos.Encode("A\x1b@\x1dV\x00\nB")
	for _, b := range got {
		if b < 0x20 {
			t.Fatalf("control byte %#x passed through: % x", b, got)
		}
	}
	if string(escpos.Encode("日本")) != "??" {
		t.Errorf("unencodable runes not replaced by '?'")
	}
}

func TestStylesFeedAndCut(t *testing.T) {
	got := escpos.New(profile(t, "generic-58mm")).Align(escpos.Center).Bold(true).Size(4, 4).Line("A001").Feed(3).Cut().Bytes()[8:]
	want := []byte{0x1B, 'a', 1, 0x1B, 'E', 1, 0x1D, '!', 0x33, 'A', '0', '0', '1', 0x0A, 0x1B, 'd', 3, 0x1D, 'V', 66, 0}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x\nwant % x", got, want)
	}
}

func TestCanPrint(t *testing.T) {
	p, err := escpos.BuiltinProfile("TM-T20II")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"Ihre Wartenummer: Größe 5 €\n": true, "Your waiting number": true,
		"Sıra numaranız": false, "Ваш номер черги": false, "Państwa numerek": false,
	} {
		if got := p.CanPrint(text); got != want {
			t.Errorf("CanPrint(%q) = %v", text, got)
		}
	}
}
