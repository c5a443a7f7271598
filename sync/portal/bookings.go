package portal

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"lotse/sync/portal/booking"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/store"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Bookings is the portal's appointment office: booking files, times,
// appointments.
func (s *Server) Bookings() *booking.Office { return s.bookings }

// newBookingOffice wires the office to the store, the sealing key and a
// secret only this portal (and every instance sharing its data folder)
// can derive.
func (s *Server) newBookingOffice() *booking.Office {
	root := s.Secret("lotse appointment secrets")
	o := &booking.Office{St: s.st, SiteKey: s.fleet.SiteKey, Key: s.PublicKey(), Open: s.AppointmentContact, Hash: HashToken,
		Loc: officeTime, Now: s.now, Base: s.publicURL,
		Secret: func(site, code string) string {
			m := hmac.New(sha256.New, root)
			m.Write([]byte(site + "\x00" + code))
			return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil))[:26])
		}}
	if s.mailer != nil {
		o.Mail = s.mailer
	}
	return o
}

// bookingCaller lets kiosks (with their credential) through and throttles
// everyone else per address: residents booking from home are many and
// slow, a bot taking every time is one and fast. No CAPTCHA: the
// resident at a kiosk must never have to solve one.
func (c *callers) bookingCaller(w http.ResponseWriter, r *http.Request) (kiosk int64, ok bool) {
	if r.Header.Get("Authorization") != "" {
		return c.kiosk(w, r)
	}
	if !c.residents.RequestAllowed(httpx.ClientAddr(r)) {
		c.security.refused(r, http.StatusTooManyRequests, "booking throttled")
		httpx.TooMany(w, 30*time.Second, "too many requests from your address; try again in a minute")
		return 0, false
	}
	return 0, true
}

// Residents are the budgets residents booking from home share per
// network (IPv4 /24, IPv6 /64), at the booking API and the booking pages
// alike: requests at a resident's pace, in memory at each instance, and
// bookings an hour, counted in the store so every instance counts
// together. A family books a few; one address once booked 98 in a minute.
type Residents struct {
	st       store.Staff // ClaimAttempt counts the bookings
	now      func() time.Time
	requests *httpx.Limits
	perHour  int
}

// Residents is the portal's residents' budgets.
func (s *Server) Residents() *Residents { return s.residents }

// Network is the network an address belongs to for the budgets and
// idempotency keys.
func (b *Residents) Network(addr string) string { return network(addr) }

// RequestAllowed lets a network ask for times and book at a resident's
// pace.
func (b *Residents) RequestAllowed(addr string) bool { return b.requests.Allow(network(addr)) }

// Claim takes one booking from the budget of addr's network, before the
// booking is made (ErrBookingBudget when it is spent).
func (b *Residents) Claim(ctx context.Context, addr string) error {
	n, _, err := b.st.ClaimAttempt(ctx, "book:"+network(addr), b.now(), BookingBudgetFor)
	if err != nil {
		return err
	}
	if n > b.perHour {
		return ErrBookingBudget
	}
	return nil
}

// The bookings budget: Options.BookingsPerNetwork an hour.
const (
	DefaultBookingsPerNetwork = 10
	BookingBudgetFor          = time.Hour
)

// ErrBookingBudget says a network booked its hour's appointments.
var ErrBookingBudget = errors.New("this network has booked as many appointments as it may in an hour")

// bookingFailed answers the errors every booking call may meet.
func bookingFailed(w http.ResponseWriter, err error) {
	var fe *wire.FieldError
	switch {
	case errors.As(err, &fe):
		httpx.JSON(w, http.StatusUnprocessableEntity, fe)
	case errors.Is(err, booking.ErrNoBooking), errors.Is(err, booking.ErrNoService):
		httpx.Fail(w, http.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrSlotFull):
		httpx.JSON(w, http.StatusConflict, map[string]string{"error": "full", "message": err.Error()})
	case errors.Is(err, booking.ErrSecret), errors.Is(err, store.ErrNotFound):
		// Whether a code exists is no business of someone without its secret.
		httpx.Fail(w, http.StatusNotFound, "no such appointment")
	case errors.Is(err, booking.ErrNotBooked):
		httpx.Fail(w, http.StatusConflict, err.Error())
	case errors.Is(err, store.ErrKeyReused):
		httpx.Fail(w, http.StatusUnprocessableEntity, err.Error())
	default:
		slog.Error("booking", "err", err)
		httpx.Unavailable(w, "booking")
	}
}

