package web_test

import (
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"lotse/sync/hours/hourstest"
	"lotse/sync/portal/mail"
	"lotse/sync/portal/store"
)

// mailbox is an SMTP server on loopback (emersion/go-smtp) that keeps
// what it is sent.
type mailbox struct {
	mu   sync.Mutex
	msgs []struct{ to, data string }
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  string
}

func (s *mailSession) Reset()                                    {}
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, struct{ to, data string }{s.to, string(b)})
	s.box.mu.Unlock()
	return err
}

func (m *mailbox) all() []struct{ to, data string } {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]struct{ to, data string }{}, m.msgs...)
}

func startMailbox(t *testing.T) (*mailbox, string) {
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().String()
}

var confirmLink = regexp.MustCompile(`http://\S+/confirm\?\S+`)

// A site may require a confirmed contact: a booking from home is held
// until the resident follows the link mailed to them, and its time is
// freed when they do not within the site's confirm_contact. A bot's
// made-up addresses hoard nothing for long.
func TestBookingsWaitForTheMailedLink(t *testing.T) {
	box, addr := startMailbox(t)
	clock := hourstest.NewManual(time.Date(2027, 2, 1, 9, 15, 0, 0, hourstest.Berlin))
	sender, err := mail.New(mail.Config{SMTP: addr, From: "Bürgerbüro Musterstadt <termine@musterstadt.example>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	r := newRigWith(t, clock.Now, sender)
	office := r.p.Bookings()
	office.Base = r.url // the address residents reach: here the rig's
	file := strings.Replace(string(mustBookingFile(t)), `confirm_contact = "0s"`, `confirm_contact = "30m"`, 1)
	if _, err := office.Set(r.ctx, "", []byte(file)); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, r.url)
	book := func(name, email string) (int, string, string) {
		resp, body, start := bookFirstTime(t, b, "de", url.Values{"name": {name}, "email": {email}})
		return resp.StatusCode, body, start
	}
	// Without an address: asked for one.
	if st, body, _ := book("Anna Schmidt", ""); st != 422 || !strings.Contains(body, `id="email"`) {
		t.Errorf("no address: %d", st)
	}
	st, page, start := book("Anna Schmidt", "anna@example.org")
	if st != 303 || !strings.Contains(page, "Bitte bestätigen Sie den Termin über den Link in der E-Mail") || !strings.Contains(page, "bis 09:45 Uhr") {
		t.Fatalf("booked: %d %s", st, page)
	}
	msgs := box.all()
	if len(msgs) != 1 || msgs[0].to != "anna@example.org" || !strings.Contains(msgs[0].data, "Bitte best") {
		t.Fatalf("mail: %+v", msgs)
	}
	link := confirmLink.FindString(strings.ReplaceAll(msgs[0].data, "=\r\n", ""))
	link = strings.NewReplacer("=3D", "=").Replace(link)
	if link == "" {
		t.Fatalf("no link in %s", msgs[0].data)
	}
	// Opening the link (a mail program looking at it) confirms nothing.
	resp, confirmPage := b.get(strings.TrimPrefix(link, r.url))
	if resp.StatusCode != 200 || !strings.Contains(confirmPage, "Termin bestätigen") {
		t.Fatalf("the link's page: %d", resp.StatusCode)
	}
	day := clock.Now()
	list, _ := r.p.Store().Appointments(r.ctx, "", day, day.AddDate(0, 2, 0))
	if len(list) != 1 || list[0].State != store.Unconfirmed {
		t.Fatalf("before the button: %+v", list)
	}
	u, _ := url.Parse(link)
	resp, body := b.post(u.Path, url.Values{"c": {u.Query().Get("c")}, "s": {u.Query().Get("s")}, "lang": {"de"}})
	if resp.StatusCode == 303 {
		_, body = b.get(resp.Header.Get("Location"))
	}
	if !strings.Contains(body, "Ihr Termin ist bestätigt") {
		t.Errorf("confirmed: %d %s", resp.StatusCode, body)
	}
	// A made-up token confirms nothing.
	if resp, _ := b.post(u.Path, url.Values{"c": {"falsch"}, "s": {u.Query().Get("s")}}); resp.StatusCode != 404 {
		t.Errorf("a wrong token: %d", resp.StatusCode)
	}
	// Another booking nobody confirms: after 30 minutes its time is free.
	if st, _, _ := book("Bot Eins", "bot1@example.invalid"); st != 303 {
		t.Fatalf("second booking: %d", st)
	}
	clock.Add(31 * time.Minute)
	if n, err := office.ReleaseUnconfirmed(r.ctx); err != nil || n != 1 {
		t.Errorf("released %d %v", n, err)
	}
	list, _ = r.p.Store().Appointments(r.ctx, "", day, day.AddDate(0, 2, 0))
	states := map[string]int{}
	for _, a := range list {
		states[a.State]++
	}
	if states[store.Booked] != 1 || states[store.Cancelled] != 1 {
		t.Errorf("after the half hour: %v", states)
	}
	at, _ := time.Parse(time.RFC3339, start)
	slots, _ := office.Slots(r.ctx, "", "ausweis", at, 1)
	for _, sl := range slots {
		if sl.Start.Equal(at) && sl.Free != 1 {
			t.Errorf("the first time has %d free, want 1 (Anna's confirmed, the bot's freed)", sl.Free)
		}
	}
}
