-- A hash of the booking request an idempotency key first came with: the
-- same key with another request is refused (422), never answered with
-- the first request's appointment and secret. '' for rows from before.
ALTER TABLE appointments ADD COLUMN idem_body TEXT NOT NULL DEFAULT '';
