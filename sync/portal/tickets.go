package portal

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"lotse/sync/portal/queue"
	"lotse/sync/wire"
)

// handleDraw gives a kiosk a number from its site's queue.
func (s *Server) handleDraw(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.ownKiosk(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err != nil {
		fail(w, http.StatusBadRequest, "draw: "+err.Error())
		return
	}
	req, err := wire.DecodeDraw(body)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	site, err := s.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		unavailable(w, "draw")
		return
	}
	var d queue.Drawn
	if req.Offline != "" {
		d, err = s.queue.Report(r.Context(), site, req.Prefix, req.Lang, kiosk, req.Key, req.Offline, req.DrawnAt)
	} else {
		d, err = s.queue.Draw(r.Context(), site, req.Prefix, req.Lang, kiosk, req.Key)
	}
	if errors.Is(err, queue.ErrBadName) || errors.Is(err, queue.ErrBadPrefix) {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if err != nil {
		unavailable(w, "draw")
		return
	}
	page := "/w/" + d.Day + "/" + d.Number
	if site != "" {
		page += "?site=" + url.QueryEscape(site)
	}
	reply := wire.DrawReply{Number: d.Number, Ahead: d.Ahead, Day: d.Day, Page: page}
	if reply.Block, reply.BlockSize, err = s.queue.Block(r.Context(), site, kiosk); err != nil {
		unavailable(w, "draw")
		return
	}
	if d.Wait.Known && req.Offline == "" {
		reply.WaitMin, reply.WaitMax = int(d.Wait.Min.Minutes()), int(d.Wait.Max.Minutes())
	}
	writeJSON(w, http.StatusCreated, reply)
}
