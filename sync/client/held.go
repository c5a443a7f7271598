package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Held tops up and lists the times the portal holds for this kiosk to
// book while it cannot reach the portal.
func (o Office) Held(ctx context.Context) (wire.HeldTimes, error) {
	resp, err := o.c.http.R().SetContext(ctx).Get(fmt.Sprintf("/v1/kiosks/%d/held", o.c.id.KioskID))
	if err != nil {
		o.c.failed()
		return wire.HeldTimes{}, fmt.Errorf("held times: %w", err)
	}
	if resp.StatusCode() == http.StatusNotFound {
		return wire.HeldTimes{}, wire.ErrNoBooking
	}
	var h wire.HeldTimes
	if resp.StatusCode() != http.StatusOK || json.Unmarshal(resp.Body(), &h) != nil {
		return wire.HeldTimes{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return h, nil
}

// SealHeld seals the name and contact of the resident a held time is
// booked for, to the portal's key, as the portal keeps them: the kiosk
// never stores them in clear, even while it waits to report them.
func (o Office) SealHeld(h wire.Booked, data map[string]string, at time.Time) (string, error) {
	env, err := seal.Seal(seal.Submission{ID: "appointment-" + h.Code, Service: h.Service, Code: h.Code, Created: at, Data: data}, o.c.id.Key)
	if err != nil {
		return "", err
	}
	return env.JWE, nil
}

// ReportHeld tells the portal whom a held time was booked for. A
// *RefusedError with a status below 500 is final: the portal will never
// take this report (the time was given back or cancelled meanwhile).
func (o Office) ReportHeld(ctx context.Context, code string, r wire.HeldReport) error {
	resp, err := o.c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(r).
		Post(fmt.Sprintf("/v1/kiosks/%d/held/%s", o.c.id.KioskID, url.PathEscape(code)))
	if err != nil {
		o.c.failed()
		return fmt.Errorf("report held time: %w", err)
	}
	if resp.StatusCode() != http.StatusOK {
		return &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return nil
}

// GiveBack frees a held time this kiosk will not use.
func (o Office) GiveBack(ctx context.Context, code string) error {
	resp, err := o.c.http.R().SetContext(ctx).Delete(fmt.Sprintf("/v1/kiosks/%d/held/%s", o.c.id.KioskID, url.PathEscape(code)))
	if err != nil {
		o.c.failed()
		return fmt.Errorf("give back held time: %w", err)
	}
	if resp.StatusCode() != http.StatusOK {
		return &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return nil
}

// CaseStatus asks the portal how far the matter with reference code has
// got.
func (o Office) CaseStatus(ctx context.Context, code string) (wire.CaseStatus, error) {
	resp, err := o.c.http.R().SetContext(ctx).Get(fmt.Sprintf("/v1/kiosks/%d/cases/%s", o.c.id.KioskID, url.PathEscape(code)))
	if err != nil {
		o.c.failed()
		return wire.CaseStatus{}, fmt.Errorf("case status: %w", err)
	}
	if resp.StatusCode() == http.StatusNotFound {
		return wire.CaseStatus{}, wire.ErrNoCase
	}
	var s wire.CaseStatus
	if resp.StatusCode() != http.StatusOK || json.Unmarshal(resp.Body(), &s) != nil {
		return wire.CaseStatus{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return s, nil
}