// bookingSite is who is calling and for which site: /v1/sites/{site}/…
// for residents and kiosks alike, /v1/kiosks/{id}/… for a kiosk's own site.
func (c *callers) bookingSite(w http.ResponseWriter, r *http.Request) (kiosk int64, site string, ok bool) {
	if r.PathValue("id") == "" {
		if kiosk, ok = c.bookingCaller(w, r); !ok || kiosk == 0 {
			return kiosk, siteParam(r), ok
		}
		// A kiosk's credential is for its own site: with it, another
		// site's seats were all booked in 5.7 s.
		own, err := c.st.KioskSite(r.Context(), kiosk)
		if err != nil {
			httpx.Unavailable(w, "booking")
			return 0, "", false
		}
		if own != siteParam(r) {
			c.security.refused(r, http.StatusForbidden, "kiosk asked for another site")
			httpx.Fail(w, http.StatusForbidden, "a kiosk books only for its own site")
			return 0, "", false
		}
		return kiosk, own, true
	}
	if kiosk, ok = c.ownKiosk(w, r); !ok {
		return 0, "", false
	}
	site, err := c.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		httpx.Unavailable(w, "booking")
		return 0, "", false
	}
	return kiosk, site, true
}

func (s *bookingAPI) handleBookableServices(w http.ResponseWriter, r *http.Request) {
	_, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	list, err := s.bookings.Services(r.Context(), site, r.URL.Query().Get("lang"))
	if err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, wire.Services{Services: list})
}

func (s *bookingAPI) handleSlots(w http.ResponseWriter, r *http.Request) {
	_, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	from := s.now().In(officeTime)
	if v := q.Get("from"); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, officeTime)
		if err != nil {
			httpx.JSON(w, http.StatusUnprocessableEntity, &wire.FieldError{Field: "from", Message: "a date like 2026-12-03"})
			return
		}
		from = d
	}
	days := 28
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > booking.MaxDays {
			httpx.JSON(w, http.StatusUnprocessableEntity, &wire.FieldError{Field: "days", Message: "1 to 62 days"})
			return
		}
		days = n
	}
	slots, err := s.bookings.Slots(r.Context(), site, q.Get("service"), from, days)
	if err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, wire.Slots{Slots: slots})
}

func (s *bookingAPI) handleBook(w http.ResponseWriter, r *http.Request) {
	kiosk, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > 64 {
		httpx.Fail(w, http.StatusBadRequest, "an Idempotency-Key header of 1 to 64 characters makes a retry safe")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<10))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "unreadable body")
		return
	}
	req, fe, err := wire.DecodeBook(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if fe != nil {
		httpx.JSON(w, http.StatusUnprocessableEntity, fe)
		return
	}
	if kiosk != 0 && !s.pace.allow("bookings", kiosk, s.now()) {
		s.security.refused(r, http.StatusTooManyRequests, "kiosk books faster than residents can")
		httpx.TooMany(w, 30*time.Second, "this kiosk books faster than residents can; staff have been alerted")
		return
	}
	if kiosk == 0 {
		if err := s.residents.Claim(r.Context(), httpx.ClientAddr(r)); errors.Is(err, ErrBookingBudget) {
			s.security.refused(r, http.StatusTooManyRequests, "network booking budget used up")
			httpx.TooMany(w, BookingBudgetFor, err.Error()+"; try again later or call the office")
			return
		} else if err != nil {
			bookingFailed(w, err)
			return
		}
	}
	// Kiosks' and residents' keys live apart: a resident cannot replay a
	// kiosk's key.
	// A resident's key is theirs and their network's: another resident
	// who sends it gets nothing of theirs (and the same key with another
	// body is refused below, store.ErrKeyReused).
	if kiosk == 0 {
		key = "0:" + network(httpx.ClientAddr(r)) + ":" + key
	} else {
		key = strconv.FormatInt(kiosk, 10) + ":" + key
	}
	b, err := s.bookings.Book(r.Context(), site, kiosk, key, req)
	if errors.Is(err, store.ErrContactLimit) {
		field := "phone"
		if req.Phone == "" {
			field = "email"
		}
		httpx.JSON(w, http.StatusUnprocessableEntity, &wire.FieldError{Field: field, Message: err.Error()})
		return
	}
	if err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, b)
}

