package escpossim

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"

	"lotse/devices/escpos"
)

// Font A geometry: a 12×24 dot cell, 30 dots from line to line.
const (
	cellW       = 12
	cellH       = 24
	lineSpacing = 30
)

var (
	facesOnce sync.Once
	faces     [2]font.Face // regular, bold
	facesErr  error
)

func loadFaces() ([2]font.Face, error) {
	facesOnce.Do(func() {
		for i, ttf := range [][]byte{gomono.TTF, gomonobold.TTF} {
			f, err := opentype.Parse(ttf)
			if err == nil {
				// Go Mono advances 0.6 em: 20 px gives the 12-dot cell.
				faces[i], err = opentype.NewFace(f, &opentype.FaceOptions{Size: 20, DPI: 72, Hinting: font.HintingFull})
			}
			if err != nil {
				facesErr = err
				return
			}
		}
	})
	return faces, facesErr
}

// page is the paper as the printer draws it.
type page struct {
	profile escpos.Profile
	img     *image.Gray
	y       int

	align  escpos.Align
	bold   bool
	w, h   int
	cm     *charmap.Charmap
	line   []run
	qrData []byte
	qrMod  int
}

type run struct {
	text    string
	bold    bool
	w, h    int
	advance int
}

// Render draws a job's commands on paper of the profile's width. It fails
// on anything a real printer would misprint: an unknown code page, a QR
// print without stored data.
func Render(cmds []Cmd, profile escpos.Profile) (*image.Gray, error) {
	if _, err := loadFaces(); err != nil {
		return nil, fmt.Errorf("simulator font: %w", err)
	}
	p := &page{profile: profile, img: image.NewGray(image.Rect(0, 0, profile.Dots(), 0)), w: 1, h: 1, qrMod: 3}
	p.reset()
	for _, c := range cmds {
		if err := p.do(c); err != nil {
			return nil, err
		}
	}
	p.flush(false)
	p.grow(p.y)
	return p.img.SubImage(image.Rect(0, 0, p.profile.Dots(), p.y)).(*image.Gray), nil
}

func (p *page) reset() {
	p.align, p.bold, p.w, p.h = escpos.Left, false, 1, 1
	_, p.cm = p.profile.CodePage()
	if cm, ok := p.profile.CharmapFor(0); ok {
		p.cm = cm
	}
}

func (p *page) do(c Cmd) error {
	switch c.Name {
	case "init":
		p.flush(false)
		p.reset()
	case "intl":
		if c.Args[0] != 0 {
			return fmt.Errorf("international set %d: URLs would misprint", c.Args[0])
		}
	case "codepage":
		cm, ok := p.profile.CharmapFor(int(c.Args[0]))
		if !ok {
			return fmt.Errorf("code page %d is not in profile %s", c.Args[0], p.profile.ID)
		}
		p.cm = cm
	case "align":
		p.align = escpos.Align(c.Args[0] % 48)
	case "bold":
		p.bold = c.Args[0]&1 == 1
	case "size":
		p.w, p.h = int(c.Args[0]>>4)+1, int(c.Args[0]&0x0F)+1
	case "text":
		text := escpos.DecodeWith(p.cm, c.Data)
		p.line = append(p.line, run{text: text, bold: p.bold, w: p.w, h: p.h, advance: len([]rune(text)) * cellW * p.w})
	case "lf":
		p.flush(true)
	case "feed":
		p.flush(false)
		p.y += int(c.Args[0]) * lineSpacing
	case "cut":
		p.flush(false)
		p.grow(p.y + 24)
		for x := 0; x < p.img.Rect.Dx(); x += 8 {
			for dx := 0; dx < 4 && x+dx < p.img.Rect.Dx(); dx++ {
				p.img.SetGray(x+dx, p.y+12, color.Gray{0x80})
			}
		}
		p.y += 24
	case "status":
	case "qr_model", "qr_level":
	case "qr_module":
		p.qrMod = int(c.Data[0])
	case "qr_store":
		p.qrData = append([]byte(nil), c.Data[1:]...)
	case "qr_print":
		if len(p.qrData) == 0 {
			return fmt.Errorf("QR print without stored data")
		}
		q, err := qrcode.New(string(p.qrData), qrcode.Medium)
		if err != nil {
			return fmt.Errorf("QR data: %w", err)
		}
		q.DisableBorder = true
		p.flush(false)
		p.bitmap(q.Bitmap(), p.qrMod)
	case "raster":
		p.flush(false)
		p.raster(c)
	default:
		return fmt.Errorf("render %s: %w", c.Name, ErrUnknown)
	}
	return nil
}

