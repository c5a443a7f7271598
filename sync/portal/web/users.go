package web

import (
	"net/http"
	"strings"

	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

type usersData struct {
	Users []store.User
	Roles []string
}

func (s *adminPages) showUsers(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	se, _ := sessionOf(r)
	list, err := s.st.Users(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	s.render(w, status, "users", view{Title: s.t("users_title"), Nav: "users", User: se.user, CSRF: se.csrf,
		Notice: notice, Problem: problem, Data: usersData{Users: list, Roles: staff.Roles}})
}

func (s *adminPages) users(w http.ResponseWriter, r *http.Request) {
	s.showUsers(w, r, http.StatusOK, "", "")
}

func (s *adminPages) addUser(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	var services []string
	for _, sv := range strings.Split(r.PostFormValue("services"), ",") {
		if sv = strings.TrimSpace(sv); sv != "" {
			services = append(services, sv)
		}
	}
	u := store.User{Name: name, Role: r.PostFormValue("role"), Services: services, Sites: staff.ParseSites(r.PostFormValue("sites")),
		AllSites: r.PostFormValue("all_sites") == "1"}
	if err := s.acc.Add(r.Context(), u, r.PostFormValue("password")); err != nil {
		s.showUsers(w, r, http.StatusBadRequest, "", s.errText(err))
		return
	}
	s.record(r.Context(), r, se.user.Name, "user_added", name)
	s.showUsers(w, r, http.StatusOK, s.t("users_added"), "")
}

func (s *adminPages) disableUser(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	name := r.PathValue("name")
	if err := s.acc.Disable(r.Context(), name); err != nil {
		s.showUsers(w, r, http.StatusBadRequest, "", s.errText(err))
		return
	}
	s.record(r.Context(), r, se.user.Name, "user_disabled", name)
	s.showUsers(w, r, http.StatusOK, s.t("users_done"), "")
}

func (s *adminPages) resetUser(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	name := r.PathValue("name")
	if err := s.acc.Reset(r.Context(), name, r.PostFormValue("password")); err != nil {
		s.showUsers(w, r, http.StatusBadRequest, "", s.errText(err))
		return
	}
	s.record(r.Context(), r, se.user.Name, "user_reset", name)
	s.showUsers(w, r, http.StatusOK, s.t("users_done"), "")
}
