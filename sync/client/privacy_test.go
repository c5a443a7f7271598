package client_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"unicode/utf16"
)

func utf16Forms(s string) [][]byte {
	u := utf16.Encode([]rune(s))
	le, be := make([]byte, 2*len(u)), make([]byte, 2*len(u))
	for i, c := range u {
		le[2*i], le[2*i+1] = byte(c), byte(c>>8)
		be[2*i], be[2*i+1] = byte(c>>8), byte(c)
	}
	return [][]byte{[]byte(s), le, be}
}

func TestNoPersonalDataInTheKioskDatabaseWALOrLogs(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	var secrets []string
	var codes []string
	for i := 0; i < 100; i++ {
		name := fmt.Sprintf("Zülfiye Großmann-Öztürk%03d", i)
		street := fmt.Sprintf("Bahnhofstraße %d", 100+i)
		secrets = append(secrets, name, street)
		code, err := k.out.Submit(context.Background(), k.client.Identity(), "ummeldung",
			map[string]string{"name": name, "street": street, "birth": "1948-03-07"}, false)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	// Half of them sent, half still waiting: both states are on disk.
	if _, err := k.client.SendOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(k.path + suffix)
		if err != nil {
			t.Fatalf("read %s: %v", k.path+suffix, err)
		}
		files["kiosk.db"+suffix] = b
	}
	files["logs"] = logs.Bytes()
	// The detector works: reference codes are stored in clear.
	if !bytes.Contains(append(files["kiosk.db"], files["kiosk.db-wal"]...), []byte(codes[0])) {
		t.Fatal("reference code not found in the database: the search proves nothing")
	}
	for name, b := range files {
		for _, s := range append(secrets, "1948-03-07") {
			for _, form := range utf16Forms(s) {
				if bytes.Contains(b, form) {
					t.Fatalf("%q readable in %s", s, name)
				}
			}
		}
	}
}
