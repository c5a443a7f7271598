package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"lotse/sync/portal/store"
	"lotse/sync/portal/store/sqlite"
	"lotse/sync/portal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
