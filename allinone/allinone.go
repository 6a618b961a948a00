// Package allinone brings skflow up as one process: the embedded PostgreSQL cluster and Temporal
// dev server when the configuration names none, the migrated store, and the Temporal worker
// running the case workflow and its activities. The worker command and the benchmark use it.
package allinone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/activities"
	"github.com/skflow/skflow/calsync"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/devserver"
	"github.com/skflow/skflow/mailer"
	"github.com/skflow/skflow/pgembed"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/reconcile"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/tclient"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/web"
	"github.com/skflow/skflow/workflows"
)

// System is a running skflow.
type System struct {
	Config   *config.Config
	Store    *store.Store
	Client   client.Client
	Temporal *devserver.Server // nil with an external Temporal
	Seeded   []store.Official  // demo officials added by this start, if any
	// Publisher issues the signed decrees, for the worker's activity and the web app alike.
	Publisher *publish.Publisher
	WebURL    string // where the web app listens
	// Zone is the working calendar's, by whose dekads, months, quarters and years the report's
	// counts are kept.
	Zone *time.Location

	log      *slog.Logger
	training *training.Definition
	pg       *pgembed.Cluster
	worker   worker.Worker
	stops    []func() error
}

// Up starts everything the configuration asks for. On error, whatever was started is stopped.
func Up(ctx context.Context, cfg *config.Config, log *slog.Logger) (_ *System, err error) {
	s := &System{Config: cfg, log: log}
	// Cases wait days on people; keeping each one's workflow in memory between decisions (the
	// SDK keeps 10,000) saves only the replay of a short history when the next decision comes.
	// The SDK's cache is one per process, made by its first worker: the embedded server's own
	// system workers come first.
	worker.SetStickyWorkflowCacheSize(cfg.Temporal.WorkflowCache)
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop())
		}
	}()

	if cfg.EmbeddedDatabase() {
		log.Info("starting the embedded PostgreSQL cluster", "dir", cfg.Path("postgres"), "port", cfg.Database.EmbeddedPort)
		s.pg, err = pgembed.Start(ctx, pgembed.Options{Dir: cfg.Path("postgres"), Port: cfg.Database.EmbeddedPort,
			Database: cfg.Database.Name, PasswordFile: cfg.EmbeddedPasswordFile()})
		if err != nil {
			return nil, err
		}
		s.stops = append(s.stops, s.pg.Stop)
	}
	s.Store, err = store.OpenWith(ctx, cfg.DatabaseURL(), store.Options{Writers: cfg.Database.Writers})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, s.Store.Close)
	if err = s.Store.Migrate(ctx); err != nil {
		return nil, err
	}
	if cfg.EmbeddedDatabase() {
		if s.Seeded, err = SeedDemoOfficials(ctx, s.Store); err != nil {
			return nil, err
		}
	}
	// The configuration's calendar becomes the kept one on the first start only.
	if _, _, err = (&calsync.Syncer{Store: s.Store, Seed: cfg.Calendar}).Current(ctx); err != nil {
		return nil, err
	}

	if cfg.EmbeddedTemporal() {
		log.Info("starting the embedded Temporal server", "dir", cfg.Path("temporal"), "port", cfg.Temporal.Port,
			"server_log", cfg.Path("temporal/temporal.log"))
		s.Temporal, err = devserver.Start(devserver.Options{Dir: cfg.Path("temporal"), Port: cfg.Temporal.Port,
			UIPort: cfg.Temporal.UIPort, Namespace: cfg.Temporal.Namespace})
		if err != nil {
			return nil, err
		}
		s.stops = append(s.stops, s.Temporal.Stop)
	}
	s.Client, err = tclient.Dial(cfg, log)
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() error { s.Client.Close(); return nil })

	def, err := cfg.Definition()
	if err != nil {
		return nil, err
	}
	if s.Publisher, err = publish.FromConfig(cfg, s.Store, def, log); err != nil {
		return nil, err
	}
	s.worker = worker.New(s.Client, cfg.Temporal.TaskQueue, worker.Options{})
	workflows.Register(s.worker)
	if s.training, err = cfg.TrainingDefinition(); err != nil {
		return nil, err
	}
	activities.Register(s.worker, &activities.Activities{Store: s.Store, Issuer: s.Publisher, Training: s.training, Trainings: s.Store, Certifier: s.Publisher})
	if err = s.worker.Start(); err != nil {
		return nil, fmt.Errorf("start worker on task queue %s: %w", cfg.Temporal.TaskQueue, err)
	}
	s.stops = append(s.stops, func() error { s.worker.Stop(); return nil })
	if err = s.serveWeb(def); err != nil {
		return nil, err
	}
	return s, nil
}

