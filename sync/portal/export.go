package portal

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lotse/sync/seal"
)

// Exported is one submission as the back office receives it.
type Exported struct {
	Code     string            `json:"code"`
	Service  string            `json:"service"`
	Created  time.Time         `json:"created"`
	Received time.Time         `json:"received"`
	Kiosk    int64             `json:"kiosk"`
	State    string            `json:"state"`
	SHA512   string            `json:"sha512"`
	Guide    string            `json:"guide,omitempty"` // the assisting guide's id
	Data     map[string]string `json:"data"`
}

// Export decrypts the submissions received since t (synthetic test
// submissions left out) and writes one JSON file per submission, named by
// its reference code, readable by the portal's user only.
func (s *Server) Export(ctx context.Context, since time.Time, dir string) (int, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state
		FROM envelopes WHERE received_at >= ? AND test = 0 ORDER BY received_at`, since.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	keys := map[string]*rsa.PrivateKey{s.kid: s.key}
	n := 0
	for rows.Next() {
		var e seal.Envelope
		var x Exported
		var created, received string
		if err := rows.Scan(&x.Kiosk, &e.ID, &e.Code, &e.Service, &created, &received, &e.Test, &e.Size, &e.JWE, &x.State); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		meta, data, err := seal.Open(e, keys)
		if err != nil {
			return n, fmt.Errorf("export %s: %w", e.Code, err)
		}
		x.Code, x.Service, x.Created, x.SHA512, x.Data, x.Guide = e.Code, e.Service, meta.Created, meta.SHA512, data, meta.Guide
		x.Received, _ = time.Parse(time.RFC3339Nano, received)
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return n, err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Code+".json"), b, 0o600); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		n++
	}
	return n, rows.Err()
}
