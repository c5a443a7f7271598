package escpossim

import (
	"fmt"
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"

	"lotse/devices/escpos"
)

// fontCell is the dot geometry of the printer's two fonts: Font A 12×24,
// Font B 9×17, as on TM-T88 and TM-T20 printers.
type fontCell struct{ w, h, baseline int }

var cells = [2]fontCell{{12, 24, 19}, {9, 17, 13}}

var (
	facesOnce sync.Once
	faces     [2][2]font.Face // [font A/B][regular/bold]
	facesErr  error
)

func loadFaces() ([2][2]font.Face, error) {
	facesOnce.Do(func() {
		for i, ttf := range [][]byte{gomono.TTF, gomonobold.TTF} {
			f, err := opentype.Parse(ttf)
			if err != nil {
				facesErr = err
				return
			}
			// Go Mono advances 0.6 em: 20 px gives Font A's 12-dot cell,
			// 15 px Font B's 9 dots.
			for fi, size := range []float64{20, 15} {
				faces[fi][i], err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
				if err != nil {
					facesErr = err
					return
				}
			}
		}
	})
	return faces, facesErr
}

// style is the character formatting in effect.
type style struct {
	font         int // 0 Font A, 1 Font B
	bold         bool
	underline    int // dots: 0, 1 or 2
	italic       bool
	reverse      bool
	rotate       bool
	w, h         int // magnification 1–8
	charSpacing  int
	doubleStrike bool
}

// canvas is where lines go: the paper (which grows) or, in page mode, the
// page area (fixed size, printed at once).
type canvas struct {
	img *image.Gray
	y   int
	// grows says the canvas is the roll of paper.
	grows bool
}

func newCanvas(w, h int, grows bool) *canvas {
	img := white(image.Rect(0, 0, w, h))
	return &canvas{img: img, grows: grows}
}

// maxPaper is the longest job the simulator draws, in dots: about 6 m of
// paper, far beyond any receipt. Longer output is cut off there.
const maxPaper = 48 << 10

// white is blank paper of the size r.
func white(r image.Rectangle) *image.Gray {
	g := image.NewGray(r)
	for i := range g.Pix {
		g.Pix[i] = 0xFF
	}
	return g
}

// black inks the rectangle r of g.
func black(g *image.Gray, r image.Rectangle) {
	r = r.Intersect(g.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[g.PixOffset(r.Min.X, y):]
		for i := 0; i < r.Dx(); i++ {
			row[i] = 0
		}
	}
}

// grow makes the paper at least h dots tall (at most maxPaper).
func (c *canvas) grow(h int) {
	h = min(h, maxPaper)
	if !c.grows || h <= c.img.Rect.Dy() {
		return
	}
	n := white(image.Rect(0, 0, c.img.Rect.Dx(), min(maxPaper, max(h+512, 2*c.img.Rect.Dy()))))
	copy(n.Pix, c.img.Pix) // same width and stride: the old paper is the top
	c.img = n
}

// stamp blackens the canvas where the mask is black, at (x, y).
func (c *canvas) stamp(m *image.Gray, x, y int) {
	c.grow(y + m.Rect.Dy())
	r := m.Rect.Sub(m.Rect.Min).Add(image.Pt(x, y)).Intersect(c.img.Rect)
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		src := m.PixOffset(r.Min.X-x+m.Rect.Min.X, yy-y+m.Rect.Min.Y)
		dst := c.img.PixOffset(r.Min.X, yy)
		for i := 0; i < r.Dx(); i++ {
			if m.Pix[src+i] < 0x80 {
				c.img.Pix[dst+i] = 0
			}
		}
	}
}

// piece is one thing on the line being composed: a character cell or a
// column image, left to right.
type piece struct {
	mask *image.Gray
	x    int
}

// page is the printer's state while it prints a job.
type page struct {
	profile escpos.Profile
	paper   *canvas
	cv      *canvas // paper, or the page-mode area

	st          style
	align       escpos.Align
	cm          *charmap.Charmap
	spacing     int // line spacing in dots
	defSpacing  int
	left, width int // print area of standard mode, in dots
	upside      bool
	tabs        []int // tab positions in character columns
	line        []piece
	x           int // next position on the line, from the area's left

	hriPos, hriFont   int
	barHeight, barMod int
	qrData            []byte
	qrMod             int
	qrLevel           byte
	pdfData           []byte
	pdfMod, pdfRow    int
	pdfLevel          byte
	// The other 2D symbols GS ( k stores: data and module size by cn.
	symData  map[byte][]byte
	symMod   map[byte]int
	graphics *image.Gray

	// glyphs caches drawn characters: a page repeats few of them.
	glyphs map[glyphKey]*image.Gray

	pageMode bool
	pageArea image.Rectangle
	pageDir  int
	pageX    int
}

