// Package access decides who may do more than a resident: guides (by
// card or PIN) and staff (by PIN behind a hidden gesture). PINs are only
// ever compared with bcrypt hashes; five wrong tries lock that kind of
// entry for five minutes; the log says who and when, never a PIN or a
// card number.
package access

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"lotse/app/profile"
	"lotse/sync/credential"
)

// Errors of a refused entry.
var (
	ErrWrong  = errors.New("wrong PIN or unknown card")
	ErrLocked = errors.New("entry locked after too many wrong tries")
)

// Lockout rules.
const (
	MaxTries = 5
	LockFor  = 5 * time.Minute
)

// Kind is what a PIN opens.
type Kind string

const (
	Guide Kind = "guide"
	Staff Kind = "staff"
)

// Gate checks cards and PINs against the profile's guides and staff PIN.
type Gate struct {
	mu       sync.Mutex
	guides   []profile.Guide
	staffPIN string
	now      func() time.Time
	tries    map[Kind]int
	locked   map[Kind]time.Time
}

// NewGate checks against guides and the staff PIN hash.
func NewGate(guides []profile.Guide, staffPIN string, now func() time.Time) *Gate {
	if now == nil {
		now = time.Now
	}
	return &Gate{guides: guides, staffPIN: staffPIN, now: now, tries: map[Kind]int{}, locked: map[Kind]time.Time{}}
}

// HashCard and HashPIN are the portal's registration formats.
var (
	HashCard = credential.HashCard
	HashPIN  = credential.HashPIN
)

// Card returns the guide whose card this is.
func (g *Gate) Card(id string) (profile.Guide, error) {
	h := HashCard(id)
	for _, gd := range g.guides {
		for _, c := range gd.Cards {
			if c == h {
				slog.Info("guide logged in", "guide", gd.ID, "by", "card")
				return gd, nil
			}
		}
	}
	slog.Warn("unknown card held to the reader") // its number stays unlogged
	return profile.Guide{}, ErrWrong
}

// GuidePIN returns the guide with this PIN.
func (g *Gate) GuidePIN(pin string) (profile.Guide, error) {
	var found profile.Guide
	err := g.try(Guide, func() bool {
		for _, gd := range g.guides {
			if credential.CheckPIN(gd.PIN, pin) {
				found = gd
				return true
			}
		}
		return false
	})
	if err == nil {
		slog.Info("guide logged in", "guide", found.ID, "by", "pin")
	}
	return found, err
}

// StaffPIN opens the staff area.
func (g *Gate) StaffPIN(pin string) error {
	err := g.try(Staff, func() bool {
		return credential.CheckPIN(g.staffPIN, pin)
	})
	if err == nil {
		slog.Info("staff area opened")
	}
	return err
}

// LockedUntil says until when kind is locked (zero: open).
func (g *Gate) LockedUntil(kind Kind) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until := g.locked[kind]; g.now().Before(until) {
		return until
	}
	return time.Time{}
}

func (g *Gate) try(kind Kind, ok func() bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.now().Before(g.locked[kind]) {
		slog.Warn("PIN entry while locked", "kind", kind)
		return ErrLocked
	}
	if ok() {
		g.tries[kind] = 0
		return nil
	}
	g.tries[kind]++
	slog.Warn("wrong PIN", "kind", kind, "tries", g.tries[kind])
	if g.tries[kind] >= MaxTries {
		g.tries[kind] = 0
		g.locked[kind] = g.now().Add(LockFor)
		slog.Warn("PIN entry locked", "kind", kind, "for", LockFor)
		return ErrLocked
	}
	return ErrWrong
}
