package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"lotse/sync/profilesig"
	"lotse/sync/wire"
)

// Heartbeat reports the kiosk's state and learns which profile version
// it should run. A 403 means the kiosk was revoked: Status says so and
// Run stops sending.
func (c *Client) Heartbeat(ctx context.Context, hb wire.Heartbeat) (wire.HeartbeatReply, error) {
	resp, err := c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(hb).
		Post(fmt.Sprintf("/v1/kiosks/%d/heartbeat", c.id.KioskID))
	if err != nil {
		c.failed()
		return wire.HeartbeatReply{}, fmt.Errorf("heartbeat: %w", err)
	}
	if resp.StatusCode() == http.StatusForbidden {
		c.setRevoked()
	}
	if resp.StatusCode() != http.StatusOK {
		return wire.HeartbeatReply{}, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
	}
	var reply wire.HeartbeatReply
	if err := json.Unmarshal(resp.Body(), &reply); err != nil {
		return reply, fmt.Errorf("heartbeat reply: %w", err)
	}
	return reply, nil
}

// Profile fetches the kiosk's profile bundle unless it has version have
// already; it returns the version and the bundle (nil when unchanged or
// none was published).
func (c *Client) Profile(ctx context.Context, have int) (int, []byte, error) {
	req := c.http.R().SetContext(ctx)
	if have > 0 {
		req.SetHeader("If-None-Match", strconv.Quote(strconv.Itoa(have)))
	}
	resp, err := req.Get(fmt.Sprintf("/v1/kiosks/%d/profile", c.id.KioskID))
	if err != nil {
		return have, nil, fmt.Errorf("profile: %w", err)
	}
	switch resp.StatusCode() {
	case http.StatusNotModified, http.StatusNotFound:
		return have, nil, nil
	case http.StatusOK:
		v, err := strconv.Atoi(trimQuotes(resp.Header().Get("ETag")))
		if err != nil {
			return have, nil, fmt.Errorf("profile: no version in ETag %q", resp.Header().Get("ETag"))
		}
		if err := profilesig.Verify(c.id.SigningKey, resp.Header().Get(profilesig.Header), v, resp.Body()); err != nil {
			return v, nil, &ProfileRefusedError{Version: v, Err: err}
		}
		return v, resp.Body(), nil
	case http.StatusForbidden:
		c.setRevoked()
	}
	return have, nil, &RefusedError{Status: resp.StatusCode(), Reason: string(resp.Body())}
}

// ProfileRefusedError is a profile the kiosk will not install whatever
// its content: its signature does not hold.
type ProfileRefusedError struct {
	Version int
	Err     error
}

func (e *ProfileRefusedError) Error() string {
	return fmt.Sprintf("profile %d: %v", e.Version, e.Err)
}

func (e *ProfileRefusedError) Unwrap() error { return e.Err }

func trimQuotes(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

func (c *Client) setRevoked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked = true
}

func (c *Client) failed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.online = false
}
