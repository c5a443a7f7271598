-- Sign-in attempts claimed before a password is checked: one row per
-- key (a name from anywhere, or a name from one trusted browser), the
-- attempts counted since window_start (RFC 3339, UTC). One conditional
-- upsert claims an attempt and returns the count, so parallel sign-ins
-- cannot read the same count (login_failures, read before bcrypt and
-- written after it, let 40 parallel tries through).
CREATE TABLE login_attempts (
	attempt_key  TEXT PRIMARY KEY,
	attempts     INTEGER NOT NULL,
	window_start TEXT NOT NULL
);
DROP TABLE login_failures;
