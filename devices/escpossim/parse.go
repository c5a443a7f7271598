// Package escpossim is the printer simulator: it interprets the ESC/POS byte
// stream a kiosk — or any other encoder — sends to an Epson TM-T88/TM-T20
// class printer, refuses bytes that are not ESC/POS (so an encoder cannot
// drift into commands a real printer would misread), and keeps each job for
// inspection and rendering.
package escpossim

import (
	"errors"
	"fmt"
)

// Cmd is one interpreted command. Text runs are Cmd{Name: "text"} with the
// raw code-page bytes in Data. Args holds the fixed parameter bytes after
// the command's prefix, Data a variable-length block.
type Cmd struct {
	Name string
	Args []byte
	Data []byte
	Len  int // encoded length in bytes
}

// ErrUnknown is returned for a byte sequence that is not an ESC/POS command.
var ErrUnknown = errors.New("unknown ESC/POS command")

// maxBlock bounds the data of one block command, so garbage cannot make
// the simulator wait for megabytes that will never come. The largest
// block an 80 mm printer takes in one piece is a raster band.
const maxBlock = 256 << 10

// sizer measures a variable-length command at the start of b. It returns
// the command's length and its parameters, or n = 0 when b does not hold
// all of it yet.
type sizer func(b []byte) (n int, c Cmd, err error)

// spec is one command: a fixed number of parameter bytes after its prefix,
// or a sizer for the commands whose length is in their data.
type spec struct {
	name string
	args int
	size sizer
}

