// Package staff is the portal's staff accounts: adding, disabling and
// resetting them (lotse-portal user …, and the admin's page), checking a
// sign-in with a lockout per name claimed before the password is checked, and the audit log of what staff did.
// Passwords are bcrypt hashes of cost 12 (golang.org/x/crypto/bcrypt).
package staff

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"lotse/sync/portal/store"
)

// Roles.
const (
	Admin      = "admin"      // users, kiosks, enrolment codes, sites, profiles, the audit log
	Caseworker = "caseworker" // opens and decides cases (of some services, or all)
	Clerk      = "clerk"      // works the waiting queue
)

// Roles lists the roles in the order pages show them.
var Roles = []string{Admin, Caseworker, Clerk}

// Lockout rules: an attempt is claimed before its password is checked,
// and at most MaxAttempts are checked per name in LockFor from browsers
// that never signed in with it, however many arrive at once and at how
// many instances. A browser that signed in with the name before (its
// device token, see Device) has a budget of MaxAttempts of its own, so a
// stranger who locks a name does not lock its owner out at their desk.
const (
	MaxAttempts = 5
	LockFor     = 15 * time.Minute
	MinLength   = 12
	bcryptCost  = 12
	// MaxNameBytes is the longest sign-in name looked at: a longer one is
	// refused before anything is stored.
	MaxNameBytes = 64
)

//go:embed common-passwords.txt
var commonList []byte

var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(commonList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// Errors of a refused sign-in. The message never says whether a name
// exists.
var (
	ErrSignIn = errors.New("wrong name or password")
	ErrLocked = errors.New("too many wrong tries: signing in with this name is locked for 15 minutes")
	// ErrBadName is a sign-in name no account can have (too long, not
	// UTF-8, control characters): refused before anything is stored.
	ErrBadName = errors.New("a sign-in name has at most 64 bytes of printable UTF-8")
	ErrBadRole = errors.New("role: want admin, caseworker or clerk")
	// ErrNoSites: an account works for some sites, or for all.
	ErrNoSites = errors.New("an account needs its sites (--sites) or all of them (--all-sites)")
)

// RuleError is a rule a new name or password breaks. Rule names it for the
// staff pages' texts (web/i18n: "rule_" + Rule); Error is the English for
// the command line.
type RuleError struct {
	Rule string // "password_short", "password_long", "password_common", "password_name", "name"
	Min  int    // the shortest password, for "password_short"
	msg  string
}

func (e *RuleError) Error() string { return e.msg }

// CheckPassword says which rule a new password breaks (nil: none).
func CheckPassword(name, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinLength:
		return &RuleError{Rule: "password_short", Min: MinLength, msg: fmt.Sprintf("a password needs at least %d characters", MinLength)}
	case len(password) > 72:
		return &RuleError{Rule: "password_long", msg: "a password may be at most 72 bytes long"}
	case common[strings.ToLower(password)]:
		return &RuleError{Rule: "password_common", msg: "this password is too common: it is on the lists attackers try first"}
	case name != "" && strings.Contains(strings.ToLower(password), strings.ToLower(name)):
		return &RuleError{Rule: "password_name", msg: "a password must not contain the name"}
	}
	return nil
}

// LockedError says until when a name is locked; it is ErrLocked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "too many wrong tries: signing in with this name is locked until " + e.Until.UTC().Format(time.RFC3339)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// CheckSignInName refuses what no account's name can be, before anything
// is looked up or stored: at most MaxNameBytes bytes of valid UTF-8
// without control or formatting characters (a 10 MB name once went into
// the audit log and the lockout table whole).
func CheckSignInName(name string) error {
	if name == "" || len(name) > MaxNameBytes || !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) >= 0 {
		return ErrBadName
	}
	return nil
}

