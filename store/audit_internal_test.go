package store

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// freshDB is storetest.New without the migrations (storetest imports this package).
func freshDB(t testing.TB) *Store {
	t.Helper()
	ctx := context.Background()
	adminURL := os.Getenv("SKFLOW_TEST_DATABASE_URL")
	if adminURL == "" {
		adminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := Open(ctx, adminURL)
	if err != nil {
		t.Fatalf("PostgreSQL for tests is not reachable at %s: %v", adminURL, err)
	}
	name := fmt.Sprintf("skflow_test_chain_%d", time.Now().UnixNano())
	if _, err := admin.db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		_, _ = admin.db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	return s
}

// migrateTo brings s's schema up to version and returns the migrations to go on with.
func migrateTo(t testing.TB, s *Store, version int64) *goose.Provider {
	t.Helper()
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChainCoversRowsWrittenBeforeTheMigration(t *testing.T) {
	s := freshDB(t)
	ctx := context.Background()
	migrateTo(t, s, 2)
	at := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	// As the code of that schema wrote a case's start (today's Apply writes columns it lacks).
	for _, q := range []string{`INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at,
		deadline, deadline_days, steps) VALUES ('old', 't', 'd', 1, 'op', $1, $1, 51, 15)`,
		`INSERT INTO audit_log (key, at, actor, action, case_id, detail) VALUES ('old/case_started/0/0', $1, 'op', 'case_started', 'old', '{}')`} {
		if _, err := s.db.ExecContext(ctx, q, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		if err := s.Note(ctx, "op", "sign_in", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Note(ctx, "op", "sign_out", nil); err != nil {
		t.Fatal(err)
	}
	c, err := s.VerifyAudit(ctx)
	if err != nil || c.Broken != nil || c.Rows != 5 || c.Streams != 2 {
		t.Fatalf("chains over old and new rows: %+v %v", c, err)
	}
}

func TestConcurrentWritersKeepTheirChains(t *testing.T) {
	s := freshDB(t)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for w := 0; w < 10; w++ {
		wg.Go(func() {
			for i := 0; i < 20; i++ {
				errs <- s.Note(ctx, fmt.Sprintf("w%d", w), "sign_in", map[string]any{"i": i})
				// and a case of its own, written beside the others
				_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, case_id, detail)
					VALUES ($1, now(), 'op', 'incident', $2, '{}')`, fmt.Sprintf("w%d/%d", w, i), fmt.Sprintf("case-%d", w))
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.VerifyAudit(ctx)
	if err != nil || c.Broken != nil || c.Rows != 400 || c.Streams != 11 {
		t.Fatalf("after 400 concurrent writes: %+v %v", c, err)
	}
}

// BenchmarkMigrationToStreamsOnALargeLog times migration 00018, which chains every row of the
// old global chain again per stream, over a province's log: 1,000,000 rows in 70,000 cases.
//
//	go test ./store -run '^$' -bench MigrationToStreams -benchtime 1x
func BenchmarkMigrationToStreamsOnALargeLog(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := freshDB(b)
		p := migrateTo(b, s, 17)
		// The rows as the global chain held them; their hashes do not matter, the migration
		// computes them all again.
		for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_chain`,
			`INSERT INTO audit_log (key, at, actor, action, case_id, step, attempt, detail, seq, prev_hash, hash)
				SELECT 'k' || i, timestamptz '2025-01-01' + i * interval '1 minute', 'nip', 'step_decided', 'p-' || (i % 70000),
					i % 15 + 1, 1, '{"role": "kabid", "decision": "agree", "working_minutes": 12}', i, '\x', '\x'
				FROM generate_series(1, 1000000) i`,
			`ALTER TABLE audit_log ENABLE TRIGGER audit_chain`, `VACUUM ANALYZE audit_log`} {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := p.UpTo(ctx, 18); err != nil {
			b.Fatal(err)
		}
	}
}
