-- When the resident took a guide call back ("Doch nicht nötig"), RFC 3339
-- in UTC; '' while the call is open.
ALTER TABLE guide_calls ADD COLUMN withdrawn_at TEXT NOT NULL DEFAULT '';
