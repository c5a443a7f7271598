package client

import (
	"context"
	"database/sql"

	"lotse/sync/outbox"
	"lotse/sync/seal"
)

// Sealer seals residents' answers to the portal's key with the identity
// stored in the kiosk's database and puts them in the outbox. It reads the
// identity on each submission, so a kiosk enrolled while it runs seals with
// the new key at once. (The office's waiting queue is another thing: see
// app/fleet.Office.)
type Sealer struct {
	DB  *sql.DB
	Out *outbox.Outbox
}

// Seal seals data for the portal and puts it in the outbox; it returns the
// reference code. Without enrolment there is no key to seal to, and it
// returns ErrNotEnrolled.
func (q Sealer) Seal(ctx context.Context, service, guide string, data map[string]string) (string, error) {
	id, err := LoadIdentity(ctx, q.DB)
	if err != nil {
		return "", err
	}
	return SubmitWith(ctx, id, q.Out, seal.Submission{Service: service, Guide: guide, Data: data})
}
