package pgembed

import (
	"context"
	"database/sql"
	"os"
	"os/user"
	"path/filepath"
	"testing"
)

func TestClusterStartsStopsAndKeepsData(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skip(err.Error())
	}
	dir := openTempDir(t)
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

// As root in a directory the postgres user cannot enter (a clone in root's 0700 home), the
// cluster lives under the relocation directory, the data directory links to it, a second start
// reuses it, and nobody connects without the generated password.
func TestRootInAClosedHomeStartsAndRestarts(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skip(err.Error())
	}
	if os.Geteuid() != 0 {
		t.Skip("only root runs the cluster as another user")
	}
	base := openTempDir(t)
	home := filepath.Join(base, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	old := relocated
	relocated = filepath.Join(base, "var-lib-skflow")
	defer func() { relocated = old }()
	ctx := context.Background()
	o := Options{Dir: filepath.Join(home, "skflow", "data", "postgres"), Port: 5493, Database: "skflow_home_test"}
	c, err := Start(ctx, o)
	if err != nil {
		logs, _ := filepath.Glob(filepath.Join(relocated, "*", "server.log"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Log(string(b))
		}
		t.Fatal(err)
	}
	if target, err := os.Readlink(o.Dir); err != nil || filepath.Dir(target) != relocated {
		t.Fatalf("data directory is not a link into %s: %q %v", relocated, target, err)
	}
	if fi, err := os.Stat(filepath.Join(home, "skflow", "data", "postgres.password")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v %v", fi, err)
	}
	if fi, _ := os.Stat(home); fi.Mode().Perm() != 0o700 {
		t.Fatalf("the home directory's mode was changed to %v", fi.Mode().Perm())
	}
	without, _ := sql.Open("postgres", "postgres://postgres@127.0.0.1:5493/postgres?sslmode=disable")
	if err := without.PingContext(ctx); err == nil {
		t.Fatal("connected without the password")
	}
	without.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c, err = Start(ctx, o)
	if err != nil {
		logs, _ := filepath.Glob(filepath.Join(relocated, "*", "server.log"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Log(string(b))
		}
		t.Fatalf("second start: %v", err)
	}
	db, _ := sql.Open("postgres", c.URL)
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("second start: %v", err)
	}
	db.Close()
	// The checkout is removed and cloned again at the same path: its data directory and
	// password are new, so it gets a cluster of its own; the old one is left as it was.
	first, _ := os.Readlink(o.Dir)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(home, "skflow")); err != nil {
		t.Fatal(err)
	}
	c, err = Start(ctx, o)
	if err != nil {
		t.Fatalf("start after a fresh clone at the same path: %v", err)
	}
	defer c.Stop()
	if second, _ := os.Readlink(o.Dir); second == first {
		t.Fatalf("the new checkout was given the old cluster %s", first)
	}
	if _, err := os.Stat(filepath.Join(first, "PG_VERSION")); err != nil {
		t.Fatalf("the old cluster was not left as it was: %v", err)
	}
	db, _ = sql.Open("postgres", c.URL)
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("after a fresh clone: %v", err)
	}
}

// A cluster made by an earlier version trusts every local user; its next start gives it the
// generated password and SCRAM-SHA-256, and keeps its data.
func TestATrustClusterIsGivenAPassword(t *testing.T) {
	bin, err := findBinaries()
	if err != nil {
		t.Skip(err.Error())
	}
	dir := openTempDir(t)
	ctx := context.Background()
	old := &Cluster{o: Options{Dir: filepath.Join(dir, "pg"), Port: 5494}, bin: bin}
	if os.Geteuid() == 0 {
		if old.owner, err = user.Lookup("postgres"); err != nil {
			t.Skip(err.Error())
		}
	}
	if err := os.MkdirAll(old.o.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := old.chown(old.o.Dir); err != nil {
		t.Fatal(err)
	}
	if err := old.run(ctx, "initdb", "-D", old.o.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"); err != nil {
		t.Fatal(err)
	}
	c, err := Start(ctx, Options{Dir: old.o.Dir, Port: 5494, Database: "skflow_trust_test"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	without, _ := sql.Open("postgres", "postgres://postgres@127.0.0.1:5494/postgres?sslmode=disable")
	defer without.Close()
	if err := without.PingContext(ctx); err == nil {
		t.Fatal("the upgraded cluster still trusts a connection without a password")
	}
	with, _ := sql.Open("postgres", c.URL)
	defer with.Close()
	if err := with.PingContext(ctx); err != nil {
		t.Fatalf("with the generated password: %v", err)
	}
}

// openTempDir is a test directory the postgres user can enter: as root the cluster runs as that
// user, and t.TempDir's parents are made 0700.
func openTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
