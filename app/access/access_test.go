package access_test

import (
	"bytes"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/app/access"
	"lotse/app/profile"
	"lotse/app/store"
	"lotse/sync/credential"
)

var key = bytes.Repeat([]byte{42}, credential.KeySize)

// gate is Anna (card 1F00644BB6, PIN 471108) and staff PIN 258025 under key.
func gate(t *testing.T, locks access.Locks, now func() time.Time) *access.Gate {
	t.Helper()
	pin, _ := credential.HashPIN(key, credential.Guide, "471108")
	staff, _ := credential.HashPIN(key, credential.Staff, "258025")
	card, _ := credential.HashCard(key, "1F00644BB6")
	return access.New(access.Config{Guides: []profile.Guide{{ID: "g1", Name: "Anna", Cards: []string{card}, PIN: pin}},
		StaffPIN: staff, Key: func() []byte { return key }, Locks: locks, Now: now})
}

// Attack: five wrong staff PINs, then pull the plug. Before, the restart
// gave five fresh tries. The lockout is kept in the kiosk's database.
func TestTheLockoutSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	g := gate(t, store.NewLocks(db), clock)
	for range access.MaxTries {
		g.StaffPIN("000000")
	}
	db.Close()
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g = gate(t, store.NewLocks(db), clock)
	if err := g.StaffPIN("258025"); !errors.Is(err, access.ErrLocked) {
		t.Fatalf("after a restart the right PIN: %v, want locked", err)
	}
	if g.LockedUntil(access.Staff).IsZero() {
		t.Error("LockedUntil forgot the lock")
	}
	// Four wrong tries, a restart, one more: locked (the count is kept too).
	now = now.Add(access.LockFor + time.Second)
	for range access.MaxTries - 1 {
		g.GuidePIN("0000")
	}
	g = gate(t, store.NewLocks(db), clock)
	if _, err := g.GuidePIN("0000"); !errors.Is(err, access.ErrLocked) {
		t.Errorf("the fifth wrong try after a restart: %v", err)
	}
	if err := g.StaffPIN("258025"); err != nil {
		t.Errorf("staff after the lock ended: %v", err)
	}
}

// Without the site key (a stolen profile on another machine) nothing
// opens, not even with the right card and PIN.
func TestNothingOpensWithoutTheSiteKey(t *testing.T) {
	g := gate(t, nil, nil)
	wrongKey := bytes.Repeat([]byte{1}, credential.KeySize)
	pin, _ := credential.HashPIN(key, credential.Guide, "471108")
	card, _ := credential.HashCard(key, "1F00644BB6")
	staff, _ := credential.HashPIN(key, credential.Staff, "258025")
	for _, k := range [][]byte{nil, wrongKey} {
		k := k
		h := access.New(access.Config{Guides: []profile.Guide{{ID: "g1", Name: "Anna", Cards: []string{card}, PIN: pin}},
			StaffPIN: staff, Key: func() []byte { return k }})
		if _, err := h.Card("1F00644BB6"); err == nil {
			t.Error("a card opened without the key")
		}
		if _, err := h.GuidePIN("471108"); err == nil {
			t.Error("a guide PIN opened without the key")
		}
		if err := h.StaffPIN("258025"); err == nil {
			t.Error("the staff PIN opened without the key")
		}
	}
	if _, err := g.Card("1F00644BB6"); err != nil {
		t.Errorf("with the key: %v", err)
	}
}

func TestCardsPINsAndLockout(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)

	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	g := gate(t, nil, func() time.Time { return now })
	if gd, err := g.Card("1f00644bb6"); err != nil || gd.Name != "Anna" {
		t.Fatalf("card: %+v %v", gd, err)
	}
	if _, err := g.Card("0000000000"); !errors.Is(err, access.ErrWrong) {
		t.Error("an unknown card was taken")
	}
	if gd, err := g.GuidePIN("471108"); err != nil || gd.ID != "g1" {
		t.Fatalf("guide PIN: %v", err)
	}
	for i := 1; i <= 4; i++ {
		if err := g.StaffPIN("1234"); !errors.Is(err, access.ErrWrong) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if err := g.StaffPIN("9999"); !errors.Is(err, access.ErrLocked) {
		t.Fatalf("fifth wrong try: %v", err)
	}
	if err := g.StaffPIN("258025"); !errors.Is(err, access.ErrLocked) {
		t.Fatal("the right PIN opened a locked entry")
	}
	if _, err := g.GuidePIN("471108"); err != nil {
		t.Error("a staff lockout locked guides too")
	}
	now = now.Add(access.LockFor + time.Second)
	if err := g.StaffPIN("258025"); err != nil {
		t.Errorf("after five minutes: %v", err)
	}
	for _, secret := range []string{"471108", "258025", "1234", "9999", "1F00644BB6", "1f00644bb6"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "PIN entry locked") {
		t.Errorf("the lock is not logged:\n%s", logs.String())
	}
}
