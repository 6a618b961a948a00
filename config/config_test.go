package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "skflow.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreEmbeddedAndValid(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !c.EmbeddedTemporal() || !c.EmbeddedDatabase() || c.TemporalAddress() != "127.0.0.1:7233" ||
		c.DatabaseURL() != "postgres://postgres@127.0.0.1:5433/skflow?sslmode=disable&timezone=Asia%2FMakassar" || c.TemporalUIURL() != "http://127.0.0.1:8233" {
		t.Fatalf("defaults %+v", c)
	}
	if c.Calendar.TimeZone != "Asia/Makassar" || len(c.Calendar.Week) != 5 || len(c.Calendar.Holidays) != 48 || len(c.Calendar.Periods) != 1 {
		t.Fatalf("calendar %+v", c.Calendar)
	}
	if d, err := c.Definition(); err != nil || len(d.Steps) != 15 {
		t.Fatalf("definition %v", err)
	}
}

func TestFileAndEnvironment(t *testing.T) {
	p := write(t, `
temporal:
  address: temporal.bkpsdm.local:7233
  namespace: wajo
database:
  url: postgres://skflow@db/skflow
calendar:
  time_zone: Asia/Makassar
  week:
    - {day: mon, from: "08:00", to: "16:00"}
  holidays:
    - {date: "2026-12-24", name: cuti bersama}
`)
	t.Setenv("SKFLOW_TEMPORAL_NAMESPACE", "wajo-prod")
	t.Setenv("SKFLOW_HTTP_ADDRESS", "0.0.0.0:9090")
	t.Setenv("SKFLOW_TEMPORAL_TLS_SERVER_NAME", "temporal.internal")
	t.Setenv("SKFLOW_TRAINING_BATCH_SIZE", "30")
	t.Setenv("SKFLOW_SMTP_ADDRESS", "mail.wajokab.go.id:587")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddedTemporal() || c.TemporalAddress() != "temporal.bkpsdm.local:7233" || c.Temporal.Namespace != "wajo-prod" ||
		c.HTTP.Address != "0.0.0.0:9090" || c.DatabaseURL() != "postgres://skflow@db/skflow?timezone=Asia%2FMakassar" ||
		c.Temporal.TLS.ServerName != "temporal.internal" || c.Training.BatchSize != 30 || c.SMTP.Address != "mail.wajokab.go.id:587" {
		t.Fatalf("loaded %+v", c)
	}
	if len(c.Calendar.Week) != 1 || c.Calendar.Holidays[0].Name != "cuti bersama" {
		t.Fatalf("calendar %+v", c.Calendar)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := map[string]string{
		"temporal:\n  address: nohost\n":                            `temporal.address "nohost": must be host:port`,
		"database:\n  url: mysql://x\n":                             "database.url: must be a postgres:// URL",
		"database:\n  writers: 21\n":                                "database.writers: 21, must be from 1 to 20",
		"temporal:\n  tls:\n    cert: a.pem\n":                      "temporal.tls: cert and key must be set together",
		"log:\n  level: loud\n":                                     `log.level "loud"`,
		"calendar:\n  time_zone: Mars/Base\n":                       `calendar time_zone "Mars/Base"`,
		"sop:\n  file: /nonexistent.yaml\n":                         "sop.file: read SOP definition",
		"temporal:\n  port: 70000\n":                                "temporal.port: 70000 is not a port",
		"temporl:\n  address: x:1\n":                                "temporl",
		"calendar:\n  week:\n    - {day: funday, from: a, to: b}\n": `week day "funday"`,
	}
	for body, want := range cases {
		_, err := Load(write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", body, err, want)
		}
	}
	if _, err := Load("/nonexistent/skflow.yaml"); err == nil || !strings.Contains(err.Error(), "read config file") {
		t.Errorf("missing file: %v", err)
	}
}

// The example file documents the defaults; it must say exactly what the code does.
func TestExampleFileIsTheDefaults(t *testing.T) {
	c, err := Load("../skflow.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*c, Defaults()) {
		t.Fatalf("skflow.example.yaml differs from Defaults():\n%+v\n%+v", *c, Defaults())
	}
}
