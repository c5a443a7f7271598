package booking

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"time"

	"lotse/sync/credential"
	"lotse/sync/portal/store"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Errors of a booking, besides the store's ErrSlotFull and ErrContactLimit.
var (
	ErrNoBooking = errors.New("this site offers no appointments")
	ErrNoService = errors.New("no such bookable service at this site")
	ErrSecret    = errors.New("the secret does not match this appointment")
	ErrNotBooked = errors.New("the appointment is no longer booked")
)

// Office books, lists and cancels appointments.
type Office struct {
	St store.Bookings
	// SiteKey is the site's secret key (made on first use): contacts are
	// kept as hashes keyed with it.
	SiteKey func(ctx context.Context, site string) ([]byte, error)
	Key     seal.Key // the portal's public key: names and contacts are sealed to it
	// Open opens an appointment's sealed name and contact (a kiosk's
	// report of a held time is checked with it).
	Open func(a store.Appointment) (map[string]string, error)
	Hash func(secret string) string // how the portal keeps secrets it must recognise
	// Secret is an appointment's secret, derived from a key only the
	// portal holds: a retried booking answers with the same secret.
	Secret func(site, code string) string
	Base   string // the portal's public address, for the links in mail
	// Mail sends the link that confirms a booking (nil: no mail; a booking
	// file asking for confirm_contact is then refused).
	Mail Mailer
	Loc  *time.Location // the offices' time zone
	Now  func() time.Time

	mu    sync.Mutex
	cache map[string]cached // parsed booking files by site
	keys  map[string][]byte // site keys: made once, never changed
}

// Mailer sends one plain-text mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// ErrNoMail refuses a booking file that asks for confirmation by mail on
// a portal that sends none.
var ErrNoMail = errors.New("booking file: confirm_contact needs the portal's [mail] table and public_url")

// siteKey is site's key, asked of the portal once.
func (s *Office) siteKey(ctx context.Context, site string) ([]byte, error) {
	s.mu.Lock()
	k, ok := s.keys[site]
	s.mu.Unlock()
	if ok {
		return k, nil
	}
	k, err := s.SiteKey(ctx, site)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.keys == nil {
		s.keys = map[string][]byte{}
	}
	s.keys[site] = k
	s.mu.Unlock()
	return k, nil
}

type cached struct {
	text string
	cfg  Config
}

// Config is site's booking file (ErrNoBooking when it has none).
func (s *Office) Config(ctx context.Context, site string) (Config, error) {
	text, err := s.St.BookingConfig(ctx, site)
	if errors.Is(err, store.ErrNotFound) {
		return Config{}, ErrNoBooking
	}
	if err != nil {
		return Config{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cache[site]; ok && c.text == text {
		return c.cfg, nil
	}
	cfg, err := Parse([]byte(text))
	if err != nil {
		return Config{}, fmt.Errorf("site %q: %w", site, err)
	}
	if s.cache == nil {
		s.cache = map[string]cached{}
	}
	s.cache[site] = cached{text, cfg}
	return cfg, nil
}

// Set checks a booking file and keeps it for site.
func (s *Office) Set(ctx context.Context, site string, text []byte) (Config, error) {
	cfg, err := Parse(text)
	if err != nil {
		return Config{}, err
	}
	if cfg.ConfirmContact.Duration > 0 && (s.Mail == nil || s.Base == "") {
		return Config{}, ErrNoMail
	}
	return cfg, s.St.SetBookingConfig(ctx, site, string(text), s.Now())
}

// Services lists site's bookable services, titled in lang.
func (s *Office) Services(ctx context.Context, site, lang string) ([]wire.BookableService, error) {
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return nil, err
	}
	out := make([]wire.BookableService, 0, len(cfg.Services))
	for _, sv := range cfg.Services {
		out = append(out, wire.BookableService{ID: sv.ID, Title: sv.TitleIn(lang), Minutes: sv.Minutes, Room: sv.Room})
	}
	return out, nil
}

// MaxDays is the most days one slots request covers.
const MaxDays = 62

// Slots lists the times of service at site from the day from for days
// days, with how many can still book each: only times ahead, on days
// already released.
func (s *Office) Slots(ctx context.Context, site, service string, from time.Time, days int) ([]wire.Slot, error) {
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return nil, err
	}
	sv, ok := cfg.Service(service)
	if !ok {
		return nil, ErrNoService
	}
	now := s.Now().In(s.Loc)
	first, last := cfg.Days(now)
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.Loc)
	// The days asked for stay the days asked for: a range that starts
	// before the first bookable day is cut at its start, never moved (a
	// month's page asked for its days, not for the next month's).
	to := from.AddDate(0, 0, min(max(days, 1), MaxDays)-1)
	if from.Before(first) {
		from = first
	}
	if to.After(last) {
		to = last
	}
	var starts []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		for _, t := range sv.Starts(d) {
			if t.After(now) {
				starts = append(starts, t)
			}
		}
	}
	out := []wire.Slot{}
	if len(starts) == 0 {
		return out, nil
	}
	taken, err := s.St.Taken(ctx, site, service, starts[0], starts[len(starts)-1], now)
	if err != nil {
		return nil, err
	}
	for _, t := range starts {
		out = append(out, wire.Slot{Start: t, Free: max(0, sv.Counters-taken[t.UTC()])})
	}
	return out, nil
}