// Render draws a job's commands on paper of the profile's width. It fails
// on what a real printer would misprint: an unknown code page, a QR print
// without stored data, barcode data its symbology cannot hold.
func Render(cmds []Cmd, profile escpos.Profile) (*image.Gray, error) {
	if _, err := loadFaces(); err != nil {
		return nil, fmt.Errorf("simulator font: %w", err)
	}
	p := &page{profile: profile, paper: newCanvas(profile.Dots(), 0, true)}
	p.cv = p.paper
	p.reset()
	for _, c := range cmds {
		if err := p.do(c); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	p.flush(0)
	if p.paper.y > maxPaper {
		return nil, fmt.Errorf("job of %d dots: longer than the %d the simulator draws", p.paper.y, maxPaper)
	}
	p.paper.grow(p.paper.y)
	return p.paper.img.SubImage(image.Rect(0, 0, profile.Dots(), p.paper.y)).(*image.Gray), nil
}

// reset is ESC @: every setting back to its power-on value.
func (p *page) reset() {
	p.st = style{w: 1, h: 1}
	p.align, p.upside = escpos.Left, false
	_, p.cm = p.profile.CodePage()
	if cm, ok := p.profile.CharmapFor(0); ok {
		p.cm = cm
	}
	dpi := int(p.profile.Media.DPI)
	if dpi == 0 {
		dpi = 203
	}
	// The default line spacing is 1/6 inch.
	p.defSpacing = (dpi + 3) / 6
	p.spacing = p.defSpacing
	p.left, p.width = 0, p.profile.Dots()
	p.tabs = nil
	p.hriPos, p.hriFont, p.barHeight, p.barMod = 0, 0, 162, 3
	p.qrMod, p.qrLevel = 3, 48
	p.pdfMod, p.pdfRow, p.pdfLevel = 3, 3, 1
	p.symData, p.symMod = map[byte][]byte{}, map[byte]int{53: 3, 54: 3}
	p.pageMode, p.pageDir = false, 0
	p.pageArea = image.Rect(0, 0, p.profile.Dots(), 1662)
}

func (p *page) do(c Cmd) error {
	a := func(i int) int { return int(c.Args[i]) }
	switch c.Name {
	case "init":
		p.flush(0)
		p.cv = p.paper
		p.reset()
	case "intl":
		if c.Args[0] != 0 {
			return fmt.Errorf("international set %d: URLs would misprint", c.Args[0])
		}
	case "codepage":
		if _, listed := p.profile.CodePages[a(0)]; !listed {
			return fmt.Errorf("code page %d is not in profile %s", c.Args[0], p.profile.ID)
		}
		// A code page the printer has but whose characters are not known
		// here prints its ASCII half; the rest shows as '?'.
		p.cm, _ = p.profile.CharmapFor(a(0))
	case "align":
		if len(p.line) == 0 { // effective at the beginning of a line only
			p.align = escpos.Align(a(0) % 48)
		}
	case "bold":
		p.st.bold = a(0)&1 == 1
	case "double_strike":
		p.st.doubleStrike = a(0)&1 == 1
	case "underline":
		p.st.underline = a(0) % 48
	case "italic":
		p.st.italic = a(0)&1 == 1
	case "italic_off":
		p.st.italic = false
	case "reverse":
		p.st.reverse = a(0)&1 == 1
	case "rotate":
		p.st.rotate = a(0)%48 != 0
	case "upside_down":
		if len(p.line) == 0 {
			p.upside = a(0)&1 == 1
		}
	case "font":
		p.st.font = min(a(0)%48, 1)
	case "char_spacing":
		p.st.charSpacing = a(0)
	case "print_mode":
		n := a(0)
		p.st.font = n & 1
		p.st.bold = n&0x08 != 0
		p.st.h, p.st.w = 1+n>>4&1, 1+n>>5&1
		p.st.underline = n >> 7
	case "size":
		p.st.w, p.st.h = a(0)>>4%8+1, a(0)&0x0F%8+1
	case "text":
		for _, r := range escpos.DecodeWith(p.cm, c.Data) {
			p.char(r)
		}
	case "ht":
		p.tab()
	case "tabs":
		p.tabs = nil
		for _, t := range c.Data {
			p.tabs = append(p.tabs, int(t))
		}
	case "abs_pos":
		p.x = u16(c.Args[0], c.Args[1])
	case "rel_pos":
		p.x = max(0, p.x+int(int16(u16(c.Args[0], c.Args[1]))))
	case "lf":
		p.flush(p.spacing)
	case "cr", "can", "macro", "realtime_request", "realtime_function", "status", "send_status",
		"peripheral_status", "paper_status", "printer_id", "auto_status", "counter_reset", "counter_send",
		"pulse", "buzzer", "peripheral", "panel_buttons", "paper_end_sensors", "paper_stop_sensors",
		"unidirectional", "smoothing", "motion_units", "color", "user_chars", "define_chars",
		"cancel_user_char", "kanji_mode", "kanji_on", "kanji_off", "kanji_underline", "define_kanji",
		"kanji_code", "kanji_spacing", "kanji_quad", "esc_block", "fs_block", "gs_block", "define_nv_images",
		"define_image", "macro_run", "line_start", "graphics_setting", "qr_model", "qr_size",
		"pdf417_setting", "maxicode_setting", "databar_setting", "composite_setting", "aztec_setting",
		"datamatrix_setting", "barcode_cancelled":
		// No mark on the paper: status, drawer, buzzer, sensors, settings
		// the simulator does not draw differently, or real-time requests.
		p.setting(c)
	case "line_spacing_default":
		p.spacing = p.defSpacing
	case "line_spacing":
		p.spacing = a(0)
	case "line_spacing_60":
		p.spacing = a(0) * int(max(p.profile.Media.DPI, 1)) / 60
	case "line_spacing_360":
		p.spacing = a(0) * int(max(p.profile.Media.DPI, 1)) / 360
	case "feed":
		p.flush(a(0) * p.spacing)
	case "feed_dots":
		p.flush(a(0))
	case "reverse_feed", "reverse_feed_dots":
		// A thermal roll printer cannot take back paper it has printed;
		// the next line prints below.
		p.flush(0)
	case "left_margin":
		if len(p.line) == 0 {
			p.left = min(u16(c.Args[0], c.Args[1]), p.profile.Dots()-cells[0].w)
			p.width = min(p.width, p.profile.Dots()-p.left)
		}
	case "area_width":
		if len(p.line) == 0 {
			p.width = max(cells[0].w, min(u16(c.Args[0], c.Args[1]), p.profile.Dots()-p.left))
		}
	case "cut", "cut_legacy":
		feed := 0
		if len(c.Args) == 2 {
			feed = a(1)
		}
		p.flush(feed)
		p.cutMark()
	case "ff":
		if p.pageMode {
			p.printPage()
			p.leavePage()
		} else {
			p.flush(p.spacing)
		}
	case "page_print":
		if p.pageMode {
			p.printPage()
		}
	case "page_mode":
		p.flush(0)
		p.pageMode = true
		p.cv = newCanvas(p.pageArea.Dx(), p.pageArea.Dy(), false)
		p.pageX = 0
	case "standard_mode":
		p.leavePage()
	case "page_direction":
		p.pageDir = a(0) % 48 % 4
	case "page_area":
		x, y := u16(c.Args[0], c.Args[1]), u16(c.Args[2], c.Args[3])
		w, h := u16(c.Args[4], c.Args[5]), u16(c.Args[6], c.Args[7])
		if w > 0 && h > 0 {
			p.pageArea = image.Rect(x, y, x+w, y+h).Intersect(image.Rect(0, 0, p.profile.Dots(), 3000))
			if p.pageMode && !p.pageArea.Empty() {
				p.cv = newCanvas(p.pageArea.Dx(), p.pageArea.Dy(), false)
			}
		}
	case "abs_vpos":
		if p.pageMode {
			p.flush(0)
			p.cv.y = u16(c.Args[0], c.Args[1])
		}
	case "rel_vpos":
		if p.pageMode {
			p.flush(0)
			p.cv.y = max(0, p.cv.y+int(int16(u16(c.Args[0], c.Args[1]))))
		}
	case "bit_image":
		p.columnImage(c)
	case "raster":
		p.flush(0)
		p.block(raster(c))
	case "graphics_store":
		p.graphics = graphics(c.Data)
	case "graphics_print":
		if p.graphics != nil {
			p.flush(0)
			p.block(p.graphics)
			p.graphics = nil
		}
	case "print_image", "nv_image":
		// Downloaded and NV images live in the printer's memory, which the
		// simulator starts without: nothing is printed, as on a printer
		// that was never sent them.
	case "hri_position":
		p.hriPos = a(0) % 48
	case "hri_font":
		p.hriFont = min(a(0)%48, 1)
	case "barcode_height":
		p.barHeight = max(1, a(0))
	case "barcode_width":
		p.barMod = max(1, min(a(0), 6))
	case "barcode":
		p.flush(0)
		return p.barcode(c.Args[0], c.Data)
	case "qr_module":
		p.qrMod = max(1, min(int(c.Data[0]), 16))
	case "qr_level":
		p.qrLevel = c.Data[0]
	case "qr_store":
		p.qrData = clone(c.Data[1:])
	case "qr_print":
		if len(p.qrData) == 0 {
			return fmt.Errorf("QR print without stored data")
		}
		p.flush(0)
		return p.qr()
	case "pdf417_store":
		if len(c.Data) > 0 {
			p.pdfData = clone(c.Data[1:])
		}
	case "pdf417_print":
		if len(p.pdfData) == 0 {
			return fmt.Errorf("PDF417 print without stored data")
		}
		p.flush(0)
		return p.pdf417()
	case "aztec_store", "datamatrix_store":
		if len(c.Data) > 0 {
			p.symData[c.Args[2]] = clone(c.Data[1:])
		}
	case "aztec_print", "datamatrix_print":
		data := p.symData[c.Args[2]]
		if len(data) == 0 {
			return fmt.Errorf("%s print without stored data", c.Name)
		}
		p.flush(0)
		return p.symbol(c.Args[2], data)
	case "maxicode_print", "databar_print", "composite_print", "maxicode_store", "databar_store", "composite_store":
		return fmt.Errorf("the simulator does not draw this 2D symbol")
	default:
		return ErrUnknown
	}
	return nil
}

// setting applies the parameters of a command without a mark of its own
// that still changes how later output looks.
func (p *page) setting(c Cmd) {
	switch c.Name {
	case "aztec_setting", "datamatrix_setting":
		// Module size: Aztec fn 51, DataMatrix fn 67.
		if len(c.Data) > 0 && (c.Args[3] == 51 && c.Args[2] == 53 || c.Args[3] == 67 && c.Args[2] == 54) {
			p.symMod[c.Args[2]] = max(1, min(int(c.Data[0]), 16))
		}
	case "pdf417_setting":
		if len(c.Args) < 4 || len(c.Data) == 0 {
			return
		}
		switch c.Args[3] {
		case 67:
			p.pdfMod = max(1, min(int(c.Data[0]), 8))
		case 68:
			p.pdfRow = max(2, min(int(c.Data[0]), 8))
		case 69:
			if len(c.Data) >= 2 && c.Data[0] == 48 {
				p.pdfLevel = min(c.Data[1]-48, 8)
			}
		}
	case "can":
		if p.pageMode {
			p.cv = newCanvas(p.pageArea.Dx(), p.pageArea.Dy(), false)
			p.line = nil
		}
	}
}

// areaWidth is the width lines wrap at: the print area in standard mode,
// the page area in page mode.
func (p *page) areaWidth() int {
	if p.pageMode {
		return p.cv.img.Rect.Dx()
	}
	return p.width
}

// char adds one character to the line, wrapping at the print area.
func (p *page) char(r rune) {
	m := p.glyph(r)
	if p.x+m.Rect.Dx() > p.areaWidth() && len(p.line) > 0 {
		p.flush(p.spacing)
	}
	p.line = append(p.line, piece{mask: m, x: p.x})
	p.x += m.Rect.Dx()
}

// tab moves to the next tab position (every 8 characters unless ESC D
// set others).
func (p *page) tab() {
	cw := (cells[p.st.font].w + p.st.charSpacing) * p.st.w
	stops := p.tabs
	if len(stops) == 0 {
		for c := 8; c*cw < p.areaWidth(); c += 8 {
			stops = append(stops, c)
		}
	}
	for _, s := range stops {
		if s*cw > p.x {
			p.x = s * cw
			return
		}
	}
}

type glyphKey struct {
	r  rune
	st style
}

// glyph draws one character in the current style: a font cell, bold,
// underlined, italic, reversed, rotated, then magnified.
func (p *page) glyph(r rune) *image.Gray {
	k := glyphKey{r, p.st}
	if g, ok := p.glyphs[k]; ok {
		return g
	}
	if p.glyphs == nil {
		p.glyphs = map[glyphKey]*image.Gray{}
	}
	g := p.drawGlyph(r)
	p.glyphs[k] = g
	return g
}

func (p *page) drawGlyph(r rune) *image.Gray {
	cell := cells[p.st.font]
	w := cell.w + p.st.charSpacing
	g := white(image.Rect(0, 0, w, cell.h))
	face := faces[p.st.font][0]
	if p.st.bold || p.st.doubleStrike {
		face = faces[p.st.font][1]
	}
	dr := font.Drawer{Dst: g, Src: image.Black, Face: face, Dot: fixed.P(0, cell.baseline)}
	dr.DrawString(string(r))
	if p.st.italic {
		g = shear(g)
	}
	for u := 0; u < p.st.underline; u++ {
		for x := 0; x < w; x++ {
			g.SetGray(x, cell.h-1-u, color.Gray{})
		}
	}
	if p.st.rotate {
		g = rotate90(g)
	}
	if p.st.reverse {
		for i := range g.Pix {
			g.Pix[i] = 0xFF - g.Pix[i]
		}
	}
	return magnify(g, p.st.w, p.st.h)
}

// shear slants a cell for italics: a dot moves right by a third of its
// height above the baseline.
func shear(g *image.Gray) *image.Gray {
	out := white(g.Rect)
	h := g.Rect.Dy()
	for y := 0; y < h; y++ {
		dx := (h - y) / 4
		for x := 0; x < g.Rect.Dx(); x++ {
			if g.GrayAt(x, y).Y < 0x80 && x+dx < out.Rect.Dx() {
				out.SetGray(x+dx, y, color.Gray{})
			}
		}
	}
	return out
}

// rotate90 turns a cell 90° clockwise (ESC V).
func rotate90(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	return turn(g, h, w, func(x, y int) (int, int) { return h - 1 - y, x })
}

// rotate180 turns an image upside down (ESC {, page direction 2).
func rotate180(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	return turn(g, w, h, func(x, y int) (int, int) { return w - 1 - x, h - 1 - y })
}

// turn copies every dot of g to where to puts it, on a w×h image.
func turn(g *image.Gray, w, h int, to func(x, y int) (int, int)) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < g.Rect.Dy(); y++ {
		for x := 0; x < g.Rect.Dx(); x++ {
			tx, ty := to(x, y)
			out.SetGray(tx, ty, g.GrayAt(x+g.Rect.Min.X, y+g.Rect.Min.Y))
		}
	}
	return out
}

