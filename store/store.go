// Package store is skflow's system of record in PostgreSQL: cases, step tasks, officials, the
// append-only audit log and the notification outbox. Temporal keeps a closed case only for its
// retention period; this keeps it for good. It knows no screen and no Temporal.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"golang.org/x/sync/errgroup"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a connection pool to skflow's database.
type Store struct {
	db *sqlx.DB
	// writers bounds the transitions written at once: past a few per core, concurrent writers
	// only contend in PostgreSQL (its locks, its WAL insertion) and each costs more. Waiting
	// here, they are written in their order of arrival, several cases' at once (groups.go).
	writers chan struct{}
	// committers is the slot of the first writer of grouped transitions (groups.go), relief
	// those of the others, and queue holds the transitions waiting for one.
	committers chan struct{}
	relief     chan struct{}
	queue      writeQueue
}

// maxConns is the pool's size: the web app's pages run their reads at once.
const maxConns = 20

// DefaultWriters is how many transitions a store writes at once unless told otherwise: about
// twice the database's cores, for the 2-core machine the all-in-one runs on, where 4 did as well
// as 8 and far better than 20 (BenchmarkConcurrentTransitions; the README has the figures).
const DefaultWriters = 4

// sessionDefaults are the settings the store's sessions run with unless the database's URL
// sets them. Every query here is short. JIT compiling one costs ~10 ms, which the planner pays
// when its statistics lag (a table just emptied by the report's fold looked like 770,000
// rows). A parallel worker's start costs ~15 ms on the all-in-one's two cores, more than the
// queries it would split: the first page of an inbox of 2,500 open tasks took 25–28 ms in psql
// with one worker, 8–10 without, and the report's statistics 50–54 ms against 30.
var sessionDefaults = map[string]string{"jit": "off", "max_parallel_workers_per_gather": "0"}

// Options tune a store.
type Options struct {
	// Writers is how many transitions are written at once, from 1 to the pool's 20; 0 is
	// DefaultWriters.
	Writers int
}

// Open connects with the default options and checks the database answers.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenWith(ctx, url, Options{})
}

// OpenWith connects and checks the database answers.
func OpenWith(ctx context.Context, url string, opts Options) (*Store, error) {
	switch {
	case opts.Writers == 0:
		opts.Writers = DefaultWriters
	case opts.Writers < 0 || opts.Writers > maxConns:
		return nil, fmt.Errorf("open database: %d writers at once, want 1 to %d", opts.Writers, maxConns)
	}
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// A statement with parameters goes in one round trip (parse, bind and execute together)
	// instead of two (parse and describe, then bind and execute): each is a wait on the
	// database, and a page's reads are several.
	cfg.BinaryParameters = true
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	for name, value := range sessionDefaults {
		if _, set := cfg.Runtime[name]; !set {
			cfg.Runtime[name] = value
		}
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(maxConns)
	// As many kept as may be open: under load, a connection handed back is needed again at once,
	// and database/sql's default of 2 idle would have PostgreSQL fork a backend for each.
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	st := &Store{db: db, writers: make(chan struct{}, opts.Writers), committers: make(chan struct{}, 1),
		queue: newWriteQueue()}
	if n := min(opts.Writers, maxCommitters) - 1; n > 0 {
		st.relief = make(chan struct{}, n)
	}
	return st, nil
}

// Close releases the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies every pending migration under a PostgreSQL advisory lock, so two workers
// starting together do not race.
func (s *Store) Migrate(ctx context.Context) error {
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, files, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// atOnce runs a page's independent reads on connections of their own, so the page waits for
// the longest of them, not their sum; the first failure cancels the others.
func atOnce(ctx context.Context, reads ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, read := range reads {
		g.Go(func() error { return read(ctx) })
	}
	return g.Wait()
}

// writing runs fn, a transition's write, once one of the store's writers is free.
func (s *Store) writing(ctx context.Context, fn func() error) error {
	return s.turn(ctx, s.writers, fn)
}

// turn runs fn once slots has room for it.
func (s *Store) turn(ctx context.Context, slots chan struct{}, fn func() error) error {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait to write: %w", ctx.Err())
	}
	defer func() { <-slots }()
	return fn()
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	return s.inTxWith(ctx, nil, fn)
}

// snapshot runs fn in a transaction that sees one snapshot throughout.
func (s *Store) snapshot(ctx context.Context, readOnly bool, fn func(*sqlx.Tx) error) error {
	return s.inTxWith(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: readOnly}, fn)
}

func (s *Store) inTxWith(ctx context.Context, opts *sql.TxOptions, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Internal reports whether err comes from the database or the network rather than from what a
// person asked: such an error is logged, and the person is told only that the request failed,
// never the driver's text.
func Internal(err error) bool {
	var pqErr *pq.Error
	var netErr net.Error
	return errors.As(err, &pqErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) || errors.Is(err, context.DeadlineExceeded)
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
