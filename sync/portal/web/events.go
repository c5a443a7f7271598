package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"lotse/sync/portal/staff"
)

// eventPoll is how often the event stream looks for new guide calls. It
// reads the store, so every portal instance sees calls that reached any.
const eventPoll = 2 * time.Second

// events streams new guide calls, and calls taken back, to the "today"
// page (server-sent events).
func (s *officePages) events(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 5000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	// The portal's write timeout would cut the stream: this one lives as
	// long as the page (the browser reconnects when it ends anyway).
	rc.SetWriteDeadline(time.Time{})
	// Everything since the page was drawn; what was sent is not sent
	// again. The page lists the last hour, so a call it shows may be
	// withdrawn later: those are looked for from an hour back.
	opened := s.now().Truncate(time.Second)
	called, withdrawn := map[string]bool{}, map[string]bool{}
	t := time.NewTicker(eventPoll)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		calls, err := s.st.GuideCallsSince(r.Context(), opened.Add(-time.Hour))
		if err != nil {
			continue
		}
		for i := len(calls) - 1; i >= 0; i-- {
			c := calls[i]
			if !staff.HasSite(se.user, c.Site) {
				continue // another site's guides go there
			}
			key := c.Key()
			if !c.At.Before(opened) && !called[key] {
				called[key] = true
				b, _ := json.Marshal(map[string]string{"key": key, "kiosk": c.KioskName, "screen": c.Screen, "time": c.At.In(berlin).Format("15:04")})
				fmt.Fprintf(w, "event: guide-call\ndata: %s\n\n", b)
			}
			if !c.Withdrawn.IsZero() && !c.Withdrawn.Before(opened) && !withdrawn[key] {
				withdrawn[key] = true
				b, _ := json.Marshal(map[string]string{"key": key, "time": c.Withdrawn.In(berlin).Format("15:04")})
				fmt.Fprintf(w, "event: guide-call-withdrawn\ndata: %s\n\n", b)
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
