// Package mail sends the portal's mail to residents over SMTP, with
// wneessen/go-mail: STARTTLS or TLS to the office's mail server (plain
// only to a server on this machine), as the [mail] table of the portal's
// configuration says.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is the [mail] table of lotse-portal.toml.
type Config struct {
	// SMTP is the server as host:port; "" sends no mail.
	SMTP string `toml:"smtp"`
	// From is the sender, e.g. "Bürgerbüro Musterstadt <termine@musterstadt.de>".
	From string `toml:"from"`
	// TLS is "starttls" (the default), "tls" (implicit, port 465) or
	// "none" (only to a server on this machine).
	TLS string `toml:"tls"`
	// Username and PasswordFile sign in to the server (none: no sign-in).
	Username     string `toml:"username"`
	PasswordFile string `toml:"password_file"`
}

// Check says what is wrong with c ("" SMTP: nothing, mail is off).
func (c Config) Check() error {
	if c.SMTP == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(c.SMTP)
	if err != nil || host == "" {
		return fmt.Errorf("mail: smtp %q: want host:port", c.SMTP)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("mail: smtp %q: the port", c.SMTP)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("mail: from %q: want an address like \"Bürgerbüro <termine@musterstadt.de>\"", c.From)
	}
	switch c.TLS {
	case "", "starttls", "tls":
	case "none":
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("mail: tls = \"none\" only for a server on this machine, not %s: residents' addresses would cross the network in clear", host)
		}
	default:
		return fmt.Errorf("mail: tls %q: want starttls, tls or none", c.TLS)
	}
	if (c.Username == "") != (c.PasswordFile == "") {
		return errors.New("mail: username and password_file go together")
	}
	return nil
}

// Sender sends mail as a Config says.
type Sender struct {
	cfg      Config
	password string
}

// New is a sender for c; nil when c sends no mail.
func New(c Config) (*Sender, error) {
	if err := c.Check(); err != nil || c.SMTP == "" {
		return nil, err
	}
	s := &Sender{cfg: c}
	if c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("mail: password_file: %w", err)
		}
		s.password = strings.TrimSpace(string(b))
	}
	return s, nil
}

// Send sends one plain-text mail to to.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	m := gomail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, body)
	host, port, _ := net.SplitHostPort(s.cfg.SMTP)
	n, _ := strconv.Atoi(port)
	opts := []gomail.Option{gomail.WithPort(n), gomail.WithTimeout(20 * time.Second)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		// The server's answer may quote the address: it stays out of the log.
		return fmt.Errorf("mail to a resident: %s", strings.ReplaceAll(err.Error(), to, "<recipient>"))
	}
	return nil
}
