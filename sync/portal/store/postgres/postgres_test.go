package postgres_test

import (
	"context"
	"os"
	"testing"

	"lotse/sync/portal/store"
	"lotse/sync/portal/store/postgres"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/portal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.DSN(t), 10)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
