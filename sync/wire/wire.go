// Package wire is what kiosk and portal exchange: the JSON bodies of
// enrolment, batches of sealed envelopes and their per-envelope results,
// the changes feed, heartbeats and their replies, with the strict
// decoders the portal meets a request with. The kiosk imports this, never
// the portal's server.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lotse/sync/seal"
)

// Limits of one POST /v1/envelopes.
const (
	MaxBatch      = 50
	MaxBatchBytes = 5 << 20
	// Clear fields are ids the kiosk makes, never text a resident typed.
	maxIDLen, maxServiceLen, maxCodeLen = 64, 64, 32
)

// EnrollRequest and EnrollReply are the enrolment exchange.
type EnrollRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type EnrollReply struct {
	KioskID   int64  `json:"kiosk_id"`
	Number    int    `json:"number"` // for reference codes
	Token     string `json:"token"`
	PublicKey string `json:"public_key"` // PEM
	KeyID     string `json:"kid"`
	// SigningKey verifies the profiles the portal publishes (PEM, Ed25519).
	SigningKey string `json:"signing_key"`
	// SiteKey keys the card and PIN hashes of the kiosk's site.
	SiteKey []byte `json:"site_key"`
}

// Batch is the body of POST /v1/envelopes.
type Batch struct {
	Envelopes []seal.Envelope `json:"envelopes"`
}

// ItemResult is the portal's answer for one envelope of a batch, with
// HTTP status semantics: 201 stored, 409 the same key is being stored
// right now, 422 refused for good.
type ItemResult struct {
	ID       string `json:"id"`
	Status   int    `json:"status"`
	Error    string `json:"error,omitempty"`
	Replayed bool   `json:"replayed,omitempty"`
}

type BatchReply struct {
	Results []ItemResult `json:"results"`
}

// ChangesReply is the body of GET /v1/kiosks/{id}/changes.
type ChangesReply struct {
	Changes []ChangeItem `json:"changes"`
	Cursor  string       `json:"cursor"`
}

