package escpossim_test

import (
	"image"
	"slices"
	"strings"
	"testing"

	"lotse/devices/escpossim"
)

// draw parses and renders a stream, failing the test on any refusal.
func draw(t *testing.T, stream string) *image.Gray {
	t.Helper()
	cmds, used, err := escpossim.Parse([]byte(stream))
	if err != nil || used != len(stream) {
		t.Fatalf("% x: parsed %d of %d bytes: %v", stream, used, len(stream), err)
	}
	img, err := escpossim.Render(cmds, tmT20)
	if err != nil {
		t.Fatalf("% x: %v", stream, err)
	}
	return img
}

func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if v, _, _, _ := img.At(x, y).RGBA(); v < 0x8000 {
				n++
			}
		}
	}
	return n
}

// leftmost is the x of the first black dot in row y.
func leftmost(img *image.Gray, y int) int {
	for x := 0; x < img.Rect.Dx(); x++ {
		if img.GrayAt(x, y).Y < 0x80 {
			return x
		}
	}
	return -1
}

const (
	esc = "\x1b"
	gs  = "\x1d"
	fs  = "\x1c"
)

// TestEachCommandHasItsVisibleEffect prints a line with and without a
// command and checks what a person would see change on the paper.
func TestEachCommandHasItsVisibleEffect(t *testing.T) {
	plain := draw(t, esc+"@HHHH\n")
	box := ink(plain)
	for _, tc := range []struct {
		name   string
		stream string
		check  func(img *image.Gray) bool
	}{
		{"FS . and FS & change nothing on western text", esc + "@" + fs + "." + fs + "&" + fs + ".HHHH\n",
			func(img *image.Gray) bool { return ink(img) == box && inked(img) == inked(plain) }},
		{"ESC M 1: Font B is narrower", esc + "@" + esc + "M\x01HHHH\n",
			func(img *image.Gray) bool { return ink(img).Dx() < box.Dx()*4/5 }},
		{"ESC ! 0x30: double width and height", esc + "@" + esc + "!\x30HHHH\n",
			func(img *image.Gray) bool { return ink(img).Dx() > box.Dx()*19/10 && ink(img).Dy() > box.Dy()*19/10 }},
		{"GS ! 0x22: triple size", esc + "@" + gs + "!\x22HHHH\n",
			func(img *image.Gray) bool { return ink(img).Dx() > box.Dx()*28/10 && ink(img).Dy() > box.Dy()*28/10 }},
		{"ESC E 1: bold has more ink", esc + "@" + esc + "E\x01HHHH\n",
			func(img *image.Gray) bool { return inked(img) > inked(plain)*11/10 }},
		{"ESC G 1: double strike has more ink", esc + "@" + esc + "G\x01HHHH\n",
			func(img *image.Gray) bool { return inked(img) > inked(plain)*11/10 }},
		{"ESC - 2: a two-dot underline", esc + "@" + esc + "-\x02HHHH\n",
			func(img *image.Gray) bool { return inked(img) >= inked(plain)+2*4*12 }},
		{"GS B 1: white on black", esc + "@" + gs + "B\x01HHHH\n",
			func(img *image.Gray) bool { return inked(img) > 4*12*24/2 }},
		{"ESC 4 1: italics slant", esc + "@" + esc + "4\x01HHHH\n",
			func(img *image.Gray) bool { return leftmost(img, ink(img).Min.Y) > leftmost(img, ink(img).Max.Y-1) }},
		{"ESC { 1: upside down", esc + "@" + esc + "{\x01HHHH\n",
			func(img *image.Gray) bool { return ink(img).Min.X > 400 }},
		{"ESC a 1: centred", esc + "@" + esc + "a\x01HHHH\n",
			func(img *image.Gray) bool { return ink(img).Min.X > 200 && ink(img).Max.X < 376 }},
		{"ESC a 2: right", esc + "@" + esc + "a\x02HHHH\n",
			func(img *image.Gray) bool { return ink(img).Max.X > 560 }},
		{"GS L: left margin", esc + "@" + gs + "L\x64\x00HHHH\n",
			func(img *image.Gray) bool { return ink(img).Min.X >= 100 && ink(img).Min.X < 104 }},
		{"GS W: a narrower print area wraps", esc + "@" + gs + "W\xf0\x00" + strings.Repeat("H", 30) + "\n",
			func(img *image.Gray) bool { return ink(img).Max.X <= 240 && ink(img).Dy() > 40 }},
		{"ESC $: absolute position", esc + "@" + esc + "$\x2c\x01H\n",
			func(img *image.Gray) bool { return ink(img).Min.X >= 300 && ink(img).Min.X < 304 }},
		{"HT: to the next tab stop", esc + "@\tH\n",
			func(img *image.Gray) bool { return ink(img).Min.X >= 96 && ink(img).Min.X < 100 }},
		{"ESC d 3: three lines of paper", esc + "@HHHH\n" + esc + "d\x03",
			func(img *image.Gray) bool { return img.Bounds().Dy() == plain.Bounds().Dy()+3*34 }},
		{"ESC J 90: 90 dots of paper", esc + "@HHHH\n" + esc + "J\x5a",
			func(img *image.Gray) bool { return img.Bounds().Dy() == plain.Bounds().Dy()+90 }},
		{"ESC 3 60: wider line spacing", esc + "@" + esc + "3\x3cH\nH\n",
			func(img *image.Gray) bool { return img.Bounds().Dy() == 120 }},
		{"ESC 2: default line spacing again", esc + "@" + esc + "3\x3c" + esc + "2H\nH\n",
			func(img *image.Gray) bool { return img.Bounds().Dy() == 68 }},
		{"ESC t 16: WPC1252 prints the euro sign", esc + "@" + esc + "t\x10\x80\n",
			func(img *image.Gray) bool { return inked(img) > 20 }},
		{"ESC * 33: a 24-dot column image", esc + "@" + esc + "*\x21\x08\x00" + strings.Repeat("\xff\xff\xff", 8) + "\n",
			func(img *image.Gray) bool { b := ink(img); return b.Dx() == 8 && b.Dy() == 24 }},
		{"ESC * 0: an 8-dot single-density image", esc + "@" + esc + "*\x00\x08\x00" + strings.Repeat("\xff", 8) + "\n",
			func(img *image.Gray) bool { b := ink(img); return b.Dx() == 16 && b.Dy() == 24 }},
		{"GS v 0 3: a raster at four times the area", esc + "@" + gs + "v0\x03\x01\x00\x08\x00" + strings.Repeat("\xff", 8),
			func(img *image.Gray) bool { b := ink(img); return b.Dx() == 16 && b.Dy() == 16 }},
		{"GS ( L: a stored graphic, printed", esc + "@" + gs + "(L\x0e\x00\x30\x70\x30\x01\x01\x31\x10\x00\x02\x00\xff\xff\xff\xff" +
			gs + "(L\x02\x00\x30\x32",
			func(img *image.Gray) bool { b := ink(img); return b.Dx() == 16 && b.Dy() == 2 }},
		{"page mode: text where ESC $ and GS $ put it", esc + "@" + esc + "L" + esc + "W\x00\x00\x00\x00\x40\x02\xc8\x00" +
			esc + "T\x00" + gs + "$\x64\x00" + esc + "$\xc8\x00H\x0c",
			func(img *image.Gray) bool { b := ink(img); return b.Min.X >= 200 && b.Min.X < 204 && b.Min.Y >= 100 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := draw(t, tc.stream)
			if !tc.check(img) {
				t.Errorf("ink %v (%d dots) on a page of %v; plain: %v (%d dots)", ink(img), inked(img), img.Bounds(), box, inked(plain))
			}
		})
	}
}

