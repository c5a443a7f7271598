package escpossim

import (
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec"
	"github.com/makiuchi-d/gozxing/datamatrix"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/oned"
)

// Symbol is a code read off the paper.
type Symbol struct {
	Format string // "QR_CODE", "EAN_13", "CODE_128", …
	Text   string
}

// Scan reads every QR code and barcode on a printed page, top to bottom,
// as a scanner held over each one would. The page is cut into bands at
// blank stretches of paper; each band is read on its own, so a page with
// several codes gives each of them.
func Scan(page image.Image) []Symbol {
	var out []Symbol
	for _, band := range bands(page, 6) {
		got := read(band)
		if len(got) == 0 {
			// Two codes printed without a gap (a PDF417 right over a QR
			// code): read the stretches of equal width one by one.
			for _, part := range shapes(band) {
				got = append(got, read(part)...)
			}
		}
		out = append(out, got...)
	}
	return out
}

// ScanQR returns the text of the first QR code on the page.
func ScanQR(page image.Image) (string, bool) {
	for _, s := range Scan(page) {
		if s.Format == gozxing.BarcodeFormat_QR_CODE.String() {
			return s.Text, true
		}
	}
	return "", false
}

// bands splits a page at runs of at least gap blank rows and returns each
// inked stretch with a white margin, as a scanner needs a quiet zone.
func bands(page image.Image, gap int) []image.Image {
	b := page.Bounds()
	blank := func(y int) bool {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := page.At(x, y).RGBA(); r < 0x8000 {
				return false
			}
		}
		return true
	}
	var out []image.Image
	start, blanks := -1, 0
	emit := func(end int) {
		// Only the inked width, with a quiet zone all round: what a
		// scanner held over this code sees.
		const margin = 24
		left, right := b.Max.X, b.Min.X
		for y := start; y < end; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := page.At(x, y).RGBA(); r < 0x8000 {
					left, right = min(left, x), max(right, x+1)
				}
			}
		}
		r := image.Rect(left, start, right, end)
		img := white(image.Rect(0, 0, r.Dx()+2*margin, r.Dy()+2*margin))
		draw.Draw(img, r.Sub(r.Min).Add(image.Pt(margin, margin)), page, r.Min, draw.Src)
		out = append(out, img)
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if blank(y) {
			blanks++
			if start >= 0 && blanks >= gap {
				emit(y - blanks + 1)
				start = -1
			}
			continue
		}
		if start < 0 {
			start = y
		}
		blanks = 0
	}
	if start >= 0 {
		emit(b.Max.Y - blanks)
	}
	return out
}

// shapes splits a band where the width of its ink changes by more than a
// quarter from one row to the next.
func shapes(band image.Image) []image.Image {
	b := band.Bounds()
	width := func(y int) int {
		lo, hi := -1, -1
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := band.At(x, y).RGBA(); r < 0x8000 {
				if lo < 0 {
					lo = x
				}
				hi = x
			}
		}
		return hi - lo
	}
	var out []image.Image
	start, prev := b.Min.Y, width(b.Min.Y)
	for y := b.Min.Y + 1; y <= b.Max.Y; y++ {
		w := 0
		if y < b.Max.Y {
			w = width(y)
		}
		if y == b.Max.Y || w > 0 && prev > 0 && (w*4 < prev*3 || w*3 > prev*4) {
			img := white(image.Rect(0, 0, b.Dx(), y-start+48))
			draw.Draw(img, image.Rect(0, 24, b.Dx(), 24+y-start), band, image.Pt(b.Min.X, start), draw.Src)
			out = append(out, img)
			start = y
		}
		if w > 0 {
			prev = w
		}
	}
	return out
}

// read looks for QR codes in a band (a band may hold a QR code right
// under another symbol), then for one barcode.
func read(img image.Image) []Symbol {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	if qrs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil && len(qrs) > 0 {
		var out []Symbol
		for _, res := range qrs {
			out = append(out, Symbol{Format: res.GetBarcodeFormat().String(), Text: res.GetText()})
		}
		return out
	}
	readers := []gozxing.Reader{
		datamatrix.NewDataMatrixReader(),
		aztec.NewAztecReader(),
		oned.NewMultiFormatUPCEANReader(hints),
		oned.NewCode128Reader(),
		oned.NewCode39Reader(),
		oned.NewCode93Reader(),
		oned.NewITFReader(),
		oned.NewCodaBarReader(),
	}
	for _, r := range readers {
		if res, err := r.Decode(bmp, hints); err == nil {
			return []Symbol{{Format: res.GetBarcodeFormat().String(), Text: res.GetText()}}
		}
	}
	return nil
}
