package web

import (
	"net/http"
	"sort"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

type serviceCount struct {
	Title string
	N     int
}

type dashboardData struct {
	Counts []serviceCount
	Alarms []portal.KioskInfo
	Calls  []store.GuideCallRow
}

// midnight is the start of today in the office's time.
func midnight(now time.Time) time.Time {
	n := now.In(berlin)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, berlin)
}

func (s *officePages) dashboard(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	ctx := r.Context()
	var d dashboardData
	counts, err := s.st.CaseCounts(ctx, midnight(s.now()), userSites(se.user))
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	cat := s.catalogue(ctx)
	for svc, n := range counts {
		d.Counts = append(d.Counts, serviceCount{Title: cat.title(svc), N: n})
	}
	sort.Slice(d.Counts, func(i, j int) bool { return d.Counts[i].Title < d.Counts[j].Title })
	kiosks, _ := s.p.Fleet().Kiosks(ctx, s.now())
	for _, k := range kiosks {
		if len(k.Alarms) > 0 && !k.Revoked && staff.HasSite(se.user, k.Site) {
			d.Alarms = append(d.Alarms, k)
		}
	}
	calls, _ := s.st.GuideCallsSince(ctx, s.now().Add(-time.Hour))
	for _, c := range calls {
		if staff.HasSite(se.user, c.Site) {
			d.Calls = append(d.Calls, c)
		}
	}
	s.render(w, http.StatusOK, "dashboard", view{Title: s.t("today_title"), Nav: "today", User: se.user, CSRF: se.csrf, Data: d})
}
