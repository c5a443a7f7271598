package portal

import (
	"io"
	"net/http"

	"lotse/sync/portal/internal/httpx"
	"lotse/sync/wire"
)

// handleHeld tops up and lists the times a kiosk holds to book while it
// cannot reach the portal (the site's kiosk_quota).
func (s *kioskAPI) handleHeld(w http.ResponseWriter, r *http.Request) {
	kiosk, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	h, err := s.bookings.Held(r.Context(), site, kiosk)
	if err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, h)
}

// handleReportHeld takes the resident a kiosk booked a held time for
// while offline.
func (s *kioskAPI) handleReportHeld(w http.ResponseWriter, r *http.Request) {
	kiosk, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 20<<10))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "unreadable body")
		return
	}
	rep, err := wire.DecodeHeldReport(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.bookings.ReportHeld(r.Context(), site, kiosk, r.PathValue("code"), rep); err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"state": "reported"})
}

// handleGiveBack frees a held time the kiosk did not use.
func (s *kioskAPI) handleGiveBack(w http.ResponseWriter, r *http.Request) {
	kiosk, site, ok := s.callers.bookingSite(w, r)
	if !ok {
		return
	}
	if err := s.bookings.GiveBack(r.Context(), site, kiosk, r.PathValue("code")); err != nil {
		bookingFailed(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"state": "given back"})
}
