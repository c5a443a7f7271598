-- Each site's secret that card and PIN hashes are keyed with; kiosks get
-- it over their authenticated channel, never in a profile.
CREATE TABLE site_keys (site TEXT PRIMARY KEY, key BLOB NOT NULL);
