// Package web is the staff dashboard of the portal: server-rendered
// pages (html/template files embedded from templates/, German texts from
// i18n/de.toml, one stylesheet and one small script in static/, no
// framework, everything works without JavaScript), signed-in staff with
// roles, CSRF tokens on every form, security headers on every page, and
// an audit log of every access to personal data.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"lotse/sync/portal"
	"lotse/sync/portal/booking"
	"lotse/sync/portal/hub"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed i18n/de.toml
var germanTexts []byte

// Portal is what the dashboard needs from the portal (*portal.Server).
type Portal interface {
	Now() time.Time // the portal's clock
	Secret(purpose string) []byte
	Cases() *portal.Cases         // opened and decided by caseworkers
	Fleet() *portal.Fleet         // kiosks, sites and profiles
	Enrolment() *portal.Enrolment // enrolment codes, revoking
	Queue() *queue.Service
	Hub() *hub.Hub // live changes of queues and guide calls
	Bookings() *booking.Office
	AppointmentContact(a store.Appointment) (map[string]string, error)
}

// Store is the part of the portal's store the staff pages use: accounts,
// sessions and the audit log (store.Staff), the cases and their counts,
// appointments and booking files, displays, the clerk's ticket, guide
// calls and a kiosk's site.
type Store interface {
	store.Staff
	Case(ctx context.Context, code string) (store.StoredEnvelope, error)
	Cases(ctx context.Context, f store.CaseFilter) ([]store.CaseRow, int, error)
	CaseCounts(ctx context.Context, since time.Time, sites []string) (map[string]int, error)
	Appointments(ctx context.Context, site string, from, to time.Time) ([]store.Appointment, error)
	BookingConfig(ctx context.Context, site string) (string, error)
	AddDisplay(ctx context.Context, tokenHash, site string, at time.Time) error
	RevokeDisplays(ctx context.Context, site string, at time.Time) (int, error)
	AtCounter(ctx context.Context, site, day, counter string) (store.Ticket, error)
	GuideCallsSince(ctx context.Context, since time.Time) ([]store.GuideCallRow, error)
	KioskSite(ctx context.Context, kiosk int64) (string, error)
}

// Session limits: 15 minutes idle, 10 hours at most.
const (
	IdleTimeout     = 15 * time.Minute
	AbsoluteTimeout = 10 * time.Hour
)

// Server serves /staff/.
type Server struct {
	p     Portal
	st    Store
	acc   *staff.Accounts
	pages map[string]*template.Template
	tr    *i18n.Localizer
	now   func() time.Time
	// deviceKey signs the device cookies of browsers that signed in.
	deviceKey []byte
	log       *slog.Logger

	tries *httpx.Limits // sign-in attempts

	catMu      sync.Mutex
	cat        catalogue // the service files' labels, of profile catVersion
	catVersion int
}

// New returns the dashboard over p and the part of its store st.
func New(p Portal, st Store) (*Server, error) {
	tr, err := newTexts()
	if err != nil {
		return nil, err
	}
	s := &Server{p: p, st: st, acc: &staff.Accounts{St: st, Now: p.Now}, tr: tr, now: p.Now, deviceKey: p.Secret("lotse staff device cookies"),
		log: slog.Default(), pages: map[string]*template.Template{},
		tries: httpx.NewLimits(1, 20)}
	funcs := template.FuncMap{
		"t":        s.t,
		"join":     strings.Join,
		"state":    func(st string) string { return s.t("state_" + st) },
		"role":     func(r string) string { return s.t("role_" + r) },
		"datetime": func(t time.Time) string { return t.In(berlin).Format("02.01.2006 15:04") },
		"clock":    func(t time.Time) string { return t.In(berlin).Format("15:04") },
		"waiting":  func(o map[string]int) int { return o["queued"] + o["sending"] },
		"alarms":   s.alarms,
		"minutes":  minutes,
		"concat":   concat,
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("staff page %s: %w", page, err)
		}
		s.pages[page] = t
	}
	return s, nil
}

