package wire

import (
	"strconv"
)

// Waiting numbers: a capital letter and digits. The portal's own numbers
// and the kiosks' offline blocks live in ranges that can never meet,
// whatever the day's volume:
//
//	portal   A001 … A999, then A10000, A10001 …   (3 digits, then 5 and more)
//	offline  A1001 … A9999                          (4 digits: block 1–9, then 001–999)
//
// (Portal numbers once ran on as %03d: number 1000 was four digits,
// number 1001 was block 1's first, and every further draw of the prefix
// failed for the rest of the day.)

// MaxBlockNumbers is how many numbers an offline block holds a day at most.
const MaxBlockNumbers = 999

// QueueLabel is the portal's n-th number of prefix on a day (n ≥ 1).
func QueueLabel(prefix string, n int) string {
	if n <= 999 {
		return prefix + pad3(n)
	}
	return prefix + strconv.Itoa(n+9000) // 1000 → 10000
}

// OfflineLabel is the n-th number (1 … 999) of a kiosk's block (1 … 9).
func OfflineLabel(prefix string, block, n int) string {
	return prefix + strconv.Itoa(block) + pad3(n)
}

// ParseOfflineLabel reads an offline block's number back: its prefix, its
// block and its place in the block; ok is false for anything else (a
// portal number among them).
func ParseOfflineLabel(label string) (prefix string, block, n int, ok bool) {
	if len(label) != 5 || label[0] < 'A' || label[0] > 'Z' || label[1] < '1' || label[1] > '9' {
		return "", 0, 0, false
	}
	n, err := strconv.Atoi(label[2:])
	if err != nil || n < 1 || label[2] == '-' || label[2] == '+' {
		return "", 0, 0, false
	}
	return label[:1], int(label[1] - '0'), n, true
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
