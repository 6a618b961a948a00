// Package devserver runs a single-process Temporal server persisted to a SQLite file, with the
// Temporal Web UI, for the all-in-one worker when no Temporal address is configured. It is the
// same arrangement as the Temporal CLI's "server start-dev", built on the server's public API.
package devserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Options say where the server keeps its data and listens.
type Options struct {
	Dir       string        // the SQLite file and the server log live here
	Host      string        // listen address, 127.0.0.1 by default
	Port      int           // frontend gRPC port, 7233 by default
	UIPort    int           // Web UI port; 0 disables the UI
	Namespace string        // created on start, "default" by default
	Retention time.Duration // how long closed cases stay in Temporal; 7 days by default
}

// historyCacheSize is how many workflows' mutable state the embedded server keeps in memory.
const historyCacheSize = 1000

// Server is a running dev server.
type Server struct {
	srv       temporal.Server
	ui        *uiserver.Server
	Address   string // host:port for clients
	UIAddress string // http://host:port of the Web UI, empty when disabled
}

// Start creates the database on first use, registers the namespace and starts the server.
func Start(o Options) (*Server, error) {
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.Port == 0 {
		o.Port = 7233
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Retention == 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("temporal data directory: %w", err)
	}
	if o.Port < 301 {
		return nil, fmt.Errorf("temporal port %d: must be above 300 (membership ports sit 300 below it)", o.Port)
	}
	for _, p := range Ports(o.Port) {
		if err := portFree(o.Host, p); err != nil {
			return nil, fmt.Errorf("temporal needs port %d (ports %v, from temporal.port %d): %w; is another skflow or Temporal running?",
				p, Ports(o.Port), o.Port, err)
		}
	}
	dbFile := filepath.Join(o.Dir, "temporal.db")
	sqlCfg := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: dbFile,
		// WAL with synchronous=NORMAL roughly halves update latency and stays crash-safe.
		ConnectAttributes: map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "1"},
	}
	if _, err := os.Stat(dbFile); errors.Is(err, os.ErrNotExist) {
		if err := sqlite.SetupSchema(sqlCfg); err != nil {
			return nil, fmt.Errorf("create temporal schema in %s: %w", dbFile, err)
		}
	}
	ns, err := sqlite.NewNamespaceConfig("active", o.Namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", o.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(o.Retention)
	if err := sqlite.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("create namespace %s: %w", o.Namespace, err)
	}

	cfg, err := serverConfig(o, sqlCfg)
	if err != nil {
		return nil, err
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: "warn", OutputFile: filepath.Join(o.Dir, "temporal.log")}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claims, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claims }),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// A case waits days on a person between decisions: its mutable state need not stay
			// in memory meanwhile (the default keeps 128,000 for an hour), and is read back
			// from SQLite in a millisecond when the next decision comes.
			dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): []dynamicconfig.ConstrainedValue{{Value: historyCacheSize}},
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("create temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	s := &Server{srv: srv, Address: net.JoinHostPort(o.Host, strconv.Itoa(o.Port))}

	if o.UIPort != 0 {
		if err := portFree(o.Host, o.UIPort); err != nil {
			_ = srv.Stop()
			return nil, fmt.Errorf("temporal UI port %d: %w (set temporal.ui_port, or 0 to disable)", o.UIPort, err)
		}
		s.ui = uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
			TemporalGRPCAddress: s.Address,
			Host:                o.Host,
			Port:                o.UIPort,
			EnableUI:            true,
			DefaultNamespace:    o.Namespace,
			DisableNewsFetch:    true, // no internet in an agency's closed network
			CORS:                uiconfig.CORS{CookieInsecure: true},
			// No banner and no line per request on the worker's output: it is for people.
			HideLogs: true,
		}))
		go func() { _ = s.ui.Start() }()
		s.UIAddress = fmt.Sprintf("http://%s", net.JoinHostPort(o.Host, strconv.Itoa(o.UIPort)))
	}
	return s, nil
}

// Stop shuts the UI and the server down.
func (s *Server) Stop() error {
	if s.ui != nil {
		s.ui.Stop()
	}
	if err := s.srv.Stop(); err != nil {
		return fmt.Errorf("stop temporal server: %w", err)
	}
	return nil
}

// Offsets from the frontend port of each service's gRPC and membership ports: Temporal's own
// layout (7233-7235 and 7239, membership 6933-6935 and 6939). Fixed ports matter: the
// membership table in the SQLite file remembers them, and a restart must find its services
// where the last run left them, or the cluster never forms.
var serviceOffsets = []struct {
	name             string
	grpc, membership int
}{{"frontend", 0, -300}, {"history", 1, -299}, {"matching", 2, -298}, {"worker", 6, -294}}

// Ports lists every port the server listens on for a frontend port, for error messages and docs.
func Ports(frontend int) []int {
	var ports []int
	for _, s := range serviceOffsets {
		ports = append(ports, frontend+s.grpc, frontend+s.membership)
	}
	return ports
}

func serverConfig(o Options, sqlCfg *config.SQL) (*config.Config, error) {
	frontend := net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
	services := map[string]config.Service{}
	for _, s := range serviceOffsets {
		services[s.name] = config.Service{RPC: config.RPC{GRPCPort: o.Port + s.grpc, MembershipPort: o.Port + s.membership, BindOnIP: o.Host}}
	}
	metricsPort, err := freePort(o.Host)
	if err != nil {
		return nil, err
	}
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: o.Host},
			Metrics: &metrics.Config{Prometheus: &metrics.PrometheusConfig{
				ListenAddress: net.JoinHostPort(o.Host, strconv.Itoa(metricsPort)), HandlerPath: "/metrics"}},
		},
		Persistence: config.Persistence{
			DefaultStore: sqliteplugin.PluginName, VisibilityStore: sqliteplugin.PluginName, NumHistoryShards: 1,
			DataStores: map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10, MasterClusterName: "active", CurrentClusterName: "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}

func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(host string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return errors.New("already in use")
	}
	return l.Close()
}