// Book books a request at site for kiosk (0: from home) under the
// client's idempotency key. A *wire.FieldError names a field that is
// wrong; store.ErrSlotFull and store.ErrContactLimit say why not.
func (s *Office) Book(ctx context.Context, site string, kiosk int64, key string, r wire.BookRequest) (wire.Booked, error) {
	if fe := wire.CheckBook(r); fe != nil {
		return wire.Booked{}, fe
	}
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return wire.Booked{}, err
	}
	sv, ok := cfg.Service(r.Service)
	if !ok {
		return wire.Booked{}, &wire.FieldError{Field: "service", Message: "no such service at this site"}
	}
	now := s.Now()
	start := r.Start.In(s.Loc)
	if !cfg.Bookable(sv, start, now.In(s.Loc)) {
		return wire.Booked{}, &wire.FieldError{Field: "start", Message: "not a time of this service that can be booked now"}
	}
	// A time already full is answered without a write: in a rush most
	// requests are for times just taken. (The store's conditional update
	// still decides every booking that gets further.)
	if r.Start.After(now) {
		taken, err := s.St.Taken(ctx, site, sv.ID, start, start, now)
		if err != nil {
			return wire.Booked{}, err
		}
		if taken[start.UTC()] >= sv.Counters {
			if _, err := s.St.AppointmentByKey(ctx, site, key); err != nil {
				return wire.Booked{}, store.ErrSlotFull
			}
		}
	}
	contact := r.Phone
	if contact == "" {
		contact = r.Email
	}
	contactKey := ""
	if contact != "" {
		siteKey, err := s.siteKey(ctx, site)
		if err != nil {
			return wire.Booked{}, err
		}
		if contactKey, err = credential.HashContact(siteKey, contact); err != nil {
			return wire.Booked{}, err
		}
	}
	code, err := newCode()
	if err != nil {
		return wire.Booked{}, err
	}
	secret := s.Secret(site, code)
	env, err := seal.Seal(seal.Submission{ID: "appointment-" + code, Service: sv.ID, Code: code, Created: now,
		Data: map[string]string{"name": r.Name, "phone": r.Phone, "email": r.Email}}, s.Key)
	if err != nil {
		return wire.Booked{}, err
	}
	// From home, where the site asks, the booking waits for the resident
	// to follow the link mailed to them: a bot's made-up addresses never do.
	confirm := kiosk == 0 && cfg.ConfirmContact.Duration > 0
	state := store.Booked
	if confirm {
		if r.Email == "" {
			return wire.Booked{}, &wire.FieldError{Field: "email", Message: "this office confirms bookings by e-mail: an address is needed"}
		}
		state = store.Unconfirmed
	}
	a, fresh, err := s.St.Book(ctx, store.Book{Appointment: store.Appointment{Site: site, Service: sv.ID, Start: start.UTC(),
		Code: code, SecretHash: s.Hash(secret), ContactKey: contactKey, Sealed: env.JWE, Lang: r.Lang, Kiosk: kiosk, Key: key,
		KeyBody: s.Hash(requestText(r)), State: state},
		Capacity: sv.Counters, MaxPerContact: cfg.MaxPerContact, Now: now})
	if err != nil {
		return wire.Booked{}, err
	}
	// A retry gets the first request's appointment, and its secret.
	b := s.booked(site, sv, a, s.Secret(site, a.Code), r.Lang)
	if a.State == store.Unconfirmed {
		b.ConfirmBy = a.CreatedAt.Add(cfg.ConfirmContact.Duration).In(s.Loc)
		if fresh {
			if err := s.mailConfirmation(ctx, site, sv, a, b, r); err != nil {
				// The time is freed when it is not confirmed; the page says
				// so, and the counter's phone is there.
				slog.Warn("booking: the confirmation was not sent", "code", a.Code, "err", err)
			}
		}
	}
	return b, nil
}

