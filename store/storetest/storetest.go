// Package storetest gives tests a fresh, migrated PostgreSQL database that is dropped when the
// test ends. It uses the server at SKFLOW_TEST_DATABASE_URL, by default the machine's own
// PostgreSQL at 127.0.0.1:5432 as user postgres. Tests never use a mock database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/skflow/skflow/store"
)

// AdminURL is the server tests create their databases on.
func AdminURL() string {
	if u := os.Getenv("SKFLOW_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// New creates a database, migrates it and opens a store on it. It returns the store and the
// database's URL, for code under test that opens its own connection.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	admin, err := sqlx.Open("postgres", AdminURL())
	if err != nil {
		t.Fatalf("open %s: %v", AdminURL(), err)
	}
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL for tests is not reachable at %s (start it, or set SKFLOW_TEST_DATABASE_URL): %v", AdminURL(), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "skflow_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if _, err := admin.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pq.QuoteIdentifier(name))); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		admin.Close()
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s, u.String()
}
