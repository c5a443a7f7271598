// Package postgres is the portal's store on PostgreSQL (pgx with
// pgxpool), for districts that run several portal instances on one
// database. Idempotency holds across instances: a key being stored by one
// instance is locked for its transaction (pg_try_advisory_xact_lock), so
// another answers 409 instead of storing it twice.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lotse/sync/portal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's.
var Dialect = sqlstore.Dialect{
	Name:   "postgres",
	Dollar: true,
	LockKey: func(ctx context.Context, tx sqlstore.Tx, kiosk int64, key string) (bool, error) {
		var ok bool
		err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1::int, hashtext($2))`, int32(kiosk), key).Scan(&ok)
		return ok, err
	},
	// Two instances starting at once migrate one after the other.
	LockMigrations: `SELECT pg_advisory_xact_lock(7253001)`,
	Notify: func(ctx context.Context, q sqlstore.Querier, topic string) error {
		_, err := q.Exec(ctx, `SELECT pg_notify('lotse_live', $1)`, topic)
		return err
	},
	Listen: listen,
	AfterLoad: func(ctx context.Context, q sqlstore.Querier, table string) error {
		col := map[string]string{"kiosks": "id", "changes": "seq", "profiles": "version", "audit": "seq", "tickets": "id", "appointments": "id"}[table]
		if col == "" {
			return nil
		}
		_, err := q.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`,
			table, col, col, table))
		return err
	},
}

// Open connects to the database at dsn (a postgres:// URL; the password
// may come from PGPASSWORD or ~/.pgpass), with at most poolSize
// connections (0: pgx's default), and migrates it. A wrong or unreachable
// database is one clear error naming the host and what failed, never the
// password.
func Open(ctx context.Context, dsn string, poolSize int) (*sqlstore.Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", Redact(dsn), errors.Unwrap(err))
	}
	if poolSize > 0 {
		cfg.MaxConns = int32(poolSize)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", Redact(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s on %s:%d: %s", cfg.ConnConfig.Database, cfg.ConnConfig.Host, cfg.ConnConfig.Port, why(err))
	}
	c := Conn{pool}
	if err := Migrate(ctx, c); err != nil {
		pool.Close()
		return nil, err
	}
	return sqlstore.New(c, Dialect), nil
}

// Migrate applies this package's migrations to c.
func Migrate(ctx context.Context, c sqlstore.Conn) error {
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.Migrate(ctx, c, Dialect, sub)
}

// why says in a few words what failed connecting.
func why(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "28P01", "28000":
			return "authentication failed (user or password wrong)"
		case "3D000":
			return "no such database"
		}
		return pg.Message
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "connection refused or unreachable (" + op.Err.Error() + ")"
	}
	return err.Error()
}

// Redact is dsn with its password masked, for logs and errors.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable database URL)"
	}
	return u.Redacted()
}

// Conn adapts pgxpool to sqlstore.
type Conn struct{ Pool *pgxpool.Pool }

func (c Conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return querier{c.Pool}.Exec(ctx, q, args...)
}

func (c Conn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return querier{c.Pool}.QueryRow(ctx, q, args...)
}

func (c Conn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	return querier{c.Pool}.Query(ctx, q, args...)
}

func (c Conn) Begin(ctx context.Context) (sqlstore.Tx, error) {
	tx, err := c.Pool.Begin(ctx)
	return txn{querier{tx}, tx}, err
}

func (c Conn) Close() { c.Pool.Close() }

// pgxQuerier is what a pool and a transaction have alike.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// querier adapts a pool or a transaction to sqlstore.Querier.
type querier struct{ q pgxQuerier }

func (x querier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := x.q.Exec(ctx, q, args...)
	return tag.RowsAffected(), err
}

func (x querier) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return row{x.q.QueryRow(ctx, q, args...)}
}

func (x querier) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	r, err := x.q.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

type txn struct {
	querier
	tx pgx.Tx
}

func (t txn) Commit(ctx context.Context) error   { return t.tx.Commit(ctx) }
func (t txn) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqlstore.ErrNoRows
	}
	return err
}

type rows struct{ r pgx.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return r.r.Scan(dest...) }
func (r rows) Err() error             { return r.r.Err() }
func (r rows) Close()                 { r.r.Close() }

// listen hears the queue changes every instance announces (LISTEN
// lotse_queue) on a connection of its own, reconnecting with backoff
// while the database restarts, until ctx ends.
func listen(ctx context.Context, c sqlstore.Conn) <-chan string {
	out := make(chan string, 64)
	pool := c.(Conn).Pool
	go func() {
		defer close(out)
		wait := 100 * time.Millisecond
		for ctx.Err() == nil {
			conn, err := pool.Acquire(ctx)
			if err == nil {
				if _, err = conn.Exec(ctx, "LISTEN lotse_live"); err == nil {
					wait = 100 * time.Millisecond
					for {
						n, err := conn.Conn().WaitForNotification(ctx)
						if err != nil {
							break
						}
						select {
						case out <- n.Payload:
						default: // a slow reader misses a wake-up, not a call: it polls too
						}
					}
				}
				conn.Release()
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(2*wait, 5*time.Second)
		}
	}()
	return out
}
