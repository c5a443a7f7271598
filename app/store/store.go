// Package store holds the kiosk's local state in its SQLite file: ticket
// counters and the print spool. Other packages keep their own tables in
// the same file and migrate them themselves (sqlitedb.Migrate).
package store

import (
	"context"
	"database/sql"
	"fmt"

	"lotse/sync/sqlitedb"
)

// Open opens (creating if needed) the kiosk database at path and brings
// the store's tables up to date. An unwritable folder or a locked file
// shows here, at start, where staff see it, not at the first tap.
func Open(path string) (*sql.DB, error) {
	db, err := sqlitedb.Open(path)
	if err != nil {
		return nil, err
	}
	if err := sqlitedb.Migrate(context.Background(), db, "store", storeMigrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

var storeMigrations = []string{
	`CREATE TABLE ticket_counters (
		day     TEXT NOT NULL,    -- the kiosk's local calendar day, YYYY-MM-DD
		series  TEXT NOT NULL,    -- the ticket prefix, e.g. "A"
		last    INTEGER NOT NULL, -- the last number handed out
		PRIMARY KEY (day, series)
	)`,
	`CREATE TABLE print_jobs (
		id         INTEGER PRIMARY KEY,
		kind       TEXT NOT NULL,    -- ticket, receipt, test
		label      TEXT NOT NULL,    -- waiting number or reference code, never personal data
		job        BLOB NOT NULL,    -- the ESC/POS bytes, for a reprint
		created_at TEXT NOT NULL,    -- UTC, RFC 3339
		state      TEXT NOT NULL,    -- queued, printed, failed
		attempts   INTEGER NOT NULL,
		last_error TEXT NOT NULL
	);
	CREATE INDEX print_jobs_created ON print_jobs (created_at)`,
	`CREATE TABLE guide_calls (
		id        INTEGER PRIMARY KEY,
		called_at TEXT NOT NULL,            -- UTC, RFC 3339
		screen    TEXT NOT NULL,            -- the screen's name, never what was typed
		sent      INTEGER NOT NULL DEFAULT 0 -- reported to the portal
	)`,
	`CREATE TABLE offline_tickets (
		key      TEXT PRIMARY KEY,  -- the draw's idempotency key at the portal
		prefix   TEXT NOT NULL,
		label    TEXT NOT NULL,     -- from this kiosk's own block: A2017
		lang     TEXT NOT NULL,
		drawn_at TEXT NOT NULL,     -- UTC, RFC 3339
		reported INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE TABLE access_locks (
		kind         TEXT PRIMARY KEY, -- guide, staff
		tries        INTEGER NOT NULL, -- wrong PINs in a row
		locked_until TEXT NOT NULL     -- UTC, RFC 3339; '' when open
	)`,
	`CREATE TABLE queue_block (
		id    INTEGER PRIMARY KEY CHECK (id = 1),
		block INTEGER NOT NULL, -- this kiosk's own block of waiting numbers, from the portal
		size  INTEGER NOT NULL  -- how many numbers it holds a day
	)`,
	`CREATE TABLE held_times (
		code      TEXT PRIMARY KEY,           -- the appointment's booking code, made by the portal
		held      TEXT NOT NULL,              -- the wire.HeldTime, JSON: time, service, code, secret; nothing personal
		service   TEXT NOT NULL,
		start     TEXT NOT NULL,              -- UTC, RFC 3339
		sealed    TEXT NOT NULL DEFAULT '',   -- the resident's name and contact, sealed to the portal's key, until reported
		lang      TEXT NOT NULL DEFAULT '',
		booked_at TEXT NOT NULL DEFAULT '',   -- '' while free
		reported  INTEGER NOT NULL DEFAULT 0
	)`,
	// The service's title, so the guide's list of today's printouts says
	// what each was (a title, never personal data).
	`ALTER TABLE print_jobs ADD COLUMN service TEXT NOT NULL DEFAULT ''`,
	// When the resident said "Doch nicht nötig" ('' while the call is open).
	`ALTER TABLE guide_calls ADD COLUMN withdrawn_at TEXT NOT NULL DEFAULT ''`,
}
