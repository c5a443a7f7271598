package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"

	"lotse/sync/portal"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

const (
	sessionCookie = "lotse_staff"
	preCSRFCookie = "lotse_csrf" // the sign-in form's token, before there is a session
)

type ctxKey struct{}

// session is the signed-in staff member of a request.
type session struct {
	idHash string
	user   store.User
	csrf   string
}

func sessionOf(r *http.Request) (session, bool) {
	se, ok := r.Context().Value(ctxKey{}).(session)
	return se, ok
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func addrOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure says whether cookies may be Secure: the request came over TLS,
// here or at the reverse proxy in front.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/staff/", HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: maxAge})
}

// signedIn wraps a page that needs a session (and role, unless ""):
// without one the browser goes to the sign-in page; with the wrong role
// the page says so (403); every POST must carry the session's CSRF token.
func (s *Server) signedIn(role string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		se, ok := s.session(r)
		if !ok {
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, se))
		if r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(se.csrf)) != 1 {
			s.fail(w, r, http.StatusForbidden, "error_csrf")
			return
		}
		if role != "" && se.user.Role != role {
			s.fail(w, r, http.StatusForbidden, "error_forbidden")
			return
		}
		h(w, r)
	})
}

// session finds a live session: known, its user enabled, not idle for
// 15 minutes, not older than 10 hours. An expired one is deleted.
func (s *Server) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return session{}, false
	}
	id := portal.HashToken(c.Value)
	se, err := s.st.Session(r.Context(), id)
	if err != nil {
		return session{}, false
	}
	now := s.now()
	if now.Sub(se.LastSeen) > IdleTimeout || now.Sub(se.Created) > AbsoluteTimeout {
		s.st.DeleteSession(r.Context(), id)
		return session{}, false
	}
	u, err := s.st.User(r.Context(), se.User)
	if err != nil || u.Disabled {
		return session{}, false
	}
	s.st.TouchSession(r.Context(), id, now)
	return session{idHash: id, user: u, csrf: se.CSRF}, true
}

type loginData struct{ Name string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.session(r); ok {
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
		return
	}
	token := randomHex(16)
	setCookie(w, r, preCSRFCookie, token, 3600)
	s.render(w, http.StatusOK, "login", view{Title: s.t("login_title"), CSRF: token, Data: loginData{}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.fail(w, r, http.StatusForbidden, "error_csrf")
		return
	}
	again := func(status int, problem string) {
		token := randomHex(16)
		setCookie(w, r, preCSRFCookie, token, 3600)
		s.render(w, status, "login", view{Title: s.t("login_title"), CSRF: token, Problem: problem, Data: loginData{Name: name}})
	}
	if !s.throttle(addrOf(r)) {
		w.Header().Set("Retry-After", "60")
		again(http.StatusTooManyRequests, "Zu viele Anmeldeversuche von Ihrem Rechner. Bitte warten Sie eine Minute.")
		return
	}
	u, err := s.acc.SignIn(r.Context(), name, r.PostFormValue("password"))
	if err != nil {
		s.record(r.Context(), r, name, "signin_failed", "")
		if errors.Is(err, staff.ErrSignIn) || errors.Is(err, staff.ErrLocked) {
			again(http.StatusUnauthorized, s.errText(err))
			return
		}
		s.log.Error("sign-in", "err", err)
		again(http.StatusServiceUnavailable, "Die Anmeldung geht gerade nicht. Bitte versuchen Sie es gleich noch einmal.")
		return
	}
	// A new session id at every sign-in.
	id := randomHex(32)
	now := s.now()
	if err := s.st.CreateSession(r.Context(), portal.HashToken(id), store.Session{User: u.Name, CSRF: randomHex(16), Created: now, LastSeen: now}); err != nil {
		again(http.StatusServiceUnavailable, "Die Anmeldung geht gerade nicht. Bitte versuchen Sie es gleich noch einmal.")
		return
	}
	setCookie(w, r, sessionCookie, id, int(AbsoluteTimeout.Seconds()))
	setCookie(w, r, preCSRFCookie, "", -1)
	s.record(r.Context(), r, u.Name, "signin", "")
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	s.st.DeleteSession(r.Context(), se.idHash)
	setCookie(w, r, sessionCookie, "", -1)
	s.record(r.Context(), r, se.user.Name, "signout", "")
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}
