// Package publish issues a signed case's decree: it writes the decree from what the signature
// froze (its number, its signer, its participants), seals it with the agency's electronic
// signature, and keeps the exact bytes, once. What /publik serves, what /verifikasi compares
// and what the OPDs are told of is that one document. It knows no screen.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// PDF is the content type of every issued decree.
const PDF = "application/pdf"

// ErrNotSigned means the case has no numbered signature, so no decree to issue.
var ErrNotSigned = errors.New("SK belum ditandatangani dan diberi nomor")

// Publisher issues the decrees of cases run by one definition.
type Publisher struct {
	St        *store.Store
	Def       *sop.Definition
	Template  *skdoc.Template // nil: the embedded Wajo decree
	Signer    esign.Signer
	BatchSize int
	Location  *time.Location // the calendar's zone, in which the decree is dated
	// PublicURL is where the public reaches skflow; the QR code links to its /verifikasi page.
	PublicURL string
}

// VerifyURL is the public verification page of a case's decree.
func (p *Publisher) VerifyURL(caseID string) string {
	return strings.TrimSuffix(p.PublicURL, "/") + "/verifikasi/" + url.PathEscape(caseID)
}

// Issue returns the case's issued decree, issuing it the first time: two callers at once both
// get the first one kept. A case without a numbered signature, or without participants, has
// none (ErrNotSigned, intake.ErrNoCandidates).
func (p *Publisher) Issue(ctx context.Context, caseID string) (store.Decree, error) {
	d, ok, err := p.St.IssuedDecree(ctx, caseID)
	if err != nil || ok {
		return d, err
	}
	if p.Signer == nil {
		return d, fmt.Errorf("SK %s belum diterbitkan, dan penerbitan (tanda tangan elektronik) hanya dilakukan worker", caseID)
	}
	c, err := p.St.Case(ctx, caseID)
	if err != nil {
		return d, err
	}
	if c.DecreeNumber == nil || c.SignedAt == nil {
		return d, fmt.Errorf("case %s: %w", caseID, ErrNotSigned)
	}
	sk, err := p.Decree(ctx, c, *c.SignedAt)
	if err != nil {
		return d, err
	}
	doc, err := p.document(ctx, c, sk)
	if err != nil {
		return d, err
	}
	t := sk.Text()
	signed, err := p.Signer.Sign(ctx, doc, esign.Meta{Name: sk.Signer, Location: t.Place, Date: *c.SignedAt,
		Reason: t.Title + " " + t.Number})
	if err != nil {
		return d, fmt.Errorf("tanda tangan elektronik SK %s: %w", *c.DecreeNumber, err)
	}
	return p.St.IssueDecree(ctx, c.ID, *c.DecreeNumber, PDF, signed)
}

// Decree is the case's decree as its data stand: a draft dated now, or, once signed, with its
// number, its date, its signer, the participants the signature froze and the link its QR code
// carries.
func (p *Publisher) Decree(ctx context.Context, c store.Case, now time.Time) (skdoc.Draft, error) {
	date := now
	if c.SignedAt != nil {
		date = *c.SignedAt
	}
	if p.Location != nil {
		date = date.In(p.Location)
	}
	d, err := intake.Draft(ctx, p.St, c, p.BatchSize, date)
	if err != nil {
		return d, err
	}
	d.Template = p.Template
	if c.DecreeNumber == nil {
		return d, nil
	}
	d.Number, d.VerifyURL = *c.DecreeNumber, p.VerifyURL(c.ID)
	t, ok, err := p.signedTask(ctx, c)
	if err != nil {
		return d, err
	}
	// The signer as the signature recorded them, a stand-in with their Plt./Plh.; the
	// officials' table only for a decision that recorded no name.
	if ok && t.ActorName != nil && *t.ActorName != "" {
		d.Signer = *t.ActorName
		if t.Appointment != nil {
			d.Appointment = *t.Appointment
		}
	} else if c.SignedBy != nil {
		o, err := p.St.Official(ctx, *c.SignedBy)
		if err != nil {
			return d, fmt.Errorf("signer of %s: %w", c.ID, err)
		}
		d.Signer = o.Name
	}
	return d, nil
}

// signedTask is the agreement of the sign step, if the case has one.
func (p *Publisher) signedTask(ctx context.Context, c store.Case) (store.Task, bool, error) {
	tasks, err := p.St.Tasks(ctx, c.ID)
	if err != nil {
		return store.Task{}, false, err
	}
	for i := len(tasks) - 1; i >= 0; i-- {
		t := tasks[i]
		if st, ok := p.Def.Step(t.Step); ok && st.Kind == sop.KindSign && t.Decision != nil && *t.Decision == string(chain.Agree) {
			return t, true, nil
		}
	}
	return store.Task{}, false, nil
}

// document is the PDF to seal: the version the signer signed when it was an uploaded PDF (its
// own wording), otherwise the decree written from the template.
func (p *Publisher) document(ctx context.Context, c store.Case, sk skdoc.Draft) ([]byte, error) {
	v, ok, err := p.signedVersion(ctx, c)
	if err != nil {
		return nil, err
	}
	if ok && v.Kind == "upload" && v.ContentType == PDF {
		return v.Content, nil
	}
	var buf bytes.Buffer
	if err := sk.WritePDF(&buf, true); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// signedVersion is the stored version the signing step was agreed on, if there is one.
func (p *Publisher) signedVersion(ctx context.Context, c store.Case) (store.Version, bool, error) {
	t, ok, err := p.signedTask(ctx, c)
	if err != nil || !ok || t.Document == nil {
		return store.Version{}, false, err
	}
	sha := *t.Document
	versions, err := p.St.Versions(ctx, c.ID)
	if err != nil {
		return store.Version{}, false, err
	}
	for _, v := range versions {
		if v.SHA256 == sha {
			full, err := p.St.GetVersion(ctx, c.ID, v.Version)
			return full, err == nil, err
		}
	}
	return store.Version{}, false, nil
}
