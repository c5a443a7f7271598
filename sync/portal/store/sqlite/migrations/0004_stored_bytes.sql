-- Bytes of undecided envelopes per kiosk, for its quota.
ALTER TABLE kiosks ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE kiosks SET stored_bytes = (SELECT COALESCE(SUM(LENGTH(jwe)), 0) FROM envelopes
	WHERE envelopes.kiosk_id = kiosks.id AND state = 'received');