// ConfirmToken is what the mailed link carries to confirm site's
// appointment code: derived from the portal's key, never shown on a page.
func (s *Office) ConfirmToken(site, code string) string {
	return s.Secret(site, "confirm\x00"+code)
}

// ConfirmLink is the address of the mailed link.
func (s *Office) ConfirmLink(site, code, secret, lang string) string {
	return s.Base + "/termin/" + PathSite(site) + "/" + url.PathEscape(code) + "/confirm?" +
		url.Values{"c": {s.ConfirmToken(site, code)}, "s": {secret}, "lang": {lang}}.Encode()
}

// mailConfirmation mails the resident the link that confirms a.
func (s *Office) mailConfirmation(ctx context.Context, site string, sv Service, a store.Appointment, b wire.Booked, r wire.BookRequest) error {
	m := confirmMail(r.Lang)
	body := strings.NewReplacer("{title}", sv.TitleIn(r.Lang), "{when}", b.Start.Format("02.01.2006 15:04"), "{code}", a.Code,
		"{link}", s.ConfirmLink(site, a.Code, b.Secret, r.Lang), "{by}", b.ConfirmBy.Format("15:04")).Replace(m.body)
	return s.Mail.Send(ctx, r.Email, m.subject, body)
}

// ErrConfirm refuses a confirmation link that is not this appointment's,
// or comes too late.
var ErrConfirm = errors.New("this link does not confirm an appointment waiting for it")

// Confirm confirms site's appointment code for the holder of the mailed
// token, while it waits for it.
func (s *Office) Confirm(ctx context.Context, site, code, token string) error {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.ConfirmToken(site, code))) != 1 {
		return ErrConfirm
	}
	if a.State == store.Booked {
		return nil // followed twice
	}
	ok, err := s.St.SetAppointmentState(ctx, a.ID, []string{store.Unconfirmed}, store.Booked, "")
	if err != nil {
		return err
	}
	if !ok {
		return ErrConfirm // freed meanwhile
	}
	return nil
}

// ReleaseUnconfirmed frees the times of bookings nobody confirmed in
// their site's confirm_contact; it returns how many. Every instance may
// run it: the cancel is conditional.
func (s *Office) ReleaseUnconfirmed(ctx context.Context) (int, error) {
	sites, err := s.St.BookingSites(ctx)
	if err != nil {
		return 0, err
	}
	now, n := s.Now(), 0
	for _, site := range sites {
		cfg, err := s.Config(ctx, site)
		if err != nil || cfg.ConfirmContact.Duration == 0 {
			continue
		}
		list, err := s.St.Unconfirmed(ctx, site, now.Add(-cfg.ConfirmContact.Duration))
		if err != nil {
			return n, err
		}
		for _, a := range list {
			// Freed at once: nobody held it but a link nobody followed.
			if ok, err := s.St.Cancel(ctx, a.ID, now, now); err != nil {
				return n, err
			} else if ok {
				n++
			}
		}
	}
	return n, nil
}

