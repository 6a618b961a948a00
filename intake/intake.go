// Package intake takes in the OPD proposals of a new case: the file is read, its rows checked
// and classified into angkatan, and all of it stored with the file, before the case starts. A
// file that cannot be read as proposals is refused and nothing is stored.
package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// Summary is what an operator is told after the intake.
type Summary struct {
	Rows       int                 `json:"rows"`
	Candidates int                 `json:"candidates"`
	Eligible   int                 `json:"eligible"`
	Problems   []proposals.Problem `json:"problems"`
	Batches    []BatchSize         `json:"batches"`
	Columns    []proposals.Column  `json:"columns"` // which header was read as which field
	SHA256     string              `json:"sha256"`  // of the file, as the case holds it
}

// BatchSize names an angkatan and its size.
type BatchSize struct {
	Group  string `json:"group"`
	Number int    `json:"number"`
	Size   int    `json:"size"`
}

// Text is the one-paragraph account for the CLI and the web app, in p's language.
func (s Summary) Text(p *i18n.Printer) string {
	out := p.T("intake.summary", s.Rows, s.Rows-s.Candidates, s.Candidates, s.Eligible)
	for _, b := range s.Batches {
		out += " " + p.T("intake.summary.batch", b.Group, b.Number, b.Size)
	}
	return out + " " + p.T("intake.summary.columns", proposals.ColumnsString(s.Columns))
}

// Take reads, classifies and stores a case's proposals file.
func Take(ctx context.Context, st *store.Store, caseID, name string, content []byte, by string, batchSize int,
	progress func(done, total int)) (Summary, error) {
	res, err := proposals.Read(bytes.NewReader(content), progress)
	if err != nil {
		return Summary{}, fmt.Errorf("berkas usulan %s: %w", name, err)
	}
	c := classify.Classify(res.Candidates, batchSize)
	doc := store.NewDocument(caseID, "proposals", name, content, by)
	if err := st.SaveProposals(ctx, doc, c, res.Problems); err != nil {
		return Summary{}, err
	}
	sum := Summary{Rows: res.Rows, Candidates: len(res.Candidates), Eligible: c.Eligible(), Problems: res.Problems, Columns: res.Columns,
		SHA256: doc.SHA256}
	for _, b := range c.Batches {
		sum.Batches = append(sum.Batches, BatchSize{Group: b.Group, Number: b.Number, Size: len(b.Members)})
	}
	return sum, nil
}

// ErrNoCandidates means a case has no eligible candidates, so no decree to draft.
var ErrNoCandidates = errors.New("no eligible candidates to put in a decree")

// Draft is the step-5 decree for a case, from its classified candidates; once signed, from the
// participants the signature froze.
func Draft(ctx context.Context, st *store.Store, c store.Case, batchSize int, now time.Time) (skdoc.Draft, error) {
	cands, err := st.Participants(ctx, c.ID)
	if err != nil {
		return skdoc.Draft{}, err
	}
	d := skdoc.Draft{CaseID: c.ID, Title: c.Title, Year: now.Year(), Date: now, MaxBatch: batchSize}
	for _, r := range cands {
		if !r.Eligible {
			continue
		}
		if n := len(d.Batches); n == 0 || d.Batches[n-1].Group != *r.Group || d.Batches[n-1].Number != *r.Batch {
			d.Batches = append(d.Batches, skdoc.Batch{Group: *r.Group, Number: *r.Batch})
		}
		b := &d.Batches[len(d.Batches)-1]
		b.Members = append(b.Members, skdoc.Member{NIP: r.NIP, Name: r.Name, Position: r.Position, OPD: r.OPD, Golongan: r.Golongan})
	}
	if len(d.Batches) == 0 {
		return d, fmt.Errorf("case %s: %w", c.ID, ErrNoCandidates)
	}
	return d, nil
}

// Correct checks and applies the corrector's change to a candidate: move to another angkatan
// of the same golongan, include, or exclude with a reason.
func Correct(ctx context.Context, st *store.Store, def *sop.Definition, c store.Case, nip string, eligible bool, batch int,
	reason, by string) error {
	_, review, ok := def.FirstReview()
	switch {
	case !ok:
		return errors.New("SOP ini tidak memiliki langkah pemeriksaan; klasifikasi tidak dapat dikoreksi")
	case c.State != "running" || c.OpenStep == nil || *c.OpenStep > review.Number:
		return fmt.Errorf("klasifikasi sudah final setelah langkah %d diparaf", review.Number)
	case strings.TrimSpace(reason) == "":
		return errors.New("alasan koreksi wajib diisi")
	case eligible && batch < 1:
		return errors.New("pilih angkatan (1 atau lebih)")
	}
	cands, err := st.Candidates(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, cand := range cands {
		if cand.NIP != nip {
			continue
		}
		group, _, _ := strings.Cut(cand.Golongan, "/")
		if eligible && group != "II" && group != "III" {
			return fmt.Errorf("golongan %s tidak ikut Latsar CPNS", cand.Golongan)
		}
		return st.Correct(ctx, store.Correction{CaseID: c.ID, NIP: nip, Eligible: eligible, Group: group, Batch: batch,
			Reason: strings.TrimSpace(reason), By: by})
	}
	return fmt.Errorf("NIP %s tidak ada dalam usulan berkas ini", nip)
}

// ClassificationHash is the SHA-256 of a case's classification as it stands: every candidate's
// NIP, eligibility, golongan group and angkatan, in NIP order. Two classifications hash alike
// exactly when they put the same people in the same angkatan.
func ClassificationHash(ctx context.Context, st *store.Store, caseID string) (string, error) {
	cands, err := st.Candidates(ctx, caseID)
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, len(cands))
	for _, c := range cands {
		group, batch := "", 0
		if c.Group != nil {
			group = *c.Group
		}
		if c.Batch != nil {
			batch = *c.Batch
		}
		lines = append(lines, fmt.Sprintf("%s\t%t\t%s\t%d", c.NIP, c.Eligible, group, batch))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:]), nil
}

// Duplicates are the running cases a proposals file would repeat: started with the same file,
// or naming some of its NIPs. A file that does not read has none; Take refuses it anyway.
func Duplicates(ctx context.Context, st *store.Store, b []byte) ([]store.Duplicate, error) {
	res, err := proposals.Read(bytes.NewReader(b), nil)
	if err != nil {
		return nil, nil
	}
	nips := make([]string, 0, len(res.Candidates))
	for _, c := range res.Candidates {
		nips = append(nips, c.NIP)
	}
	sum := sha256.Sum256(b)
	return st.Duplicates(ctx, hex.EncodeToString(sum[:]), nips)
}

// DuplicatesText says them in one sentence, for the operator to confirm.
func DuplicatesText(p *i18n.Printer, ds []store.Duplicate) string {
	var parts []string
	for _, d := range ds {
		what := p.T("intake.dup.nips", d.SameNIPs)
		if d.SameFile {
			what = p.T("intake.dup.file")
		}
		parts = append(parts, fmt.Sprintf("%s (%s): %s", d.CaseID, d.Title, what))
	}
	return p.T("intake.dup", strings.Join(parts, "; "))
}
