// Package sqlstore is the portal's store written once for both databases
// (as gitea and River do): the SQL is shared, written with ? placeholders
// and rebound for PostgreSQL, and the few differences — connecting,
// migrations, unique-violation errors, cross-instance key locks — come
// from the dialect packages sqlite and postgres.
package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// ErrNoRows is what a Row's Scan returns when the query found nothing,
// whichever driver ran it.
var ErrNoRows = errors.New("sqlstore: no rows")

// Querier runs statements.
type Querier interface {
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	QueryRow(ctx context.Context, q string, args ...any) Row
	Query(ctx context.Context, q string, args ...any) (Rows, error)
}

// Row is one result row.
type Row interface{ Scan(dest ...any) error }

// Rows is a result set.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Tx is a transaction.
type Tx interface {
	Querier
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Conn is a database: a pool of connections.
type Conn interface {
	Querier
	Begin(ctx context.Context) (Tx, error)
	Close()
}

// Dialect is what differs between the databases.
type Dialect struct {
	Name string
	// Dollar placeholders ($1, $2, …) instead of ?.
	Dollar bool
	// OneWriter queues this process's transactions in Go: SQLite takes one
	// writer at a time, and writers that meet its lock sleep in steps of
	// up to 100 ms (its busy handler) instead of taking their turn.
	OneWriter bool
	// LockKey, when set, takes a transaction-scoped lock on an
	// idempotency key and says whether it got it: another instance
	// storing the same key right now makes it false (409).
	LockKey func(ctx context.Context, tx Tx, kiosk int64, key string) (bool, error)
	// LockMigrations serialises migrations of several instances starting
	// at once ("" for none needed).
	LockMigrations string
	// AfterLoad runs after migrate-store loaded a table (sequences).
	AfterLoad func(ctx context.Context, q Querier, table string) error
	// Notify and Listen carry "a queue changed" between instances (nil:
	// not across instances).
	Notify func(ctx context.Context, q Querier, topic string) error
	Listen func(ctx context.Context, c Conn) <-chan string
}

// rebind turns ? placeholders into $n for PostgreSQL.
func (d Dialect) rebind(q string) string {
	if !d.Dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// q is a Querier that rebinds placeholders.
type q struct {
	Querier
	d Dialect
}

func (x q) Exec(ctx context.Context, s string, args ...any) (int64, error) {
	return x.Querier.Exec(ctx, x.d.rebind(s), args...)
}

func (x q) QueryRow(ctx context.Context, s string, args ...any) Row {
	return x.Querier.QueryRow(ctx, x.d.rebind(s), args...)
}

func (x q) Query(ctx context.Context, s string, args ...any) (Rows, error) {
	return x.Querier.Query(ctx, x.d.rebind(s), args...)
}
