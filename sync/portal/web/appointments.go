package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lotse/sync/portal/booking"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

// appointmentRow is one appointment as the day view shows it.
type appointmentRow struct {
	Time, Service, Code, State, Ticket string
	Name, Contact                      string
	Cancellable                        bool
}

// counterDay is a counter's appointments of a day.
type counterDay struct {
	Counter string
	Rows    []appointmentRow
}

type appointmentsData struct {
	Site, Date                                 string
	Counters                                   []counterDay
	Booked, CheckedIn, NoShows, Cancelled, All int
	None                                       bool
	Config                                     string // the booking file, for admins
}

// appointments is the day view: per counter, who is due, who checked in,
// who did not come; the day's figures; names opened for staff and the
// look audit-logged.
func (s *officePages) appointments(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	office := s.p.Bookings()
	site := strings.TrimSpace(r.FormValue("site"))
	if !s.forSite(w, r, site) {
		return
	}
	day := s.now().In(berlin)
	if d, err := time.ParseInLocation(time.DateOnly, r.FormValue("date"), berlin); err == nil {
		day = d
	}
	d := appointmentsData{Site: site, Date: day.Format(time.DateOnly)}
	cfg, err := office.Config(r.Context(), site)
	if errors.Is(err, booking.ErrNoBooking) {
		d.None = true
	} else if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	if se.user.Role == "admin" {
		d.Config, _ = s.st.BookingConfig(r.Context(), site)
	}
	list, err := office.Day(r.Context(), site, day)
	if err != nil {
		s.fail(w, r, http.StatusServiceUnavailable, "error_title")
		return
	}
	counters, _ := s.p.Queue().Counters(r.Context(), site)
	byCounter := map[string]*counterDay{}
	opened := false
	var order []string
	counterOf := func(prefix string) string {
		for _, c := range counters {
			if slices.Contains(c.Prefixes, prefix) {
				return c.Name
			}
		}
		return s.t("appointments_no_counter")
	}
	for _, a := range list {
		sv, _ := cfg.Service(a.Service)
		row := appointmentRow{Time: a.Start.In(berlin).Format("15:04"), Service: sv.Title, Code: a.Code,
			State: s.t("appointment_" + a.State), Ticket: a.Ticket, Cancellable: a.State == store.Booked}
		if row.Service == "" {
			row.Service = a.Service
		}
		// Names and contacts for the clerks who greet and call residents;
		// admins and caseworkers see the code.
		if staff.MaySeeContacts(se.user) {
			if contact, err := s.p.AppointmentContact(a); err == nil {
				row.Name = contact["name"]
				row.Contact = strings.TrimSpace(contact["phone"] + " " + contact["email"])
				opened = true
			}
		}
		switch a.State {
		case store.Booked:
			d.Booked++
		case store.CheckedIn:
			d.CheckedIn++
		case store.NoShow:
			d.NoShows++
		case store.Cancelled:
			d.Cancelled++
		}
		c := counterOf(sv.Prefix)
		if byCounter[c] == nil {
			byCounter[c] = &counterDay{Counter: c}
			order = append(order, c)
		}
		byCounter[c].Rows = append(byCounter[c].Rows, row)
	}
	d.All = len(list)
	for _, c := range order {
		d.Counters = append(d.Counters, *byCounter[c])
	}
	if opened {
		// Opening names and contacts is an access to personal data.
		s.record(r.Context(), r, se.user.Name, "appointments_viewed", site+" "+d.Date)
	}
	s.render(w, http.StatusOK, "appointments", view{Title: s.t("appointments_title"), Nav: "appointments", User: se.user, CSRF: se.csrf,
		Notice: s.noticeOf(r, "said"), Problem: s.noticeOf(r, "problem"), Data: d})
}

// appointmentsBack returns to the day view, saying what happened: the
// message's text id under key, about the booking code.
func appointmentsBack(w http.ResponseWriter, r *http.Request, key, id, code string) {
	v := url.Values{"site": {r.PostFormValue("site")}, "date": {r.PostFormValue("date")}}
	noticeLink(v, key, id, code)
	http.Redirect(w, r, "/staff/termine?"+v.Encode(), http.StatusSeeOther)
}

// cancelAppointment cancels an appointment on behalf of a resident who
// called or came to the counter.
func (s *officePages) cancelAppointment(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	site, code := r.PostFormValue("site"), r.PostFormValue("code")
	if !s.forSite(w, r, site) {
		return
	}
	if !booking.ValidCode(code) {
		appointmentsBack(w, r, "problem", "error_not_found", "")
		return
	}
	if err := s.p.Bookings().CancelForResident(r.Context(), site, code); err != nil {
		appointmentsBack(w, r, "problem", errID(err), code)
		return
	}
	s.record(r.Context(), r, se.user.Name, "appointment_cancelled", code)
	appointmentsBack(w, r, "said", "appointment_cancelled", code)
}

// setBooking keeps a site's booking file, checked, as an admin edited it.
func (s *officePages) setBooking(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	site := r.PostFormValue("site")
	if !s.forSite(w, r, site) {
		return
	}
	text := strings.ReplaceAll(r.PostFormValue("config"), "\r\n", "\n")
	if _, err := s.p.Bookings().Set(r.Context(), site, []byte(text)); err != nil {
		// The file's own problem, with the key it names: shown on this
		// answer, never carried in a link.
		s.render(w, http.StatusUnprocessableEntity, "appointments", view{Title: s.t("appointments_title"), Nav: "appointments",
			User: se.user, CSRF: se.csrf, Problem: err.Error(), Data: appointmentsData{Site: site, Config: text,
				Date: s.now().In(berlin).Format(time.DateOnly), None: true}})
		return
	}
	s.record(r.Context(), r, se.user.Name, "booking_set", site)
	appointmentsBack(w, r, "said", "appointments_config_saved", "")
}