func magnify(g *image.Gray, sx, sy int) *image.Gray {
	if sx == 1 && sy == 1 {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, g.Rect.Dx()*sx, g.Rect.Dy()*sy))
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			out.SetGray(x, y, g.GrayAt(g.Rect.Min.X+x/sx, g.Rect.Min.Y+y/sy))
		}
	}
	return out
}

// flush prints the line being composed, aligned in the print area, and
// feeds the paper by feed dots (at least the line's height). Without a
// line, it feeds only.
func (p *page) flush(feed int) {
	if len(p.line) == 0 {
		p.cv.y += feed
		p.x = 0
		return
	}
	width, height := 0, 0
	for _, pc := range p.line {
		width = max(width, pc.x+pc.mask.Rect.Dx())
		height = max(height, pc.mask.Rect.Dy())
	}
	line := white(image.Rect(0, 0, p.areaWidth(), height))
	off := 0
	switch p.align {
	case escpos.Center:
		off = max(0, (p.areaWidth()-width)/2)
	case escpos.Right:
		off = max(0, p.areaWidth()-width)
	}
	lc := &canvas{img: line}
	for _, pc := range p.line {
		// Pieces of different heights share the baseline at the bottom.
		lc.stamp(pc.mask, off+pc.x, height-pc.mask.Rect.Dy())
	}
	if p.upside {
		line = rotate180(line)
	}
	left := p.left
	if p.pageMode {
		left = 0
	}
	p.cv.stamp(line, left, p.cv.y)
	p.cv.y += max(feed, height)
	p.line, p.x = nil, 0
}

