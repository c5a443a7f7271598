// Package public is the residents' pages behind the QR codes: where a
// waiting number stands (/w/{day}/{number}) and how far a case has got
// (/s/{code}) — small accessible pages for a phone, in the language the
// resident used at the kiosk, throttled per address so a script walking
// through codes waits.
package public

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
	"lotse/sync/refcode"
)

//go:embed templates/page.html
var templateFS embed.FS

//go:embed i18n/*.toml
var textFS embed.FS

// Cases is the part of the portal's store the pages read: a case by its
// reference code.
type Cases interface {
	Case(ctx context.Context, code string) (store.StoredEnvelope, error)
}

// Portal is what the pages need of the portal.
type Portal interface {
	Store() store.Store
	Queue() *queue.Service
}

// Pages serve /w/ and /s/.
type Pages struct {
	st     Cases
	queue  *queue.Service
	page   *template.Template
	texts  map[string]map[string]string // language → id → text
	limits *httpx.Limits
}

// New loads the page and its texts.
func New(p Portal) (*Pages, error) {
	page, err := template.ParseFS(templateFS, "templates/page.html")
	if err != nil {
		return nil, fmt.Errorf("public page: %w", err)
	}
	s := &Pages{st: p.Store(), queue: p.Queue(), page: page, texts: map[string]map[string]string{},
		limits: httpx.NewLimits(5, 30)}
	names, err := fs.Glob(textFS, "i18n/*.toml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		m := map[string]string{}
		if _, err := toml.DecodeFS(textFS, n, &m); err != nil {
			return nil, fmt.Errorf("public page texts %s: %w", n, err)
		}
		s.texts[strings.TrimSuffix(strings.TrimPrefix(n, "i18n/"), ".toml")] = m
	}
	if s.texts["de"] == nil {
		return nil, fmt.Errorf("public page texts: no German")
	}
	return s, nil
}

// Handler routes /w/ and /s/.
func (s *Pages) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /w/{day}/{number}", s.waitingNumber)
	mux.HandleFunc("GET /s/{code}", s.caseStatus)
	return mux
}

// Lang is the language a resident's page is written in for a visitor who
// used lang at the kiosk: Leichte Sprache and languages without texts get
// German.
func (s *Pages) Lang(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	if _, ok := s.texts[base]; ok && lang != "de-x-ls" {
		return base
	}
	return "de"
}

// text is a text by language and id, German where a language lacks it.
func (s *Pages) text(lang, id string) string {
	if t, ok := s.texts[lang][id]; ok {
		return t
	}
	return s.texts["de"][id]
}

// lines is a text of several paragraphs.
func (s *Pages) lines(lang, id string) []string { return strings.Split(s.text(lang, id), "\n") }

type page struct {
	Lang  string
	Title string
	Lines []string
}

var (
	dayPattern    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	numberPattern = regexp.MustCompile(`^[A-Z]\d{3,7}$`) // A001, A1001 (offline), A10000
)

// waitingNumber is where a waiting ticket's QR code leads: what the
// number is, how many are ahead, the estimate, what to do.
func (s *Pages) waitingNumber(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r) {
		return
	}
	day, number := r.PathValue("day"), r.PathValue("number")
	d, err := time.Parse(time.DateOnly, day)
	if !dayPattern.MatchString(day) || err != nil || !numberPattern.MatchString(number) {
		w.WriteHeader(http.StatusNotFound)
		httpx.Reason(w, "no such waiting number")
		s.page.Execute(w, page{Lang: "de", Title: s.text("de", "number_unknown_title"), Lines: s.lines("de", "number_unknown")})
		return
	}
	t, ahead, err := s.queue.Ticket(r.Context(), r.URL.Query().Get("site"), day, number)
	if err != nil {
		// Not in the office queue (a kiosk without one): what holds anyway.
		s.page.Execute(w, page{Lang: "de", Title: fmt.Sprintf(s.text("de", "ticket_title"), number), Lines: []string{
			fmt.Sprintf(s.text("de", "ticket_drawn"), d.Format("02.01.2006")), s.text("de", "ticket_hint"), s.text("de", "ticket_valid")}})
		return
	}
	lang := s.Lang(t.Lang)
	lines := []string{fmt.Sprintf(s.text(lang, "ticket_drawn"), d.Format("02.01.2006")), s.where(lang, t.State, t.Counter, ahead)}
	if t.State == "waiting" {
		if e, err := s.queue.Estimate(r.Context(), t.Site, t.Prefix, ahead); err == nil && e.Known {
			lines = append(lines, fmt.Sprintf(s.text(lang, "ticket_estimate"), int(e.Min.Minutes()), int(e.Max.Minutes())))
		}
	}
	lines = append(lines, s.text(lang, "ticket_valid"))
	s.page.Execute(w, page{Lang: lang, Title: fmt.Sprintf(s.text(lang, "ticket_title"), number), Lines: lines})
}

// where says where a number stands.
func (s *Pages) where(lang, state, counter string, ahead int) string {
	switch state {
	case "waiting":
		switch ahead {
		case 0:
			return s.text(lang, "ticket_next")
		case 1:
			return s.text(lang, "ticket_one")
		}
		return fmt.Sprintf(s.text(lang, "ticket_many"), ahead)
	case "called", "serving":
		return fmt.Sprintf(s.text(lang, "ticket_called"), counter)
	case "parked":
		return s.text(lang, "ticket_parked")
	case "noshow":
		return s.text(lang, "ticket_noshow")
	}
	return s.text(lang, "ticket_done")
}

// caseStatus is where a receipt's QR code leads: how far the case has
// got, in the visitor's language as the code names it, and the office's
// note.
func (s *Pages) caseStatus(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r) {
		return
	}
	code, err := refcode.Parse(r.PathValue("code"))
	var c store.StoredEnvelope
	if err == nil {
		c, err = s.st.Case(r.Context(), code)
	}
	lang := s.Lang(r.URL.Query().Get("lang"))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		httpx.Reason(w, "no such case")
		s.page.Execute(w, page{Lang: lang, Title: s.text(lang, "case_unknown_title"), Lines: s.lines(lang, "case_unknown")})
		return
	}
	lines := s.lines(lang, "case_"+c.State)
	if c.Reason != "" {
		lines = append(lines, fmt.Sprintf(s.text(lang, "case_reason"), c.Reason))
	}
	s.page.Execute(w, page{Lang: lang, Title: fmt.Sprintf(s.text(lang, "case_title"), code), Lines: lines})
}

// allowed sets the headers of a public page and throttles each address
// (5 pages a second after 30): a resident reloads, a script that walks
// through codes waits.
func (s *Pages) allowed(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	httpx.SecurityHeaders(w.Header(), httpx.PagePolicy)
	if s.limits.Allow(httpx.ClientAddr(r)) {
		return true
	}
	w.Header().Set("Retry-After", "10")
	w.WriteHeader(http.StatusTooManyRequests)
	httpx.Reason(w, "status page throttled")
	s.page.Execute(w, page{Lang: "de", Title: s.text("de", "throttled_title"), Lines: s.lines("de", "throttled")})
	return false
}
