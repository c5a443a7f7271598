// Package termin is the residents' booking pages under /termin/{site}: a
// service, a day, a time and a name, then the appointment's page (see it,
// add it to a calendar, cancel it, confirm the contact) — no script, in
// the kiosk's seven languages, throttled per network as the booking API
// is.
package termin

import (
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"lotse/sync/portal"
	"lotse/sync/portal/booking"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

//go:embed i18n/*.toml
var terminTexts embed.FS

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// terminLangs are the languages of the booking pages: the kiosk's, German
// first, each named in itself.
var terminLangs = []struct{ code, name string }{
	{"de", "Deutsch"}, {"de-x-ls", "Leichte Sprache"}, {"en", "English"}, {"tr", "Türkçe"}, {"uk", "Українська"}, {"ru", "Русский"},
	{"pl", "Polski"},
}

// terminBundle holds the booking pages' texts in every language.
type terminBundle struct {
	// One bundle per language, as app/i18n keeps them: in one, go-i18n's
	// matching would answer Leichte Sprache (de-x-ls) with German.
	bundles map[string]*i18n.Bundle
	matcher language.Matcher
	pages   map[string]*template.Template
}

func newTerminBundle() (*terminBundle, error) {
	tb := &terminBundle{bundles: map[string]*i18n.Bundle{}, pages: map[string]*template.Template{}}
	var tags []language.Tag
	for _, l := range terminLangs {
		data, err := terminTexts.ReadFile("i18n/" + l.code + ".toml")
		if err != nil {
			return nil, err
		}
		tag := language.MustParse(l.code)
		b := i18n.NewBundle(tag)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		if _, err := b.ParseMessageFileBytes(data, l.code+".toml"); err != nil {
			return nil, fmt.Errorf("booking pages, %s: %w", l.code, err)
		}
		tb.bundles[l.code] = b
		tags = append(tags, tag)
	}
	tb.matcher = language.NewMatcher(tags)
	names, err := fs.Glob(templateFS, "templates/termin_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		t, err := template.New(page).ParseFS(templateFS, "templates/termin.html", n)
		if err != nil {
			return nil, fmt.Errorf("booking page %s: %w", page, err)
		}
		tb.pages[page] = t
	}
	return tb, nil
}

// lang is one request's language: its code and its texts.
type lang struct {
	Code string
	loc  *i18n.Localizer
}

// T is the text id.
func (l lang) T(id string) string {
	msg, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return msg
}

// Tf is the text id with one value filled in.
func (l lang) Tf(id, key string, v any) string {
	msg, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: map[string]any{key: v}})
	if err != nil {
		return id
	}
	return msg
}

