package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

const pageSize = 50

type serviceOption struct{ ID, Title string }

type caseRow struct {
	store.CaseRow
	Title string
}

type casesData struct {
	Filter      store.CaseFilter
	From, To    string
	Services    []serviceOption
	States      []string
	Rows        []caseRow
	Total       int
	Page, Pages int
	Prev, Next  string
}

func (s *casePages) cases(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	q := r.URL.Query()
	f := store.CaseFilter{Service: q.Get("service"), State: q.Get("state"), Allowed: se.user.Services, Limit: pageSize,
		Sites: userSites(se.user)}
	f.Kiosk, _ = strconv.ParseInt(q.Get("kiosk"), 10, 64)
	d := casesData{From: q.Get("from"), To: q.Get("to"), States: []string{"received", "accepted", "rejected"}}
	if t, err := time.ParseInLocation(time.DateOnly, d.From, berlin); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.To, berlin); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f.Offset = (page - 1) * pageSize
	rows, total, err := s.st.Cases(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	cat := s.catalogue(r.Context())
	for _, row := range rows {
		d.Rows = append(d.Rows, caseRow{CaseRow: row, Title: cat.title(row.Service)})
	}
	for id := range cat.titles {
		if staff.MayOpen(se.user, id) {
			d.Services = append(d.Services, serviceOption{ID: id, Title: cat.title(id)})
		}
	}
	sort.Slice(d.Services, func(i, j int) bool { return d.Services[i].Title < d.Services[j].Title })
	d.Filter, d.Total, d.Page = f, total, page
	d.Pages = max(1, (total+pageSize-1)/pageSize)
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "/staff/cases?" + v.Encode()
	}
	if page > 1 {
		d.Prev = link(page - 1)
	}
	if page < d.Pages {
		d.Next = link(page + 1)
	}
	s.render(w, http.StatusOK, "cases", view{Title: s.t("cases_title"), Nav: "cases", User: se.user, CSRF: se.csrf, Data: d})
}

type caseData struct {
	Code, Title, State, Guide string
	Kiosk                     int64
	Received                  time.Time
	Answers                   []answer
	Broken                    bool
}

// openCase loads a case the signed-in caseworker may open and records
// that it was opened (or exported); ok false when it wrote the refusal.
func (s *casePages) openCase(w http.ResponseWriter, r *http.Request, action string) (caseData, bool) {
	se, _ := sessionOf(r)
	code := r.PathValue("code")
	c, err := s.st.Case(r.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "error_not_found")
		return caseData{}, false
	}
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return caseData{}, false
	}
	if !staff.MayOpen(se.user, c.Envelope.Service) {
		s.record(r.Context(), r, se.user.Name, "case_refused", code)
		s.fail(w, r, http.StatusForbidden, "error_forbidden")
		return caseData{}, false
	}
	if !s.forKiosk(w, r, c.Kiosk) {
		return caseData{}, false
	}
	cat := s.catalogue(r.Context())
	d := caseData{Code: code, Title: cat.title(c.Envelope.Service), State: c.State, Kiosk: c.Kiosk, Received: c.Received}
	x, err := s.p.Cases().OpenCase(r.Context(), code)
	if err != nil {
		d.Broken = true
	} else {
		d.Answers, d.Guide = cat.answers(x.Service, x.Data), x.Guide
	}
	s.record(r.Context(), r, se.user.Name, action, code)
	return d, true
}

func (s *casePages) casePage(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	d, ok := s.openCase(w, r, "case_opened")
	if !ok {
		return
	}
	notice := ""
	if r.URL.Query().Get("decided") != "" {
		notice = s.t("case_decided") + ": " + s.t("state_"+d.State)
	}
	s.render(w, http.StatusOK, "case", view{Title: s.t("case_title") + " " + d.Code, Nav: "cases", User: se.user, CSRF: se.csrf, Notice: notice, Data: d})
}

func (s *casePages) casePrint(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	d, ok := s.openCase(w, r, "case_printed")
	if !ok {
		return
	}
	s.render(w, http.StatusOK, "print", view{Title: s.t("case_title") + " " + d.Code, Nav: "cases", User: se.user, CSRF: se.csrf, Data: d})
}

func (s *casePages) caseExport(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.openCase(w, r, "case_exported"); !ok {
		return
	}
	x, err := s.p.Cases().OpenCase(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, "case_undecryptable")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", x.Code+".json"))
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(x)
}

func (s *casePages) decide(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	code := r.PathValue("code")
	c, err := s.st.Case(r.Context(), code)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "error_not_found")
		return
	}
	if !staff.MayOpen(se.user, c.Envelope.Service) {
		s.fail(w, r, http.StatusForbidden, "error_forbidden")
		return
	}
	if !s.forKiosk(w, r, c.Kiosk) {
		return
	}
	decision := r.PostFormValue("decision")
	if decision != "accepted" && decision != "rejected" {
		s.fail(w, r, http.StatusBadRequest, "error_title")
		return
	}
	reason := clip(r.PostFormValue("reason"), 500) // never cut inside a character
	if err := s.p.Cases().Decide(r.Context(), code, decision, reason); err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	s.record(r.Context(), r, se.user.Name, "case_decided_"+decision, code)
	http.Redirect(w, r, "/staff/cases/"+url.PathEscape(code)+"?decided=1", http.StatusSeeOther)
}
