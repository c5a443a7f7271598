package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BookableService is one service residents can book at a site.
type BookableService struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	Room    string `json:"room,omitempty"`
}

// Services is the reply of GET /v1/sites/{site}/services.
type Services struct {
	Services []BookableService `json:"services"`
}

// Slot is one appointment time and how many residents can still book it.
type Slot struct {
	Start time.Time `json:"start"`
	Free  int       `json:"free"`
}

// Slots is the reply of GET /v1/sites/{site}/slots.
type Slots struct {
	Slots []Slot `json:"slots"`
}

// BookRequest is the body of POST /v1/sites/{site}/appointments; the
// Idempotency-Key header makes a retry safe.
type BookRequest struct {
	Service string    `json:"service"`
	Start   time.Time `json:"start"`
	Name    string    `json:"name"`
	Phone   string    `json:"phone,omitempty"`
	Email   string    `json:"email,omitempty"`
	Lang    string    `json:"lang,omitempty"`
}

// Booked is a booked appointment as the resident receives it: the code to
// quote and to type at check-in, and the secret that lets them cancel.
type Booked struct {
	Code    string    `json:"code"`
	Secret  string    `json:"secret"`
	Start   time.Time `json:"start"`
	Minutes int       `json:"minutes"`
	Service string    `json:"service"`
	Title   string    `json:"title"`
	Room    string    `json:"room,omitempty"`
	Page    string    `json:"page"` // the appointment's page: see, cancel, add to a calendar
	// ConfirmBy, where the site confirms bookings by mail, is when the
	// time is freed unless the resident followed the mailed link.
	ConfirmBy time.Time `json:"confirm_by,omitzero"`
}

// CancelRequest is the body of POST /v1/sites/{site}/appointments/{code}/cancel.
type CancelRequest struct {
	Secret string `json:"secret"`
}

// FieldError is a booking request refused for one field, with what to
// write instead.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"error"`
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Limits of a booking request.
const (
	MaxNameLen    = 80
	MaxContactLen = 100
)

// DecodeBook reads a booking request strictly. A malformed body is an
// error; a well-formed one with a bad field gives a FieldError naming it.
func DecodeBook(body []byte) (BookRequest, *FieldError, error) {
	var b BookRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return BookRequest{}, nil, fmt.Errorf("booking: %w", err)
	}
	if dec.More() {
		return BookRequest{}, nil, errors.New("booking: more than one JSON value")
	}
	b.Name, b.Phone, b.Email = strings.TrimSpace(b.Name), strings.TrimSpace(b.Phone), strings.TrimSpace(b.Email)
	if fe := CheckBook(b); fe != nil {
		return b, fe, nil
	}
	return b, nil, nil
}

// CheckBook says which field of a booking request is wrong (nil: none).
// The kiosk checks the same before it sends.
func CheckBook(b BookRequest) *FieldError {
	switch {
	case b.Service == "" || len(b.Service) > 64:
		return &FieldError{"service", "choose a service"}
	case b.Start.IsZero():
		return &FieldError{"start", "choose a time"}
	case !validName(b.Name):
		return &FieldError{"name", "a name of 2 to 80 letters"}
	case b.Phone != "" && !validPhone(b.Phone):
		return &FieldError{"phone", "a telephone number of 6 to 20 digits"}
	case b.Email != "" && !validEmail(b.Email):
		return &FieldError{"email", "an e-mail address like name@example.de"}
	case len(b.Lang) > 16:
		return &FieldError{"lang", "a language tag"}
	}
	return nil
}

func validName(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '-' || r == '\'' || r == '.' || r == '’':
		default:
			return false
		}
	}
	return letters >= 2 && utf8.RuneCountInString(s) <= MaxNameLen && !MixedScripts(s)
}

// LatinLetters says every letter of s is a Latin one (ä, ß, é and ł
// included): names staff give to sites and kiosks, which residents and
// clerks tell apart by their look; a Greek "Κ1" would stand beside "K1".
func LatinLetters(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) }) < 0
}

// MixedScripts says a word of s has letters of more than one script
// (Latin, Greek, Cyrillic, any other): a name that looks like another
// but is not, as "Κ1" with a Greek capital kappa beside "K1". Words may
// differ: "Olena Шевчук" is one person's two names.
func MixedScripts(s string) bool {
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '-' }) {
		script := -1
		for _, r := range word {
			if !unicode.IsLetter(r) {
				continue
			}
			this := 3 // any other script
			for i, t := range []*unicode.RangeTable{unicode.Latin, unicode.Greek, unicode.Cyrillic} {
				if unicode.Is(t, r) {
					this = i
				}
			}
			if script >= 0 && this != script {
				return true
			}
			script = this
		}
	}
	return false
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '/' || r == '-' || r == '(' || r == ')' || r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 20
}