type ChangeItem struct {
	Code   string `json:"code"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// DecodeBatch parses and checks a batch body. It is what a kiosk's request
// meets first, so it refuses anything but well-formed envelopes.
func DecodeBatch(body []byte) (Batch, error) {
	var b Batch
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Batch{}, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return Batch{}, errors.New("malformed JSON: more than one value")
	}
	if len(b.Envelopes) == 0 {
		return Batch{}, errors.New("empty batch")
	}
	for i, e := range b.Envelopes {
		if e.ID == "" || e.Service == "" || e.Code == "" || e.JWE == "" {
			return Batch{}, fmt.Errorf("envelope %d: id, service, code and jwe are required", i)
		}
		if len(e.ID) > maxIDLen || len(e.Service) > maxServiceLen || len(e.Code) > maxCodeLen {
			return Batch{}, fmt.Errorf("envelope %d: id, service or code longer than %d, %d or %d bytes", i, maxIDLen, maxServiceLen, maxCodeLen)
		}
		if e.Size < 0 {
			return Batch{}, fmt.Errorf("envelope %d: negative size", i)
		}
	}
	return b, nil
}

// Heartbeat is what a kiosk reports every minute and on every change.
// It holds no personal data.
type Heartbeat struct {
	Version        string         `json:"version"`
	ProfileVersion int            `json:"profile_version"`
	ProfileError   string         `json:"profile_error,omitempty"` // why the newest profile was refused
	UptimeSeconds  int64          `json:"uptime_s"`
	Outbox         map[string]int `json:"outbox"` // by state
	LastSync       time.Time      `json:"last_sync,omitzero"`
	Printer        DeviceStatus   `json:"printer"`
	Reader         DeviceStatus   `json:"reader"`
	FreeDiskBytes  int64          `json:"free_disk_bytes"`
	GuideCalls     []GuideCall    `json:"guide_calls,omitempty"`
	// OfflineUsed is how many numbers of its own block the kiosk has
	// handed out today, per prefix (999 each), so staff hear before one
	// runs out.
	OfflineUsed map[string]int `json:"offline_used,omitempty"`
}

// DeviceStatus is a printer's or card reader's state.
type DeviceStatus struct {
	Configured   bool   `json:"configured"`
	Connected    bool   `json:"connected"`
	Problem      string `json:"problem,omitempty"` // "paper end", "cover open", "offline"
	PaperNearEnd bool   `json:"paper_near_end,omitempty"`
	// NoStatus: the printer does not report status; jobs are sent, not
	// confirmed.
	NoStatus bool `json:"no_status,omitempty"`
}

// GuideCall is a resident's "Lotse rufen"; Withdrawn is when they said
// "Doch nicht nötig" (absent while the call is open).
type GuideCall struct {
	At        time.Time `json:"at"`
	Screen    string    `json:"screen"`
	Withdrawn time.Time `json:"withdrawn,omitzero"`
}

// DecodeHeartbeat reads a kiosk's report strictly: no unknown fields, no
// negative counts, at most 100 guide calls with short screen names — a
// kiosk cannot fill the fleet view with junk.
func DecodeHeartbeat(body []byte) (Heartbeat, error) {
	var hb Heartbeat
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hb); err != nil {
		return Heartbeat{}, fmt.Errorf("heartbeat: %w", err)
	}
	if dec.More() {
		return Heartbeat{}, errors.New("heartbeat: more than one JSON value")
	}
	if hb.UptimeSeconds < 0 || hb.FreeDiskBytes < 0 || hb.ProfileVersion < 0 {
		return Heartbeat{}, errors.New("heartbeat: negative value")
	}
	for state, n := range hb.Outbox {
		if n < 0 || len(state) > 32 {
			return Heartbeat{}, errors.New("heartbeat: bad outbox count")
		}
	}
	for prefix, n := range hb.OfflineUsed {
		if n < 0 || len(prefix) != 1 {
			return Heartbeat{}, errors.New("heartbeat: bad offline count")
		}
	}
	if len(hb.GuideCalls) > 100 {
		return Heartbeat{}, errors.New("heartbeat: too many guide calls")
	}
	for _, c := range hb.GuideCalls {
		if len(c.Screen) > 100 {
			return Heartbeat{}, errors.New("heartbeat: screen name too long")
		}
	}
	if len(hb.Version) > 64 || len(hb.ProfileError) > 4096 {
		return Heartbeat{}, errors.New("heartbeat: field too long")
	}
	return hb, nil
}

// HeartbeatReply tells the kiosk which profile it should run, and the
// key of its site that its profile's card and PIN hashes are keyed with.
type HeartbeatReply struct {
	ProfileVersion int    `json:"profile_version"`
	SiteKey        []byte `json:"site_key,omitempty"`
	// QueueBlock is the kiosk's own block of waiting numbers at its site.
	QueueBlock     int `json:"queue_block,omitempty"`
	QueueBlockSize int `json:"queue_block_size,omitempty"`
	// PublicURL is the portal's address as residents reach it, for the QR
	// codes on receipts and tickets (it may differ from the address the
	// kiosks use); "" when the portal was not told one.
	PublicURL string `json:"public_url,omitempty"`
}

// DrawRequest is the body of POST /v1/kiosks/{id}/tickets: a waiting
// number from the office queue of the kiosk's site.
type DrawRequest struct {
	Prefix string `json:"prefix"` // one capital letter
	Lang   string `json:"lang"`   // the visitor's language, for the spoken call
	Key    string `json:"key"`    // the kiosk's idempotency key for this draw
	// Offline reports a number the kiosk drew from its own block while the
	// portal was out of reach (A2017), with when; it joins the queue in
	// the order drawn.
	Offline string    `json:"offline,omitempty"`
	DrawnAt time.Time `json:"drawn_at,omitzero"`
}

// DrawReply is the ticket: its number, how many of its queue wait before
// it, the office's day, and the path of its live page.
type DrawReply struct {
	Number string `json:"number"`
	Ahead  int    `json:"ahead"`
	Day    string `json:"day"`
	Page   string `json:"page"`
	// WaitMin and WaitMax are the estimated wait in minutes (both 0: not
	// known, and then never shown).
	WaitMin int `json:"wait_min,omitempty"`
	WaitMax int `json:"wait_max,omitempty"`
	// Block is the kiosk's own block of numbers for when the portal is out
	// of reach (2: A2001 …; 0: none).
	Block     int `json:"block,omitempty"`
	BlockSize int `json:"block_size,omitempty"` // numbers a day in it
}

// Printable says s is valid UTF-8 without control characters: a NUL
// byte once reached PostgreSQL, which refused it with an error the portal
// answered 503, and kiosks backed off as from an outage.
func Printable(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// DecodeDraw reads a draw request strictly.
func DecodeDraw(body []byte) (DrawRequest, error) {
	var d DrawRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return DrawRequest{}, fmt.Errorf("draw: %w", err)
	}
	if dec.More() {
		return DrawRequest{}, errors.New("draw: more than one JSON value")
	}
	if len(d.Prefix) != 1 || d.Prefix[0] < 'A' || d.Prefix[0] > 'Z' {
		return DrawRequest{}, errors.New("draw: prefix must be one capital letter")
	}
	if d.Key == "" || len(d.Key) > 64 || len(d.Lang) > 16 || !Printable(d.Key) || !Printable(d.Lang) {
		return DrawRequest{}, errors.New("draw: key of 1 to 64 printable characters and a short language tag")
	}
	if d.Offline != "" && (!offlineLabel.MatchString(d.Offline) || d.Offline[:1] != d.Prefix || d.DrawnAt.IsZero()) {
		return DrawRequest{}, errors.New("draw: an offline number is the prefix and 4 digits, with the time drawn")
	}
	return d, nil
}

// offlineLabel is a number from a kiosk's own block: 4 digits, where the
// portal's own numbers have 3.
var offlineLabel = regexp.MustCompile(`^[A-Z][1-9][0-9]{3}$`)
