-- The office queue: one sequence per site, day and prefix, and the
-- tickets drawn from it with their state.
CREATE TABLE queue_counters (
	site   TEXT NOT NULL,
	day    TEXT NOT NULL,     -- the office's calendar day, YYYY-MM-DD
	prefix TEXT NOT NULL,
	last   INTEGER NOT NULL,
	PRIMARY KEY (site, day, prefix)
);
CREATE TABLE tickets (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	site      TEXT NOT NULL,
	day       TEXT NOT NULL,
	prefix    TEXT NOT NULL,     -- the queue it waits in (forwarding changes it)
	label     TEXT NOT NULL,     -- the number on the ticket, A017; never changes
	state     TEXT NOT NULL,     -- waiting, called, serving, done, noshow, parked, cancelled
	lang      TEXT NOT NULL,     -- the language it was drawn in
	kiosk_id  INTEGER NOT NULL,
	draw_key  TEXT NOT NULL,     -- the kiosk's idempotency key for the draw
	drawn_at  TEXT NOT NULL,
	called_at TEXT NOT NULL DEFAULT '',
	calls     INTEGER NOT NULL DEFAULT 0,
	counter   TEXT NOT NULL DEFAULT '',
	done_at   TEXT NOT NULL DEFAULT '',
	UNIQUE (site, day, label),
	UNIQUE (kiosk_id, draw_key)
);
CREATE INDEX tickets_queue ON tickets (site, day, state, drawn_at);
CREATE INDEX tickets_calls ON tickets (site, day, called_at);
-- Call-up displays in waiting rooms, each with a token of its own.
CREATE TABLE displays (
	token_hash TEXT PRIMARY KEY,
	site       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);
-- Each kiosk's own block of waiting numbers at its site (1 to 9), for
-- when the portal is out of reach: assigned by the portal, never shared.
CREATE TABLE queue_blocks (
	site     TEXT NOT NULL,
	block    INTEGER NOT NULL,
	kiosk_id INTEGER NOT NULL UNIQUE,
	PRIMARY KEY (site, block)
);
-- The counters (or rooms) of a site and the numbers each serves.
CREATE TABLE queue_counters_config (
	site     TEXT NOT NULL,
	counter  TEXT NOT NULL,
	prefixes TEXT NOT NULL,  -- comma-separated: A,B
	PRIMARY KEY (site, counter)
);
-- Per site: how many numbers each kiosk's own block holds a day.
CREATE TABLE queue_sites (
	site       TEXT PRIMARY KEY,
	block_size INTEGER NOT NULL
);
