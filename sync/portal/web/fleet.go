package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/staff"
)

type fleetData struct {
	Kiosks []portal.KioskInfo
	Codes  []string
}

func (s *adminPages) showFleet(w http.ResponseWriter, r *http.Request, status int, notice, problem string, codes []string) {
	se, _ := sessionOf(r)
	all, err := s.p.Fleet().Kiosks(r.Context(), s.now())
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	var kiosks []portal.KioskInfo
	for _, k := range all {
		if staff.HasSite(se.user, k.Site) {
			kiosks = append(kiosks, k)
		}
	}
	s.render(w, status, "fleet", view{Title: s.t("fleet_title"), Nav: "fleet", User: se.user, CSRF: se.csrf,
		Notice: notice, Problem: problem, Data: fleetData{Kiosks: kiosks, Codes: codes}})
}

func (s *adminPages) fleet(w http.ResponseWriter, r *http.Request) {
	s.showFleet(w, r, http.StatusOK, "", "", nil)
}

func (s *adminPages) makeCodes(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	n, err1 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	hours, err2 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("valid")))
	if err1 != nil || err2 != nil || n < 1 || n > 100 || hours < 1 || hours > 168 {
		s.showFleet(w, r, http.StatusBadRequest, "", "Anzahl 1 bis 100, Gültigkeit 1 bis 168 Stunden.", nil)
		return
	}
	site := strings.TrimSpace(r.PostFormValue("site"))
	if !s.forSite(w, r, site) {
		return
	}
	var codes []string
	for range n {
		c, err := s.p.Enrolment().EnrollCodeFor(r.Context(), time.Duration(hours)*time.Hour, site)
		if err != nil {
			s.showFleet(w, r, http.StatusServiceUnavailable, "", err.Error(), codes)
			return
		}
		codes = append(codes, c)
	}
	s.record(r.Context(), r, se.user.Name, "enrolment_codes_made", strconv.Itoa(n)+" site="+site)
	s.showFleet(w, r, http.StatusOK, "", "", codes)
}

func (s *adminPages) kioskID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "error_not_found")
		return 0, false
	}
	return id, true
}

func (s *adminPages) revoke(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	id, ok := s.kioskID(w, r)
	if !ok || !s.forKiosk(w, r, id) {
		return
	}
	if err := s.p.Enrolment().Revoke(r.Context(), id); err != nil {
		s.showFleet(w, r, http.StatusBadRequest, "", err.Error(), nil)
		return
	}
	s.record(r.Context(), r, se.user.Name, "kiosk_revoked", strconv.FormatInt(id, 10))
	s.showFleet(w, r, http.StatusOK, "Kiosk "+strconv.FormatInt(id, 10)+" gesperrt.", "", nil)
}

func (s *adminPages) moveSite(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	id, ok := s.kioskID(w, r)
	if !ok || !s.forKiosk(w, r, id) {
		return
	}
	site := strings.TrimSpace(r.PostFormValue("site"))
	if err := queue.CheckSite(site); err != nil {
		s.showFleet(w, r, http.StatusBadRequest, "", s.t("fleet_bad_site"), nil)
		return
	}
	if !s.forSite(w, r, site) {
		return
	}
	if err := s.p.Fleet().SetSite(r.Context(), id, site); err != nil {
		s.showFleet(w, r, http.StatusServiceUnavailable, "", err.Error(), nil)
		return
	}
	s.record(r.Context(), r, se.user.Name, "kiosk_moved", strconv.FormatInt(id, 10)+" site="+site)
	s.showFleet(w, r, http.StatusOK, "Kiosk "+strconv.FormatInt(id, 10)+": Standort "+site+".", "", nil)
}

// publish takes an uploaded profile; the portal checks it is a zip with
// a profile.toml (each kiosk checks the rest before it switches).
func (s *adminPages) publish(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	f, _, err := r.FormFile("bundle")
	if err != nil {
		s.showFleet(w, r, http.StatusBadRequest, "", "Bitte wählen Sie eine Profil-Datei (ZIP).", nil)
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		s.showFleet(w, r, http.StatusBadRequest, "", err.Error(), nil)
		return
	}
	site := strings.TrimSpace(r.PostFormValue("site"))
	if !s.forSite(w, r, site) {
		return
	}
	v, err := s.p.Fleet().PublishProfile(r.Context(), site, b)
	if err != nil {
		s.showFleet(w, r, http.StatusUnprocessableEntity, "", "Nicht veröffentlicht: "+err.Error(), nil)
		return
	}
	s.record(r.Context(), r, se.user.Name, "profile_published", strconv.Itoa(v)+" site="+site)
	s.showFleet(w, r, http.StatusOK, s.t("fleet_published")+" "+strconv.Itoa(v)+".", "", nil)
}
