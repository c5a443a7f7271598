package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"lotse/sync/wire"
)

// DrawTicket draws a waiting number from the office queue of the kiosk's
// site; key makes a retry return the same number.
func (o Office) DrawTicket(ctx context.Context, prefix, lang, key string) (wire.DrawReply, error) {
	return o.postDraw(ctx, wire.DrawRequest{Prefix: prefix, Lang: lang, Key: key})
}

// ReportTicket tells the portal about a number drawn offline from the
// kiosk's own block, so it joins the queue in the order it was drawn.
func (o Office) ReportTicket(ctx context.Context, prefix, lang, key, number string, drawnAt time.Time) error {
	_, err := o.postDraw(ctx, wire.DrawRequest{Prefix: prefix, Lang: lang, Key: key, Offline: number, DrawnAt: drawnAt.UTC()})
	return err
}

func (o Office) postDraw(ctx context.Context, req wire.DrawRequest) (wire.DrawReply, error) {
	resp, err := o.c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(req).
		Post(fmt.Sprintf("/v1/kiosks/%d/tickets", o.c.id.KioskID))
	if err != nil {
		o.c.failed()
		return wire.DrawReply{}, fmt.Errorf("draw: %w", err)
	}
	if resp.StatusCode() != http.StatusCreated {
		return wire.DrawReply{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	var d wire.DrawReply
	if err := json.Unmarshal(resp.Body(), &d); err != nil || d.Number == "" {
		return wire.DrawReply{}, fmt.Errorf("draw: reply %q", resp.Body())
	}
	return d, nil
}