// block prints an image as its own band, aligned in the print area.
func (p *page) block(m *image.Gray) {
	off := 0
	switch p.align {
	case escpos.Center:
		off = max(0, (p.areaWidth()-m.Rect.Dx())/2)
	case escpos.Right:
		off = max(0, p.areaWidth()-m.Rect.Dx())
	}
	left := p.left
	if p.pageMode {
		left = 0
	}
	p.cv.stamp(m, left+off, p.cv.y)
	p.cv.y += m.Rect.Dy()
}

// cutMark draws a dashed line where the cutter cut.
func (p *page) cutMark() {
	p.paper.grow(p.paper.y + 24)
	for x := 0; x < p.paper.img.Rect.Dx(); x += 8 {
		for dx := 0; dx < 4 && x+dx < p.paper.img.Rect.Dx(); dx++ {
			p.paper.img.SetGray(x+dx, p.paper.y+12, color.Gray{0x80})
		}
	}
	p.paper.y += 24
}

// printPage puts the page area on the paper, turned by the print
// direction (ESC T).
func (p *page) printPage() {
	p.flush(0)
	img := p.cv.img
	switch p.pageDir {
	case 1:
		img = rotate90(rotate180(img))
	case 2:
		img = rotate180(img)
	case 3:
		img = rotate90(img)
	}
	// The page is as tall as what was printed on it, as a printer feeds
	// only past the last dot.
	used := 0
	for y := img.Rect.Dy() - 1; y >= 0 && used == 0; y-- {
		for x := 0; x < img.Rect.Dx(); x++ {
			if img.GrayAt(x, y).Y < 0x80 {
				used = y + 1
				break
			}
		}
	}
	p.paper.stamp(img, p.pageArea.Min.X, p.paper.y+p.pageArea.Min.Y)
	p.paper.y += p.pageArea.Min.Y + used
}

