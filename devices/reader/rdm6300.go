package reader

import (
	"encoding/hex"
	"strings"
	"time"
)

// RDM6300 frames: STX, 10 hex digits (version byte and 4-byte card number),
// 2 hex digits of checksum (XOR of the five bytes), optionally CR LF, ETX.
// The reader repeats the frame while the card is held.
type RDM6300 struct {
	drops
	frame   []byte
	inFrame bool
	last    string
	lastAt  time.Time
	// failed: frames came that did not decode, and no good one since;
	// when the reader falls silent, the card held to it was not read.
	failed bool
}

const (
	stx = 0x02
	etx = 0x03
	// rdmMaxFrame is the longest frame body: 12 hex digits and CR LF.
	rdmMaxFrame = 14
	// debounce swallows the repeats of a card held to the reader.
	debounce = 1500 * time.Millisecond
)

// NewRDM6300 returns a framer for RDM6300/EM4100 RFID readers.
func NewRDM6300() *RDM6300 { return &RDM6300{} }

func (r *RDM6300) Feed(b []byte, now time.Time) []Card {
	var cards []Card
	noise := false
	for _, c := range b {
		switch {
		case c == stx:
			if r.inFrame {
				r.add("truncated")
				r.failed = true
			}
			r.inFrame, r.frame = true, r.frame[:0]
		case !r.inFrame:
			noise = true
		case c == etx:
			r.inFrame = false
			card, ok := r.decode(now)
			if ok {
				cards = append(cards, card)
			}
		case len(r.frame) >= rdmMaxFrame:
			r.add("too long")
			r.inFrame = false
		default:
			r.frame = append(r.frame, c)
		}
	}
	if noise {
		r.add("noise")
	}
	return cards
}

func (r *RDM6300) decode(now time.Time) (Card, bool) {
	body := strings.TrimRight(string(r.frame), "\r\n")
	if len(body) != 12 {
		r.add("wrong length")
		r.failed = true
		return Card{}, false
	}
	raw, err := hex.DecodeString(body)
	if err != nil {
		r.add("not hex")
		r.failed = true
		return Card{}, false
	}
	var sum byte
	for _, b := range raw[:5] {
		sum ^= b
	}
	if sum != raw[5] {
		r.add("checksum")
		r.failed = true
		return Card{}, false
	}
	r.failed = false
	id := strings.ToUpper(body[:10])
	repeat := id == r.last && now.Sub(r.lastAt) < debounce
	r.last, r.lastAt = id, now
	if repeat {
		return Card{}, false
	}
	return Card{Kind: "rfid", ID: id}, true
}

// Idle reports a card that was held to the reader and taken away without
// one good frame; frames themselves are delimited.
func (r *RDM6300) Idle(time.Time) []Card {
	if !r.failed {
		return nil
	}
	r.failed = false
	return unreadable("rfid")
}