// TestEveryCutForm: each form of GS V (and the old ESC i / ESC m) ends
// the job with a cut.
func TestEveryCutForm(t *testing.T) {
	for _, cut := range []string{gs + "V\x00", gs + "V\x01", gs + "V0", gs + "V1", gs + "VA\x03", gs + "VB\x03",
		gs + "Va\x03", gs + "Vb\x03", gs + "Vg\x03", gs + "Vh\x03", esc + "i", esc + "m"} {
		img := draw(t, esc+"@H\n"+cut)
		// The cut line is grey, the only grey on the paper.
		grey := false
		for _, v := range img.Pix {
			grey = grey || v == 0x80
		}
		if !grey {
			t.Errorf("% x: no cut on the paper", cut)
		}
	}
}

// TestBarcodesReadBack: every symbology the printer draws with GS k is
// read back from the paper, in both functions, with the HRI where asked.
func TestBarcodesReadBack(t *testing.T) {
	for _, tc := range []struct {
		m          byte
		data, want string
		format     string
	}{
		// A scanner reports UPC-A as the EAN-13 it is part of.
		{0, "01234567890", "0012345678905", "EAN_13"},
		{1, "0123456", "01234565", "UPC_E"},
		{2, "400638133393", "4006381333931", "EAN_13"},
		{3, "9638507", "96385074", "EAN_8"},
		{4, "LOTSE-42", "LOTSE-42", "CODE_39"},
		{5, "12345678", "12345678", "ITF"},
		{6, "A40156B", "40156", "CODABAR"}, // start and stop characters are not data
		{72, "LOTSE93", "LOTSE93", "CODE_93"},
		{73, "{BLT-{C\x07\x2d\x42", "LT-074566", "CODE_128"},
	} {
		stream := esc + "@" + gs + "H\x02" + gs + "h\x50" + gs + "w\x02" + gs + "k"
		switch {
		case tc.m <= 6:
			stream += string([]byte{tc.m}) + tc.data + "\x00"
		default:
			stream += string([]byte{tc.m, byte(len(tc.data))}) + tc.data
		}
		img := draw(t, stream)
		got := escpossim.Scan(img)
		if !slices.Contains(got, escpossim.Symbol{Format: tc.format, Text: tc.want}) {
			t.Errorf("GS k %d %q: read %v, want %s %q", tc.m, tc.data, got, tc.format, tc.want)
		}
		// The HRI line under the bars.
		if b := ink(img); b.Dy() < 80+17 {
			t.Errorf("GS k %d: no HRI under the bars (ink %v)", tc.m, b)
		}
	}
}

