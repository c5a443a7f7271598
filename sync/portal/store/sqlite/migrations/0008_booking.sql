-- Appointment booking: each site's booking file, the appointments, and
-- how many appointments hold each time (the row a booking's conditional
-- update counts on, so no time is booked beyond its counters).
CREATE TABLE booking_configs (
	site       TEXT PRIMARY KEY,
	config     TEXT NOT NULL,   -- the booking file, TOML
	updated_at TEXT NOT NULL
);
CREATE TABLE appointments (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	site         TEXT NOT NULL,
	service      TEXT NOT NULL,
	start        TEXT NOT NULL,      -- RFC 3339, UTC
	code         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL,
	contact_key  TEXT NOT NULL,
	sealed       TEXT NOT NULL,      -- JWE of name and contact; '' once forgotten
	state        TEXT NOT NULL,      -- booked, cancelled, checked_in, noshow
	lang         TEXT NOT NULL,
	kiosk_id     INTEGER NOT NULL,   -- 0: booked from home
	idem_key     TEXT NOT NULL,
	ticket       TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	cancelled_at TEXT NOT NULL DEFAULT '',
	release_at   TEXT NOT NULL DEFAULT '',
	released     INTEGER NOT NULL DEFAULT 0,  -- a cancelled time given back to the count
	UNIQUE (site, code),
	UNIQUE (site, idem_key)
);
CREATE INDEX appointments_slot ON appointments (site, service, start, state);
CREATE INDEX appointments_contact ON appointments (site, service, contact_key, state, start);
CREATE TABLE slot_counts (
	site    TEXT NOT NULL,
	service TEXT NOT NULL,
	start   TEXT NOT NULL,
	taken   INTEGER NOT NULL,
	PRIMARY KEY (site, service, start)
);