func (s *bookingAPI) handleCancelAppointment(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.callers.bookingCaller(w, r); !ok {
		return
	}
	var req wire.CancelRequest
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
	if err := decodeStrict(body, &req); err != nil || req.Secret == "" {
		httpx.Fail(w, http.StatusBadRequest, `want {"secret":"…"}`)
		return
	}
	if err := s.bookings.Cancel(r.Context(), siteParam(r), r.PathValue("code"), req.Secret); err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"state": store.Cancelled})
}

// handleAppointmentICS is the appointment as an iCalendar file, for the
// holder of its secret.
func (s *bookingAPI) handleAppointmentICS(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.callers.bookingCaller(w, r); !ok {
		return
	}
	site, code := siteParam(r), r.PathValue("code")
	a, sv, err := s.bookings.Find(r.Context(), site, code, r.URL.Query().Get("s"))
	if err != nil {
		bookingFailed(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="termin-`+code+`.ics"`)
	w.Write([]byte(AppointmentICS(a, sv.Title, sv.Room, sv.Minutes)))
}

// AppointmentICS is an appointment as an iCalendar file (RFC 5545).
func AppointmentICS(a store.Appointment, title, room string, minutes int) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Lotse//Termin//DE")
	ev := cal.AddEvent(a.Code + "@" + a.Site + ".lotse")
	ev.SetCreatedTime(a.CreatedAt)
	ev.SetDtStampTime(a.CreatedAt)
	ev.SetStartAt(a.Start)
	ev.SetEndAt(a.Start.Add(time.Duration(minutes) * time.Minute))
	ev.SetSummary(title)
	if room != "" {
		ev.SetLocation(room)
	}
	ev.SetDescription("Buchungscode " + a.Code + ". Bitte melden Sie sich am Kiosk mit diesem Code an.")
	return cal.Serialize()
}

// decodeStrict reads exactly one JSON value with no unknown fields.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// siteParam is the site an address names (booking.DefaultSite for "").
func siteParam(r *http.Request) string {
	if site := r.PathValue("site"); site != booking.DefaultSite {
		return site
	}
	return ""
}

// handleCheckIn checks in an appointment at the kiosk it is typed or
// scanned at: a waiting number called before the walk-ins from shortly
// before the time.
func (s *kioskAPI) handleCheckIn(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.ownKiosk(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<10))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "check-in: unreadable body")
		return
	}
	req, err := wire.DecodeCheckIn(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	site, err := s.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		httpx.Unavailable(w, "check-in")
		return
	}
	var day string
	c, err := s.bookings.CheckIn(r.Context(), site, req.Code, func(ctx context.Context, prefix string, due time.Time) (string, error) {
		d, err := s.queue.DrawDue(ctx, site, prefix, req.Lang, kiosk, req.Key, due)
		day = d.Day
		return d.Number, err
	})
	refused := func(status int, why string) {
		httpx.JSON(w, status, wire.CheckInRefused{Error: why, Start: c.Appointment.Start.In(officeTime)})
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		refused(http.StatusNotFound, "unknown")
	case errors.Is(err, booking.ErrNotToday):
		refused(http.StatusConflict, "not_today")
	case errors.Is(err, booking.ErrLate):
		refused(http.StatusGone, "late")
	case errors.Is(err, booking.ErrNotBooked):
		refused(http.StatusConflict, "not_booked")
	case err != nil:
		slog.Error("check-in", "err", err)
		httpx.Unavailable(w, "check-in")
	default:
		if day == "" {
			day = s.queue.Day(c.Appointment.Start)
		}
		page := "/w/" + day + "/" + c.Number
		if site != "" {
			page += "?site=" + url.QueryEscape(site)
		}
		httpx.JSON(w, http.StatusCreated, wire.CheckedIn{Number: c.Number, Start: c.Appointment.Start.In(officeTime),
			Due: c.Due, Title: c.Service.Title, Room: c.Service.Room, Day: day, Page: page})
	}
}

// AppointmentContact opens an appointment's sealed name and contact, for
// the staff pages (which audit-log every look). A forgotten one is empty.
func (s *Server) AppointmentContact(a store.Appointment) (map[string]string, error) {
	if a.Sealed == "" {
		return map[string]string{}, nil
	}
	_, data, err := seal.Open(seal.Envelope{ID: "appointment-" + a.Code, Service: a.Service, Code: a.Code, JWE: a.Sealed},
		map[string]*rsa.PrivateKey{s.kid: s.key})
	return data, err
}
