package access_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"lotse/app/access"
	"lotse/app/profile"
)

func TestCardsPINsAndLockout(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)

	pin, _ := access.HashPIN("4711")
	staff, _ := access.HashPIN("2580")
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	g := access.NewGate([]profile.Guide{{ID: "g1", Name: "Anna", Cards: []string{access.HashCard("1F00644BB6")}, PIN: pin}},
		staff, func() time.Time { return now })
	if gd, err := g.Card("1f00644bb6"); err != nil || gd.Name != "Anna" {
		t.Fatalf("card: %+v %v", gd, err)
	}
	if _, err := g.Card("0000000000"); !errors.Is(err, access.ErrWrong) {
		t.Error("an unknown card was taken")
	}
	if gd, err := g.GuidePIN("4711"); err != nil || gd.ID != "g1" {
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
	if err := g.StaffPIN("2580"); !errors.Is(err, access.ErrLocked) {
		t.Fatal("the right PIN opened a locked entry")
	}
	if _, err := g.GuidePIN("4711"); err != nil {
		t.Error("a staff lockout locked guides too")
	}
	now = now.Add(access.LockFor + time.Second)
	if err := g.StaffPIN("2580"); err != nil {
		t.Errorf("after five minutes: %v", err)
	}
	for _, secret := range []string{"4711", "2580", "1234", "9999", "1F00644BB6", "1f00644bb6"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "PIN entry locked") {
		t.Errorf("the lock is not logged:\n%s", logs.String())
	}
}
