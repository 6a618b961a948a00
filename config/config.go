// Package config reads skflow's configuration from a YAML file and SKFLOW_* environment
// variables (SKFLOW_TEMPORAL_ADDRESS overrides temporal.address), fills documented defaults and
// checks it, with errors that name the key. It is the only package that imports viper.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/worktime"
)

// Config is the whole configuration. Empty temporal.address and database.url mean "embedded":
// the worker runs its own Temporal dev server and PostgreSQL cluster in data_dir.
type Config struct {
	// Language is what people read: "id" (Bahasa Indonesia) or "en"; empty follows the POSIX
	// locale (LC_ALL, LC_MESSAGES, LANG), where only an English one means English.
	Language string        `yaml:"language"`
	DataDir  string        `yaml:"data_dir"`
	Temporal Temporal      `yaml:"temporal"`
	Database Database      `yaml:"database"`
	HTTP     HTTP          `yaml:"http"`
	Calendar worktime.Spec `yaml:"calendar"`
	SOP      SOP           `yaml:"sop"`
	Training Training      `yaml:"training"`
	SMTP     SMTP          `yaml:"smtp"`
	Delivery Delivery      `yaml:"delivery"`
	Decree   Decree        `yaml:"decree"`
	Signing  Signing       `yaml:"signing"`
	Service  Service       `yaml:"service"`
	Log      Log           `yaml:"log"`
}

// Service is what the public service standard page says besides the SOP itself: the
// requirements, the fee, the products and where complaints go (seed 002's standard).
type Service struct {
	Requirements    []string `yaml:"requirements"`
	Fee             string   `yaml:"fee"`
	Products        []string `yaml:"products"`
	ComplaintsEmail string   `yaml:"complaints_email"`
}

// Decree is how a signed decree is numbered.
type Decree struct {
	// NumberFormat is the agency's numbering: {nomor} is the register's sequence for the year
	// (four digits at least), {tahun} the year of the signature.
	NumberFormat string `yaml:"number_format"`
	// Template is the decree's wording and layout (a YAML file like
	// examples/keputusan-bupati-bone.yaml); empty: the embedded Keputusan Bupati Wajo.
	Template string `yaml:"template"`
	// Emblem is the regional emblem for the kop, PNG or JPEG; it replaces the template's.
	Emblem string `yaml:"emblem"`
}

// Signing is how an issued decree is electronically signed. With nothing set, a development
// CA and key are made in data_dir/signing on the first start: the decree verifies as
// unmodified but is trusted by nobody outside. An agency sets its certificate and key, or its
// certificate authority's signing service.
type Signing struct {
	Certificate string         `yaml:"certificate"` // PEM, the signer's certificate then its chain
	Key         string         `yaml:"key"`         // PEM private key, readable by skflow only
	Service     SigningService `yaml:"service"`
}

// SigningService is a CA's signing service (BSrE's eSign and the like): the PDF is posted as
// the multipart field "file" with Fields, the signed PDF comes back. When its URL is set it
// signs instead of a local key; nothing is sent anywhere by default.
type SigningService struct {
	URL      string            `yaml:"url"`
	Username string            `yaml:"username"`
	Password string            `yaml:"password"`
	Fields   map[string]string `yaml:"fields"` // e.g. nik, passphrase, tampilan: invisible
}