// requestText is r in one canonical form, for the hash an idempotency key
// is kept with: a retry is the same request byte for byte in this form.
func requestText(r wire.BookRequest) string {
	return strings.Join([]string{r.Service, r.Start.UTC().Format(time.RFC3339), r.Name, r.Phone, r.Email, r.Lang}, "\x00")
}

func (s *Office) booked(site string, sv Service, a store.Appointment, secret, lang string) wire.Booked {
	return wire.Booked{Code: a.Code, Secret: secret, Start: a.Start.In(s.Loc), Minutes: sv.Minutes, Service: sv.ID,
		Title: sv.TitleIn(lang), Room: sv.Room, Page: s.Page(site, a.Code, secret)}
}

// DefaultSite is how an address names the default site ("", where every
// kiosk is until staff put it in a site): /v1/sites/_/slots.
const DefaultSite = "_"

// PathSite is site as an address names it.
func PathSite(site string) string {
	if site == "" {
		return DefaultSite
	}
	return url.PathEscape(site)
}

// Page is the address of an appointment's page on the portal: see it,
// cancel it, add it to a calendar.
func (s *Office) Page(site, code, secret string) string {
	return "/termin/" + PathSite(site) + "/" + url.PathEscape(code) + "?s=" + url.QueryEscape(secret)
}

// Find is site's appointment code, for the holder of its secret.
func (s *Office) Find(ctx context.Context, site, code, secret string) (store.Appointment, Service, error) {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return a, Service{}, err
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(s.Hash(secret)), []byte(a.SecretHash)) != 1 {
		return store.Appointment{}, Service{}, ErrSecret
	}
	if a.State == store.Held {
		// Only a kiosk's offline printout names a held time's secret: for
		// its holder it is booked, the kiosk reports the name later.
		a.State = store.Booked
	}
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return a, Service{}, err
	}
	sv, _ := cfg.Service(a.Service)
	return a, sv, nil
}

// Cancel cancels site's appointment code for the holder of its secret; its
// time is offered again after the site's pause.
func (s *Office) Cancel(ctx context.Context, site, code, secret string) error {
	a, _, err := s.Find(ctx, site, code, secret)
	if err != nil {
		return err
	}
	return s.cancel(ctx, site, a)
}

func (s *Office) cancel(ctx context.Context, site string, a store.Appointment) error {
	cfg, err := s.Config(ctx, site)
	if err != nil {
		return err
	}
	now := s.Now()
	ok, err := s.St.Cancel(ctx, a.ID, now, now.Add(cfg.CancelPause.Duration))
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotBooked
	}
	return nil
}

// newCode is a booking code of 8 digits and a check digit (Luhn): typed
// on a kiosk's numeric pad, read out on the phone; a typo is caught.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", err
	}
	d := fmt.Sprintf("%08d", n.Int64())
	return d + string(rune('0'+wire.LuhnDigit(d))), nil
}

// ValidCode says code is a booking code (wire.ValidBookingCode).
func ValidCode(code string) bool { return wire.ValidBookingCode(code) }

// Forget clears the names and contacts of every site's appointments
// keep_days after they took place; it returns how many.
func (s *Office) Forget(ctx context.Context) (int, error) {
	sites, err := s.St.BookingSites(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, site := range sites {
		cfg, err := s.Config(ctx, site)
		if err != nil {
			return total, err
		}
		n, err := s.St.ForgetContacts(ctx, site, s.Now().AddDate(0, 0, -cfg.KeepDays))
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// CancelForResident cancels site's appointment code as staff do for a
// resident who called or came: no secret, the staff member is
// audit-logged by the caller.
func (s *Office) CancelForResident(ctx context.Context, site, code string) error {
	a, err := s.St.AppointmentByCode(ctx, site, code)
	if err != nil {
		return err
	}
	return s.cancel(ctx, site, a)
}