func TestTwoDimensionalCodes(t *testing.T) {
	qr := esc + "@" + gs + "(k\x04\x001A2\x00" + gs + "(k\x03\x001C\x05" + gs + "(k\x03\x001E2" +
		gs + "(k\x14\x001P0https://lotse.e/x" + gs + "(k\x03\x001Q0"
	if got := escpossim.Scan(draw(t, qr)); !slices.Contains(got, escpossim.Symbol{Format: "QR_CODE", Text: "https://lotse.e/x"}) {
		t.Errorf("QR read back as %v", got)
	}
	for _, tc := range []struct {
		cn     string
		format string
	}{{"5", "AZTEC"}, {"6", "DATA_MATRIX"}} {
		// cn 53 Aztec, 54 DataMatrix: store with fn 80, print with fn 81.
		stream := esc + "@" + gs + "(k\x0f\x00" + tc.cn + "P0LT-7K3M-9QPD" + gs + "(k\x03\x00" + tc.cn + "Q0"
		if got := escpossim.Scan(draw(t, stream)); !slices.Contains(got, escpossim.Symbol{Format: tc.format, Text: "LT-7K3M-9QPD"}) {
			t.Errorf("%s read back as %v", tc.format, got)
		}
	}
	pdf := esc + "@" + gs + "(k\x03\x000C\x02" + gs + "(k\x0b\x000P0Lotse 417" + gs + "(k\x03\x000Q0"
	if b := ink(draw(t, pdf)); b.Dx() < 100 || b.Dy() < 12 {
		t.Errorf("PDF417 drawn as %v", b)
	}
}

// TestCancelledBarcodePrintsItsDigits: function A data with a byte out of
// range cancels the barcode, and the bytes after it print as text, as an
// Epson printer does.
func TestCancelledBarcodePrintsItsDigits(t *testing.T) {
	cmds, _, err := escpossim.Parse([]byte(esc + "@" + gs + "k\x00\x0d4126570807191\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := escpossim.NewJob(cmds, tmT20).Text(); got != "4126570807191\n" {
		t.Errorf("text %q", got)
	}
}