func (p *page) leavePage() {
	p.line = nil
	p.pageMode = false
	p.cv = p.paper
	p.x = 0
}

// columnImage adds an ESC * image to the line: each byte is a column of
// 8 dots, most significant on top; 8-dot modes are three dots per bit
// high, single density two dots per column wide.
func (p *page) columnImage(c Cmd) {
	m := c.Args[0]
	per, sy, sx := 1, 3, 2
	switch m {
	case 1:
		sx = 1
	case 32:
		per, sy = 3, 1
	case 33:
		per, sy, sx = 3, 1, 1
	}
	cols := len(c.Data) / per
	g := white(image.Rect(0, 0, cols*sx, per*8*sy))
	for col := 0; col < cols; col++ {
		for k := 0; k < per; k++ {
			v := c.Data[col*per+k]
			for bit := 0; bit < 8; bit++ {
				if v&(0x80>>bit) == 0 {
					continue
				}
				y := (k*8 + bit) * sy
				for dy := 0; dy < sy; dy++ {
					for dx := 0; dx < sx; dx++ {
						g.SetGray(col*sx+dx, y+dy, color.Gray{})
					}
				}
			}
		}
	}
	if p.x+g.Rect.Dx() > p.areaWidth() && len(p.line) > 0 {
		p.flush(p.spacing)
	}
	p.line = append(p.line, piece{mask: g, x: p.x})
	p.x += g.Rect.Dx()
}

