package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

// callsRefresh is how often the guide calls are read when no heartbeat
// brought one (a kiosk's call reaches this instance at once, another
// instance's through the hub); one read serves every open page.
const callsRefresh = 5 * time.Second

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
	feed := s.p.Hub().Feed("calls", portal.CallsTopic, callsRefresh, func(ctx context.Context) (any, error) {
		return s.st.GuideCallsSince(ctx, s.now().Add(-2*time.Hour))
	})
	defer feed.Release()
	for {
		v, changed, err := feed.Value(r.Context())
		calls, _ := v.([]store.GuideCallRow)
		if err != nil {
			calls = nil
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
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		}
	}
}
