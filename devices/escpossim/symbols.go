package escpossim

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/aztec"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/boombuler/barcode/pdf417"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/skip2/go-qrcode"
)

// symbology is one GS k barcode system: function A m (0…6) and function
// B m (65…79) name the same symbols.
type symbology struct {
	name   string
	format gozxing.BarcodeFormat
	writer func() gozxing.Writer
}

var symbologies = map[byte]symbology{
	65: {"UPC-A", gozxing.BarcodeFormat_UPC_A, oned.NewUPCAWriter},
	66: {"UPC-E", gozxing.BarcodeFormat_UPC_E, oned.NewUPCEWriter},
	67: {"EAN-13", gozxing.BarcodeFormat_EAN_13, oned.NewEAN13Writer},
	68: {"EAN-8", gozxing.BarcodeFormat_EAN_8, oned.NewEAN8Writer},
	69: {"CODE39", gozxing.BarcodeFormat_CODE_39, oned.NewCode39Writer},
	70: {"ITF", gozxing.BarcodeFormat_ITF, oned.NewITFWriter},
	71: {"CODABAR", gozxing.BarcodeFormat_CODABAR, oned.NewCodaBarWriter},
	72: {"CODE93", gozxing.BarcodeFormat_CODE_93, oned.NewCode93Writer},
	73: {"CODE128", gozxing.BarcodeFormat_CODE_128, oned.NewCode128Writer},
	74: {"GS1-128", gozxing.BarcodeFormat_CODE_128, oned.NewCode128Writer},
	79: {"CODE128", gozxing.BarcodeFormat_CODE_128, oned.NewCode128Writer},
}

// fnc1 is how the CODE128 writer spells the FNC1 character.
const fnc1 = "\u00f1"

// code128Text reads CODE128 data as ESC/POS sends it: "{A", "{B" and "{C"
// select the code set (in set C each byte is two digits), "{1" is FNC1,
// "{S" shifts one character, "{{" is a brace.
func code128Text(d []byte) (string, error) {
	var sb strings.Builder
	set := byte(0)
	for i := 0; i < len(d); i++ {
		if d[i] == '{' && i+1 < len(d) {
			i++
			switch d[i] {
			case 'A', 'B', 'C':
				set = d[i]
			case '1':
				sb.WriteString(fnc1)
			case '{':
				sb.WriteByte('{')
			case 'S', '2', '3', '4':
			default:
				return "", fmt.Errorf("CODE128 code {%c", d[i])
			}
			continue
		}
		if set == 0 {
			return "", errors.New("CODE128 data must start with a code set ({A, {B or {C)")
		}
		if set == 'C' {
			if d[i] > 99 {
				return "", fmt.Errorf("CODE128 set C value %d", d[i])
			}
			fmt.Fprintf(&sb, "%02d", d[i])
			continue
		}
		sb.WriteByte(d[i])
	}
	return sb.String(), nil
}

// barcode draws GS k: bars module dots wide and barHeight high, with the
// human-readable text (HRI) above, below, both or neither.
func (p *page) barcode(m byte, data []byte) error {
	if m <= 6 {
		m += 65
	}
	s, ok := symbologies[m]
	if !ok {
		return fmt.Errorf("barcode system %d is not drawn by the simulator", m)
	}
	text, hri := string(data), string(data)
	switch m {
	case 69: // CODE39: the printer adds the start and stop characters.
		text = strings.Trim(text, "*")
	case 73:
		var err error
		if text, err = code128Text(data); err != nil {
			return err
		}
		hri = strings.ReplaceAll(text, fnc1, "")
	case 74:
		text = fnc1 + text
	}
	bm, err := s.writer().Encode(text, s.format, 0, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		return fmt.Errorf("%s data %q: %w", s.name, data, err)
	}
	w := bm.GetWidth() * p.barMod
	bars := white(image.Rect(0, 0, w, p.barHeight))
	for x := 0; x < bm.GetWidth(); x++ {
		if bm.Get(x, 0) {
			black(bars, image.Rect(x*p.barMod, 0, (x+1)*p.barMod, p.barHeight))
		}
	}
	above, below := p.hriPos == 1 || p.hriPos == 3, p.hriPos == 2 || p.hriPos == 3
	label := func() *image.Gray {
		saved := p.st
		p.st = style{font: p.hriFont, w: 1, h: 1}
		defer func() { p.st = saved }()
		var ms []*image.Gray
		for _, r := range hri {
			ms = append(ms, p.glyph(r))
		}
		return row(ms)
	}
	parts := []*image.Gray{}
	if above {
		parts = append(parts, label())
	}
	parts = append(parts, bars)
	if below {
		parts = append(parts, label())
	}
	p.block(stack(parts))
	return nil
}

