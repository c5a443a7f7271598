-- A code may put the kiosk that uses it in a site at once.
ALTER TABLE enroll_codes ADD COLUMN site TEXT NOT NULL DEFAULT '';