// grow makes the page at least h dots tall.
func (p *page) grow(h int) {
	if h <= p.img.Rect.Dy() {
		return
	}
	n := image.NewGray(image.Rect(0, 0, p.img.Rect.Dx(), h+256))
	draw.Draw(n, n.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(n, p.img.Rect, p.img, image.Point{}, draw.Src)
	p.img = n
}

func (p *page) x(width int) int {
	switch p.align {
	case escpos.Center:
		return max(0, (p.profile.Dots()-width)/2)
	case escpos.Right:
		return max(0, p.profile.Dots()-width)
	}
	return 0
}

// flush prints the buffered line. With lf, an empty line still advances.
func (p *page) flush(lf bool) {
	if len(p.line) == 0 {
		if lf {
			p.y += lineSpacing
		}
		return
	}
	width, height := 0, cellH
	for _, r := range p.line {
		width += r.advance
		height = max(height, cellH*r.h)
	}
	p.grow(p.y + height + lineSpacing)
	x := p.x(width)
	for _, r := range p.line {
		p.text(r, x, p.y+height-cellH*r.h)
		x += r.advance
	}
	p.y += height + lineSpacing - cellH
	p.line = nil
}

// text draws a run at cell size, then magnifies it.
func (p *page) text(r run, x, y int) {
	n := len([]rune(r.text))
	cell := image.NewGray(image.Rect(0, 0, n*cellW, cellH))
	draw.Draw(cell, cell.Rect, image.White, image.Point{}, draw.Src)
	face := faces[0]
	if r.bold {
		face = faces[1]
	}
	dr := font.Drawer{Dst: cell, Src: image.Black, Face: face}
	for i, ch := range []rune(r.text) {
		dr.Dot = fixed.P(i*cellW, 19)
		dr.DrawString(string(ch))
	}
	for yy := 0; yy < cellH*r.h; yy++ {
		for xx := 0; xx < n*cellW*r.w; xx++ {
			if x+xx >= p.img.Rect.Dx() {
				break
			}
			v := cell.GrayAt(xx/r.w, yy/r.h)
			if v.Y < 0x80 {
				p.img.SetGray(x+xx, y+yy, color.Gray{})
			}
		}
	}
}

func (p *page) bitmap(bits [][]bool, module int) {
	size := len(bits) * module
	p.grow(p.y + size + lineSpacing)
	x0 := p.x(size)
	for r, row := range bits {
		for c, on := range row {
			if !on {
				continue
			}
			for dy := 0; dy < module; dy++ {
				for dx := 0; dx < module; dx++ {
					p.img.SetGray(x0+c*module+dx, p.y+r*module+dy, color.Gray{})
				}
			}
		}
	}
	p.y += size
}

func (p *page) raster(c Cmd) {
	rowBytes := int(c.Args[1]) | int(c.Args[2])<<8
	rows := int(c.Args[3]) | int(c.Args[4])<<8
	p.grow(p.y + rows + lineSpacing)
	x0 := p.x(rowBytes * 8)
	for y := 0; y < rows; y++ {
		for xb := 0; xb < rowBytes; xb++ {
			v := c.Data[y*rowBytes+xb]
			for bit := 0; bit < 8; bit++ {
				if v&(0x80>>bit) != 0 && x0+xb*8+bit < p.img.Rect.Dx() {
					p.img.SetGray(x0+xb*8+bit, p.y+y, color.Gray{})
				}
			}
		}
	}
	p.y += rows
}
