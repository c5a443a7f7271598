package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrExists means a user by that name is there already.
var ErrExists = errors.New("exists already")

// Staff is what the staff dashboard needs from the store: accounts,
// sessions shared by every instance, sign-in failures, the audit log and
// the case inbox.
type Staff interface {
	AddUser(ctx context.Context, u User) error
	UpdateUser(ctx context.Context, u User) error
	User(ctx context.Context, name string) (User, error)
	Users(ctx context.Context) ([]User, error)

	// ClaimAttempt counts one sign-in attempt under key, before its
	// password is checked, in one conditional statement: attempts is the
	// count within window including this one (a window older than window
	// starts again at 1), since when the window started.
	ClaimAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (attempts int, since time.Time, err error)
	// ClearAttempts forgets key's attempts (a right password, a reset).
	ClearAttempts(ctx context.Context, key string) error

	CreateSession(ctx context.Context, idHash string, s Session) error
	Session(ctx context.Context, idHash string) (Session, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteSessions(ctx context.Context, user string) error

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error)

	// Cases is one page of the inbox, newest first, and how many match.
	Cases(ctx context.Context, f CaseFilter) ([]CaseRow, int, error)
	// Case is one real case (ErrNotFound).
	Case(ctx context.Context, code string) (StoredEnvelope, error)
	// CaseCounts counts real cases received since t by service, at the
	// kiosks of sites (nil: every site).
	CaseCounts(ctx context.Context, since time.Time, sites []string) (map[string]int, error)
	// GuideCallsSince lists guide calls made or withdrawn since t, newest
	// first.
	GuideCallsSince(ctx context.Context, since time.Time) ([]GuideCallRow, error)
}

// User is a staff account.
type User struct {
	Name         string
	PasswordHash string
	Role         string   // admin, caseworker, clerk
	Services     []string // a caseworker's services; none: all
	// Sites are the sites the account works for; AllSites: every one.
	Sites    []string
	AllSites bool
	Disabled bool
	Created  time.Time
}

// Session is a signed-in staff member.
type Session struct {
	User     string
	CSRF     string
	Created  time.Time
	LastSeen time.Time
}

// AuditEntry is one line of the audit log: who did what to which case,
// kiosk, user or profile — never a case's content.
type AuditEntry struct {
	Seq     int64
	At      time.Time
	User    string
	Action  string
	Subject string
	Addr    string
}

// CaseFilter narrows the inbox.
type CaseFilter struct {
	Service  string
	State    string
	Kiosk    int64
	From, To time.Time // received in [From, To); zero: open
	Allowed  []string  // the services the caseworker may see; none: all
	// Sites are the sites whose kiosks' cases are listed (nil: every
	// site; empty: none).
	Sites  []string
	Offset int
	Limit  int
}

// CaseRow is one line of the inbox.
type CaseRow struct {
	Code     string
	Service  string
	State    string
	Kiosk    int64
	Received time.Time
}

// GuideCallRow is one "Lotse rufen".
type GuideCallRow struct {
	Kiosk     int64
	KioskName string
	Site      string // the kiosk's site
	At        time.Time
	Screen    string
	// Withdrawn is when the resident said "Doch nicht nötig" (zero while
	// the call is open).
	Withdrawn time.Time
}

// Key names the call on the staff page, so its withdrawal finds it.
func (c GuideCallRow) Key() string {
	return fmt.Sprintf("%d@%s@%s", c.Kiosk, c.At.UTC().Format(time.RFC3339), c.Screen)
}
