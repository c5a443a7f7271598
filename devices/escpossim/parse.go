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
}

// ErrUnknown is returned for a command byte sequence the simulator does not
// implement.
var ErrUnknown = errors.New("unknown ESC/POS command")

// fixed lists the commands with a fixed number of argument bytes, keyed by
// their prefix.
var fixed = map[string]struct {
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
	for i < len(b) {
		c := b[i]
		switch {
		case c == 0x0A:
			cmds = append(cmds, Cmd{Name: "lf"})
			i++
		case c == 0x1B || c == 0x1D || c == 0x10:
			if i+1 >= len(b) {
				return cmds, i, nil
			}
			key := string(b[i : i+2])
			if key == "\x1dV" {
				n, cmd, err := parseCut(b[i:])
				if err != nil {
					return cmds, i, fmt.Errorf("offset %d: %w", i, err)
				}
				if n == 0 {
					return cmds, i, nil
				}
				cmds = append(cmds, cmd)
				i += n
				continue
			}
			f, ok := fixed[key]
			if !ok {
				return cmds, i, fmt.Errorf("offset %d: % x: %w", i, b[i:i+2], ErrUnknown)
			}
			if i+2+f.args > len(b) {
				return cmds, i, nil
			}
			cmds = append(cmds, Cmd{Name: f.name, Args: append([]byte(nil), b[i+2:i+2+f.args]...)})
			i += 2 + f.args
		case c < 0x20:
			return cmds, i, fmt.Errorf("offset %d: control byte %#02x: %w", i, c, ErrUnknown)
		default:
			j := i
			for j < len(b) && b[j] >= 0x20 {
				j++
			}
			cmds = append(cmds, Cmd{Name: "text", Data: append([]byte(nil), b[i:j]...)})
			i = j
		}
	}
	return cmds, i, nil
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
