package fleet

import (
	"context"
	"errors"
	"log/slog"

	"lotse/sync/outbox"
	"lotse/sync/wire"
)

// CaseStatus is how far the matter with reference code has got: the
// portal's word, or — while the portal cannot be reached, or does not
// have it yet — what this kiosk's outbox knows ("waiting": still here,
// to be sent).
func (a *Agent) CaseStatus(ctx context.Context, code string) (wire.CaseStatus, error) {
	portalErr := error(errNoClient)
	if c := a.Client(); c != nil {
		s, err := c.Office().CaseStatus(ctx, code)
		if err == nil {
			return s, nil
		}
		portalErr = err
		if !errors.Is(err, wire.ErrNoCase) {
			slog.Warn("case status", "err", err)
		}
	}
	if a.o.Outbox != nil {
		if e, err := a.o.Outbox.GetByCode(ctx, code); err == nil {
			if e.State == outbox.Queued || e.State == outbox.Sending {
				return wire.CaseStatus{State: "waiting"}, nil
			}
			return wire.CaseStatus{State: "received"}, nil
		}
	}
	// Unknown at the portal, or the portal out of reach: the resident
	// hears which.
	return wire.CaseStatus{}, portalErr
}