// lang picks the language: ?lang= (from the page's language links), else
// what the browser asks for, else German.
func (tb *terminBundle) lang(r *http.Request) lang {
	code := r.FormValue("lang")
	if _, ok := tb.bundles[code]; !ok {
		tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
		_, i, _ := tb.matcher.Match(tags...)
		code = terminLangs[i].code
	}
	return lang{Code: code, loc: i18n.NewLocalizer(tb.bundles[code], code)}
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

type fieldProblem struct{ Field, Text string }

// terminView is what every booking page gets.
type terminView struct {
	Title  string
	L      lang
	Langs  []langLink
	Errors []fieldProblem
	Data   any
}

func (s *Pages) terminPage(w http.ResponseWriter, r *http.Request, status int, page string, l lang, title string, errs []fieldProblem, data any) {
	var links []langLink
	for _, o := range terminLangs {
		u := *r.URL
		q := u.Query()
		q.Set("lang", o.code)
		q.Del("new")
		u.RawQuery = q.Encode()
		links = append(links, langLink{Code: o.code, Name: o.name, Href: u.RequestURI(), Current: o.code == l.Code})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.termin.pages[page].ExecuteTemplate(w, page+".html", terminView{Title: title, L: l, Langs: links, Errors: errs, Data: data}); err != nil {
		s.log.Error("booking page", "page", page, "err", err)
	}
}

func (s *Pages) terminMessage(w http.ResponseWriter, r *http.Request, status int, l lang, id string) {
	s.terminPage(w, r, status, "termin_message", l, l.T(id), nil, l.T(id))
}

// Portal is what the booking pages need of the portal.
type Portal interface {
	Bookings() *booking.Office
	Residents() *portal.Residents // the residents' budgets, shared with the booking API
}

// Pages are the residents' booking pages.
type Pages struct {
	p      Portal
	termin *terminBundle
	log    *slog.Logger
}

// New loads the pages' templates and texts.
func New(p Portal) (*Pages, error) {
	tb, err := newTerminBundle()
	if err != nil {
		return nil, err
	}
	return &Pages{p: p, termin: tb, log: slog.Default()}, nil
}

// maxForm bounds a booking form's body.
const maxForm = 64 << 10

// Handler serves the residents' booking pages under /termin/ (their
// stylesheet under /termin-static/): a
// service, a day, a time and a name, then the appointment's page (see it,
// add it to a calendar, cancel it). No script, in the kiosk's languages.
func (s *Pages) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /termin-static/", http.StripPrefix("/termin-static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /termin/{site}", s.terminStart)
	mux.HandleFunc("GET /termin/{site}/{x}", s.terminDaysOrAppointment)
	mux.HandleFunc("GET /termin/{site}/{service}/{date}", s.terminTimes)
	mux.HandleFunc("POST /termin/{site}/{service}/{date}", s.terminBook)
	mux.HandleFunc("POST /termin/{site}/{code}/cancel", s.terminCancel)
	mux.HandleFunc("GET /termin/{site}/{code}/confirm", s.terminConfirmPage)
	mux.HandleFunc("POST /termin/{site}/{code}/confirm", s.terminConfirm)
	return httpx.Secured(httpx.LimitBodies(httpx.RefuseNUL(s.terminThrottle(mux)), maxForm, nil), httpx.AppPolicy)
}

// terminThrottle slows one address down that asks too fast: residents
// click, bots hammer.
func (s *Pages) terminThrottle(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/termin-static/") && !s.p.Residents().RequestAllowed(httpx.ClientAddr(r)) {
			w.Header().Set("Retry-After", "60")
			s.terminMessage(w, r, http.StatusTooManyRequests, s.termin.lang(r), "termin_busy")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func site(r *http.Request) string {
	if v := r.PathValue("site"); v != booking.DefaultSite {
		return v
	}
	return ""
}

func (s *Pages) terminBase(r *http.Request) string {
	return "/termin/" + booking.PathSite(site(r))
}

func (s *Pages) terminStart(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	if sv := r.URL.Query().Get("service"); sv != "" {
		http.Redirect(w, r, s.terminBase(r)+"/"+url.PathEscape(sv)+"?lang="+l.Code, http.StatusSeeOther)
		return
	}
	list, err := s.p.Bookings().Services(r.Context(), site(r), l.Code)
	if err != nil {
		s.terminFailed(w, r, l, err)
		return
	}
	s.terminPage(w, r, http.StatusOK, "termin_services", l, l.T("termin_title"), nil, struct {
		Action   string
		Services []wire.BookableService
	}{s.terminBase(r), list})
}

func (s *Pages) terminFailed(w http.ResponseWriter, r *http.Request, l lang, err error) {
	switch {
	case errors.Is(err, booking.ErrNoBooking), errors.Is(err, booking.ErrNoService):
		s.terminMessage(w, r, http.StatusNotFound, l, "termin_none")
	case errors.Is(err, store.ErrNotFound), errors.Is(err, booking.ErrSecret):
		s.terminMessage(w, r, http.StatusNotFound, l, "termin_not_found")
	default:
		s.log.Error("booking page", "err", err)
		http.Error(w, "Die Terminbuchung ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.", http.StatusServiceUnavailable)
	}
}

func (s *Pages) terminDaysOrAppointment(w http.ResponseWriter, r *http.Request) {
	if x := r.PathValue("x"); booking.ValidCode(x) {
		s.terminAppointment(w, r, x, r.URL.Query().Get("s"), r.URL.Query().Get("new") == "1", false)
		return
	}
	s.terminDays(w, r)
}

type dayCell struct {
	Day         int
	Href, Label string
}

func (s *Pages) terminDays(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	office := s.p.Bookings()
	svcID := r.PathValue("x")
	cfg, err := office.Config(r.Context(), site(r))
	if err != nil {
		s.terminFailed(w, r, l, err)
		return
	}
	sv, ok := cfg.Service(svcID)
	if !ok {
		s.terminFailed(w, r, l, booking.ErrNoService)
		return
	}
	now := office.Now().In(office.Loc)
	first, last := cfg.Days(now)
	month := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, office.Loc)
	asked := false
	if m, err := time.ParseInLocation("2006-01", r.URL.Query().Get("month"), office.Loc); err == nil && !m.Before(month) && !m.After(last) {
		month, asked = m, true
	}
	var next time.Time
	free := map[string]bool{} // by date: a day number alone would match the next month's
	for {
		next = month.AddDate(0, 1, 0)
		slots, err := office.Slots(r.Context(), site(r), sv.ID, month, next.AddDate(0, 0, -1).Day())
		if err != nil {
			s.terminFailed(w, r, l, err)
			return
		}
		for _, sl := range slots {
			if sl.Free > 0 {
				free[sl.Start.In(office.Loc).Format(time.DateOnly)] = true
			}
		}
		// Unasked, the page opens on the first month with a free day: on
		// 30 October nothing is left of October.
		if asked || len(free) > 0 || next.After(last) {
			break
		}
		month = next
	}
	base := s.terminBase(r) + "/" + url.PathEscape(sv.ID)
	var weeks [][]dayCell
	week := make([]dayCell, (int(month.Weekday())+6)%7)
	for d := month; d.Before(next); d = d.AddDate(0, 0, 1) {
		c := dayCell{Day: d.Day()}
		if free[d.Format(time.DateOnly)] {
			c.Href = base + "/" + d.Format(time.DateOnly) + "?lang=" + l.Code
			c.Label = longDate(l, d)
		}
		week = append(week, c)
		if len(week) == 7 {
			weeks, week = append(weeks, week), nil
		}
	}
	if len(week) > 0 {
		weeks = append(weeks, append(week, make([]dayCell, 7-len(week))...))
	}
	data := struct {
		Service, Month, Prev, Next string
		Weekdays                   []struct{ Short, Long string }
		Weeks                      [][]dayCell
		Any                        bool
	}{Service: sv.TitleIn(l.Code), Month: monthName(l, month), Weeks: weeks, Any: len(free) > 0}
	for i := range 7 {
		long := weekdayName(l, i)
		data.Weekdays = append(data.Weekdays, struct{ Short, Long string }{string([]rune(long)[:2]), long})
	}
	if month.After(first) {
		data.Prev = base + "?lang=" + l.Code + "&month=" + month.AddDate(0, -1, 0).Format("2006-01")
	}
	if !next.After(last) {
		data.Next = base + "?lang=" + l.Code + "&month=" + next.Format("2006-01")
	}
	s.terminPage(w, r, http.StatusOK, "termin_days", l, l.T("termin_day_title"), nil, data)
}

type timeChoice struct {
	ID, Value, Clock string
	Checked          bool
}

type timesForm struct {
	Service, Date, Action, Back, Key  string
	Times                             []timeChoice
	Name, Phone, Email                string
	NameError, PhoneError, EmailError string
}

// times fills the form for the day of the request.
func (s *Pages) times(r *http.Request, l lang, chosen string) (timesForm, int, error) {
	office := s.p.Bookings()
	cfg, err := office.Config(r.Context(), site(r))
	if err != nil {
		return timesForm{}, 0, err
	}
	sv, ok := cfg.Service(r.PathValue("service"))
	if !ok {
		return timesForm{}, 0, booking.ErrNoService
	}
	day, err := time.ParseInLocation(time.DateOnly, r.PathValue("date"), office.Loc)
	if err != nil {
		return timesForm{}, 0, booking.ErrNoService
	}
	slots, err := office.Slots(r.Context(), site(r), sv.ID, day, 1)
	if err != nil {
		return timesForm{}, 0, err
	}
	base := s.terminBase(r) + "/" + url.PathEscape(sv.ID)
	f := timesForm{Service: sv.TitleIn(l.Code), Date: longDate(l, day), Action: base + "/" + day.Format(time.DateOnly),
		Back: base + "?lang=" + l.Code + "&month=" + day.Format("2006-01"), Key: rand.Text()}
	for _, sl := range slots {
		if sl.Free == 0 || sl.Start.In(office.Loc).Format(time.DateOnly) != day.Format(time.DateOnly) {
			continue
		}
		v := sl.Start.Format(time.RFC3339)
		clock := sl.Start.In(office.Loc).Format("15:04")
		f.Times = append(f.Times, timeChoice{ID: strings.ReplaceAll(clock, ":", ""), Value: v, Clock: clock, Checked: v == chosen})
	}
	return f, sv.Minutes, nil
}

func (s *Pages) terminTimes(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	f, _, err := s.times(r, l, "")
	if err != nil {
		s.terminFailed(w, r, l, err)
		return
	}
	s.terminPage(w, r, http.StatusOK, "termin_times", l, l.T("termin_times_title"), nil, f)
}

func (s *Pages) terminBook(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	chosen := r.PostFormValue("start")
	start, _ := time.Parse(time.RFC3339, chosen)
	req := wire.BookRequest{Service: r.PathValue("service"), Start: start, Name: strings.TrimSpace(r.PostFormValue("name")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Email: strings.TrimSpace(r.PostFormValue("email")), Lang: l.Code}
	key := r.PostFormValue("key")
	if key == "" || len(key) > 60 {
		key = rand.Text()
	}
	if fe := wire.CheckBook(req); fe == nil {
		// A well-formed booking takes one from the network's budget; a
		// resident who mistypes spends nothing.
		if err := s.p.Residents().Claim(r.Context(), httpx.ClientAddr(r)); errors.Is(err, portal.ErrBookingBudget) {
			w.Header().Set("Retry-After", "3600")
			s.terminMessage(w, r, http.StatusTooManyRequests, l, "termin_budget")
			return
		} else if err != nil {
			s.terminFailed(w, r, l, err)
			return
		}
	}
	// The form's key is the resident's and their network's alone.
	b, err := s.p.Bookings().Book(r.Context(), site(r), 0, "w:"+s.p.Residents().Network(httpx.ClientAddr(r))+":"+key, req)
	if err == nil {
		http.Redirect(w, r, b.Page+"&new=1&lang="+l.Code, http.StatusSeeOther)
		return
	}
	// Said again with what went wrong, the answers kept.
	var fe *wire.FieldError
	var problem fieldProblem
	switch {
	case errors.As(err, &fe):
		problem = fieldProblem{Field: fe.Field, Text: l.T("termin_err_" + fe.Field)}
	case errors.Is(err, store.ErrSlotFull):
		problem = fieldProblem{Field: "start", Text: l.T("termin_err_full")}
		chosen = ""
	case errors.Is(err, store.ErrKeyReused):
		// Another request under this form's key: a fresh form, nothing
		// of the first request shown.
		problem = fieldProblem{Field: "start", Text: l.T("termin_err_start")}
		key, chosen = rand.Text(), ""
	case errors.Is(err, store.ErrContactLimit):
		field := "phone"
		if req.Phone == "" {
			field = "email"
		}
		problem = fieldProblem{Field: field, Text: l.T("termin_err_limit")}
	default:
		s.terminFailed(w, r, l, err)
		return
	}
	if problem.Field == "service" {
		problem = fieldProblem{Field: "start", Text: l.T("termin_err_start")}
	}
	f, _, ferr := s.times(r, l, chosen)
	if ferr != nil {
		s.terminFailed(w, r, l, ferr)
		return
	}
	f.Key, f.Name, f.Phone, f.Email = key, req.Name, req.Phone, req.Email
	switch problem.Field {
	case "name":
		f.NameError = problem.Text
	case "phone":
		f.PhoneError = problem.Text
	case "email":
		f.EmailError = problem.Text
	}
	s.terminPage(w, r, http.StatusUnprocessableEntity, "termin_times", l, l.T("termin_times_title"), []fieldProblem{problem}, f)
}

func (s *Pages) terminAppointment(w http.ResponseWriter, r *http.Request, code, secret string, isNew, cancelled bool) {
	l := s.termin.lang(r)
	office := s.p.Bookings()
	a, sv, err := office.Find(r.Context(), site(r), code, secret)
	if err != nil {
		s.terminFailed(w, r, l, err)
		return
	}
	start := a.Start.In(office.Loc)
	data := struct {
		New, Cancelled, Booked, Confirmed                                             bool
		When, Title, Room, Code, Secret, ICS, CancelAction, Again, StateText, Pending string
	}{New: isNew && a.State == store.Booked, Cancelled: cancelled, Booked: a.State == store.Booked || a.State == store.Unconfirmed,
		When:  longDate(l, start) + ", " + start.Format("15:04"),
		Title: sv.TitleIn(l.Code), Room: sv.Room, Code: a.Code, Secret: secret,
		ICS:          "/v1/sites/" + booking.PathSite(site(r)) + "/appointments/" + a.Code + "/ics?s=" + url.QueryEscape(secret),
		CancelAction: s.terminBase(r) + "/" + a.Code + "/cancel", Again: s.terminBase(r) + "?lang=" + l.Code}
	data.Confirmed = a.State == store.Booked && r.URL.Query().Get("confirmed") == "1"
	switch {
	case a.State == store.Unconfirmed:
		// Held for the mailed link: said until when, on every visit.
		by := a.CreatedAt
		if cfg, err := office.Config(r.Context(), site(r)); err == nil {
			by = by.Add(cfg.ConfirmContact.Duration)
		}
		data.Pending = l.Tf("termin_confirm_pending", "Time", by.In(office.Loc).Format("15:04"))
	case a.State != store.Booked && !cancelled:
		data.StateText = l.T("termin_state_" + a.State)
	}
	s.terminPage(w, r, http.StatusOK, "termin_appointment", l, l.T("termin_your"), nil, data)
}

// terminConfirmPage is where the mailed link leads: a button that
// confirms (a mail program that opens links to look at them confirms
// nothing).
func (s *Pages) terminConfirmPage(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	q := r.URL.Query()
	s.terminPage(w, r, http.StatusOK, "termin_confirm", l, l.T("termin_confirm_title"), nil, struct {
		Action, Token, Secret string
	}{s.terminBase(r) + "/" + url.PathEscape(r.PathValue("code")) + "/confirm", q.Get("c"), q.Get("s")})
}

func (s *Pages) terminConfirm(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	code := r.PathValue("code")
	err := s.p.Bookings().Confirm(r.Context(), site(r), code, r.PostFormValue("c"))
	if errors.Is(err, booking.ErrConfirm) || errors.Is(err, store.ErrNotFound) {
		s.terminMessage(w, r, http.StatusNotFound, l, "termin_confirm_failed")
		return
	}
	if err != nil {
		s.terminFailed(w, r, l, err)
		return
	}
	http.Redirect(w, r, s.p.Bookings().Page(site(r), code, r.PostFormValue("s"))+"&confirmed=1&lang="+l.Code, http.StatusSeeOther)
}

func (s *Pages) terminCancel(w http.ResponseWriter, r *http.Request) {
	l := s.termin.lang(r)
	code, secret := r.PathValue("code"), r.PostFormValue("s")
	err := s.p.Bookings().Cancel(r.Context(), site(r), code, secret)
	if err != nil && !errors.Is(err, booking.ErrNotBooked) {
		s.terminFailed(w, r, l, err)
		return
	}
	s.terminAppointment(w, r, code, secret, false, err == nil)
}

// weekdayName is weekday i (0 Monday) in l.
func weekdayName(l lang, i int) string { return l.T(fmt.Sprintf("termin_weekday_%d", i+1)) }

// longDate is "Dienstag, 8. Dezember 2026" in l.
func longDate(l lang, d time.Time) string {
	msg, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: "termin_date", TemplateData: map[string]any{
		"Weekday": weekdayName(l, (int(d.Weekday())+6)%7), "Day": d.Day(),
		"Month": l.T(fmt.Sprintf("termin_month_%d", int(d.Month()))), "Year": d.Year()}})
	if err != nil {
		return d.Format("02.01.2006")
	}
	return msg
}

// monthName is a calendar's caption: "Dezember 2026".
func monthName(l lang, m time.Time) string {
	return l.T(fmt.Sprintf("termin_caption_%d", int(m.Month()))) + " " + fmt.Sprint(m.Year())
}
