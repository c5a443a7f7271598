// Package store is what the portal's domain needs from its database:
// kiosks and their enrolment, sealed envelopes with their idempotency
// keys, cases and decisions, the changes feed, the fleet (heartbeats,
// guide calls, sites and their keys, profiles). The portal's handlers use
// only this interface; two implementations hold it: sqlite (the embedded
// default, one file in the data folder) and postgres (several portal
// instances on one database). storetest is the conformance suite both
// pass.
package store

import (
	"context"
	"errors"
	"time"

	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Errors the store reports.
var (
	ErrNotFound        = errors.New("not found")
	ErrBadEnrollCode   = errors.New("enrolment code unknown, used or expired")
	ErrUnauthenticated = errors.New("unknown credential")
	ErrRevoked         = errors.New("kiosk revoked")
	ErrFull            = errors.New("portal full")
)

// Store is the portal's database.
type Store interface {
	// AddEnrollCode keeps a code's hash until it is used or expires.
	AddEnrollCode(ctx context.Context, codeHash string, expires time.Time, site string) error
	// Enroll uses a code once and registers a kiosk with name and the hash
	// of its token (ErrBadEnrollCode; ErrFull beyond maxKiosks).
	Enroll(ctx context.Context, codeHash, name, tokenHash string, now time.Time, maxKiosks int64) (int64, error)
	// Authenticate finds a kiosk by its token's hash (ErrUnauthenticated,
	// ErrRevoked with the kiosk's id).
	Authenticate(ctx context.Context, tokenHash string) (int64, error)
	Revoke(ctx context.Context, kiosk int64, now time.Time) error

	// Ingest stores batches in one transaction with idempotency-key
	// semantics per envelope, filling each job's Results.
	Ingest(ctx context.Context, jobs []*Job, now time.Time) error
	// Decide records a decision on a case and adds it to the changes feed.
	Decide(ctx context.Context, code, state, reason string) error
	Changes(ctx context.Context, kiosk, since int64, limit int) ([]Change, error)
	// CaseState is a real (not test) case's state (ErrNotFound).
	CaseState(ctx context.Context, code string) (string, error)
	CountCode(ctx context.Context, code string) (int, error)
	Stats(ctx context.Context) (map[string]int, error)
	// Envelopes calls fn for every real envelope received since t, oldest
	// first.
	Envelopes(ctx context.Context, since time.Time, fn func(StoredEnvelope) error) error
	ExpireIdempotency(ctx context.Context, before time.Time) error
	// PurgeDecided deletes decided cases received before t.
	PurgeDecided(ctx context.Context, before time.Time) (int, error)

	PublishProfile(ctx context.Context, site, sha256 string, bundle []byte, now time.Time) (int, error)
	// ProfileFor is the newest profile of the kiosk's site, else the
	// newest for all (version 0: none).
	ProfileFor(ctx context.Context, kiosk int64) (int, []byte, error)
	LatestProfile(ctx context.Context, site string) (int, []byte, error)
	ProfileVersions(ctx context.Context) (map[int]bool, error)
	SetSite(ctx context.Context, kiosk int64, site string) error
	KioskSite(ctx context.Context, kiosk int64) (string, error)
	// SiteKey returns site's key, storing fresh when it has none yet.
	SiteKey(ctx context.Context, site string, fresh []byte) ([]byte, error)
	StoreHeartbeat(ctx context.Context, kiosk int64, hb Heartbeat) error
	// Kiosks lists the fleet; calls counts guide calls since callsSince.
	Kiosks(ctx context.Context, callsSince time.Time) ([]Kiosk, error)

	// Tables, Dump, Load and Count move a whole portal between stores
	// (migrate-store): every row of every table, in an order that keeps
	// references intact.
	Tables() []string
	Dump(ctx context.Context, table string, fn func(row []any) error) error
	Load(ctx context.Context, table string, rows [][]any) error
	Count(ctx context.Context, table string) (int, error)

	Staff
	Queue
	Notifier
	Bookings

	Close() error
}

// Job is one kiosk's batch in a group commit.
type Job struct {
	Kiosk    int64
	Envs     []seal.Envelope
	Hashes   []string // the idempotency fingerprint of each envelope
	Refusals []string // why each can never be stored ("" when it can)
	Quota    int64    // bytes of undecided envelopes the kiosk may keep
	// Results: prefilled 409s are left alone; the rest is filled in.
	Results []wire.ItemResult
}

// Change is one entry of a kiosk's changes feed.
type Change struct {
	Seq    int64
	Code   string
	State  string
	Reason string
}

// StoredEnvelope is an envelope as export reads it.
type StoredEnvelope struct {
	Kiosk    int64
	Envelope seal.Envelope
	Received time.Time
	State    string
	Reason   string // staff's reason for a decision (Case only)
}

// Heartbeat is a kiosk's report as stored.
type Heartbeat struct {
	At      time.Time
	Status  []byte // the wire.Heartbeat, JSON
	Done    int    // acknowledged + decided
	Waiting int    // queued + sending
	Calls   []wire.GuideCall
}

// Kiosk is one row of the fleet.
type Kiosk struct {
	ID          int64
	Name        string
	Site        string
	Revoked     bool
	LastSeen    time.Time
	Status      []byte // the last heartbeat, JSON (nil: none yet)
	OutboxMoved time.Time
	GuideCalls  int
}
