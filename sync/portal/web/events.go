package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// eventPoll is how often the event stream looks for new guide calls. It
// reads the store, so every portal instance sees calls that reached any.
const eventPoll = 2 * time.Second

// events streams new guide calls to the "today" page (server-sent events).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
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
	since := s.now().Truncate(time.Second)
	t := time.NewTicker(eventPoll)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		calls, err := s.st.GuideCallsSince(r.Context(), since)
		if err != nil {
			continue
		}
		for i := len(calls) - 1; i >= 0; i-- {
			c := calls[i]
			b, _ := json.Marshal(map[string]string{"kiosk": c.KioskName, "screen": c.Screen, "time": c.At.In(berlin).Format("15:04")})
			fmt.Fprintf(w, "event: guide-call\ndata: %s\n\n", b)
		}
		if len(calls) > 0 {
			since = calls[0].At.Add(time.Second)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
