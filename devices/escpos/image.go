package escpos

import (
	"fmt"
	"image"
	"image/color"

	"github.com/skip2/go-qrcode"
)

// QR levels of error correction, as GS ( k function 169 numbers them.
const (
	qrLevelM = 49
)

// rasterStripRows is the most rows one GS v 0 command carries: several
// printers cannot buffer a taller image.
const rasterStripRows = 128

// QR prints data as a QR code, centred: natively (GS ( k, model 2, level M)
// when the profile says the printer can, otherwise as a raster image built
// from go-qrcode's bitmap. module is the size of one module in dots.
func (d *Doc) QR(data string, module int) error {
	d.Align(Center)
	if d.profile.NativeQR() {
		d.nativeQR(data, module)
		return nil
	}
	bits, err := qrBitmap(data)
	if err != nil {
		return err
	}
	d.rasterModules(bits, module)
	return nil
}

// rasterModules prints a module bitmap with each module as module×module
// dots, packing the bits directly (no image in between: a ticket's QR code
// is encoded in well under a millisecond).
func (d *Doc) rasterModules(bits [][]bool, module int) {
	n := len(bits)
	w := n * module
	rowBytes := (w + 7) / 8
	row := make([]byte, rowBytes)
	total := n * module
	for top := 0; top < total; top += rasterStripRows {
		rows := min(rasterStripRows, total-top)
		d.buf = append(d.buf, GS, 'v', '0', 0, byte(rowBytes), byte(rowBytes>>8), byte(rows), byte(rows>>8))
		for y := top; y < top+rows; y++ {
			clear(row)
			for c, on := range bits[y/module] {
				if !on {
					continue
				}
				for x := c * module; x < (c+1)*module; x++ {
					row[x/8] |= 0x80 >> (x % 8)
				}
			}
			d.buf = append(d.buf, row...)
		}
	}
}

// qrBitmap is data's QR code at level M, without the border: the white
// paper around the code is its quiet zone, so those modules need not be
// sent as raster bytes.
func qrBitmap(data string) ([][]bool, error) {
	q, err := qrcode.New(data, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

func (d *Doc) nativeQR(data string, module int) {
	fn := func(cn byte, params ...byte) {
		n := len(params) + 2
		d.buf = append(d.buf, GS, '(', 'k', byte(n), byte(n>>8), 49, cn)
		d.buf = append(d.buf, params...)
	}
	fn(65, 50, 0)                          // 165: model 2
	fn(67, byte(clamp(module, 1, 16)))     // 167: module size
	fn(69, qrLevelM)                       // 169: error correction M
	fn(80, append([]byte{48}, data...)...) // 180: store the data
	fn(81, 48)                             // 181: print it
}

// Raster prints a black-and-white image with GS v 0, in strips of at most
// 128 rows. Pixels darker than mid-grey print.
func (d *Doc) Raster(img image.Image) {
	b := img.Bounds()
	w := min(b.Dx(), d.profile.Dots())
	rowBytes := (w + 7) / 8
	for top := b.Min.Y; top < b.Max.Y; top += rasterStripRows {
		rows := min(rasterStripRows, b.Max.Y-top)
		d.buf = append(d.buf, GS, 'v', '0', 0, byte(rowBytes), byte(rowBytes>>8), byte(rows), byte(rows>>8))
		for y := top; y < top+rows; y++ {
			for xb := 0; xb < rowBytes; xb++ {
				var v byte
				for bit := 0; bit < 8; bit++ {
					x := b.Min.X + xb*8 + bit
					if x < b.Min.X+w && dark(img.At(x, y)) {
						v |= 0x80 >> bit
					}
				}
				d.buf = append(d.buf, v)
			}
		}
	}
}

// Image prints img centred, scaled down to fit the paper if needed.
func (d *Doc) Image(img image.Image) {
	d.Align(Center)
	if img.Bounds().Dx() > d.profile.Dots() {
		img = scaleDown(img, d.profile.Dots())
	}
	d.Raster(img)
}

func dark(c color.Color) bool {
	g := color.GrayModel.Convert(c).(color.Gray)
	_, _, _, a := c.RGBA()
	return a > 0x7FFF && g.Y < 0x80
}

// scaleDown shrinks img to width (nearest neighbour: logos are line art).
func scaleDown(img image.Image, width int) image.Image {
	b := img.Bounds()
	height := b.Dy() * width / b.Dx()
	out := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			out.Set(x, y, img.At(b.Min.X+x*b.Dx()/width, b.Min.Y+y*b.Dy()/height))
		}
	}
	return out
}
