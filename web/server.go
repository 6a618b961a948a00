// Package web is skflow's web app in Bahasa Indonesia: the officials' inbox, the operators'
// board, the case page with the SOP swimlane, the auditors' report, and managing officials.
// It talks to cases through caseops (the same workflow Updates as the CLI) and reads the store.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/skflow/skflow/calsync"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/worktime"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Options configure the web app.
type Options struct {
	Calendar      worktime.Spec // the calendar kept in the database is seeded from this
	BatchSize     int           // most participants in one angkatan
	NumberFormat  string        // the decree register's numbering; chain.DefaultNumberFormat when empty
	TemporalUI    string        // base URL of the Temporal Web UI, "" for none
	Namespace     string
	SecureCookies bool
	// Publisher issues and writes the decrees (their template, signer and public address).
	Publisher *publish.Publisher
	// Training is the Latsar definition the angkatan run on; PublicURL starts the links sent
	// to participants.
	Training  *training.Definition
	PublicURL string
	// Service is the public standard's text besides the SOP.
	Service Service
	// Health reports whether Temporal answers, for /readyz.
	Health func(context.Context) error
	Now    func() time.Time // the clock; time.Now when nil
	Log    *slog.Logger
	// Printer speaks the configured language; Bahasa Indonesia when nil.
	Printer *i18n.Printer
}

// Server serves the web app.
type Server struct {
	st        *store.Store
	ops       *caseops.Ops
	def       *sop.Definition
	cal       *worktime.Calendar
	o         Options
	p         *i18n.Printer
	sessions  *scs.SessionManager
	pages     map[string]*template.Template
	drafts    *drafts.Drafts
	calendars *calsync.Syncer
	metrics   *metrics
}

// New builds the web app.
func New(st *store.Store, ops *caseops.Ops, def *sop.Definition, o Options) (*Server, error) {
	cal, err := worktime.New(o.Calendar)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Training == nil {
		o.Training = training.Default()
	}
	if o.Printer == nil {
		o.Printer = i18n.New(i18n.Indonesian)
	}
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "skflow_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = o.SecureCookies
	s := &Server{st: st, ops: ops, def: def, cal: cal, o: o, p: o.Printer, sessions: sm,
		drafts:    &drafts.Drafts{St: st, Ops: ops, Def: def, Decrees: o.Publisher},
		calendars: &calsync.Syncer{Store: st, Ops: ops, Seed: o.Calendar},
		metrics:   newMetrics(st)}
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler is the whole app: sessions, cross-origin protection and every route.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))

	mux.HandleFunc("GET /publik", s.public)
	mux.HandleFunc("GET /layanan", s.servicePage)
	mux.HandleFunc("POST /layanan/pengaduan", s.complain)
	mux.HandleFunc("GET /layanan/pengaduan", s.complaintPage)
	mux.HandleFunc("GET /layanan/pengaduan/{number}", s.complaintPage)
	mux.HandleFunc("GET /publik/{id}", s.publicSK)
	mux.HandleFunc("GET /verifikasi/{id}", s.verifyPage)
	mux.HandleFunc("POST /verifikasi/{id}", s.verifyUpload)
	mux.HandleFunc("GET /publik/sertifikat/{id}", s.certificatePDF)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.signedIn(s.logout))
	mux.HandleFunc("GET /{$}", s.signedIn(s.home))

	official := s.allow(roleOfficial)
	mux.HandleFunc("GET /inbox", official(s.inbox))
	mux.HandleFunc("GET /tasks/{case}", official(s.taskPage))
	mux.HandleFunc("POST /tasks/{case}/decide", official(s.decide))

	watchers := s.allow(roleOperator, roleAuditor)
	mux.HandleFunc("GET /board", watchers(s.board))
	mux.HandleFunc("GET /cases/{id}", s.signedIn(s.casePage))
	mux.HandleFunc("POST /cases/{id}/candidates", s.signedIn(s.correctCandidate))
	mux.HandleFunc("POST /cases/{id}/versions", official(s.uploadVersion))
	mux.HandleFunc("POST /cases/{id}/proposals", official(s.uploadProposals))
	mux.HandleFunc("GET /cases/{id}/versions/{n}", s.signedIn(s.downloadVersion))
	mux.HandleFunc("GET /cases/{id}/sk", s.signedIn(s.draftSK))
	mux.HandleFunc("GET /cases/{id}/sk.pdf", s.signedIn(s.draftSK))
	operator := s.allow(roleOperator)
	mux.HandleFunc("POST /cases", operator(s.startCase))
	mux.HandleFunc("POST /cases/{id}/cancel", operator(s.cancelCase))
	mux.HandleFunc("GET /officials", operator(s.officialsPage))
	mux.HandleFunc("POST /officials", operator(s.addOfficial))
	mux.HandleFunc("POST /officials/{nip}", operator(s.changeOfficial))
	mux.HandleFunc("POST /standins", operator(s.addStandIn))
	mux.HandleFunc("GET /calendar", watchers(s.calendarPage))
	mux.HandleFunc("GET /latsar", watchers(s.trainingList))
	mux.HandleFunc("GET /latsar/{id}", watchers(s.trainingBoard))
	mux.HandleFunc("GET /latsar/{id}/panggilan", watchers(s.summonsLetter))
	mux.HandleFunc("POST /latsar/{id}/hasil", operator(s.importResults))
	mux.HandleFunc("POST /latsar/{id}/tautan", operator(s.sendLinks))
	mux.HandleFunc("GET /peserta/masuk", s.participantSignIn)
	mux.HandleFunc("GET /peserta", s.participantPage)
	mux.HandleFunc("POST /peserta", s.participantAct)
	mux.HandleFunc("POST /calendar", operator(s.editCalendar))

	auditors := s.allow(roleAuditor, "kepala")
	mux.HandleFunc("GET /report", auditors(s.reportPage))
	mux.HandleFunc("GET /report.csv", auditors(s.reportExport))
	mux.HandleFunc("GET /report.xlsx", auditors(s.reportExport))
	mux.HandleFunc("GET /audit", s.allow(roleAuditor)(s.auditPage))
	mux.HandleFunc("GET /outbox", operator(s.outboxPage))
	mux.HandleFunc("GET /pengaduan", operator(s.complaintsPage))
	mux.HandleFunc("POST /pengaduan/{number}", operator(s.answerComplaint))
	mux.HandleFunc("POST /outbox/{id}/retry", operator(s.retryMessage))
	mux.HandleFunc("/", s.notFound)

	return s.metrics.wrap(limitBodies(http.NewCrossOriginProtection().Handler(s.sessions.LoadAndSave(mux))))
}

