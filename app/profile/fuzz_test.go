package profile_test

import (
	"os"
	"path/filepath"
	"testing"

	"lotse/app/profile"
)

// FuzzInstall feeds any bytes as a profile bundle from the portal: it
// must never panic, never write outside the kiosk's data folder, and a
// refused bundle must leave no profile installed.
func FuzzInstall(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add(validBundle(f, nil))
	f.Add(validBundle(f, map[string]string{"../escape.txt": "x"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		base := t.TempDir()
		dir := filepath.Join(base, "kiosk")
		p, err := profile.Install(dir, 1, b)
		cur, _ := profile.Current(dir)
		if err != nil && cur != nil {
			t.Fatal("a refused bundle became current")
		}
		if err == nil && (p == nil || cur == nil) {
			t.Fatal("an installed bundle is not current")
		}
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			if e.Name() != "kiosk" {
				t.Fatalf("the bundle wrote %s outside the data folder", e.Name())
			}
		}
	})
}
