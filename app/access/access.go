// Package access decides who may do more than a resident: guides (by
// card or PIN) and staff (by PIN behind a hidden gesture). Cards and PINs
// are only ever compared with keyed hashes (sync/credential) under the
// site's key; five wrong tries lock that kind of entry for five minutes,
// also across a restart when the lockout is kept on disk; the log says
// who and when, never a PIN or a card number.
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
type Kind = credential.Kind

const (
	Guide = credential.Guide
	Staff = credential.Staff
)

// Locks keeps the lockout where a restart does not reset it.
type Locks interface {
	Load(kind string) (tries int, until time.Time, err error)
	Save(kind string, tries int, until time.Time) error
}

// Config is what a Gate checks against.
type Config struct {
	Guides   []profile.Guide
	StaffPIN string // keyed hash
	// Key returns the site's key (nil until the portal sent it: then no
	// card or PIN opens anything).
	Key func() []byte
	// Locks keeps the lockout (in memory when nil).
	Locks Locks
	Now   func() time.Time
}

// Gate checks cards and PINs against the profile's guides and staff PIN.
type Gate struct {
	mu  sync.Mutex
	cfg Config
}

// New returns a gate for cfg.
func New(cfg Config) *Gate {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Key == nil {
		cfg.Key = func() []byte { return nil }
	}
	if cfg.Locks == nil {
		cfg.Locks = &memLocks{m: map[string]memLock{}}
	}
	return &Gate{cfg: cfg}
}

// Card returns the guide whose card this is.
func (g *Gate) Card(id string) (profile.Guide, error) {
	key := g.cfg.Key()
	for _, gd := range g.cfg.Guides {
		for _, c := range gd.Cards {
			if credential.CheckCard(key, c, id) {
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
	key := g.cfg.Key()
	err := g.try(Guide, func() bool {
		hashes := make([]string, len(g.cfg.Guides))
		for i, gd := range g.cfg.Guides {
			hashes[i] = gd.PIN
		}
		if i := credential.MatchPIN(key, Guide, pin, hashes); i >= 0 {
			found = g.cfg.Guides[i]
			return true
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
	key := g.cfg.Key()
	err := g.try(Staff, func() bool {
		return credential.CheckPIN(key, Staff, g.cfg.StaffPIN, pin)
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
	_, until, err := g.cfg.Locks.Load(string(kind))
	if err != nil {
		// The lockout cannot be read: stay locked rather than open.
		slog.Error("PIN lockout", "err", err)
		return g.cfg.Now().Add(LockFor)
	}
	if g.cfg.Now().Before(until) {
		return until
	}
	return time.Time{}
}

func (g *Gate) try(kind Kind, ok func() bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	tries, until, err := g.cfg.Locks.Load(string(kind))
	if err != nil {
		slog.Error("PIN lockout", "err", err)
		return ErrLocked
	}
	if g.cfg.Now().Before(until) {
		slog.Warn("PIN entry while locked", "kind", kind)
		return ErrLocked
	}
	if ok() {
		if tries > 0 {
			g.save(kind, 0, time.Time{})
		}
		return nil
	}
	tries++
	slog.Warn("wrong PIN", "kind", kind, "tries", tries)
	if tries >= MaxTries {
		g.save(kind, 0, g.cfg.Now().Add(LockFor))
		slog.Warn("PIN entry locked", "kind", kind, "for", LockFor)
		return ErrLocked
	}
	g.save(kind, tries, time.Time{})
	return ErrWrong
}

func (g *Gate) save(kind Kind, tries int, until time.Time) {
	if err := g.cfg.Locks.Save(string(kind), tries, until); err != nil {
		slog.Error("PIN lockout", "err", err)
	}
}

type memLock struct {
	tries int
	until time.Time
}

// memLocks keeps the lockout in memory (a gate without a database).
type memLocks struct{ m map[string]memLock }

func (l *memLocks) Load(kind string) (int, time.Time, error) {
	x := l.m[kind]
	return x.tries, x.until, nil
}

func (l *memLocks) Save(kind string, tries int, until time.Time) error {
	l.m[kind] = memLock{tries, until}
	return nil
}