// Request bodies are bounded before any handler reads them: a form is small; an upload is
// bounded here by the largest file the app takes, and by its own handler more tightly.
const (
	maxForm      = 64 << 10
	maxMultipart = maxUpload + 1<<20
)

func limitBodies(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := int64(maxForm)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = maxMultipart
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var problems []error
	if err := s.st.Ping(ctx); err != nil {
		problems = append(problems, fmt.Errorf("database: %w", err))
	}
	if s.o.Health != nil {
		if err := s.o.Health(ctx); err != nil {
			problems = append(problems, fmt.Errorf("temporal: %w", err))
		}
	}
	if err := errors.Join(problems...); err != nil {
		s.o.Log.Warn("not ready", "err", err)
		// Which part is down, never the driver's text: the endpoint needs no sign-in.
		msg := "belum siap:"
		for _, p := range problems {
			msg += " " + strings.SplitN(p.Error(), ":", 2)[0] + " tidak dapat dihubungi;"
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	decisions *prometheus.CounterVec
}

func newMetrics(st *store.Store) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	// The store's group commit, as this process's store wrote: transitions over calls is how
	// deep the writes queue.
	w := st.Writes()
	for _, c := range []struct {
		name, help string
		n          func() int64
	}{
		{"skflow_store_transitions_written_total", "Case transitions this process's store sent through its group queue (a failed group's again when written alone).", w.Transitions.Load},
		{"skflow_store_write_calls_total", "Calls to the database that wrote them, one or a group of transitions each.", w.Calls.Load},
		{"skflow_store_transitions_rewritten_total", "Transitions written again alone after their group failed.", w.Retried.Load},
	} {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help}, func() float64 { return float64(c.n()) }))
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skflow_http_requests_total",
		Help: "HTTP requests by method and status code."}, []string{"method", "code"})
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "skflow_decisions_total",
		Help: "Decisions sent from the web app, by action and outcome."}, []string{"action", "outcome"})
	m.reg.MustRegister(m.requests, m.decisions, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		m.requests.WithLabelValues(r.Method, strconv.Itoa(sw.code)).Inc()
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
