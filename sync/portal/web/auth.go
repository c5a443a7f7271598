package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/internal/httpx"
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
		if r.Method == http.MethodPost && parseForm(r) != nil {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "error_too_large")
			return
		}
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

// parseForm reads a POST's form, multipart or not: an error is a body
// past its cap (capBodies) or one that is not a form.
func parseForm(r *http.Request) error {
	// ParseMultipartForm alone would hide ParseForm's error behind
	// ErrNotMultipart.
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	return nil
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
	if err := parseForm(r); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "error_too_large")
		return
	}
	name := r.PostFormValue("name")
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.fail(w, r, http.StatusForbidden, "error_csrf")
		return
	}
	shown := name // what the form shows again: never more than a name can be
	if staff.CheckSignInName(strings.TrimSpace(name)) != nil {
		shown = ""
	}
	again := func(status int, problem string) {
		token := randomHex(16)
		setCookie(w, r, preCSRFCookie, token, 3600)
		s.render(w, status, "login", view{Title: s.t("login_title"), CSRF: token, Problem: problem, Data: loginData{Name: shown}})
	}
	if !s.throttle(httpx.ClientAddr(r)) {
		w.Header().Set("Retry-After", "60")
		again(http.StatusTooManyRequests, "Zu viele Anmeldeversuche von Ihrem Rechner. Bitte warten Sie eine Minute.")
		return
	}
	key := strings.ToLower(strings.TrimSpace(name))
	u, err := s.acc.SignIn(r.Context(), name, r.PostFormValue("password"), s.device(r, key))
	if err != nil {
		who := key
		if shown == "" {
			who = "(ungültiger Name)" // never the raw input: it may be megabytes or control characters
		}
		s.record(r.Context(), r, who, "signin_failed", "")
		var locked *staff.LockedError
		switch {
		case errors.As(err, &locked):
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(locked.Until.Sub(s.now()).Seconds()))))
			again(http.StatusTooManyRequests, s.tf("err_locked_until", "Time", locked.Until.In(berlin).Format("15:04")))
			return
		case errors.Is(err, staff.ErrSignIn):
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
	if s.device(r, u.Name) == "" {
		setCookie(w, r, deviceCookie, s.deviceToken(u.Name, randomHex(16)), int(deviceFor.Seconds()))
	}
	s.record(r.Context(), r, u.Name, "signin", "")
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
}

// deviceCookie marks a browser that signed in with a name before: its
// sign-in attempts for that name have a budget of their own, so a
// stranger who locks the name does not lock its owner out at their desk
// (OWASP's "device cookies"). It is signed with a key of the portal's.
const (
	deviceCookie = "lotse_device"
	deviceFor    = 180 * 24 * time.Hour
)

// deviceToken is the cookie's value for name and a random nonce.
func (s *Server) deviceToken(name, nonce string) string {
	m := hmac.New(sha256.New, s.deviceKey)
	m.Write([]byte(name + "\x00" + nonce))
	return nonce + "." + hex.EncodeToString(m.Sum(nil))
}

// device is the browser's nonce when its cookie proves a sign-in with
// name before, else "".
func (s *Server) device(r *http.Request, name string) string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	nonce, _, ok := strings.Cut(c.Value, ".")
	if !ok || len(nonce) != 32 || !hmac.Equal([]byte(c.Value), []byte(s.deviceToken(name, nonce))) {
		return ""
	}
	return nonce
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	s.st.DeleteSession(r.Context(), se.idHash)
	setCookie(w, r, sessionCookie, "", -1)
	s.record(r.Context(), r, se.user.Name, "signout", "")
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}