// bits turns rows of packed bits (most significant bit left) into an
// image, scaled by sx and sy.
func bits(data []byte, rowBytes, rows, sx, sy int) *image.Gray {
	g := white(image.Rect(0, 0, rowBytes*8*sx, rows*sy))
	for y := 0; y < rows; y++ {
		for xb := 0; xb < rowBytes; xb++ {
			v := data[y*rowBytes+xb]
			for bit := 0; bit < 8; bit++ {
				if v&(0x80>>bit) == 0 {
					continue
				}
				for dy := 0; dy < sy; dy++ {
					for dx := 0; dx < sx; dx++ {
						g.SetGray((xb*8+bit)*sx+dx, y*sy+dy, color.Gray{})
					}
				}
			}
		}
	}
	return g
}

// raster draws GS v 0: mode 1 doubles the width, 2 the height, 3 both.
func raster(c Cmd) *image.Gray {
	m := int(c.Args[0]) % 48
	return bits(c.Data, u16(c.Args[1], c.Args[2]), u16(c.Args[3], c.Args[4]), 1+m&1, 1+m>>1&1)
}

// graphics reads the raster of GS ( L / GS 8 L function 112: m fn a bx by
// c xL xH yL yH d…, with bx and by the magnification.
func graphics(data []byte) *image.Gray {
	if len(data) < 10 {
		return nil
	}
	sx, sy := max(1, min(int(data[3]), 2)), max(1, min(int(data[4]), 2))
	w, h := u16(data[6], data[7]), u16(data[8], data[9])
	rowBytes := (w + 7) / 8
	if w == 0 || h == 0 || len(data)-10 < rowBytes*h {
		return nil
	}
	return bits(data[10:], rowBytes, h, sx, sy)
}
