// Package drafts keeps the versions of a case's draft SK: the draft generated from the
// classification becomes version 1 when it is first decided on; officials upload revised
// versions (PDF or DOCX); each decision from the first review on records the hash of the
// version it was made on; a new version after some parafs sends the draft back to climb.
package drafts

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// MaxBytes bounds an uploaded version.
const MaxBytes = 10 << 20

// Content types of the versions.
const (
	PDF  = "application/pdf"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// ErrNotADraft refuses a file that is neither a PDF nor a Word document.
var ErrNotADraft = errors.New("berkas harus PDF atau DOCX")

// Kind recognises a version's type by its content, not its name.
func Kind(b []byte) (string, error) {
	switch {
	case len(b) > MaxBytes:
		return "", fmt.Errorf("berkas lebih dari %d MiB", MaxBytes>>20)
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return "", ErrNotADraft
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				return DOCX, nil
			}
		}
	}
	return "", ErrNotADraft
}

// Drafts works on the versions of cases run by one definition.
type Drafts struct {
	St        *store.Store
	Ops       *caseops.Ops
	Def       *sop.Definition
	BatchSize int
}

// Current is the version an official decides on now: the latest, or the generated draft
// stored as version 1 when there is none yet.
func (d *Drafts) Current(ctx context.Context, c store.Case, by string, now time.Time) (store.Version, error) {
	v, ok, err := d.St.LatestVersion(ctx, c.ID)
	if err != nil || ok {
		return v, err
	}
	return d.generate(ctx, c, by, now)
}

func (d *Drafts) generate(ctx context.Context, c store.Case, by string, now time.Time) (store.Version, error) {
	draft, err := intake.Draft(ctx, d.St, c, d.BatchSize, now)
	if err != nil {
		return store.Version{}, err
	}
	var buf bytes.Buffer
	if err := draft.WritePDF(&buf, true); err != nil {
		return store.Version{}, err
	}
	return d.St.AddVersion(ctx, store.Version{CaseID: c.ID, Kind: "generated", Name: "draft-sk-" + c.ID + ".pdf",
		ContentType: PDF, Content: buf.Bytes(), UploadedBy: by})
}

// ForDecision is the hash a decision on the open step records: the current version's from the
// first review step on, none before (there is no draft to initial yet).
func (d *Drafts) ForDecision(ctx context.Context, c store.Case, by string, now time.Time) (string, error) {
	fi, _, ok := d.Def.FirstReview()
	if !ok || c.OpenStep == nil {
		return "", nil
	}
	oi, _ := d.Def.Index(*c.OpenStep)
	if oi < fi {
		return "", nil
	}
	v, err := d.Current(ctx, c, by, now)
	if errors.Is(err, intake.ErrNoCandidates) {
		return "", nil // a case started without proposals has no draft to initial
	}
	if err != nil {
		return "", err
	}
	return v.SHA256, nil
}

// Upload stores a revised version. While the draft climbs the reviews it is sent back to the
// first review step; once signed, the decree is final and no version is taken.
func (d *Drafts) Upload(ctx context.Context, c store.Case, name string, content []byte, by string) (store.Version, error) {
	kind, err := Kind(content)
	if err != nil {
		return store.Version{}, err
	}
	fi, _, ok := d.Def.FirstReview()
	if c.State != string(chain.Running) || c.OpenStep == nil || !ok {
		return store.Version{}, errors.New("berkas ini tidak menerima versi baru")
	}
	oi, _ := d.Def.Index(*c.OpenStep)
	open, _ := d.Def.Step(*c.OpenStep)
	if oi > fi && !open.Kind.Returnable() {
		return store.Version{}, errors.New("SK sudah ditandatangani; versinya final")
	}
	v, err := d.St.AddVersion(ctx, store.Version{CaseID: c.ID, Kind: "upload", Name: name, ContentType: kind, Content: content, UploadedBy: by})
	if err != nil {
		return v, err
	}
	if oi > fi {
		if _, err := d.Ops.Revise(ctx, c.ID, chain.Revision{Version: v.Version, SHA256: v.SHA256, By: by}); err != nil {
			return v, err
		}
	}
	return v, nil
}

// Regenerate stores a fresh generated version after the classification changed, if a version
// was already frozen, so the next decision is made on what the classification now says.
func (d *Drafts) Regenerate(ctx context.Context, c store.Case, by string, now time.Time) error {
	if _, ok, err := d.St.LatestVersion(ctx, c.ID); err != nil || !ok {
		return err
	}
	_, err := d.generate(ctx, c, by, now)
	return err
}
