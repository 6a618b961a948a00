package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// A database user that may create its tables but not extensions (a managed PostgreSQL, or a
// database it does not own) still migrates: the board's search goes without its trigram index
// and scans, and finds what it should.
func TestMigrationsWithoutTheRightToCreateExtensions(t *testing.T) {
	ctx := context.Background()
	admin, err := sqlx.Open("postgres", storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "skflow_limited_" + hex.EncodeToString(b)
	role, db := pq.QuoteIdentifier(name), pq.QuoteIdentifier(name)
	for _, q := range []string{"CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + db} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		for _, q := range []string{"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "DROP ROLE IF EXISTS " + role} {
			if _, err := admin.ExecContext(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
		admin.Close()
	})
	u, err := url.Parse(storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	// In its database the user may create in the public schema, and nothing else.
	owner, err := sqlx.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, "GRANT CREATE, USAGE ON SCHEMA public TO "+role); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(name)
	s, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate without the right to create extensions: %v", err)
	}
	var indexed bool
	if err := s.DB().GetContext(ctx, &indexed, `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname IN ('cases_search', 'case_search_text'))
		OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')`); err != nil || indexed {
		t.Fatalf("pg_trgm or its index exists (%v) for a user that may not create pg_trgm", err)
	}
	startSearched(t, s)
}
