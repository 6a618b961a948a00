// Package tclient dials Temporal as the configuration says: plain on the embedded dev server,
// TLS (mutual when a client certificate is set) and an API key for a hosted one.
package tclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/skflow/skflow/config"
)

// Dial connects to Temporal. The SDK logs through logger, at warn and above only: its debug
// lines are noise to an operator.
func Dial(cfg *config.Config, logger *slog.Logger) (client.Client, error) {
	opts := client.Options{
		HostPort:  cfg.TemporalAddress(),
		Namespace: cfg.Temporal.Namespace,
		Logger:    log.NewStructuredLogger(slog.New(warnOnly{logger.Handler()})),
	}
	// The embedded server is on loopback, where gzip (the SDK's default) only spends CPU on
	// both ends of every call: a tenth of the all-in-one's under load.
	if cfg.EmbeddedTemporal() {
		opts.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	}
	t := cfg.Temporal
	if t.TLS.Enabled || t.TLS.Cert != "" || t.APIKey != "" {
		tc, err := tlsConfig(t.TLS)
		if err != nil {
			return nil, err
		}
		opts.ConnectionOptions.TLS = tc
	}
	if t.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(t.APIKey)
	}
	c, err := client.Dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", opts.HostPort, err)
	}
	return c, nil
}

func tlsConfig(t config.TLS) (*tls.Config, error) {
	tc := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12}
	if t.Cert != "" {
		pair, err := tls.LoadX509KeyPair(t.Cert, t.Key)
		if err != nil {
			return nil, fmt.Errorf("temporal.tls cert/key: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	if t.CA != "" {
		pem, err := os.ReadFile(t.CA)
		if err != nil {
			return nil, fmt.Errorf("temporal.tls.ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("temporal.tls.ca: no certificate found in the file")
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// warnOnly drops records below warn.
type warnOnly struct{ slog.Handler }

func (w warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{w.Handler.WithAttrs(a)} }
func (w warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{w.Handler.WithGroup(n)} }
