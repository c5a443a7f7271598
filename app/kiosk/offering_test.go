package kiosk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lotse/app/config"
)

func TestServiceFolderWithABrokenFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "10-info.yaml"), []byte("id: info\nkind: info\ntitle: Hinweise\npages:\n  - title: A\n    text: B\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "20-kaputt.yaml"), []byte("id: kaputt\nkind: form\ntitle: Kaputt\n"), 0o644)
	var cfg config.Config
	cfg.Kiosk.Services = dir
	cat, warnings := loadCatalogue(cfg)
	if len(cat.Services) != 1 || cat.Services[0].Title != "Hinweise" {
		t.Errorf("services %+v", cat.Services)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "20-kaputt.yaml") {
		t.Errorf("warnings %v", warnings)
	}
}
