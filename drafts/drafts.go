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
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/publish"
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
		// The version may be the one signed: it must take a signature.
		if err := esign.Check(b); err != nil {
			return "", err
		}
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
	St      *store.Store
	Ops     *caseops.Ops
	Def     *sop.Definition
	Decrees *publish.Publisher // writes the decree a generated version is
}

// Current is the version the case is decided on now, as its workflow holds it.
func (d *Drafts) Current(ctx context.Context, c store.Case) (store.Version, bool, error) {
	s, err := d.Ops.Status(ctx, c.ID)
	if err != nil {
		return store.Version{}, false, err
	}
	if s.Draft == nil {
		// A case started before the workflow held its versions: the store's newest.
		return d.St.LatestVersion(ctx, c.ID)
	}
	v, err := d.St.GetVersion(ctx, c.ID, s.Draft.Version)
	if err == nil && v.SHA256 != s.Draft.SHA256 {
		err = fmt.Errorf("version %d of %s in the store is not the one the case holds", v.Version, c.ID)
	}
	return v, err == nil, err
}

func (d *Drafts) generate(ctx context.Context, c store.Case, by string, now time.Time) (store.Version, error) {
	draft, err := d.Decrees.Decree(ctx, c, now)
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

// ForDecision is the hash a decision on the open step carries: the version the case holds; when
// it holds none yet and the open step needs the draft (the step that produces it, or the first
// review), the draft generated from the classification, frozen as version 1.
func (d *Drafts) ForDecision(ctx context.Context, c store.Case, by string, now time.Time) (string, error) {
	s, err := d.Ops.Status(ctx, c.ID)
	switch {
	case err != nil:
		return "", err
	case s.Draft != nil:
		return s.Draft.SHA256, nil
	case s.Open == nil:
		return "", nil
	}
	if v, ok, err := d.St.LatestVersion(ctx, c.ID); err != nil || ok {
		return v.SHA256, err // a case started before the workflow held its versions
	}
	need, ok := d.Def.Producer(sop.DraftSK)
	if s.Definition != d.Def.Label() || !ok { // a case on another version of the SOP: its first review
		if need, _, ok = d.Def.FirstReview(); !ok {
			return "", nil
		}
	}
	if oi, _ := d.Def.Index(s.Open.Step); oi < need {
		return "", nil
	}
	return d.freeze(ctx, c, by, now)
}

// freeze makes the draft generated from the classification the case's version 1.
func (d *Drafts) freeze(ctx context.Context, c store.Case, by string, now time.Time) (string, error) {
	v, err := d.generate(ctx, c, by, now)
	if errors.Is(err, intake.ErrNoCandidates) {
		return "", nil // a case without eligible candidates has no draft; its agreement is refused
	}
	if err != nil {
		return "", err
	}
	if _, err := d.Ops.Version(ctx, c.ID, chain.Revision{Version: v.Version, SHA256: v.SHA256, By: by, Generated: true}); err != nil {
		return "", d.unmade(ctx, v, err)
	}
	return v.SHA256, nil
}

// Produce gives a step the output it produces, when the step is open and the case does not
// hold its output yet, as the official who agrees it: the proposals stored with the case, or
// the classification as it stands (the draft comes with ForDecision). With no proposals stored
// it gives nothing, and the case refuses the agreement.
func (d *Drafts) Produce(ctx context.Context, c store.Case, step int, by, role string) error {
	s, err := d.Ops.Status(ctx, c.ID)
	// A case keeps the SOP version it started with; what its steps produce is that version's.
	if err != nil || s.Open == nil || s.Open.Step != step || s.Definition != d.Def.Label() {
		return err
	}
	open, _ := d.Def.Step(step)
	var sum string
	switch open.Produces {
	case sop.Proposals:
		var ok bool
		if sum, ok, err = d.St.DocumentSHA256(ctx, c.ID, "proposals"); err != nil || !ok {
			return err
		}
	case sop.Classification:
		if sum, err = intake.ClassificationHash(ctx, d.St, c.ID); err != nil {
			return err
		}
	default:
		return nil
	}
	if s.Outputs[open.Produces] == sum {
		return nil
	}
	_, err = d.Ops.Output(ctx, c.ID, chain.Output{Artefact: open.Produces, SHA256: sum, By: by, Role: role})
	return err
}

// ErrNotDrafter refuses a change to the decree by an official whose role may not make one.
var ErrNotDrafter = errors.New("peran Anda tidak boleh mengubah isi SK")

// TakeProposals takes the OPD proposals of a case started without them, from a drafting role
// (the Pelaksana hands them in at the step that produces them); that step's agreement then
// gives them to the case. Once the case holds proposals, a correction goes through the
// classification instead.
func (d *Drafts) TakeProposals(ctx context.Context, c store.Case, name string, content []byte, by, role string, batchSize int) (intake.Summary, error) {
	if !d.Def.MayDraft(role) {
		return intake.Summary{}, fmt.Errorf("%w: hanya %s yang boleh menyerahkan usulan OPD", ErrNotDrafter, strings.Join(d.Def.Drafters(), " atau "))
	}
	s, err := d.Ops.Status(ctx, c.ID)
	if err != nil {
		return intake.Summary{}, err
	}
	have, err := d.St.Candidates(ctx, c.ID)
	if err != nil {
		return intake.Summary{}, err
	}
	if s.State != chain.Running || s.Outputs[sop.Proposals] != "" || len(have) > 0 {
		return intake.Summary{}, ErrHasProposals
	}
	return intake.Take(ctx, d.St, c.ID, name, content, by, batchSize, nil)
}

// ErrHasProposals refuses a second proposals file: the case has its proposals.
var ErrHasProposals = errors.New("berkas ini sudah memiliki data usulan OPD; koreksi lewat klasifikasi")

// Upload stores a revised version and makes it the case's current one. From the first review
// on the draft is sent back to it; once signed, the decree is final and takes no version.
func (d *Drafts) Upload(ctx context.Context, c store.Case, name string, content []byte, by, role string) (store.Version, error) {
	kind, err := Kind(content)
	if err != nil {
		return store.Version{}, err
	}
	if !d.Def.MayDraft(role) {
		return store.Version{}, fmt.Errorf("%w: hanya %s yang boleh mengunggah versi baru", ErrNotDrafter, strings.Join(d.Def.Drafters(), " atau "))
	}
	s, err := d.Ops.Status(ctx, c.ID)
	if err != nil {
		return store.Version{}, err
	}
	fi, _, ok := d.Def.FirstReview()
	if s.State != chain.Running || s.Open == nil || !ok {
		return store.Version{}, errors.New("berkas ini tidak menerima versi baru")
	}
	oi, _ := d.Def.Index(s.Open.Step)
	if open, _ := d.Def.Step(s.Open.Step); oi > fi && !open.Kind.Returnable() {
		return store.Version{}, errors.New("SK sudah ditandatangani; versinya final")
	}
	v, err := d.St.AddVersion(ctx, store.Version{CaseID: c.ID, Kind: "upload", Name: name, ContentType: kind, Content: content, UploadedBy: by})
	if err != nil {
		return v, err
	}
	if _, err := d.Ops.Version(ctx, c.ID, chain.Revision{Version: v.Version, SHA256: v.SHA256, By: by, Role: role}); err != nil {
		return v, d.unmade(ctx, v, err)
	}
	return v, nil
}

// Regenerate makes a fresh generated version current after the classification changed, if a
// version was made already, so the next decision is made on what the classification now says.
func (d *Drafts) Regenerate(ctx context.Context, c store.Case, by, role string, now time.Time) error {
	if _, ok, err := d.Current(ctx, c); err != nil || !ok {
		return err
	}
	v, err := d.generate(ctx, c, by, now)
	if err != nil {
		return err
	}
	if _, err := d.Ops.Version(ctx, c.ID, chain.Revision{Version: v.Version, SHA256: v.SHA256, By: by, Role: role}); err != nil {
		return d.unmade(ctx, v, err)
	}
	return nil
}

// unmade removes a stored version the case refused, so a refused change leaves nothing behind.
func (d *Drafts) unmade(ctx context.Context, v store.Version, refused error) error {
	if err := d.St.DeleteVersion(ctx, v.CaseID, v.Version); err != nil {
		return errors.Join(refused, err)
	}
	return refused
}
