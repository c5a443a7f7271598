package escpossim_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lotse/devices/escpos"
	"lotse/devices/escpossim"
)

func profile(t *testing.T, id string) escpos.Profile {
	t.Helper()
	p, err := escpos.BuiltinProfile(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// keep writes a rendered page next to the test's temporary files and, with
// LOTSE_KEEP_RENDERS=dir, into dir for a person to look at.
func keep(t *testing.T, name string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("LOTSE_KEEP_RENDERS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStreamsFromOtherEncoders renders what three ESC/POS encoders from
// the npm registry send (testdata/encoders, made by gen.cjs there), reads
// their codes back off the paper and finds their words on it.
func TestStreamsFromOtherEncoders(t *testing.T) {
	for _, tc := range []struct {
		file, profile string
		// tail is how many bytes at the end are not ESC/POS (an encoder's
		// own bug, see testdata/encoders/README.md).
		tail    int
		words   []string
		symbols []escpossim.Symbol
	}{
		{
			file: "receipt-printer-encoder.bin", profile: "TM-T88V",
			words: []string{"Bürgerbüro", "Größe – Straße", "Gebühr: 3 €", "Fett", "Unterstrichen", "Invertiert",
				"Schrift B", "Wartenummer", "A-017", "4006381333931", "LOTSE-42"},
			symbols: []escpossim.Symbol{{"EAN_13", "4006381333931"}, {"CODE_128", "LOTSE-42"}, {"CODE_39", "LOTSE42"},
				{"QR_CODE", "https://lotse.example/w/A017"}},
		},
		{
			// The example in receipt-printer-encoder's README.
			file: "receipt-printer-encoder-readme.bin", profile: "TM-T88V",
			words: []string{"The is the first line And this is the second"},
		},
		{
			file: "receipt-printer-encoder-raster.bin", profile: "TM-T20II",
			words: []string{"Raster: Gebühr 5 €"},
		},
		{
			file: "esc-pos-encoder.bin", profile: "TM-T88V",
			words:   []string{"Einwohneramt", "Größe: 3 € ? Straße", "Kursiv", "Invertiert"},
			symbols: []escpossim.Symbol{{"EAN_13", "4006381333931"}, {"CODE_128", "LOTSE-42"}, {"QR_CODE", "https://lotse.example/w/B002"}},
		},
		{
			file: "node-thermal-printer.bin", profile: "TM-T20II",
			words:   []string{"Stadtbibliothek", "Öffnungszeiten: Mo–Fr", "Fett", "Unterstrichen", "400638133393"},
			symbols: []escpossim.Symbol{{"EAN_13", "4006381333931"}, {"CODE_128", "LOTSE-42"}, {"QR_CODE", "https://lotse.example/w/C003"}},
		},
		{
			// The test page node-thermal-printer ships (examples/example.js).
			// Its QR code is printed flush against the PDF417 above it,
			// without the quiet zone a scanner needs, so only the CODE128
			// is read back; its UPC-A is sent with a length byte in
			// function A, which cancels it and prints the digits as text.
			file: "node-thermal-printer-example.bin", profile: "TM-T20II", tail: 1,
			words: []string{"Hello World!", "Special characters: ČčŠšŽžĐđĆćß?öÖÄäüÜé", "Type font B", "This is quad", "Wow",
				"This text is on the right", "4126570807191", "One", "Four"},
			symbols: []escpossim.Symbol{{"CODE_128", "4126570807191"}},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "encoders", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			cmds, used, err := escpossim.Parse(b)
			if tc.tail == 0 && (err != nil || used != len(b)) {
				t.Fatalf("parsed %d of %d bytes: %v", used, len(b), err)
			}
			if tc.tail > 0 && (used != len(b)-tc.tail || !errors.Is(err, escpossim.ErrUnknown)) {
				t.Fatalf("parsed %d of %d bytes (want all but %d): %v", used, len(b), tc.tail, err)
			}
			p := profile(t, tc.profile)
			img, err := escpossim.Render(cmds, p)
			if err != nil {
				t.Fatal(err)
			}
			keep(t, strings.TrimSuffix(tc.file, ".bin"), img)
			if img.Bounds().Dx() != p.Dots() {
				t.Errorf("paper %d dots wide, want %d", img.Bounds().Dx(), p.Dots())
			}
			text := strings.Join(strings.Fields(escpossim.NewJob(cmds, p).Text()), " ")
			for _, w := range tc.words {
				if !strings.Contains(text, w) {
					t.Errorf("the paper lacks %q:\n%s", w, text)
				}
			}
			got := escpossim.Scan(img)
			for _, s := range tc.symbols {
				if !slices.Contains(got, s) {
					t.Errorf("no %s %q read off the paper; read %v", s.Format, s.Text, got)
				}
			}
		})
	}
}

// TestImagesFromOtherEncoders: the frame-and-checker picture gen.cjs
// sends as a column image (ESC *) and as a raster (GS v 0) comes out as a
// 96×48 dot frame with a checker inside.
func TestImagesFromOtherEncoders(t *testing.T) {
	for _, tc := range []struct{ file, profile string }{
		{"receipt-printer-encoder.bin", "TM-T88V"},
		{"receipt-printer-encoder-raster.bin", "TM-T20II"},
	} {
		b, _ := os.ReadFile(filepath.Join("testdata", "encoders", tc.file))
		cmds, _, _ := escpossim.Parse(b)
		var img []escpossim.Cmd
		for _, c := range cmds {
			switch c.Name {
			case "init", "line_spacing", "line_spacing_default", "bit_image", "raster", "lf", "motion_units":
				img = append(img, c)
			}
		}
		page, err := escpossim.Render(img, profile(t, tc.profile))
		if err != nil {
			t.Fatal(err)
		}
		box := ink(page)
		if box.Dx() != 96 || box.Dy() != 48 {
			t.Errorf("%s: picture %v, want 96×48 dots", tc.file, box)
			continue
		}
		at := func(x, y int) bool { r, _, _, _ := page.At(box.Min.X+x, box.Min.Y+y).RGBA(); return r < 0x8000 }
		for _, pt := range []struct {
			x, y  int
			black bool
		}{{0, 0, true}, {95, 47, true}, {2, 24, true}, {8, 24, false}, {16, 16, true}, {24, 16, false}, {60, 24, false}} {
			if at(pt.x, pt.y) != pt.black {
				t.Errorf("%s: dot (%d,%d) black=%v, want %v", tc.file, pt.x, pt.y, !pt.black, pt.black)
			}
		}
	}
}

// ink is the smallest rectangle holding every black dot.
func ink(img image.Image) image.Rectangle {
	r := image.Rectangle{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if v, _, _, _ := img.At(x, y).RGBA(); v < 0x8000 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}
