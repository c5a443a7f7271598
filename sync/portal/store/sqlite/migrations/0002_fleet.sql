-- The fleet: what staff publish to kiosks (profiles) and what kiosks
-- report back (heartbeats, guide calls).
CREATE TABLE profiles (
	version      INTEGER PRIMARY KEY AUTOINCREMENT,
	site         TEXT NOT NULL,   -- '' for every kiosk without a profile of its own site
	published_at TEXT NOT NULL,
	sha256       TEXT NOT NULL,
	bundle       BLOB NOT NULL    -- a zip: profile.toml, services/, logo
);
CREATE TABLE kiosk_sites (kiosk_id INTEGER PRIMARY KEY, site TEXT NOT NULL);
CREATE TABLE heartbeats (
	kiosk_id       INTEGER PRIMARY KEY,
	received_at    TEXT NOT NULL,
	status         TEXT NOT NULL, -- the last Heartbeat, JSON
	outbox_done    INTEGER NOT NULL, -- acknowledged + decided, to see a queue move
	outbox_moved   TEXT NOT NULL  -- when outbox_done last grew (or the queue was empty)
);
CREATE TABLE guide_calls (
	kiosk_id  INTEGER NOT NULL,
	called_at TEXT NOT NULL,
	screen    TEXT NOT NULL,
	PRIMARY KEY (kiosk_id, called_at, screen)
);
