-- The sites a staff account works for: "*" for all (a district's
-- administration, and every account from before sites were kept, so an
-- upgrade locks nobody out), else a JSON array of site names ("" is the
-- portal's default site).
ALTER TABLE users ADD COLUMN sites TEXT NOT NULL DEFAULT '*';
