package escpos

import "strings"

// Status is what the printer last reported about itself.
type Status struct {
	// Connected: the serial port is open. When false, nothing else is known.
	Connected bool `json:"connected"`
	// Stale: the printer did not answer the last status query.
	Stale bool `json:"stale"`
	// NoStatus: the printer does not report its status (status = "off",
	// or a printer that never answered): jobs are sent, not confirmed.
	NoStatus     bool `json:"no_status"`
	Online       bool `json:"online"`
	CoverOpen    bool `json:"cover_open"`
	PaperNearEnd bool `json:"paper_near_end"`
	PaperEnd     bool `json:"paper_end"`
	CutterError  bool `json:"cutter_error"`
	Error        bool `json:"error"`
}

// Ready reports whether a job can be printed. A printer that does not
// report status is taken as ready: the job is sent and not confirmed.
func (s Status) Ready() bool {
	if s.Connected && s.NoStatus {
		return true
	}
	return s.Connected && !s.Stale && s.Online && !s.CoverOpen && !s.PaperEnd && !s.CutterError && !s.Error
}

// Problem names what stops printing, "" when nothing does. Paper near end
// is not a problem: the printer still prints.
func (s Status) Problem() string {
	var p []string
	switch {
	case !s.Connected:
		return "offline"
	case s.NoStatus:
		return ""
	case s.Stale:
		return "no answer"
	}
	if s.PaperEnd {
		p = append(p, "paper end")
	}
	if s.CoverOpen {
		p = append(p, "cover open")
	}
	if s.CutterError {
		p = append(p, "cutter error")
	}
	if s.Error && !s.CutterError {
		p = append(p, "error")
	}
	if len(p) == 0 && !s.Online {
		p = append(p, "offline")
	}
	return strings.Join(p, ", ")
}

// Real-time status requests (DLE EOT n) and the bits of their answers.
const (
	statusPrinter = 1 // bit 3: offline
	statusOffline = 2 // bit 2: cover open, bit 5: stopped by paper end, bit 6: error
	statusError   = 3 // bit 3: autocutter error
	statusPaper   = 4 // bits 2+3: near end, bits 5+6: paper end
)

// validStatus checks the fixed bits of a status byte: 0xx1xx10.
func validStatus(b byte) bool { return b&0x93 == 0x12 }

// StatusQuery is the DLE EOT n request.
func StatusQuery(n byte) []byte { return []byte{DLE, EOT, n} }

// applyStatus folds one answer to DLE EOT n into s.
func applyStatus(s *Status, n, b byte) {
	switch n {
	case statusPrinter:
		s.Online = b&0x08 == 0
	case statusOffline:
		s.CoverOpen = b&0x04 != 0
		s.PaperEnd = s.PaperEnd || b&0x20 != 0
		s.Error = b&0x40 != 0
	case statusError:
		s.CutterError = b&0x08 != 0
	case statusPaper:
		s.PaperNearEnd = b&0x0C != 0
		s.PaperEnd = s.PaperEnd || b&0x60 != 0
	}
}

// StatusByte builds the answer a printer in state s gives to DLE EOT n;
// the simulator uses it, and it is the inverse of applyStatus.
func StatusByte(s Status, n byte) byte {
	b := byte(0x12)
	switch n {
	case statusPrinter:
		if !s.Online || s.PaperEnd || s.CoverOpen {
			b |= 0x08
		}
	case statusOffline:
		if s.CoverOpen {
			b |= 0x04
		}
		if s.PaperEnd {
			b |= 0x20
		}
		if s.Error || s.CutterError {
			b |= 0x40
		}
	case statusError:
		if s.CutterError {
			b |= 0x08
		}
	case statusPaper:
		if s.PaperNearEnd || s.PaperEnd {
			b |= 0x0C
		}
		if s.PaperEnd {
			b |= 0x60
		}
	}
	return b
}
