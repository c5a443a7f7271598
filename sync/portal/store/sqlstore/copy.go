package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// tables are the portal's tables and columns, in the order a copy loads
// them; bools are the columns SQLite keeps as 0/1.
var tables = []struct {
	name  string
	cols  []string
	bools map[string]bool
}{
	{"kiosks", []string{"id", "name", "token_hash", "enrolled_at", "revoked_at", "last_seen", "stored_bytes", "silent_from"}, nil},
	{"enroll_codes", []string{"code_hash", "expires_at", "used_at", "site"}, nil},
	{"kiosk_sites", []string{"kiosk_id", "site"}, nil},
	{"site_keys", []string{"site", "key"}, nil},
	{"envelopes", []string{"kiosk_id", "id", "code", "service", "created_at", "received_at", "test", "size", "jwe", "state", "reason"},
		map[string]bool{"test": true}},
	{"idempotency", []string{"kiosk_id", "key", "body_hash", "status", "error", "created_at"}, nil},
	{"changes", []string{"seq", "kiosk_id", "code", "state", "reason"}, nil},
	{"counters", []string{"name", "value"}, nil},
	{"profiles", []string{"version", "site", "published_at", "sha256", "bundle"}, nil},
	{"heartbeats", []string{"kiosk_id", "received_at", "status", "outbox_done", "outbox_moved"}, nil},
	{"guide_calls", []string{"kiosk_id", "called_at", "screen", "withdrawn_at"}, nil},
	{"users", []string{"name", "password_hash", "role", "services", "disabled", "created_at", "sites"}, map[string]bool{"disabled": true}},
	{"sessions", []string{"id_hash", "user_name", "csrf", "created_at", "last_seen"}, nil},
	{"login_attempts", []string{"attempt_key", "attempts", "window_start"}, nil},
	{"audit", []string{"seq", "at", "user_name", "action", "subject", "addr"}, nil},
	{"queue_counters", []string{"site", "day", "prefix", "last"}, nil},
	{"tickets", []string{"id", "site", "day", "prefix", "label", "state", "lang", "kiosk_id", "draw_key", "drawn_at", "called_at",
		"calls", "counter", "done_at", "due_at"}, nil},
	{"displays", []string{"token_hash", "site", "created_at", "revoked_at"}, nil},
	{"queue_blocks", []string{"site", "block", "kiosk_id"}, nil},
	{"queue_counters_config", []string{"site", "counter", "prefixes"}, nil},
	{"queue_sites", []string{"site", "block_size"}, nil},
	{"booking_configs", []string{"site", "config", "updated_at"}, nil},
	{"appointments", []string{"id", "site", "service", "start", "code", "secret_hash", "contact_key", "sealed", "state", "lang",
		"kiosk_id", "idem_key", "ticket", "created_at", "cancelled_at", "release_at", "released", "idem_body"}, nil},
	{"slot_counts", []string{"site", "service", "start", "taken"}, nil},
}

func (s *Store) Tables() []string {
	var out []string
	for _, t := range tables {
		out = append(out, t.name)
	}
	return out
}

func table(name string) (int, error) {
	for i, t := range tables {
		if t.name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("no table %q", name)
}

func (s *Store) Dump(ctx context.Context, name string, fn func(row []any) error) error {
	i, err := table(name)
	if err != nil {
		return err
	}
	t := tables[i]
	rows, err := s.x.Query(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name)
	if err != nil {
		return fmt.Errorf("dump %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("dump %s: %w", name, err)
		}
		for j, c := range t.cols {
			if n, ok := vals[j].(int64); ok && t.bools[c] {
				vals[j] = n != 0
			}
			if b, ok := vals[j].([]byte); ok && c != "bundle" && c != "key" {
				vals[j] = string(b) // text, whichever way the driver handed it over
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) Load(ctx context.Context, name string, rows [][]any) error {
	i, err := table(name)
	if err != nil {
		return err
	}
	t := tables[i]
	insert := `INSERT INTO ` + t.name + ` (` + strings.Join(t.cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(t.cols)-1) + `)`
	return s.tx(ctx, func(x q, _ Tx) error {
		for _, r := range rows {
			if _, err := x.Exec(ctx, insert, r...); err != nil {
				return fmt.Errorf("load %s: %w", name, err)
			}
		}
		if s.d.AfterLoad != nil {
			return s.d.AfterLoad(ctx, x, name)
		}
		return nil
	})
}

func (s *Store) Count(ctx context.Context, name string) (int, error) {
	if _, err := table(name); err != nil {
		return 0, err
	}
	var n int
	err := s.x.QueryRow(ctx, `SELECT COUNT(*) FROM `+name).Scan(&n)
	return n, err
}
