-- A checked-in appointment's ticket is called from due_at on, before the
-- walk-ins; '' for every other ticket.
ALTER TABLE tickets ADD COLUMN due_at TEXT NOT NULL DEFAULT '';
