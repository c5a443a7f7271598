-- The portal's first release: kiosks, enrolment codes, sealed envelopes,
-- idempotency keys, the changes feed and counters.
CREATE TABLE kiosks (
	id          INTEGER PRIMARY KEY,        -- also the number in its reference codes (id-1)
	name        TEXT NOT NULL,
	token_hash  TEXT NOT NULL UNIQUE,       -- SHA-256 of the device credential
	enrolled_at TEXT NOT NULL,
	revoked_at  TEXT,
	last_seen   TEXT
);
CREATE TABLE enroll_codes (
	code_hash  TEXT PRIMARY KEY,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE TABLE envelopes (
	kiosk_id    INTEGER NOT NULL,
	id          TEXT NOT NULL,
	code        TEXT NOT NULL UNIQUE,
	service     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	received_at TEXT NOT NULL,
	test        INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	jwe         TEXT NOT NULL,
	state       TEXT NOT NULL,              -- received, accepted, rejected
	reason      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (kiosk_id, id)
);
CREATE TABLE idempotency (
	kiosk_id   INTEGER NOT NULL,
	key        TEXT NOT NULL,
	body_hash  TEXT NOT NULL,
	status     INTEGER NOT NULL,
	error      TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (kiosk_id, key)
);
CREATE TABLE changes (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	kiosk_id INTEGER NOT NULL,
	code     TEXT NOT NULL,
	state    TEXT NOT NULL,
	reason   TEXT NOT NULL
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
