package publish

import (
	"log/slog"
	"time"

	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
)

// FromConfig issues decrees as the configuration says: its template, its signer (the
// development CA's when none is set, which it warns of outside an embedded run), its public
// address and calendar zone.
func FromConfig(cfg *config.Config, st *store.Store, def *sop.Definition, log *slog.Logger) (*Publisher, error) {
	p, err := Writer(cfg, st, def)
	if err != nil {
		return nil, err
	}
	signer, dev, err := cfg.Signer(def.Agency, time.Now())
	if err != nil {
		return nil, err
	}
	if dev && !cfg.EmbeddedDatabase() {
		log.Warn("decrees are signed with the development CA in data_dir/signing; set signing.certificate and signing.key, or signing.service.url, for decrees trusted outside",
			"dir", cfg.Path("signing"))
	}
	p.Signer = signer
	return p, nil
}

// Writer writes decrees as the configuration says but signs none: for the command line, which
// reads what the worker issued.
func Writer(cfg *config.Config, st *store.Store, def *sop.Definition) (*Publisher, error) {
	tpl, err := cfg.DecreeTemplate()
	if err != nil {
		return nil, err
	}
	cal, err := worktime.New(cfg.Calendar)
	if err != nil {
		return nil, err
	}
	return &Publisher{St: st, Def: def, Template: tpl, BatchSize: cfg.Training.BatchSize, Location: cal.Location(),
		PublicURL: cfg.PublicURL()}, nil
}
