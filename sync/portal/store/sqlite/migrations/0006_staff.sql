-- Staff accounts, their sessions (shared by every instance), sign-in
-- failures per name (also for names that do not exist), and the audit log.
CREATE TABLE users (
	name          TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,      -- bcrypt, cost 12
	role          TEXT NOT NULL,      -- admin, caseworker, clerk
	services      TEXT NOT NULL DEFAULT '', -- comma-separated; '' for all (caseworkers)
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);
CREATE TABLE sessions (
	id_hash    TEXT PRIMARY KEY,      -- SHA-256 of the cookie's value
	user_name  TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_seen  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE TABLE login_failures (
	name         TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	locked_until TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        TEXT NOT NULL,
	user_name TEXT NOT NULL,
	action    TEXT NOT NULL,          -- signin, signin_failed, case_opened, case_decided, ...
	subject   TEXT NOT NULL,          -- a case code, kiosk, user or profile; never content
	addr      TEXT NOT NULL
);
-- The inbox: real cases, newest first, and their count.
CREATE INDEX envelopes_inbox ON envelopes (test, received_at);
