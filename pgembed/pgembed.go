// Package pgembed runs a private PostgreSQL cluster inside skflow's data directory, from the
// machine's own PostgreSQL binaries, for the all-in-one worker when no database URL is set.
//
// PostgreSQL refuses to run as root, so as root it runs the binaries as the postgres user. That
// user cannot enter a directory under a 0700 home (root's own, or any user's clone there); the
// cluster then lives under /var/lib/skflow, named after the data directory, and the data
// directory holds a symbolic link to it, so a second start finds it again. Nobody's permissions
// are changed.
//
// The cluster's superuser has a generated password (SCRAM-SHA-256 for local and TCP
// connections), kept 0600 beside the cluster in the data directory: other users of the machine
// cannot connect and rewrite the records or the audit chain. A cluster made by an earlier
// version with trust authentication is given a password on its next start.
package pgembed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// Options say where the cluster lives and how it is reached.
type Options struct {
	Dir          string // the cluster's data directory (or a link to it)
	Port         int    // listens on 127.0.0.1:Port
	Database     string // created on first start
	PasswordFile string // the superuser's password, 0600; created on first start
}

// Cluster is a running private cluster.
type Cluster struct {
	o     Options
	bin   string
	owner *user.User // nil when running as ourselves
	URL   string     // with the password: for connecting, never for printing
}

// relocated is where a cluster lives when the postgres user cannot reach the data directory.
var relocated = "/var/lib/skflow"

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
	if o.PasswordFile == "" {
		o.PasswordFile = filepath.Join(filepath.Dir(o.Dir), "postgres.password")
	}
	c := &Cluster{o: o, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL will not run as root and there is no postgres user to run it as: %w", err)
		}
		c.owner = u
	}
	if err := os.MkdirAll(filepath.Dir(o.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	if c.o.Dir, err = c.place(o.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	if err := c.chown(c.o.Dir); err != nil {
		return nil, err
	}
	password, fresh, err := c.password()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(c.o.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, password); err != nil {
			return nil, err
		}
		fresh = false
	}
	started, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", password), Host: fmt.Sprintf("127.0.0.1:%d", o.Port),
		Path: "/" + o.Database, RawQuery: "sslmode=disable"}
	c.URL = u.String()
	if fresh {
		err = c.secure(ctx, password)
	}
	if err == nil {
		err = c.createDatabase(ctx)
	}
	if err != nil {
		if started { // not left running for the next start to trip on
			err = errors.Join(err, c.Stop())
		}
		return nil, err
	}
	return c, nil
}

// place returns the directory the cluster really lives in: dir itself, or the target of a link
// made at an earlier start, or (when the postgres user cannot reach dir) a new directory under
// /var/lib/skflow with dir made a link to it. A directory there that no link names any more
// (its checkout was removed, its password with it) is left as it is, and the new one gets a
// name of its own.
func (c *Cluster) place(dir string) (string, error) {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if real != dir || c.reachable(filepath.Dir(dir)) {
			return real, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
			return "", fmt.Errorf("the database cluster in %s cannot be reached by the %s user; "+
				"move it to a directory that user can enter, or set database.url", dir, c.owner.Username)
		}
		if err := os.Remove(dir); err != nil { // an empty directory left by a failed start
			return "", fmt.Errorf("database directory %s: %w", dir, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("database directory %s: %w", dir, err)
	}
	if c.reachable(filepath.Dir(dir)) {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(dir))
	target := filepath.Join(relocated, "postgres-"+hex.EncodeToString(sum[:8]))
	for n := 2; ; n++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		target = filepath.Join(relocated, fmt.Sprintf("postgres-%s-%d", hex.EncodeToString(sum[:8]), n))
	}
	if err := os.MkdirAll(relocated, 0o755); err != nil {
		return "", fmt.Errorf("database directory %s: %w", relocated, err)
	}
	if err := os.Symlink(target, dir); err != nil {
		return "", fmt.Errorf("link %s to %s: %w", dir, target, err)
	}
	return target, nil
}

