package portal

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/wire"
)

// handleDraw gives a kiosk a number from its site's queue.
func (s *kioskAPI) handleDraw(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.ownKiosk(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "draw: "+err.Error())
		return
	}
	req, err := wire.DecodeDraw(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	site, err := s.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		httpx.Unavailable(w, "draw")
		return
	}
	var d queue.Drawn
	if req.Offline != "" {
		// Reports come in a burst after the line is back; each is checked
		// against the kiosk's block, so they need no pace of their own.
		d, err = s.queue.Report(r.Context(), site, req.Prefix, req.Lang, kiosk, req.Key, req.Offline, req.DrawnAt)
	} else {
		if !s.pace.allow("draws", kiosk, s.now()) {
			s.security.refused(r, http.StatusTooManyRequests, "kiosk draws faster than residents can")
			httpx.TooMany(w, 10*time.Second, "this kiosk draws numbers faster than residents can; staff have been alerted")
			return
		}
		d, err = s.queue.Draw(r.Context(), site, req.Prefix, req.Lang, kiosk, req.Key)
	}
	if errors.Is(err, queue.ErrBadName) || errors.Is(err, queue.ErrBadPrefix) || errors.Is(err, queue.ErrNotYourBlock) {
		httpx.Fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if err != nil {
		httpx.Unavailable(w, "draw")
		return
	}
	page := "/w/" + d.Day + "/" + d.Number
	if site != "" {
		page += "?site=" + url.QueryEscape(site)
	}
	reply := wire.DrawReply{Number: d.Number, Ahead: d.Ahead, Day: d.Day, Page: page}
	if reply.Block, reply.BlockSize, err = s.queue.Block(r.Context(), site, kiosk); err != nil {
		httpx.Unavailable(w, "draw")
		return
	}
	if d.Wait.Known && req.Offline == "" {
		reply.WaitMin, reply.WaitMax = int(d.Wait.Min.Minutes()), int(d.Wait.Max.Minutes())
	}
	httpx.JSON(w, http.StatusCreated, reply)
}
