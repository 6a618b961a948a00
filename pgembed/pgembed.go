// Package pgembed runs a private PostgreSQL cluster inside skflow's data directory, from the
// machine's own PostgreSQL binaries, for the all-in-one worker when no database URL is set.
// PostgreSQL refuses to run as root, so as root it runs the binaries as the postgres user.
package pgembed

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// Options say where the cluster lives and how it is reached.
type Options struct {
	Dir      string // the cluster's data directory
	Port     int    // listens on 127.0.0.1:Port
	Database string // created on first start
}

// Cluster is a running private cluster.
type Cluster struct {
	o     Options
	bin   string
	owner *user.User // nil when running as ourselves
	URL   string
}

// ErrNoBinaries means PostgreSQL's server programs are not installed.
var ErrNoBinaries = errors.New("PostgreSQL server programs (initdb, pg_ctl) not found; install them " +
	"(Debian/Ubuntu: apt-get install postgresql) or set database.url to an existing database")

// Start initialises the cluster on first use, starts it (or finds it already running), and
// makes sure the database exists.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	// PostgreSQL changes into its data directory, so every path it is given must be absolute.
	if o.Dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	c := &Cluster{o: o, bin: bin,
		URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", o.Port, o.Database)}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL will not run as root and there is no postgres user to run it as: %w", err)
		}
		c.owner = u
	}
	// The postgres user must be able to reach its directory through the parents we create.
	if err := os.MkdirAll(filepath.Dir(o.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	if err := c.chown(o.Dir); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run(ctx, "initdb", "-D", o.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"); err != nil {
			if c.owner != nil {
				err = fmt.Errorf("%w (the %s user must be able to enter every directory above %s)", err, c.owner.Username, o.Dir)
			}
			return nil, fmt.Errorf("initialise database cluster in %s: %w", o.Dir, err)
		}
	}
	if c.run(ctx, "pg_ctl", "-D", o.Dir, "status") != nil {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", o.Port))
		if err != nil {
			return nil, fmt.Errorf("database port %d is in use (is another skflow running? set database.embedded_port)", o.Port)
		}
		l.Close()
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", o.Port, o.Dir)
		if err := c.run(ctx, "pg_ctl", "-D", o.Dir, "-o", opts, "-l", filepath.Join(o.Dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
			return nil, fmt.Errorf("start database cluster (log: %s): %w", filepath.Join(o.Dir, "server.log"), err)
		}
	}
	if err := c.createDatabase(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop shuts the cluster down, waiting for it to finish writing.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.run(ctx, "pg_ctl", "-D", c.o.Dir, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("stop database cluster: %w", err)
	}
	return nil
}

func (c *Cluster) createDatabase(ctx context.Context) error {
	admin, err := sql.Open("postgres", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.o.Port))
	if err != nil {
		return fmt.Errorf("connect to database cluster: %w", err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", c.o.Database).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", c.o.Database, err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(c.o.Database)); err != nil {
			return fmt.Errorf("create database %s: %w", c.o.Database, err)
		}
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, prog string, args ...string) error {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.owner != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.owner.Username, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", prog, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

func (c *Cluster) chown(dir string) error {
	if c.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to the postgres user: %w", dir, err)
	}
	return nil
}

// findBinaries looks on PATH first, then in Debian's versioned directories, newest first.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}
