package client

import (
	"errors"
	"net/http"

	"lotse/sync/identity"
)

// errDowngrade is a redirect the kiosk refuses to follow.
var errDowngrade = errors.New("redirect refused: it leaves https or leads to plain http on the network")

// redirectPolicy follows at most 5 redirects, none from https to http and
// none to a plain-http address on the network.
func redirectPolicy(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	prev := via[len(via)-1].URL
	if prev.Scheme == "https" && req.URL.Scheme != "https" {
		return errDowngrade
	}
	if identity.CheckPortalURL(req.URL.String()) != nil {
		return errDowngrade
	}
	return nil
}