// SMTP is the mail server notifications go out through; no address means nothing is sent and
// messages wait in the outbox.
type SMTP struct {
	Address  string `yaml:"address"` // host:port
	From     string `yaml:"from"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// Delivery says where each OPD's copy of the signed SK goes.
type Delivery struct {
	OPDEmails     map[string]string `yaml:"opd_emails"`     // OPD name (any case) to address
	FallbackEmail string            `yaml:"fallback_email"` // for OPDs without their own address
}

// Training is about the Latsar batches the classification forms.
type Training struct {
	BatchSize int `yaml:"batch_size"` // most participants in one angkatan
	// File is the training after the SK (see training/latsar.yaml); empty: the embedded
	// Latsar CPNS definition.
	File string `yaml:"file"`
}

// Temporal says which Temporal to use, or how to run the embedded one.
type Temporal struct {
	Address   string `yaml:"address"` // host:port of an external Temporal; empty: embedded
	Namespace string `yaml:"namespace"`
	TaskQueue string `yaml:"task_queue"`
	// WorkflowCache is how many cases the worker keeps in memory between their tasks; one not
	// kept replays its short history when its next decision comes.
	WorkflowCache int    `yaml:"workflow_cache"`
	Port          int    `yaml:"port"`    // embedded server's gRPC port
	UIPort        int    `yaml:"ui_port"` // embedded server's Web UI port; 0: no UI
	UIURL         string `yaml:"ui_url"`  // Web UI address for links to an external Temporal
	APIKey        string `yaml:"api_key"`
	TLS           TLS    `yaml:"tls"`
}

// TLS for an external Temporal (mTLS when cert and key are set).
type TLS struct {
	Enabled    bool   `yaml:"enabled"`
	Cert       string `yaml:"cert"`
	Key        string `yaml:"key"`
	CA         string `yaml:"ca"`
	ServerName string `yaml:"server_name"`
}

// Database says which PostgreSQL holds skflow's records, or how to run the embedded one.
type Database struct {
	URL          string `yaml:"url"`           // postgres://...; empty: embedded cluster
	EmbeddedPort int    `yaml:"embedded_port"` // embedded cluster listens on 127.0.0.1:port
	Name         string `yaml:"name"`          // database name in the embedded cluster
	// Writers is how many case and training transitions are written at once, 1 to 20; 0 is the
	// store's default (4, for a database on two cores).
	Writers int `yaml:"writers"`
}

// HTTP is where the web app listens.
type HTTP struct {
	Address string `yaml:"address"`
	// SecureCookies marks the session cookie Secure: set it when users reach skflow over HTTPS.
	SecureCookies bool `yaml:"secure_cookies"`
	// PublicURL is the address the public reaches skflow at, e.g. https://sk.bkpsdmwajo.id; a
	// signed decree's QR code links to its verification page there. Empty: http://address.
	PublicURL string `yaml:"public_url"`
}

// SOP names the definition file; empty means the embedded Wajo Latsar definition.
type SOP struct {
	File string `yaml:"file"`
}

// Log sets the log level: debug, info, warn or error.
type Log struct {
	Level string `yaml:"level"`
}

// Defaults are what an empty configuration means.
func Defaults() Config {
	return Config{
		DataDir:  "data",
		Temporal: Temporal{Namespace: "default", TaskQueue: "skflow", WorkflowCache: 250, Port: 7233, UIPort: 8233},
		Database: Database{EmbeddedPort: 5433, Name: "skflow"},
		HTTP:     HTTP{Address: "127.0.0.1:8080"},
		Calendar: worktime.DefaultSpec(),
		Training: Training{BatchSize: 40},
		SMTP:     SMTP{From: "bkpsdm@wajokab.go.id"},
		Delivery: Delivery{OPDEmails: map[string]string{}},
		Signing:  Signing{Service: SigningService{Fields: map[string]string{}}},
		Service: Service{
			Requirements: []string{"Surat Keputusan Pengangkatan CPNS", "Surat keterangan berbadan sehat dari dokter pemerintah",
				"Surat perintah tugas dari instansi masing-masing", "Pasfoto"},
			Fee:             "Tidak dipungut biaya",
			Products:        []string{"Surat Keputusan penetapan peserta pelatihan", "Sertifikat peserta Pelatihan Dasar CPNS"},
			ComplaintsEmail: "bkpsdmwajo@gmail.com",
		},
		Decree: Decree{NumberFormat: chain.DefaultNumberFormat},
		Log:    Log{Level: "info"},
	}
}

// DefaultFile is read when no file is named and it exists in the working directory.
const DefaultFile = "skflow.yaml"

// Load reads the file (if any), the environment and the defaults, and validates the result.
func Load(file string) (*Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := setDefaults(v, Defaults()); err != nil {
		return nil, err
	}
	v.SetEnvPrefix("SKFLOW")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	switch {
	case file != "":
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("read config file %s: %w", file, err)
		}
	default:
		if _, err := os.Stat(DefaultFile); err == nil {
			v.SetConfigFile(DefaultFile)
			if err := v.ReadInConfig(); err != nil {
				return nil, fmt.Errorf("read config file %s: %w", DefaultFile, err)
			}
		}
	}
	var c Config
	if err := v.Unmarshal(&c, func(dc *mapstructure.DecoderConfig) {
		dc.TagName = "yaml"
		dc.ErrorUnused = true
	}); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if c.Delivery.OPDEmails == nil { // an empty YAML map decodes to nil; callers may write to it
		c.Delivery.OPDEmails = map[string]string{}
	}
	if c.Signing.Service.Fields == nil {
		c.Signing.Service.Fields = map[string]string{}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Printer writes what people read in the configured language, or the locale's.
func (c *Config) Printer() *i18n.Printer {
	if c.Language == "" {
		return i18n.New(i18n.FromEnv(os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")))
	}
	tag, _ := i18n.Parse(c.Language) // Validate refused any other
	return i18n.New(tag)
}

// setDefaults registers every key of the defaults, found through their YAML names, so that
// SKFLOW_* variables reach each one and no new key can be forgotten here.
func setDefaults(v *viper.Viper, c Config) error {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("config defaults: %w", err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		return fmt.Errorf("config defaults: %w", err)
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, val := range m {
			if sub, ok := val.(map[string]any); ok && len(sub) > 0 {
				walk(prefix+k+".", sub)
				continue
			}
			v.SetDefault(prefix+k, val)
		}
	}
	walk("", tree)
	return nil
}

// Validate checks every key and reports all problems at once.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.DataDir == "" {
		bad("data_dir: must not be empty")
	}
	if _, err := i18n.Parse(c.Language); c.Language != "" && err != nil {
		bad("language: %w", err)
	}
	if c.Temporal.Address != "" {
		if _, _, err := net.SplitHostPort(c.Temporal.Address); err != nil {
			bad("temporal.address %q: must be host:port", c.Temporal.Address)
		}
	}
	if c.Temporal.Namespace == "" {
		bad("temporal.namespace: must not be empty")
	}
	if c.Temporal.WorkflowCache < 1 {
		bad("temporal.workflow_cache: must be 1 or more")
	}
	if c.Temporal.TaskQueue == "" {
		bad("temporal.task_queue: must not be empty")
	}
	checkPort := func(key string, p int, zeroOK bool) {
		if (p == 0 && !zeroOK) || p < 0 || p > 65535 {
			bad("%s: %d is not a port", key, p)
		}
	}
	checkPort("temporal.port", c.Temporal.Port, false)
	checkPort("temporal.ui_port", c.Temporal.UIPort, true)
	checkPort("database.embedded_port", c.Database.EmbeddedPort, false)
	if (c.Temporal.TLS.Cert == "") != (c.Temporal.TLS.Key == "") {
		bad("temporal.tls: cert and key must be set together")
	}
	if c.Database.URL != "" {
		if u, err := url.Parse(c.Database.URL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("database.url: must be a postgres:// URL")
		}
	}
	if c.Database.Name == "" {
		bad("database.name: must not be empty")
	}
	if c.Database.Writers < 0 || c.Database.Writers > 20 {
		bad("database.writers: %d, must be from 1 to 20 (0: the default)", c.Database.Writers)
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Address); err != nil {
		bad("http.address %q: must be host:port", c.HTTP.Address)
	}
	if _, err := worktime.New(c.Calendar); err != nil {
		bad("%w", err)
	}
	if c.SOP.File != "" {
		if _, err := sop.Load(c.SOP.File); err != nil {
			bad("sop.file: %w", err)
		}
	}
	if c.SMTP.Address != "" {
		if _, _, err := net.SplitHostPort(c.SMTP.Address); err != nil {
			bad("smtp.address %q: must be host:port", c.SMTP.Address)
		}
		if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
			bad("smtp.from %q: not an e-mail address", c.SMTP.From)
		}
	}
	for opd, addr := range c.Delivery.OPDEmails {
		if _, err := mail.ParseAddress(addr); err != nil {
			bad("delivery.opd_emails[%s] %q: not an e-mail address", opd, addr)
		}
	}
	if c.Delivery.FallbackEmail != "" {
		if _, err := mail.ParseAddress(c.Delivery.FallbackEmail); err != nil {
			bad("delivery.fallback_email %q: not an e-mail address", c.Delivery.FallbackEmail)
		}
	}
	if err := chain.CheckNumberFormat(c.Decree.NumberFormat); err != nil {
		bad("decree.number_format %q: %v", c.Decree.NumberFormat, err)
	}
	if _, err := skdoc.Open(c.Decree.Template, c.Decree.Emblem); err != nil {
		bad("decree.template / decree.emblem: %w", err)
	}
	if (c.Signing.Certificate == "") != (c.Signing.Key == "") {
		bad("signing: certificate and key must be set together")
	}
	if c.Signing.Service.URL != "" {
		if u, err := url.Parse(c.Signing.Service.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("signing.service.url %q: must be an http(s) URL", c.Signing.Service.URL)
		}
	}
	if c.HTTP.PublicURL != "" {
		if u, err := url.Parse(c.HTTP.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("http.public_url %q: must be an http(s) URL", c.HTTP.PublicURL)
		}
	}
	if c.Training.File != "" {
		if _, err := training.Load(c.Training.File); err != nil {
			bad("training.file: %w", err)
		}
	}
	if c.Training.BatchSize < 1 {
		bad("training.batch_size: must be 1 or more, got %d", c.Training.BatchSize)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level %q: must be debug, info, warn or error", c.Log.Level)
	}
	return errors.Join(errs...)
}

// EmbeddedTemporal reports whether the worker runs its own Temporal server.
func (c *Config) EmbeddedTemporal() bool { return c.Temporal.Address == "" }

// TemporalAddress is where clients reach Temporal.
func (c *Config) TemporalAddress() string {
	if c.EmbeddedTemporal() {
		return fmt.Sprintf("127.0.0.1:%d", c.Temporal.Port)
	}
	return c.Temporal.Address
}

// TemporalUIURL is the Web UI's base address, or "" when there is none.
func (c *Config) TemporalUIURL() string {
	if c.EmbeddedTemporal() && c.Temporal.UIPort != 0 {
		return fmt.Sprintf("http://127.0.0.1:%d", c.Temporal.UIPort)
	}
	return c.Temporal.UIURL
}

// EmbeddedDatabase reports whether the worker runs its own PostgreSQL cluster.
func (c *Config) EmbeddedDatabase() bool { return c.Database.URL == "" }

// DatabaseURL is where skflow's records are.
func (c *Config) DatabaseURL() string {
	raw := c.Database.URL
	if c.EmbeddedDatabase() {
		u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: fmt.Sprintf("127.0.0.1:%d", c.Database.EmbeddedPort),
			Path: "/" + c.Database.Name, RawQuery: "sslmode=disable"}
		// The embedded cluster's password is generated on its first start; without the file
		// (a cluster not made yet) the URL has none, and the connection says so.
		if b, err := os.ReadFile(c.EmbeddedPasswordFile()); err == nil {
			u.User = url.UserPassword("postgres", strings.TrimSpace(string(b)))
		}
		raw = u.String()
	}
	// Sessions run in the calendar's zone, so "today" in SQL (a stand-in's appointment, times
	// read back) is the agency's day, not the server's.
	u, err := url.Parse(raw)
	if err != nil {
		return raw // Validate reports it
	}
	if q := u.Query(); q.Get("timezone") == "" && c.Calendar.TimeZone != "" {
		q.Set("timezone", c.Calendar.TimeZone)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// EmbeddedPasswordFile holds the embedded cluster's superuser password, 0600.
func (c *Config) EmbeddedPasswordFile() string { return c.Path("postgres.password") }

// Path is a file or folder inside the data directory.
func (c *Config) Path(name string) string { return filepath.Join(c.DataDir, name) }

// Definition is the SOP new cases start with.
func (c *Config) Definition() (*sop.Definition, error) {
	if c.SOP.File == "" {
		return sop.Default(), nil
	}
	return sop.Load(c.SOP.File)
}

// PublicURL is where the public reaches the web app.
func (c *Config) PublicURL() string {
	if c.HTTP.PublicURL != "" {
		return c.HTTP.PublicURL
	}
	return "http://" + c.HTTP.Address
}

// DecreeTemplate is the decree's wording and layout.
func (c *Config) DecreeTemplate() (*skdoc.Template, error) {
	return skdoc.Open(c.Decree.Template, c.Decree.Emblem)
}

// Signer signs issued decrees: the signing service when one is set, else the configured key,
// else the development CA's key in data_dir/signing, made on the first start. dev is true in
// that last case, for the caller to say so; organisation names the CA's owner.
func (c *Config) Signer(organisation string, now time.Time) (signer esign.Signer, dev bool, err error) {
	s := c.Signing
	if s.Service.URL != "" {
		return &esign.Service{URL: s.Service.URL, Username: s.Service.Username, Password: s.Service.Password,
			Fields: s.Service.Fields, Client: &http.Client{Timeout: time.Minute}}, false, nil
	}
	cert, key := s.Certificate, s.Key
	if cert == "" {
		dev = true
		if cert, key, err = esign.DevCA(c.Path("signing"), organisation, now); err != nil {
			return nil, dev, err
		}
	}
	l, err := esign.LoadLocal(cert, key)
	return l, dev, err
}

// TrainingDefinition is the training completed cases start.
func (c *Config) TrainingDefinition() (*training.Definition, error) {
	if c.Training.File == "" {
		return training.Default(), nil
	}
	return training.Load(c.Training.File)
}
