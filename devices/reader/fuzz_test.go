package reader_test

import (
	"testing"
	"time"

	"lotse/devices/reader"
)

// fuzzFramer feeds arbitrary bytes in two pieces and checks the framer
// neither panics nor yields a card it could not have read.
func fuzzFramer(f *testing.F, mk func() reader.Framer, valid func(reader.Card) bool, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s), uint8(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, b []byte, split uint8) {
		fr := mk()
		cut := min(int(split), len(b))
		cards := append(fr.Feed(b[:cut], t0), fr.Feed(b[cut:], t0.Add(time.Millisecond))...)
		cards = append(cards, fr.Idle(t0.Add(time.Second))...)
		for _, c := range cards {
			if c.Unreadable && c.ID == "" && c.Kind != "" {
				continue // a card was there and could not be read
			}
			if !valid(c) {
				t.Fatalf("invalid card %+v from % x", c, b)
			}
		}
	})
}

func FuzzRDM6300(f *testing.F) {
	fuzzFramer(f, func() reader.Framer { return reader.NewRDM6300() }, func(c reader.Card) bool {
		return c.Kind == "rfid" && len(c.ID) == 10
	}, "\x021F00644BB686\x03", "\x021F00644BB686\r\n\x03", "\x02\x02\x03", "junk\x021F00")
}

func FuzzMagstripe(f *testing.F) {
	fuzzFramer(f, func() reader.Framer { return reader.NewMagstripe() }, func(c reader.Card) bool {
		return c.Kind == "magstripe" && c.ID != "" && len(c.ID) <= 19
	}, "%B6009123456789012^A/B^29?;6009123456789012=29?\r", "%E?;E?\r", ";=?", "%B^?")
}

func FuzzLine(f *testing.F) {
	fuzzFramer(f, func() reader.Framer { return reader.NewLine() }, func(c reader.Card) bool {
		if c.Kind != "barcode" || c.ID == "" || len(c.ID) > 128 {
			return false
		}
		for _, r := range c.ID {
			if r < 0x20 || r > 0x7E {
				return false
			}
		}
		return true
	}, "4006381333931\r\n", "abc", "\r\r\n", "a\x00b\n")
}