// CheckName refuses names that are not plain and short.
func CheckName(name string) error {
	if name == "" || len(name) > 64 || strings.IndexFunc(name, func(r rune) bool {
		return !(r == '.' || r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) >= 0 {
		return &RuleError{Rule: "name", msg: "a name has 1 to 64 characters of a-z, 0-9, dot, dash and underscore"}
	}
	return nil
}

// Accounts manages staff accounts in a store.
type Accounts struct {
	St  store.Staff // the accounts' part of the store, and no more
	Now func() time.Time
}

func (a *Accounts) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Add makes an account of u's name, role, services and sites.
func (a *Accounts) Add(ctx context.Context, u store.User, password string) error {
	if err := CheckName(u.Name); err != nil {
		return err
	}
	if !slices.Contains(Roles, u.Role) {
		return ErrBadRole
	}
	if err := CheckPassword(u.Name, password); err != nil {
		return err
	}
	if !u.AllSites && len(u.Sites) == 0 {
		return ErrNoSites
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	u.PasswordHash, u.Created, u.Disabled = string(h), a.now(), false
	return a.St.AddUser(ctx, u)
}

// SetSites sets the sites an account works for and signs it out
// everywhere (its pages were of the old sites).
func (a *Accounts) SetSites(ctx context.Context, name string, sites []string, all bool) error {
	if !all && len(sites) == 0 {
		return ErrNoSites
	}
	u, err := a.St.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	u.Sites, u.AllSites = sites, all
	if err := a.St.UpdateUser(ctx, u); err != nil {
		return err
	}
	return a.St.DeleteSessions(ctx, name)
}

// Disable stops an account and signs it out everywhere.
func (a *Accounts) Disable(ctx context.Context, name string) error {
	u, err := a.St.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	u.Disabled = true
	if err := a.St.UpdateUser(ctx, u); err != nil {
		return err
	}
	return a.St.DeleteSessions(ctx, name)
}

// Reset sets a new password, enables the account, lifts its lock and
// signs it out everywhere.
func (a *Accounts) Reset(ctx context.Context, name, password string) error {
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	u, err := a.St.User(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	u.PasswordHash, u.Disabled = string(h), false
	if err := a.St.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := a.St.ClearAttempts(ctx, attemptKey(name, "")); err != nil {
		return err
	}
	return a.St.DeleteSessions(ctx, name)
}

// dummy is compared against when a name does not exist, so a wrong name
// costs as long as a wrong password.
var dummy, _ = bcrypt.GenerateFromPassword([]byte("no such user, no such password"), bcryptCost)

// attemptKey is where a sign-in's attempt is counted: the name, from
// anywhere but a trusted browser, or the name from that browser.
func attemptKey(name, device string) string {
	if device == "" {
		return "name:" + name
	}
	return "device:" + name + "|" + device
}

// SignIn checks a name and password. device names the browser when it
// proved that it signed in with this name before ("" otherwise). The
// attempt is claimed before the password is checked: with more than
// MaxAttempts in LockFor, no password is checked and a *LockedError says
// until when. It never tells whether the name exists.
func (a *Accounts) SignIn(ctx context.Context, name, password, device string) (store.User, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if err := CheckSignInName(name); err != nil {
		return store.User{}, ErrSignIn
	}
	key := attemptKey(name, device)
	n, since, err := a.St.ClaimAttempt(ctx, key, a.now(), LockFor)
	if err != nil {
		return store.User{}, err
	}
	locked := &LockedError{Until: since.Add(LockFor)}
	if n > MaxAttempts {
		return store.User{}, locked
	}
	u, err := a.St.User(ctx, name)
	hash := dummy
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || u.Disabled {
		if n == MaxAttempts {
			return store.User{}, locked // the last try: say so now
		}
		return store.User{}, ErrSignIn
	}
	// A trusted browser's budget is its owner's alone and starts again; a
	// name's budget from elsewhere does not, or a right password among
	// parallel guesses would open the door to more of them.
	if device != "" {
		if err := a.St.ClearAttempts(ctx, key); err != nil {
			return store.User{}, err
		}
	}
	return u, nil
}

// ParseSites reads a list of sites as staff write it: comma-separated,
// "_" for the portal's default site ("").
func ParseSites(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		switch s = strings.TrimSpace(s); s {
		case "":
		case "_":
			out = append(out, "")
		default:
			out = append(out, s)
		}
	}
	return out
}

// HasSite says u works for site.
func HasSite(u store.User, site string) bool {
	return u.AllSites || slices.Contains(u.Sites, site)
}

// MaySeeContacts says u may read residents' names and phone numbers of
// appointments: clerks, who greet and call them. Admins set the office
// up and caseworkers decide cases; neither needs them.
func MaySeeContacts(u store.User) bool { return u.Role == Clerk }

// MayOpen says whether u may open a case of service: caseworkers only
// (admins manage, they do not read residents' data), and of their
// services when they have some.
func MayOpen(u store.User, service string) bool {
	return u.Role == Caseworker && (len(u.Services) == 0 || slices.Contains(u.Services, service))
}
