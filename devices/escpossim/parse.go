// Package escpossim is the printer simulator: it interprets the ESC/POS byte
// stream a kiosk sends, refuses anything it does not know (so the encoder
// cannot drift into commands a real printer would misread), and keeps each
// job for inspection.
package escpossim

import (
	"errors"
	"fmt"
)

// Cmd is one interpreted command. Text runs are Cmd{Name: "text"} with the
// raw code-page bytes in Data.
type Cmd struct {
	Name string
	Args []byte
	Data []byte
	Len  int // encoded length in bytes
}

// ErrUnknown is returned for a command byte sequence the simulator does not
// implement.
var ErrUnknown = errors.New("unknown ESC/POS command")

// fixed lists the commands with a fixed number of argument bytes, keyed by
// their prefix.
var fixedCmds = map[string]struct {
	name string
	args int
}{
	"\x1b@":    {"init", 0},
	"\x1bR":    {"intl", 1},
	"\x1bt":    {"codepage", 1},
	"\x1ba":    {"align", 1},
	"\x1bE":    {"bold", 1},
	"\x1bd":    {"feed", 1},
	"\x1d!":    {"size", 1},
	"\x10\x04": {"status", 1},
}

// Parse interprets as much of b as forms complete commands. It returns the
// commands and the number of bytes consumed; the rest is an incomplete
// command waiting for more bytes. An unknown command is an error naming its
// offset.
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
		switch {
		case c == 0x0A:
			emit(Cmd{Name: "lf"}, 1)
		case c == 0x1B || c == 0x1D || c == 0x10:
			if i+1 >= len(b) {
				return cmds, i, nil
			}
			var n int
			var cmd Cmd
			var err error
			switch key := string(b[i : i+2]); key {
			case "\x1d(", "\x1dv":
				n, cmd, err = parseBlock(b[i:])
			case "\x1dV":
				n, cmd, err = parseCut(b[i:])
			default:
				f, ok := fixedCmds[key]
				if !ok {
					return cmds, i, fmt.Errorf("offset %d: % x: %w", i, b[i:i+2], ErrUnknown)
				}
				if i+2+f.args <= len(b) {
					n, cmd = 2+f.args, Cmd{Name: f.name, Args: append([]byte(nil), b[i+2:i+2+f.args]...)}
				}
			}
			if err != nil {
				return cmds, i, fmt.Errorf("offset %d: %w", i, err)
			}
			if n == 0 {
				return cmds, i, nil // incomplete: wait for more bytes
			}
			emit(cmd, n)
		case c < 0x20:
			return cmds, i, fmt.Errorf("offset %d: control byte %#02x: %w", i, c, ErrUnknown)
		default:
			j := i
			for j < len(b) && b[j] >= 0x20 {
				j++
			}
			emit(Cmd{Name: "text", Data: append([]byte(nil), b[i:j]...)}, j-i)
		}
	}
	return cmds, i, nil
}

// maxBlock bounds the data of one block command, so garbage cannot make
// the simulator wait for megabytes that will never come.
const maxBlock = 64 << 10

// parseBlock reads the two commands with a length-prefixed block:
// GS ( k pL pH cn fn data (the QR functions) and GS v 0 m xL xH yL yH data
// (a raster image). It returns 0 bytes when the block is not complete yet.
func parseBlock(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	switch {
	case b[1] == '(' && b[2] == 'k':
		if len(b) < 5 {
			return 0, Cmd{}, nil
		}
		n := int(b[3]) | int(b[4])<<8
		if n < 2 || n > maxBlock {
			return 0, Cmd{}, fmt.Errorf("GS ( k length %d: %w", n, ErrUnknown)
		}
		if len(b) < 5+n {
			return 0, Cmd{}, nil
		}
		cn, fn := b[5], b[6]
		if cn != 49 {
			return 0, Cmd{}, fmt.Errorf("GS ( k symbol %d: %w", cn, ErrUnknown)
		}
		name, ok := map[byte]string{65: "qr_model", 67: "qr_module", 69: "qr_level", 80: "qr_store", 81: "qr_print"}[fn]
		if !ok {
			return 0, Cmd{}, fmt.Errorf("GS ( k QR function %d: %w", fn, ErrUnknown)
		}
		// Parameter bytes each function needs (store: at least m = 48).
		if need := map[byte]int{65: 2, 67: 1, 69: 1, 80: 1, 81: 1}[fn]; n-2 < need {
			return 0, Cmd{}, fmt.Errorf("GS ( k QR function %d with %d parameter bytes: %w", fn, n-2, ErrUnknown)
		}
		return 5 + n, Cmd{Name: name, Args: append([]byte(nil), b[3:7]...), Data: append([]byte(nil), b[7:5+n]...)}, nil
	case b[1] == 'v' && b[2] == '0':
		if len(b) < 8 {
			return 0, Cmd{}, nil
		}
		if b[3] > 3 && !(b[3] >= 48 && b[3] <= 51) {
			return 0, Cmd{}, fmt.Errorf("GS v 0 mode %d: %w", b[3], ErrUnknown)
		}
		x := int(b[4]) | int(b[5])<<8
		y := int(b[6]) | int(b[7])<<8
		n := x * y
		if x == 0 || y == 0 || n > maxBlock {
			return 0, Cmd{}, fmt.Errorf("GS v 0 size %d×%d: %w", x, y, ErrUnknown)
		}
		if len(b) < 8+n {
			return 0, Cmd{}, nil
		}
		return 8 + n, Cmd{Name: "raster", Args: append([]byte(nil), b[3:8]...), Data: append([]byte(nil), b[8:8+n]...)}, nil
	}
	return 0, Cmd{}, fmt.Errorf("% x: %w", b[:3], ErrUnknown)
}

// parseCut reads GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66, 97..),
// returning 0 bytes when the command is not complete yet.
func parseCut(b []byte) (int, Cmd, error) {
	if len(b) < 3 {
		return 0, Cmd{}, nil
	}
	m := b[2]
	switch m {
	case 0, 1, 48, 49:
		return 3, Cmd{Name: "cut", Args: []byte{m}}, nil
	case 65, 66, 97, 98, 103, 104:
		if len(b) < 4 {
			return 0, Cmd{}, nil
		}
		return 4, Cmd{Name: "cut", Args: []byte{m, b[3]}}, nil
	}
	return 0, Cmd{}, fmt.Errorf("cut mode %d: %w", m, ErrUnknown)
}
