package portal

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lotse/sync/portal/store"
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

// ExportProblem is a stored submission export could not open; the others
// are written all the same.
type ExportProblem struct {
	Code string
	Err  error
}

// Export decrypts the submissions received since t (synthetic test
// submissions left out) and writes one JSON file per submission, named by
// its reference code, readable by the portal's user only (also where the
// folder or a file existed before). A submission that does not open is
// skipped and reported; it never stops the ones after it.
func (c *Cases) Export(ctx context.Context, since time.Time, dir string) (int, []ExportProblem, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, nil, fmt.Errorf("export: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return 0, nil, fmt.Errorf("export: %w", err)
	}
	keys := map[string]*rsa.PrivateKey{c.kid: c.key}
	n := 0
	var problems []ExportProblem
	err := c.st.Envelopes(ctx, since, func(se store.StoredEnvelope) error {
		e := se.Envelope
		meta, data, err := seal.Open(e, keys)
		if err != nil {
			problems = append(problems, ExportProblem{Code: e.Code, Err: err})
			return nil
		}
		x := Exported{Code: e.Code, Service: e.Service, Created: meta.Created, Received: se.Received, Kiosk: se.Kiosk,
			State: se.State, SHA512: meta.SHA512, Guide: meta.Guide, Data: data}
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return err
		}
		if err := writePrivate(filepath.Join(dir, e.Code+".json"), b); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		n++
		return nil
	})
	if err != nil {
		return n, problems, fmt.Errorf("export: %w", err)
	}
	return n, problems, nil
}

// writePrivate writes b to path with mode 0600, also when the file was
// there before with a wider mode.
func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// OpenCase decrypts one real case for the staff pages.
func (c *Cases) OpenCase(ctx context.Context, code string) (Exported, error) {
	se, err := c.st.Case(ctx, code)
	if err != nil {
		return Exported{}, err
	}
	meta, data, err := seal.Open(se.Envelope, map[string]*rsa.PrivateKey{c.kid: c.key})
	if err != nil {
		return Exported{}, err
	}
	return Exported{Code: code, Service: se.Envelope.Service, Created: meta.Created, Received: se.Received, Kiosk: se.Kiosk,
		State: se.State, SHA512: meta.SHA512, Guide: meta.Guide, Data: data}, nil
}
