package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/portal/instance"
)

func TestEnrollSelftestAndOutboxStatus(t *testing.T) {
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer func() { srv.Close(); p.Close() }()
	cfg := filepath.Join(t.TempDir(), "lotse.toml")
	os.WriteFile(cfg, []byte("[kiosk]\ndata_dir = \""+t.TempDir()+"\"\n"), 0o600)

	var out, errb bytes.Buffer
	if code := run([]string{"sync", "selftest", "--count", "2", "--config", cfg}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "not enrolled") {
		t.Fatalf("unenrolled selftest: exit %d, %s", code, errb.String())
	}
	code, _ := p.Enrolment().EnrollCode(context.Background(), time.Hour)
	errb.Reset()
	if c := run([]string{"enroll", "--portal", srv.URL, "--code", code, "--config", cfg}, &out, &errb); c != 0 {
		t.Fatalf("enroll: %d %s", c, errb.String())
	}
	if c := run([]string{"enroll", "--portal", srv.URL, "--code", code, "--config", cfg}, &out, &errb); c == 0 {
		t.Fatal("a one-time code worked twice")
	}
	out.Reset()
	if c := run([]string{"sync", "selftest", "--count", "7", "--config", cfg}, &out, &errb); c != 0 {
		t.Fatalf("selftest: %d %s", c, errb.String())
	}
	if !strings.Contains(out.String(), `"acknowledged":7`) {
		t.Errorf("selftest output %s", out.String())
	}
	out.Reset()
	if c := run([]string{"outbox", "status", "--config", cfg}, &out, &errb); c != 0 {
		t.Fatalf("outbox status: %s", errb.String())
	}
	var counts map[string]int
	if err := json.Unmarshal(out.Bytes(), &counts); err != nil || counts["acknowledged"] != 7 || counts["queued"] != 0 {
		t.Fatalf("outbox status %s", out.String())
	}
	if st, _ := p.Cases().Stats(context.Background()); st["envelopes"] != 7 {
		t.Errorf("portal holds %d", st["envelopes"])
	}
	out.Reset()
	if c := run([]string{"sync", "--once", "--config", cfg}, &out, &errb); c != 0 || !strings.Contains(out.String(), `"sent":0`) {
		t.Errorf("sync --once: %d %s %s", c, out.String(), errb.String())
	}
}
