package outbox

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"lotse/sync/identity"
	"lotse/sync/refcode"
	"lotse/sync/seal"
)

// Sealer seals residents' answers to the portal's key with the identity
// stored in the kiosk's database and puts them in the outbox. It reads the
// identity on each submission, so a kiosk enrolled while it runs seals with
// the new key at once. (The office's waiting queue is another thing: see
// app/fleet.Office.)
type Sealer struct {
	DB  *sql.DB
	Out *Outbox
}

// Seal seals data for the portal and puts it in the outbox; it returns the
// reference code. Without enrolment there is no key to seal to, and it
// returns ErrNotEnrolled.
func (q Sealer) Seal(ctx context.Context, service, guide string, data map[string]string) (string, error) {
	id, err := identity.Load(ctx, q.DB)
	if err != nil {
		return "", err
	}
	return q.Out.SubmitWith(ctx, id, seal.Submission{Service: service, Guide: guide, Data: data})
}

// Submit seals a resident's answers and puts them in the outbox; when it
// returns nil the submission is on disk and the resident may be told so.
// It returns the reference code for the receipt.
func (o *Outbox) Submit(ctx context.Context, id identity.Kiosk, service string, data map[string]string, test bool) (string, error) {
	return o.SubmitWith(ctx, id, seal.Submission{Service: service, Data: data, Test: test})
}

// SubmitWith is Submit for a submission with more metadata (the guide);
// its id, code and time are filled in here.
func (o *Outbox) SubmitWith(ctx context.Context, id identity.Kiosk, s seal.Submission) (string, error) {
	for range 5 {
		code, err := refcode.New(id.Number)
		if err != nil {
			return "", err
		}
		s.ID, s.Code, s.Created = uuid.NewString(), code, time.Now().UTC()
		env, err := seal.Seal(s, id.Key)
		if err != nil {
			return "", err
		}
		err = o.Enqueue(ctx, env)
		if errors.Is(err, ErrDuplicateCode) {
			continue
		}
		return code, err
	}
	return "", errors.New("submit: no free reference code after 5 tries")
}
