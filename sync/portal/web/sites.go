package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

// Every staff account works for some sites, or for all (a district's
// administration): its lists show those sites only, and a page or an
// action about another site is refused and noted in the audit log. (A
// clerk once read the names and phone numbers of every site's
// appointments, cancelled one elsewhere and called a ticket there.)

// userSites are the sites a user's lists cover: nil for every site.
func userSites(u store.User) []string {
	if u.AllSites {
		return nil
	}
	return append([]string{}, u.Sites...)
}

// forSite says the request's user works for site; otherwise it answers
// 403, notes the attempt and returns false.
func (s *Server) forSite(w http.ResponseWriter, r *http.Request, site string) bool {
	se, _ := sessionOf(r)
	if staff.HasSite(se.user, site) {
		return true
	}
	s.record(r.Context(), r, se.user.Name, "site_refused", orDefault(site))
	s.fail(w, r, http.StatusForbidden, "error_forbidden")
	return false
}

// forKiosk is forSite for the site of kiosk.
func (s *Server) forKiosk(w http.ResponseWriter, r *http.Request, kiosk int64) bool {
	site, err := s.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return false
	}
	return s.forSite(w, r, site)
}

// districtWide wraps a page only accounts of every site may use: staff
// accounts and the audit log span all sites.
func (s *Server) districtWide(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se, _ := sessionOf(r)
		if !se.user.AllSites {
			s.fail(w, r, http.StatusForbidden, "error_forbidden")
			return
		}
		h(w, r)
	}
}

func orDefault(site string) string {
	if site == "" {
		return "_"
	}
	return site
}

// After an action the page is shown again by a redirect, and what it
// says travels in the link. Only messages this portal knows are shown,
// by their text's id, with a ticket number or booking code in front:
// any text in a link was once shown as a notice of the system.
var (
	notices = map[string]bool{"appointment_cancelled": true, "appointments_config_saved": true}
	refRe   = regexp.MustCompile(`^[A-Z]?[0-9]{1,9}$`)
)

// noticeLink sets the message id (and the ticket or code it is about)
// on v under key ("said" or "problem").
func noticeLink(v url.Values, key, id, ref string) {
	v.Set(key, id)
	if ref != "" {
		v.Set("ref", ref)
	}
}

// noticeOf is the message the link names under key, in German; "" for
// an id this portal does not know.
func (s *Server) noticeOf(r *http.Request, key string) string {
	q := r.URL.Query()
	id := q.Get(key)
	if !notices[id] && !strings.HasPrefix(id, "ticket_") && !slices.ContainsFunc(said, func(k struct {
		err error
		id  string
	}) bool {
		return k.id == id
	}) || s.t(id) == id {
		return ""
	}
	if ref := q.Get("ref"); refRe.MatchString(ref) {
		return ref + ": " + s.t(id)
	}
	return s.t(id)
}

// errID is the text id of err for a notice link ("error_title" for an
// error without one).
func errID(err error) string {
	for _, k := range said {
		if errors.Is(err, k.err) {
			return k.id
		}
	}
	return "error_title"
}
