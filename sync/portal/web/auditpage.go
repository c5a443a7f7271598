package web

import (
	"net/http"

	"lotse/sync/portal/store"
)

type auditData struct{ Entries []store.AuditEntry }

func (s *adminPages) audit(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	entries, err := s.st.AuditLog(r.Context(), s.now().AddDate(0, 0, -30), 500)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	s.render(w, http.StatusOK, "audit", view{Title: s.t("audit_title"), Nav: "audit", User: se.user, CSRF: se.csrf, Data: auditData{Entries: entries}})
}
