// Command worker runs skflow. With no Temporal address and no database URL configured it runs
// everything in one process: a Temporal dev server (SQLite file, with the Web UI) and a private
// PostgreSQL cluster, both in the data directory, so a second start finds the same cases.
// With an external Temporal and database it is a plain Temporal worker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/config"
)

func main() {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	file := fs.String("config", "", "configuration file (default: ./"+config.DefaultFile+" if present)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: worker [--config FILE]

Runs skflow: the Temporal worker for SOP cases and, when temporal.address and database.url
are not configured, an embedded Temporal server and PostgreSQL cluster in data_dir.
Settings come from the file and SKFLOW_* environment variables (see README.md).
Stop it with Ctrl-C (SIGINT) or SIGTERM; running cases are kept.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		os.Exit(2)
	}
	if err := run(*file); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func run(file string) error {
	cfg, err := config.Load(file)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		return fmt.Errorf("log.level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sys, err := allinone.Up(ctx, cfg, log)
	if err != nil {
		return err
	}
	announce(sys)
	<-ctx.Done()
	log.Info("shutting down")
	if err := sys.Stop(); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	log.Info("stopped")
	return nil
}

func announce(sys *allinone.System) {
	cfg := sys.Config
	fmt.Println("skflow is running.")
	fmt.Printf("  Web app:       %s\n", sys.WebURL)
	fmt.Printf("  Temporal:      %s (namespace %s, task queue %s)\n", cfg.TemporalAddress(), cfg.Temporal.Namespace, cfg.Temporal.TaskQueue)
	if ui := cfg.TemporalUIURL(); ui != "" {
		fmt.Printf("  Temporal UI:   %s\n", ui)
	}
	if cfg.EmbeddedDatabase() {
		u, _ := url.Parse(cfg.DatabaseURL())
		u.User = url.User("postgres")
		fmt.Printf("  PostgreSQL:    %s (embedded, data in %s, password in %s)\n", u, cfg.Path("postgres"), cfg.EmbeddedPasswordFile())
	} else {
		fmt.Println("  PostgreSQL:    database.url")
	}
	if len(sys.Seeded) > 0 {
		fmt.Printf("\nDemo officials, password %q (embedded mode only; shown once, list them again with `go run ./starter officials`):\n", allinone.DemoPassword)
		w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "  NIP\tROLE\tNAME")
		for _, o := range sys.Seeded {
			fmt.Fprintf(w, "  %s\t%s\t%s\n", o.NIP, o.Role, o.Name)
		}
		w.Flush()
	}
	fmt.Println("\nIn another terminal: go run ./starter --help    Stop with Ctrl-C.")
}