func validEmail(s string) bool {
	if len(s) > MaxContactLen {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// CheckInRequest is the body of POST /v1/kiosks/{id}/checkin: the booking
// code typed or scanned at the kiosk.
type CheckInRequest struct {
	Code string `json:"code"`
	Key  string `json:"key"`
	Lang string `json:"lang,omitempty"`
}

// CheckedIn is the waiting number an appointment checked in gets.
type CheckedIn struct {
	Number string    `json:"number"`
	Start  time.Time `json:"start"` // the appointment's time
	Due    time.Time `json:"due"`   // called from then on, before the walk-ins
	Title  string    `json:"title"`
	Room   string    `json:"room,omitempty"`
	Day    string    `json:"day"`
	Page   string    `json:"page"` // the waiting number's page
}

// CheckInRefused says why an appointment could not be checked in: unknown
// (no such code), not_today, late (past late_after: draw a normal number),
// not_booked (cancelled or lapsed).
type CheckInRefused struct {
	Error string    `json:"error"`
	Start time.Time `json:"start,omitzero"`
}

// DecodeCheckIn reads a check-in request strictly.
func DecodeCheckIn(body []byte) (CheckInRequest, error) {
	var c CheckInRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return CheckInRequest{}, fmt.Errorf("check-in: %w", err)
	}
	if dec.More() {
		return CheckInRequest{}, errors.New("check-in: more than one JSON value")
	}
	if len(c.Code) != 9 || strings.Trim(c.Code, "0123456789") != "" {
		return CheckInRequest{}, errors.New("check-in: the code is 9 digits")
	}
	if c.Key == "" || len(c.Key) > 64 || len(c.Lang) > 16 {
		return CheckInRequest{}, errors.New("check-in: key of 1 to 64 characters and a short language tag")
	}
	return c, nil
}

// ValidBookingCode says code is a booking code: 9 digits whose last is the
// Luhn check digit of the others, so a mistyped digit is caught at the
// kiosk before anything is sent.
func ValidBookingCode(code string) bool {
	if len(code) != 9 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	return LuhnDigit(code[:8]) == int(code[8]-'0')
}

// LuhnDigit is the Luhn check digit of a string of digits.
func LuhnDigit(digits string) int {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// HeldTime is a time the portal set aside for one kiosk (the site's
// kiosk_quota): the kiosk may book it for a resident while it cannot
// reach the portal, and print its confirmation at once. Its code and
// secret are the portal's, so an offline booking never collides.
type HeldTime struct {
	Booked
	// Titles are the service's title in the kiosk's languages.
	Titles map[string]string `json:"titles,omitempty"`
}

// HeldTimes is the reply of GET /v1/kiosks/{id}/held: the kiosk's held
// times, and the last day whose held times an online kiosk gives back
// (the nearest bookable day: residents elsewhere can take them).
type HeldTimes struct {
	Held         []HeldTime `json:"held"`
	GiveBackTill string     `json:"give_back_till"` // YYYY-MM-DD
}

// HeldReport is the body of POST /v1/kiosks/{id}/held/{code}: the
// resident a kiosk booked a held time for while offline, sealed to the
// portal's key like a submission.
type HeldReport struct {
	Sealed   string    `json:"sealed"` // JWE of name, phone, email
	Lang     string    `json:"lang,omitempty"`
	BookedAt time.Time `json:"booked_at"`
}

// DecodeHeldReport reads a held-time report strictly.
func DecodeHeldReport(body []byte) (HeldReport, error) {
	var h HeldReport
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return HeldReport{}, fmt.Errorf("held report: %w", err)
	}
	if dec.More() {
		return HeldReport{}, errors.New("held report: more than one JSON value")
	}
	if h.Sealed == "" || len(h.Sealed) > 16<<10 || len(h.Lang) > 16 || h.BookedAt.IsZero() {
		return HeldReport{}, errors.New("held report: a sealed name, a short language tag and when it was booked")
	}
	return h, nil
}

// CaseStatus is the reply of GET /v1/kiosks/{id}/cases/{code}: how far
// a resident's matter has got — received, accepted or rejected, with
// staff's note — for the kiosk to say in the resident's language.
type CaseStatus struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}
