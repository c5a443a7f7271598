package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"lotse/sync/wire"
)

// BookableServices lists what residents can book at the kiosk's site,
// titled in lang.
func (o Office) BookableServices(ctx context.Context, lang string) ([]wire.BookableService, error) {
	resp, err := o.c.http.R().SetContext(ctx).Get(fmt.Sprintf("/v1/kiosks/%d/bookable?lang=%s", o.c.id.KioskID, url.QueryEscape(lang)))
	if err != nil {
		o.c.failed()
		return nil, fmt.Errorf("bookable services: %w", err)
	}
	if resp.StatusCode() == http.StatusNotFound {
		return nil, wire.ErrNoBooking
	}
	var s wire.Services
	if resp.StatusCode() != http.StatusOK || json.Unmarshal(resp.Body(), &s) != nil {
		return nil, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return s.Services, nil
}

// Slots lists the times of service from the day from for days days.
func (o Office) Slots(ctx context.Context, service string, from time.Time, days int) ([]wire.Slot, error) {
	q := url.Values{"service": {service}, "from": {from.Format(time.DateOnly)}, "days": {strconv.Itoa(days)}}
	resp, err := o.c.http.R().SetContext(ctx).Get(fmt.Sprintf("/v1/kiosks/%d/slots?%s", o.c.id.KioskID, q.Encode()))
	if err != nil {
		o.c.failed()
		return nil, fmt.Errorf("slots: %w", err)
	}
	var s wire.Slots
	if resp.StatusCode() != http.StatusOK || json.Unmarshal(resp.Body(), &s) != nil {
		return nil, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	return s.Slots, nil
}

// Book books req under key (the same key again is the same appointment).
// A *wire.FieldError names a field the portal refused; wire.ErrFull says the
// time was taken meanwhile.
func (o Office) Book(ctx context.Context, key string, req wire.BookRequest) (wire.Booked, error) {
	resp, err := o.c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetHeader("Idempotency-Key", key).
		SetBody(req).Post(fmt.Sprintf("/v1/kiosks/%d/appointments", o.c.id.KioskID))
	if err != nil {
		o.c.failed()
		return wire.Booked{}, fmt.Errorf("book: %w", err)
	}
	switch resp.StatusCode() {
	case http.StatusCreated:
		var b wire.Booked
		if err := json.Unmarshal(resp.Body(), &b); err != nil || b.Code == "" {
			return wire.Booked{}, fmt.Errorf("book: reply %q", resp.Body())
		}
		return b, nil
	case http.StatusConflict:
		return wire.Booked{}, wire.ErrFull
	case http.StatusUnprocessableEntity:
		var fe wire.FieldError
		if json.Unmarshal(resp.Body(), &fe) == nil && fe.Field != "" {
			return wire.Booked{}, &fe
		}
	}
	return wire.Booked{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
}

// CheckIn gives the appointment with code a waiting number.
func (o Office) CheckIn(ctx context.Context, code, key, lang string) (wire.CheckedIn, error) {
	resp, err := o.c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").
		SetBody(wire.CheckInRequest{Code: code, Key: key, Lang: lang}).Post(fmt.Sprintf("/v1/kiosks/%d/checkin", o.c.id.KioskID))
	if err != nil {
		o.c.failed()
		return wire.CheckedIn{}, fmt.Errorf("check-in: %w", err)
	}
	switch resp.StatusCode() {
	case http.StatusCreated:
		var ci wire.CheckedIn
		if err := json.Unmarshal(resp.Body(), &ci); err != nil || ci.Number == "" {
			return wire.CheckedIn{}, fmt.Errorf("check-in: reply %q", resp.Body())
		}
		return ci, nil
	case http.StatusNotFound, http.StatusConflict, http.StatusGone:
		var r wire.CheckInRefused
		if json.Unmarshal(resp.Body(), &r) == nil && r.Error != "" {
			return wire.CheckedIn{}, &wire.CheckInRefusedError{Reason: r.Error, Start: r.Start}
		}
	}
	return wire.CheckedIn{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
}
