package outbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lotse/sync/outbox"
	"lotse/sync/sqlitedb"
)

// TestFullDiskNeverLosesAConfirmedEnvelope fills a small real file system
// (tmpfs) until enqueueing fails. Every envelope whose Enqueue returned nil
// must be there after a restart; the failure must be an error the caller
// sees (the resident is told, not "gespeichert"); and after space is freed
// the queue works again.
func TestFullDiskNeverLosesAConfirmedEnvelope(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=384k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", "-l", dir).Run()
	path := filepath.Join(dir, "kiosk.db")
	ctx := context.Background()

	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var confirmed []string
	var failure error
	for i := 0; i < 1000 && failure == nil; i++ {
		e := env(i, 2000)
		if failure = o.Enqueue(ctx, e); failure == nil {
			confirmed = append(confirmed, e.Code)
		}
	}
	if failure == nil {
		t.Fatal("the disk never filled: the test proves nothing")
	}
	if !strings.Contains(failure.Error(), "full") {
		t.Errorf("failure %q does not say the disk is full", failure)
	}
	db.Close()

	// Staff make room (here: the file system grows) and the kiosk restarts.
	if out, err := exec.Command("mount", "-o", "remount,size=2m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v %s", err, out)
	}
	db, err = sqlitedb.Open(path)
	if err != nil {
		t.Fatalf("reopen after a full disk: %v", err)
	}
	defer db.Close()
	o, err = outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range confirmed {
		if _, err := o.GetByCode(ctx, code); err != nil {
			t.Fatalf("confirmed envelope %s lost: %v", code, err)
		}
	}
	counts, _ := o.Counts(ctx)
	if counts[outbox.Queued] != len(confirmed) {
		t.Fatalf("%d queued after restart, %d were confirmed", counts[outbox.Queued], len(confirmed))
	}
	if err := o.Enqueue(ctx, env(5000, 10)); err != nil {
		t.Fatalf("enqueue after freeing space: %v", err)
	}
	t.Logf("%d envelopes confirmed before the disk was full", len(confirmed))
}