// WebService is the service standard's configuration as the web app shows it.
func WebService(s config.Service) web.Service {
	return web.Service{Requirements: s.Requirements, Fee: s.Fee, Products: s.Products, ComplaintsEmail: s.ComplaintsEmail}
}

// serveWeb starts the web app on http.address.
func (s *System) serveWeb(def *sop.Definition) error {
	cfg := s.Config
	app, err := web.New(s.Store, caseops.New(s.Client, cfg.Temporal.TaskQueue), def, web.Options{
		Calendar: cfg.Calendar, BatchSize: cfg.Training.BatchSize, NumberFormat: cfg.Decree.NumberFormat, TemporalUI: cfg.TemporalUIURL(), Namespace: cfg.Temporal.Namespace,
		SecureCookies: cfg.HTTP.SecureCookies, Log: s.log, Publisher: s.Publisher, Training: s.training, PublicURL: cfg.PublicURL(),
		Service: WebService(cfg.Service), Printer: cfg.Printer(),
		Health: func(ctx context.Context) error {
			_, err := s.Client.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Address)
	if err != nil {
		return fmt.Errorf("web app on http.address %s: %w", cfg.HTTP.Address, err)
	}
	// Bounded on every side, so a slow or stalled client holds nothing for long; the write
	// bound covers a decision's two 15-second waits and the largest upload's read.
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("web app stopped", "err", err)
		}
	}()
	s.WebURL = "http://" + ln.Addr().String()
	// Expired sessions are never read again; sweep them so the table stays small.
	s.every(time.Hour, "purge expired sessions", s.Store.PurgeSessions)
	// Every stream's head goes into a checkpoint, so a case's audit rows cut short are caught.
	s.every(time.Minute, "checkpoint the audit log", func(ctx context.Context) error {
		_, err := s.Store.Checkpoint(ctx, time.Now())
		return err
	})
	// The report's statistics read the decisions' counts by dekad, month, quarter and year of
	// the calendar's zone; what is not folded yet is read as it is, so this only keeps the reads
	// short.
	if s.Zone, err = cfg.Calendar.Location(); err != nil {
		return err
	}
	s.every(time.Minute, "fold the report's counts", func(ctx context.Context) error {
		if rebuilt, err := s.Store.FoldDecided(ctx, s.Zone); err != nil || !rebuilt {
			return err
		}
		s.log.Info("the report's counts were rebuilt by the dekads, months, quarters and years of the calendar's zone", "zone", s.Zone.String())
		return nil
	})
	// Cases whose workflow closed outside skflow are recorded as stopped, so none shows as running.
	rec, stopRec := context.WithCancel(context.Background())
	cals := &calsync.Syncer{Store: s.Store, Ops: caseops.New(s.Client, cfg.Temporal.TaskQueue), Seed: cfg.Calendar}
	go (&reconcile.Reconciler{Store: s.Store, Client: s.Client, Grace: time.Minute}).Run(rec, 5*time.Minute, func(stopped []reconcile.Stopped, err error) {
		for _, c := range stopped {
			s.log.Warn("case stopped outside skflow", "case", c.CaseID, "reason", c.Reason)
		}
		if err != nil {
			s.log.Warn("reconcile cases with Temporal", "err", err)
		}
		// Cases that missed a calendar change (their worker was away) catch up here.
		if p, err := cals.Push(rec); err != nil {
			s.log.Warn("bring running cases onto the working calendar", "err", err)
		} else if len(p.Moved)+len(p.Failed) > 0 {
			s.log.Info("running cases brought onto the working calendar", "version", p.Version, "moved", len(p.Moved), "failed", len(p.Failed))
		}
	})
	s.stops = append(s.stops, func() error { stopRec(); return nil })
	// The outbox goes out by mail while the process runs.
	mail, stopMail := context.WithCancel(context.Background())
	go mailer.New(s.Store, cfg.SMTP, cfg.Delivery, s.log).Run(mail, 15*time.Second)
	s.stops = append(s.stops, func() error { stopMail(); return nil })
	s.stops = append(s.stops, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	})
	return nil
}

// Stop shuts down in the reverse order of starting: the worker first finishes its tasks.
func (s *System) Stop() error {
	var errs []error
	for i := len(s.stops) - 1; i >= 0; i-- {
		errs = append(errs, s.stops[i]())
	}
	s.stops = nil
	return errors.Join(errs...)
}

// every runs job now and then every interval until the system stops; a failure is logged and
// the next round tries again. Stopping cancels a round under way and waits for it, so no job
// is left writing to a store being closed.
func (s *System) every(interval time.Duration, what string, job func(context.Context) error) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if err := job(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn(what, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	s.stops = append(s.stops, func() error { stop(); <-done; return nil })
}