// commands is the command set of an Epson TM-T88/TM-T20 class printer in
// standard and page mode, plus what popular encoders send that such
// printers accept (ESC 4 italics, ESC B buzzer, ESC A/ESC + line spacing,
// ESC i/ESC m cuts). Keys are the command's prefix: one control byte and
// the function byte, or three bytes where the third selects the function.
var commands = map[string]spec{
	// Real-time commands.
	"\x10\x04": {name: "status", args: 1},
	"\x10\x05": {name: "realtime_request", args: 1},
	"\x10\x14": {name: "realtime_function", size: sizeDLEDC4},

	// ESC: print position, characters, line spacing, page mode.
	"\x1b\x0c": {name: "page_print"},
	"\x1b ":    {name: "char_spacing", args: 1},
	"\x1b!":    {name: "print_mode", args: 1},
	"\x1b$":    {name: "abs_pos", args: 2},
	"\x1b%":    {name: "user_chars", args: 1},
	"\x1b&":    {name: "define_chars", size: sizeDefineChars},
	"\x1b(":    {name: "esc_block", size: sizeParen},
	"\x1b*":    {name: "bit_image", size: sizeBitImage},
	"\x1b+":    {name: "line_spacing_360", args: 1},
	"\x1b-":    {name: "underline", args: 1},
	"\x1b2":    {name: "line_spacing_default"},
	"\x1b3":    {name: "line_spacing", args: 1},
	"\x1b4":    {name: "italic", args: 1},
	"\x1b5":    {name: "italic_off"},
	"\x1b=":    {name: "peripheral", args: 1},
	"\x1b?":    {name: "cancel_user_char", args: 1},
	"\x1b@":    {name: "init"},
	"\x1bA":    {name: "line_spacing_60", args: 1},
	"\x1bB":    {name: "buzzer", args: 2},
	"\x1bD":    {name: "tabs", size: sizeTabs},
	"\x1bE":    {name: "bold", args: 1},
	"\x1bG":    {name: "double_strike", args: 1},
	"\x1bJ":    {name: "feed_dots", args: 1},
	"\x1bK":    {name: "reverse_feed_dots", args: 1},
	"\x1bL":    {name: "page_mode"},
	"\x1bM":    {name: "font", args: 1},
	"\x1bR":    {name: "intl", args: 1},
	"\x1bS":    {name: "standard_mode"},
	"\x1bT":    {name: "page_direction", args: 1},
	"\x1bU":    {name: "unidirectional", args: 1},
	"\x1bV":    {name: "rotate", args: 1},
	"\x1bW":    {name: "page_area", args: 8},
	"\x1b\\":   {name: "rel_pos", args: 2},
	"\x1ba":    {name: "align", args: 1},
	"\x1bc3":   {name: "paper_end_sensors", args: 1},
	"\x1bc4":   {name: "paper_stop_sensors", args: 1},
	"\x1bc5":   {name: "panel_buttons", args: 1},
	"\x1bd":    {name: "feed", args: 1},
	"\x1be":    {name: "reverse_feed", args: 1},
	"\x1bi":    {name: "cut_legacy"},
	"\x1bm":    {name: "cut_legacy"},
	"\x1bp":    {name: "pulse", args: 3},
	"\x1br":    {name: "color", args: 1},
	"\x1bt":    {name: "codepage", args: 1},
	"\x1bu":    {name: "peripheral_status", args: 1},
	"\x1bv":    {name: "paper_status"},
	"\x1b{":    {name: "upside_down", args: 1},

	// FS: the double-byte (Kanji) character modes and NV images. A
	// western printer accepts them all; FS . and FS & bracket every text
	// some encoders send.
	"\x1c!":  {name: "kanji_mode", args: 1},
	"\x1c&":  {name: "kanji_on"},
	"\x1c(":  {name: "fs_block", size: sizeParen},
	"\x1c-":  {name: "kanji_underline", args: 1},
	"\x1c.":  {name: "kanji_off"},
	"\x1c2":  {name: "define_kanji", args: 2 + 72},
	"\x1cC":  {name: "kanji_code", args: 1},
	"\x1cS":  {name: "kanji_spacing", args: 2},
	"\x1cW":  {name: "kanji_quad", args: 1},
	"\x1cp":  {name: "nv_image", args: 2},
	"\x1cq":  {name: "define_nv_images", size: sizeDefineNV},
	"\x1d!":  {name: "size", args: 1},
	"\x1d$":  {name: "abs_vpos", args: 2},
	"\x1d(":  {name: "gs_block", size: sizeParen},
	"\x1d*":  {name: "define_image", size: sizeDefineImage},
	"\x1d/":  {name: "print_image", args: 1},
	"\x1d:":  {name: "macro"},
	"\x1dB":  {name: "reverse", args: 1},
	"\x1dH":  {name: "hri_position", args: 1},
	"\x1dI":  {name: "printer_id", args: 1},
	"\x1dL":  {name: "left_margin", args: 2},
	"\x1dP":  {name: "motion_units", args: 2},
	"\x1dT":  {name: "line_start", args: 1},
	"\x1dV":  {name: "cut", size: sizeCut},
	"\x1dW":  {name: "area_width", args: 2},
	"\x1d\\": {name: "rel_vpos", args: 2},
	"\x1d^":  {name: "macro_run", args: 3},
	"\x1da":  {name: "auto_status", args: 1},
	"\x1db":  {name: "smoothing", args: 1},
	"\x1df":  {name: "hri_font", args: 1},
	"\x1dg0": {name: "counter_reset", args: 2},
	"\x1dg2": {name: "counter_send", args: 2},
	"\x1dh":  {name: "barcode_height", args: 1},
	"\x1dk":  {name: "barcode", size: sizeBarcode},
	"\x1dr":  {name: "send_status", args: 1},
	"\x1dv0": {name: "raster", size: sizeRaster},
	"\x1dw":  {name: "barcode_width", args: 1},
	"\x1d8L": {name: "gs_block", size: sizeGraphics8},
}

// prefixes3 are the two-byte starts of the commands whose third byte is
// part of the prefix.
var prefixes3 = map[string]bool{"\x1bc": true, "\x1dg": true, "\x1dv": true, "\x1d8": true}

// single are the one-byte commands.
var single = map[byte]string{0x0A: "lf", 0x0D: "cr", 0x09: "ht", 0x0C: "ff", 0x18: "can"}

