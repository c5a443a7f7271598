package client_test

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"lotse/sync/client"
	"lotse/sync/portal/instance"
	"lotse/sync/sqlitedb"
)

func TestTLSWithAConfiguredCAFile(t *testing.T) {
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(p.Handler())
	defer func() { srv.Close(); p.Close() }()
	ca := filepath.Join(t.TempDir(), "portal-ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	defer db.Close()
	ctx := context.Background()

	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	_, err = client.Enroll(ctx, db, srv.URL, code, "k", client.Options{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA file: %v, want a certificate error", err)
	}
	if _, err := client.Enroll(ctx, db, srv.URL, code, "k", client.Options{CAFile: ca}); err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	if _, err := client.Enroll(ctx, db, srv.URL, code, "k", client.Options{CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Error("a missing CA file was accepted")
	}
}
