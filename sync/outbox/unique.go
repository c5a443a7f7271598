package outbox

import (
	"errors"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// isUnique reports a UNIQUE constraint failure on column.
func isUnique(err error, column string) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique && strings.Contains(se.Error(), column)
}