// Parse interprets as much of b as forms complete commands. It returns the
// commands and the number of bytes consumed; the rest is an incomplete
// command waiting for more bytes. A byte sequence that is not ESC/POS is an
// error naming its offset.
func Parse(b []byte) ([]Cmd, int, error) {
	var cmds []Cmd
	i := 0
	emit := func(c Cmd, n int) {
		c.Len = n
		cmds = append(cmds, c)
		i += n
	}
	for i < len(b) {
		c := b[i]
		if name, ok := single[c]; ok {
			emit(Cmd{Name: name}, 1)
			continue
		}
		switch {
		case c == 0x1B || c == 0x1C || c == 0x1D || c == 0x10:
			if i+1 >= len(b) {
				return cmds, i, nil
			}
			key := string(b[i : i+2])
			if prefixes3[key] {
				if i+2 >= len(b) {
					return cmds, i, nil
				}
				key = string(b[i : i+3])
			}
			s, ok := commands[key]
			if !ok {
				return cmds, i, fmt.Errorf("offset %d: % x: %w", i, []byte(key), ErrUnknown)
			}
			var n int
			var cmd Cmd
			if s.size != nil {
				var err error
				n, cmd, err = s.size(b[i:])
				if err != nil {
					return cmds, i, fmt.Errorf("offset %d: %w", i, err)
				}
				if cmd.Name == "" {
					cmd.Name = s.name
				}
			} else if i+len(key)+s.args <= len(b) {
				n = len(key) + s.args
				cmd = Cmd{Name: s.name, Args: clone(b[i+len(key) : i+n])}
			}
			if n == 0 {
				return cmds, i, nil // incomplete: wait for more bytes
			}
			emit(cmd, n)
		case c < 0x20 || c == 0x7F:
			return cmds, i, fmt.Errorf("offset %d: control byte %#02x: %w", i, c, ErrUnknown)
		default:
			j := i
			for j < len(b) && b[j] >= 0x20 && b[j] != 0x7F {
				j++
			}
			emit(Cmd{Name: "text", Data: clone(b[i:j])}, j-i)
		}
	}
	return cmds, i, nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func u16(lo, hi byte) int { return int(lo) | int(hi)<<8 }

// sizeParen reads the block commands ESC ( fn pL pH d…, FS ( fn pL pH d…
// and GS ( fn pL pH d…. The QR, PDF417 and graphics functions the
// renderer draws get names of their own.
func sizeParen(b []byte) (int, Cmd, error) {
	if len(b) < 5 {
		return 0, Cmd{}, nil
	}
	n := u16(b[3], b[4])
	if n > maxBlock {
		return 0, Cmd{}, fmt.Errorf("% x block of %d bytes: %w", b[:3], n, ErrUnknown)
	}
	if len(b) < 5+n {
		return 0, Cmd{}, nil
	}
	data := b[5 : 5+n]
	cmd := Cmd{Args: clone(b[2:5]), Data: clone(data)}
	if b[0] == 0x1D {
		switch b[2] {
		case 'k':
			name, err := symbolFunction(data)
			if err != nil {
				return 0, Cmd{}, err
			}
			cmd.Name = name
			// Keep the old layout: Args = pL pH cn fn, Data = parameters.
			cmd.Args, cmd.Data = clone(b[3:7]), clone(data[2:])
		case 'L':
			cmd.Name = graphicsName(data)
		}
	}
	return 5 + n, cmd, nil
}

// symbolFunction names a GS ( k function: cn selects the symbol (48
// PDF417, 49 QR Code, 50 MaxiCode, 51 GS1 DataBar, 52 composite, 53 Aztec,
// 54 DataMatrix), fn the setting, 80 stores the data, 81 prints it.
func symbolFunction(data []byte) (string, error) {
	if len(data) < 2 {
		return "", fmt.Errorf("GS ( k with %d bytes: %w", len(data), ErrUnknown)
	}
	cn, fn := data[0], data[1]
	symbol, ok := map[byte]string{48: "pdf417", 49: "qr", 50: "maxicode", 51: "databar", 52: "composite", 53: "aztec", 54: "datamatrix"}[cn]
	if !ok {
		return "", fmt.Errorf("GS ( k symbol %d: %w", cn, ErrUnknown)
	}
	if cn == 49 {
		name, ok := map[byte]string{65: "qr_model", 67: "qr_module", 69: "qr_level", 80: "qr_store", 81: "qr_print", 82: "qr_size"}[fn]
		if !ok {
			return "", fmt.Errorf("GS ( k QR function %d: %w", fn, ErrUnknown)
		}
		// Parameter bytes each function needs (store: at least m = 48).
		if need := map[byte]int{65: 2, 67: 1, 69: 1, 80: 1, 81: 1, 82: 1}[fn]; len(data)-2 < need {
			return "", fmt.Errorf("GS ( k QR function %d with %d parameter bytes: %w", fn, len(data)-2, ErrUnknown)
		}
		return name, nil
	}
	switch fn {
	case 80:
		return symbol + "_store", nil
	case 81:
		return symbol + "_print", nil
	}
	return symbol + "_setting", nil
}

// graphicsName names a GS ( L / GS 8 L function: 112 stores a raster
// graphic in the print buffer, 50 prints it; the others (density, NV
// graphics, capacity queries) change nothing on the paper.
func graphicsName(data []byte) string {
	if len(data) >= 2 {
		switch data[1] {
		case 112:
			return "graphics_store"
		case 50, 2:
			return "graphics_print"
		}
	}
	return "graphics_setting"
}

// sizeGraphics8 reads GS 8 L p1 p2 p3 p4 m fn …, the graphics command with
// a four-byte length.
func sizeGraphics8(b []byte) (int, Cmd, error) {
	if len(b) < 7 {
		return 0, Cmd{}, nil
	}
	n := int(b[3]) | int(b[4])<<8 | int(b[5])<<16 | int(b[6])<<24
	if n < 0 || n > maxBlock {
		return 0, Cmd{}, fmt.Errorf("GS 8 L block of %d bytes: %w", n, ErrUnknown)
	}
	if len(b) < 7+n {
		return 0, Cmd{}, nil
	}
	data := b[7 : 7+n]
	return 7 + n, Cmd{Name: graphicsName(data), Args: clone(b[2:7]), Data: clone(data)}, nil
}

// sizeRaster reads GS v 0 m xL xH yL yH d… (a raster image).
func sizeRaster(b []byte) (int, Cmd, error) {
	if len(b) < 8 {
		return 0, Cmd{}, nil
	}
	if m := b[3]; m > 3 && !(m >= 48 && m <= 51) {
		return 0, Cmd{}, fmt.Errorf("GS v 0 mode %d: %w", m, ErrUnknown)
	}
	x, y := u16(b[4], b[5]), u16(b[6], b[7])
	n := x * y
	if x == 0 || y == 0 || n > maxBlock {
		return 0, Cmd{}, fmt.Errorf("GS v 0 size %d×%d: %w", x, y, ErrUnknown)
	}
	if len(b) < 8+n {
		return 0, Cmd{}, nil
	}
	return 8 + n, Cmd{Args: clone(b[3:8]), Data: clone(b[8 : 8+n])}, nil
}

// sizeBitImage reads ESC * m nL nH d… (a column image): 8-dot modes send
// one byte per column, 24-dot modes three.
func sizeBitImage(b []byte) (int, Cmd, error) {
	if len(b) < 5 {
		return 0, Cmd{}, nil
	}
	per := map[byte]int{0: 1, 1: 1, 32: 3, 33: 3}[b[2]]
	if per == 0 {
		return 0, Cmd{}, fmt.Errorf("ESC * mode %d: %w", b[2], ErrUnknown)
	}
	cols := u16(b[3], b[4])
	if cols == 0 || cols > 2400 {
		return 0, Cmd{}, fmt.Errorf("ESC * with %d columns: %w", cols, ErrUnknown)
	}
	n := cols * per
	if len(b) < 5+n {
		return 0, Cmd{}, nil
	}
	return 5 + n, Cmd{Args: clone(b[2:5]), Data: clone(b[5 : 5+n])}, nil
}

// sizeCut reads GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66, 97,
// 98, 103, 104: feed n, then cut).
func sizeCut(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	switch m := b[2]; m {
	case 0, 1, 48, 49:
		return 3, Cmd{Args: []byte{m}}, nil
	case 65, 66, 97, 98, 103, 104:
		if len(b) < 4 {
			return 0, Cmd{}, nil
		}
		return 4, Cmd{Args: []byte{m, b[3]}}, nil
	default:
		return 0, Cmd{}, fmt.Errorf("cut mode %d: %w", m, ErrUnknown)
	}
}

// barcodeRange says which data bytes a function-A symbology accepts
// (m = 0…6: UPC-A, UPC-E, EAN-13, EAN-8, CODE39, ITF, CODABAR).
func barcodeRange(m byte, d byte) bool {
	digit := d >= '0' && d <= '9'
	switch m {
	case 0, 1, 2, 3, 5:
		return digit
	case 4:
		return digit || d >= 'A' && d <= 'Z' || d == ' ' || d == '$' || d == '%' || d == '*' || d == '+' || d == '-' || d == '.' || d == '/'
	case 6:
		return digit || d >= 'A' && d <= 'D' || d >= 'a' && d <= 'd' || d == '$' || d == '+' || d == '-' || d == '.' || d == '/' || d == ':'
	}
	return false
}

// sizeBarcode reads GS k: function A (m = 0…6, data up to NUL) or
// function B (m = 65…79, a length byte, then the data). As on an Epson
// printer, function A data with a byte outside its symbology's range ends
// the command after m: the bytes after it are processed as normal data.
func sizeBarcode(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	m := b[2]
	switch {
	case m <= 6:
		for j := 3; j < len(b); j++ {
			if b[j] == 0 {
				return j + 1, Cmd{Args: []byte{m}, Data: clone(b[3:j])}, nil
			}
			if !barcodeRange(m, b[j]) || j-3 > 255 {
				return 3, Cmd{Name: "barcode_cancelled", Args: []byte{m}}, nil
			}
		}
		return 0, Cmd{}, nil
	case m >= 65 && m <= 79:
		if len(b) < 4 {
			return 0, Cmd{}, nil
		}
		n := int(b[3])
		if len(b) < 4+n {
			return 0, Cmd{}, nil
		}
		return 4 + n, Cmd{Args: []byte{m}, Data: clone(b[4 : 4+n])}, nil
	default:
		return 0, Cmd{}, fmt.Errorf("barcode system %d: %w", m, ErrUnknown)
	}
}

// sizeTabs reads ESC D n1 … nk NUL (at most 32 tab positions).
func sizeTabs(b []byte) (int, Cmd, error) {
	for j := 2; j < len(b); j++ {
		if b[j] == 0 {
			return j + 1, Cmd{Data: clone(b[2:j])}, nil
		}
		if j-2 >= 32 {
			return 0, Cmd{}, fmt.Errorf("ESC D with more than 32 tab positions: %w", ErrUnknown)
		}
	}
	return 0, Cmd{}, nil
}

// sizeDefineChars reads ESC & y c1 c2 [x d1 … d(y×x)]… (user-defined
// characters from c1 to c2).
func sizeDefineChars(b []byte) (int, Cmd, error) {
	if len(b) < 5 {
		return 0, Cmd{}, nil
	}
	y, c1, c2 := int(b[2]), b[3], b[4]
	if y < 1 || y > 3 || c1 < 32 || c2 > 126 || c1 > c2 {
		return 0, Cmd{}, fmt.Errorf("ESC & %d %d %d: %w", y, c1, c2, ErrUnknown)
	}
	j := 5
	for c := int(c1); c <= int(c2); c++ {
		if j >= len(b) {
			return 0, Cmd{}, nil
		}
		j += 1 + y*int(b[j])
	}
	if j > len(b) {
		return 0, Cmd{}, nil
	}
	return j, Cmd{Data: clone(b[2:j])}, nil
}

// sizeDefineImage reads GS * x y d… (a downloaded image of x×8 by y×8 dots).
func sizeDefineImage(b []byte) (int, Cmd, error) {
	if len(b) < 4 {
		return 0, Cmd{}, nil
	}
	x, y := int(b[2]), int(b[3])
	if x == 0 || y == 0 {
		return 0, Cmd{}, fmt.Errorf("GS * %d×%d: %w", x, y, ErrUnknown)
	}
	n := x * y * 8
	if len(b) < 4+n {
		return 0, Cmd{}, nil
	}
	return 4 + n, Cmd{Args: clone(b[2:4]), Data: clone(b[4 : 4+n])}, nil
}

// sizeDefineNV reads FS q n [xL xH yL yH d…]… (NV images, obsolete but
// still accepted).
func sizeDefineNV(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	j := 3
	for k := 0; k < int(b[2]); k++ {
		if j+4 > len(b) {
			return 0, Cmd{}, nil
		}
		n := u16(b[j], b[j+1]) * u16(b[j+2], b[j+3]) * 8
		if n > maxBlock {
			return 0, Cmd{}, fmt.Errorf("FS q image of %d bytes: %w", n, ErrUnknown)
		}
		j += 4 + n
	}
	if j > len(b) {
		return 0, Cmd{}, nil
	}
	return j, Cmd{Data: clone(b[2:j])}, nil
}

// sizeDLEDC4 reads DLE DC4 fn …: fn 1 (pulse) and 2 (power off) take two
// more bytes, fn 7 (sound) one… in all the forms Epson documents.
func sizeDLEDC4(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	n, ok := map[byte]int{1: 5, 2: 5, 3: 5, 7: 4, 8: 10}[b[2]]
	if !ok {
		return 0, Cmd{}, fmt.Errorf("DLE DC4 function %d: %w", b[2], ErrUnknown)
	}
	if len(b) < n {
		return 0, Cmd{}, nil
	}
	return n, Cmd{Args: clone(b[2:n])}, nil
}
