package pgembed

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

func TestClusterStartsStopsAndKeepsData(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skip(err.Error())
	}
	// As root the cluster runs as the postgres user, who must be able to enter the directory.
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	o := Options{Dir: filepath.Join(dir, "pg"), Port: 5491, Database: "skflow_embed_test"}
	c, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", c.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('ada')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	c, err = Start(ctx, o) // the second start reuses the cluster
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	db, err = sql.Open("postgres", c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, `SELECT v FROM kept`).Scan(&v); err != nil || v != "ada" {
		t.Fatalf("data after restart: %q %v", v, err)
	}
	if _, err := Start(ctx, Options{Dir: filepath.Join(dir, "other"), Port: 5491, Database: "x"}); err == nil {
		t.Fatal("a second cluster started on a busy port")
	}
}