// newTexts loads the German texts.
func newTexts() (*i18n.Localizer, error) {
	b := i18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	if _, err := b.ParseMessageFileBytes(germanTexts, "de.toml"); err != nil {
		return nil, fmt.Errorf("staff texts: %w", err)
	}
	return i18n.NewLocalizer(b, "de"), nil
}

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return l
}()

// throttle allows an address one sign-in attempt a second after a burst
// of 20: the lockout per name stops guessing one name; this slows trying
// one password on many.
func (s *Server) throttle(addr string) bool { return s.tries.Allow(addr) }

// t is a text by its id.
func (s *Server) t(id string) string {
	msg, err := s.tr.Localize(&i18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return msg
}

// tf is a text by its id with one value filled in.
func (s *Server) tf(id, key string, v any) string {
	msg, err := s.tr.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: map[string]any{key: v}})
	if err != nil {
		return id
	}
	return msg
}

// said are the errors a staff member is told, by their text's id.
var said = []struct {
	err error
	id  string
}{
	{staff.ErrSignIn, "err_sign_in"},
	{staff.ErrLocked, "err_locked"},
	{staff.ErrBadName, "err_sign_in"},
	{staff.ErrNoSites, "err_no_sites"},
	{queue.ErrEmpty, "queue_none_waiting"},
	{queue.ErrNoTicket, "err_no_ticket"},
	{queue.ErrChanged, "err_changed"},
	{queue.ErrUnknownCounter, "err_unknown_counter"},
	{queue.ErrNotParked, "err_not_parked"},
	{queue.ErrBadName, "fleet_bad_site"},
	{booking.ErrNotBooked, "err_not_booked"},
	{store.ErrNotFound, "error_not_found"},
}

// maxSubject is the most of a subject the audit log keeps.
const maxSubject = 200

// clip is s cut to at most n bytes at a character's boundary, invalid
// UTF-8 and control characters replaced, so nothing unbounded or
// unprintable reaches the audit log.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// errText is what a staff member reads for err: the text of a known error
// in their language, a broken rule with its figures, else err's own words.
func (s *Server) errText(err error) string {
	for _, k := range said {
		if errors.Is(err, k.err) {
			return s.t(k.id)
		}
	}
	var rule *staff.RuleError
	if errors.As(err, &rule) {
		msg, lerr := s.tr.Localize(&i18n.LocalizeConfig{MessageID: "rule_" + rule.Rule, TemplateData: map[string]any{"Min": rule.Min}})
		if lerr == nil {
			return msg
		}
	}
	return err.Error()
}

// view is what every page template gets.
type view struct {
	Title   string
	Nav     string
	User    store.User
	CSRF    string
	Notice  string
	Problem string
	Data    any
}