// row sets images side by side.
func row(ms []*image.Gray) *image.Gray {
	w, h := 0, 0
	for _, m := range ms {
		w += m.Rect.Dx()
		h = max(h, m.Rect.Dy())
	}
	out := white(image.Rect(0, 0, max(w, 1), max(h, 1)))
	x := 0
	for _, m := range ms {
		draw.Draw(out, m.Rect.Add(image.Pt(x, 0)), m, m.Rect.Min, draw.Src)
		x += m.Rect.Dx()
	}
	return out
}

// stack sets images one under the other, centred on the widest.
func stack(ms []*image.Gray) *image.Gray {
	w, h := 0, 0
	for _, m := range ms {
		w = max(w, m.Rect.Dx())
		h += m.Rect.Dy()
	}
	out := white(image.Rect(0, 0, w, h))
	y := 0
	for _, m := range ms {
		x := (w - m.Rect.Dx()) / 2
		draw.Draw(out, m.Rect.Add(image.Pt(x, y)), m, m.Rect.Min, draw.Src)
		y += m.Rect.Dy()
	}
	return out
}

// qr draws the stored QR Code at the module size and error correction
// level set with GS ( k.
func (p *page) qr() error {
	level := map[byte]qrcode.RecoveryLevel{48: qrcode.Low, 49: qrcode.Medium, 50: qrcode.High, 51: qrcode.Highest}[p.qrLevel]
	q, err := qrcode.New(string(p.qrData), level)
	if err != nil {
		return fmt.Errorf("QR data: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	g := white(image.Rect(0, 0, len(bm)*p.qrMod, len(bm)*p.qrMod))
	for r, cols := range bm {
		for c, on := range cols {
			if on {
				black(g, image.Rect(c*p.qrMod, r*p.qrMod, (c+1)*p.qrMod, (r+1)*p.qrMod))
			}
		}
	}
	p.block(g)
	return nil
}

// symbol draws a stored Aztec (cn 53) or DataMatrix (cn 54) symbol at
// its module size.
func (p *page) symbol(cn byte, data []byte) error {
	var code barcode.Barcode
	var err error
	if cn == 53 {
		code, err = aztec.Encode(data, 23, 0)
	} else {
		code, err = datamatrix.Encode(string(data))
	}
	if err != nil {
		return fmt.Errorf("2D symbol data: %w", err)
	}
	mod := p.symMod[cn]
	b := code.Bounds()
	g := white(image.Rect(0, 0, b.Dx()*mod, b.Dy()*mod))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if cl, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA(); cl < 0x8000 {
				black(g, image.Rect(x*mod, y*mod, (x+1)*mod, (y+1)*mod))
			}
		}
	}
	p.block(g)
	return nil
}

// pdf417 draws the stored PDF417 symbol: modules pdfMod dots wide, rows
// pdfRow modules high.
func (p *page) pdf417() error {
	code, err := pdf417.Encode(string(p.pdfData), p.pdfLevel)
	if err != nil {
		return fmt.Errorf("PDF417 data: %w", err)
	}
	b := code.Bounds()
	// The encoder draws each row two pixels high.
	rowH := p.pdfRow * p.pdfMod
	rows := b.Dy() / 2
	g := white(image.Rect(0, 0, b.Dx()*p.pdfMod, rows*rowH))
	for r := 0; r < rows; r++ {
		for x := 0; x < b.Dx(); x++ {
			if cl, _, _, _ := code.At(b.Min.X+x, b.Min.Y+r*2).RGBA(); cl < 0x8000 {
				black(g, image.Rect(x*p.pdfMod, r*rowH, (x+1)*p.pdfMod, (r+1)*rowH))
			}
		}
	}
	p.block(g)
	return nil
}