// reachable reports whether the postgres user can enter dir and every directory above it.
func (c *Cluster) reachable(dir string) bool {
	if c.owner == nil {
		return true
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		enter := mode&0o001 != 0 || (ok && int(st.Uid) == uid && mode&0o100 != 0) || (ok && int(st.Gid) == gid && mode&0o010 != 0)
		if !enter {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// password reads the superuser's password, or makes one; fresh says it was just made for a
// cluster that may not have it yet.
func (c *Cluster) password() (string, bool, error) {
	b, err := os.ReadFile(c.o.PasswordFile)
	if err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p, false, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("database password: %w", err)
	}
	r := make([]byte, 24)
	if _, err := rand.Read(r); err != nil {
		return "", false, fmt.Errorf("database password: %w", err)
	}
	p := hex.EncodeToString(r)
	if err := os.WriteFile(c.o.PasswordFile, []byte(p+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("database password: %w", err)
	}
	return p, true, nil
}

func (c *Cluster) initdb(ctx context.Context, password string) error {
	// initdb reads the password from a file of the user it runs as, beside the cluster's
	// directory (it must start empty), removed as soon as it has been read.
	pw := c.o.Dir + ".pwfile"
	if err := os.WriteFile(pw, []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("initialise database cluster: %w", err)
	}
	defer os.Remove(pw)
	if err := c.chown(pw); err != nil {
		return err
	}
	err := c.run(ctx, "initdb", "-D", c.o.Dir, "-U", "postgres", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
		"--pwfile="+pw, "-E", "UTF8", "--no-locale")
	if err != nil {
		return fmt.Errorf("initialise database cluster in %s: %w", c.o.Dir, err)
	}
	return nil
}

func (c *Cluster) start(ctx context.Context) (started bool, err error) {
	if c.run(ctx, "pg_ctl", "-D", c.o.Dir, "status") == nil {
		return false, nil
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", c.o.Port))
	if err != nil {
		return false, fmt.Errorf("database port %d is in use (is another skflow running? set database.embedded_port)", c.o.Port)
	}
	l.Close()
	// TCP on loopback only: a socket path under a deep data directory can pass the 107 bytes
	// a Unix socket name may have. The cluster is on this machine's disk, whose random reads
	// cost about what sequential ones do: at the default of 4 the planner hashed a province's
	// 70,000 cases for an inbox of 2,500 tasks (28 ms) instead of looking each up (about 10).
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c random_page_cost=1.1", c.o.Port)
	if err := c.run(ctx, "pg_ctl", "-D", c.o.Dir, "-o", opts, "-l", filepath.Join(c.o.Dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		return false, fmt.Errorf("start database cluster (log: %s): %w", filepath.Join(c.o.Dir, "server.log"), err)
	}
	return true, nil
}

// secure gives a cluster made with trust authentication its password and SCRAM-SHA-256 for
// every connection, then reloads it.
func (c *Cluster) secure(ctx context.Context, password string) error {
	admin, err := sql.Open("postgres", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.o.Port))
	if err != nil {
		return fmt.Errorf("connect to database cluster: %w", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD "+pq.QuoteLiteral(password)); err != nil {
		return fmt.Errorf("set the database password (an older cluster without one?): %w", err)
	}
	hba := "# skflow: every connection needs the password in " + c.o.PasswordFile + "\n" +
		"local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
	path := filepath.Join(c.o.Dir, "pg_hba.conf")
	if err := os.WriteFile(path, []byte(hba), 0o600); err != nil {
		return fmt.Errorf("database access rules: %w", err)
	}
	if err := c.chown(path); err != nil {
		return err
	}
	return c.run(ctx, "pg_ctl", "-D", c.o.Dir, "reload")
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
	u, _ := url.Parse(c.URL)
	u.Path = "/postgres"
	admin, err := sql.Open("postgres", u.String())
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
	// The postgres user may not be able to enter the current directory, and initdb and pg_ctl
	// look up their own location from it.
	cmd.Dir = "/"
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
