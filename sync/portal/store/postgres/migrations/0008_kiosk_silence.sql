-- The kiosk's last contact before its latest silence of more than two
-- minutes (RFC 3339, UTC; '' when it never fell silent): a number it
-- drew offline cannot have been drawn before it, so a backdated one
-- cannot jump the queue.
ALTER TABLE kiosks ADD COLUMN silent_from TEXT NOT NULL DEFAULT '';