// render writes page with status.
func (s *Server) render(w http.ResponseWriter, status int, page string, v view) {
	t, ok := s.pages[page]
	if !ok {
		http.Error(w, "no page "+page, http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, page+".html", v); err != nil {
		s.log.Error("staff page", "page", page, "err", err)
		http.Error(w, "page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// fail shows the error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msgID string) {
	se, _ := sessionOf(r)
	s.render(w, status, "error", view{Title: s.t("error_title"), User: se.user, CSRF: se.csrf, Problem: s.t(msgID)})
}

// Handler routes /staff/.
func (s *Server) Handler() http.Handler {
	// The staff pages in three groups that change apart: cases, the
	// office's day (queue, appointments, today), its administration.
	c, o, a := &casePages{s}, &officePages{s}, &adminPages{s}
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /staff/static/", http.StripPrefix("/staff/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /staff/login", s.loginPage)
	mux.HandleFunc("POST /staff/login", s.login)
	mux.Handle("POST /staff/logout", s.signedIn("", s.logout))
	mux.Handle("GET /staff/{$}", s.signedIn("", o.dashboard))
	mux.Handle("GET /staff/events", s.signedIn("", o.events))
	mux.Handle("GET /staff/cases", s.signedIn(staff.Caseworker, c.cases))
	mux.Handle("GET /staff/cases/{code}", s.signedIn(staff.Caseworker, c.casePage))
	mux.Handle("GET /staff/cases/{code}/print", s.signedIn(staff.Caseworker, c.casePrint))
	mux.Handle("GET /staff/cases/{code}/export.json", s.signedIn(staff.Caseworker, c.caseExport))
	mux.Handle("POST /staff/cases/{code}/decide", s.signedIn(staff.Caseworker, c.decide))
	mux.Handle("GET /staff/fleet", s.signedIn(staff.Admin, a.fleet))
	mux.Handle("POST /staff/fleet/codes", s.signedIn(staff.Admin, a.makeCodes))
	mux.Handle("POST /staff/fleet/profile", s.signedIn(staff.Admin, a.publish))
	mux.Handle("POST /staff/fleet/{id}/revoke", s.signedIn(staff.Admin, a.revoke))
	mux.Handle("POST /staff/fleet/{id}/site", s.signedIn(staff.Admin, a.moveSite))
	mux.Handle("GET /staff/users", s.signedIn(staff.Admin, s.districtWide(a.users)))
	mux.Handle("POST /staff/users", s.signedIn(staff.Admin, s.districtWide(a.addUser)))
	mux.Handle("POST /staff/users/{name}/disable", s.signedIn(staff.Admin, s.districtWide(a.disableUser)))
	mux.Handle("POST /staff/users/{name}/reset", s.signedIn(staff.Admin, s.districtWide(a.resetUser)))
	mux.Handle("GET /staff/audit", s.signedIn(staff.Admin, s.districtWide(a.audit)))
	mux.Handle("GET /staff/termine", s.signedIn("", o.appointments))
	mux.Handle("POST /staff/termine/cancel", s.signedIn("", o.cancelAppointment))
	mux.Handle("POST /staff/termine/config", s.signedIn(staff.Admin, o.setBooking))
	mux.Handle("GET /staff/queue", s.signedIn(staff.Clerk, o.queuePage))
	mux.Handle("POST /staff/queue/act", s.signedIn(staff.Clerk, o.queueAct))
	mux.Handle("GET /staff/queue/events", s.signedIn(staff.Clerk, o.queueEvents))
	mux.Handle("POST /staff/queue/return", s.signedIn(staff.Clerk, o.queueReturn))
	return httpx.Secured(httpx.LimitBodies(httpx.RefuseNUL(mux), maxForm, map[string]int64{"/staff/fleet/profile": maxBundle, "/staff/termine/config": maxBooking}), httpx.AppPolicy)
}

// casePages, officePages and adminPages are the staff pages of cases, of
// the office's day and of its administration, over the staff web's parts.
type (
	casePages   struct{ *Server }
	officePages struct{ *Server }
	adminPages  struct{ *Server }
)

// Form bodies staff may send: a profile bundle up to 64 MB, a booking
// file up to 1 MB, every other form 64 KB (a 10 MB sign-in name once
// went into the audit log whole).
const (
	maxForm    = 64 << 10
	maxBooking = 1 << 20
	maxBundle  = 64 << 20
)

// record writes what a staff member did to the audit log; a failure to record is logged
// (the action itself has happened).
func (s *Server) record(ctx context.Context, r *http.Request, user, action, subject string) {
	e := store.AuditEntry{At: s.now(), User: clip(user, staff.MaxNameBytes), Action: action, Subject: clip(subject, maxSubject), Addr: httpx.ClientAddr(r)}
	if err := s.st.Audit(ctx, e); err != nil {
		s.log.Error("audit log", "action", action, "err", err)
	}
}
