package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTheExampleIsTheDefault(t *testing.T) {
	c := Default()
	if c.Listen != "127.0.0.1:8470" || c.DataDir != "/var/lib/lotse-portal" || c.Database != "" || c.PoolSize != 10 ||
		c.RetentionIdempotency != 90*24*time.Hour || c.RetentionDecided != 365*24*time.Hour {
		t.Errorf("defaults %+v", c)
	}
}

func TestBadFilesAreRefusedNamingKeyAndFile(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]string{
		"listn = \"x\"\n":                    "unknown key listn",
		"pool_size = 0\n":                    "pool_size 0",
		"retention_idempotency = \"24h\"\n":  "at least 2160h",
		"database = \"mysql://x\"\n":         "postgres:// URL",
		"pool_size = \"viele\"\n":            "pool_size",
		"retention_decided = \"ein Jahr\"\n": "line 1: invalid duration",
	} {
		path := filepath.Join(dir, "p.toml")
		os.WriteFile(path, []byte(text), 0o600)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: %v, want %q and the file", text, err, want)
		}
	}
}

func TestThePasswordComesFromItsFile(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("Geheim/123\n"), 0o600)
	c := Default()
	c.Database, c.DatabasePasswordFile = "postgres://lotse@db.example:5432/lotse?sslmode=verify-full", pw
	dsn, err := c.DSN()
	if err != nil || dsn != "postgres://lotse:Geheim%2F123@db.example:5432/lotse?sslmode=verify-full" {
		t.Errorf("%q %v", dsn, err)
	}
}
