package identity

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckPortalURL refuses a portal address a kiosk must not talk to:
// anything but https://, except plain http:// to this machine (the demo's
// in-process portal). Over plain HTTP on a network, a proxy sees the
// enrolment code and the kiosk's token and can swap the portal's key.
func CheckPortalURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return fmt.Errorf("portal address %q: want https://HOST[:PORT]", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("portal address %s: plain http:// is refused for a portal on the network (anyone on the way could read and change what the kiosk sends): use https://", raw)
	}
	return fmt.Errorf("portal address %q: want https://HOST[:PORT]", raw)
}

// SamePortal says a and b are one portal's address, however written
// (a trailing slash, the scheme's case, the default port).
func SamePortal(a, b string) bool {
	norm := func(raw string) string {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return raw
		}
		host := strings.ToLower(u.Hostname())
		port := u.Port()
		if port == "" || (port == "443" && strings.EqualFold(u.Scheme, "https")) || (port == "80" && strings.EqualFold(u.Scheme, "http")) {
			port = ""
		}
		return strings.ToLower(u.Scheme) + "://" + host + ":" + port + strings.TrimRight(u.Path, "/")
	}
	return norm(a) == norm(b)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
