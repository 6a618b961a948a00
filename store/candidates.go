package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/proposals"
)

// CandidateRow is a proposed candidate with the classification.
type CandidateRow struct {
	CaseID   string         `db:"case_id" json:"case_id"`
	NIP      string         `db:"nip" json:"nip"`
	Row      int            `db:"row" json:"row"`
	Name     string         `db:"name" json:"name"`
	Position string         `db:"position" json:"position"`
	OPD      string         `db:"opd" json:"opd"`
	Golongan string         `db:"golongan" json:"golongan"`
	SKCPNS   bool           `db:"sk_cpns" json:"sk_cpns"`
	Sehat    bool           `db:"sehat" json:"surat_sehat"`
	SPT      bool           `db:"spt" json:"surat_tugas"`
	Pasfoto  bool           `db:"pasfoto" json:"pasfoto"`
	Eligible bool           `db:"eligible" json:"eligible"`
	Reasons  pq.StringArray `db:"reasons" json:"reasons"`
	Group    *string        `db:"grp" json:"group"`
	Batch    *int           `db:"batch" json:"batch"`
}

// ProblemRow is a row of the proposals that could not be read as a candidate.
type ProblemRow struct {
	Row     int    `db:"row" json:"row"`
	Column  string `db:"col" json:"column"`
	Message string `db:"message" json:"message"`
}

// SaveProposals stores a case's proposals file, its classified candidates and its problems in
// one transaction; saving the same case again replaces them.
func (s *Store) SaveProposals(ctx context.Context, doc Document, c classify.Result, problems []proposals.Problem) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range []string{`DELETE FROM candidates WHERE case_id = $1`, `DELETE FROM proposal_problems WHERE case_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, doc.CaseID); err != nil {
				return fmt.Errorf("replace proposals: %w", err)
			}
		}
		if err := saveDocument(ctx, tx, doc); err != nil {
			return err
		}
		for _, d := range c.Decisions {
			var grp *string
			var batch *int
			if d.Eligible {
				grp, batch = &d.Group, &d.Batch
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO candidates (case_id, nip, row, name, position, opd, golongan,
				sk_cpns, sehat, spt, pasfoto, eligible, reasons, grp, batch)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				doc.CaseID, d.NIP, d.Row, d.Name, d.Position, d.OPD, d.Golongan, d.Docs.SKCPNS, d.Docs.Sehat, d.Docs.SPT,
				d.Docs.Foto, d.Eligible, pq.StringArray(append([]string{}, d.Reasons...)), grp, batch); err != nil {
				return fmt.Errorf("save candidate %s: %w", d.NIP, err)
			}
		}
		for _, p := range problems {
			if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_problems (case_id, row, col, message) VALUES ($1, $2, $3, $4)`,
				doc.CaseID, p.Row, p.Column, p.Message); err != nil {
				return fmt.Errorf("save problem of row %d: %w", p.Row, err)
			}
		}
		return nil
	})
}

// Candidates lists a case's candidates: by golongan, angkatan, OPD and name, the not eligible last.
func (s *Store) Candidates(ctx context.Context, caseID string) ([]CandidateRow, error) {
	var out []CandidateRow
	if err := s.db.SelectContext(ctx, &out, `SELECT case_id, nip, row, name, position, opd, golongan, sk_cpns, sehat, spt, pasfoto,
		eligible, reasons, grp, batch FROM candidates WHERE case_id = $1
		ORDER BY eligible DESC, grp, batch, opd, name, row`, caseID); err != nil {
		return nil, fmt.Errorf("candidates of %s: %w", caseID, err)
	}
	return out, nil
}

// Participants are the people a case's decree names: as frozen at the signature, or the
// eligible candidates while the decree is not signed; in angkatan order.
func (s *Store) Participants(ctx context.Context, caseID string) ([]CandidateRow, error) {
	var out []CandidateRow
	if err := s.db.SelectContext(ctx, &out, `SELECT case_id, nip, row, name, position, opd, golongan, sk_cpns, sehat, spt, pasfoto,
		eligible, reasons, grp, batch FROM (`+participantsSQL+`) p ORDER BY grp, batch, opd, name, row`, caseID); err != nil {
		return nil, fmt.Errorf("participants of %s: %w", caseID, err)
	}
	return out, nil
}

// Problems lists the rows of a case's proposals that could not be read, in row order.
func (s *Store) Problems(ctx context.Context, caseID string) ([]ProblemRow, error) {
	var out []ProblemRow
	if err := s.db.SelectContext(ctx, &out, `SELECT row, col, message FROM proposal_problems WHERE case_id = $1
		ORDER BY row, col`, caseID); err != nil {
		return nil, fmt.Errorf("proposal problems of %s: %w", caseID, err)
	}
	return out, nil
}

// Correction is the Analis's change to one candidate's classification.
type Correction struct {
	CaseID   string
	NIP      string
	Eligible bool   // the candidate's eligibility after the change
	Group    string // II or III when eligible
	Batch    int    // angkatan when eligible
	Reason   string
	By       string // the Analis's NIP
}

// Correct applies a correction and records it, with the reason, in the audit log of the case.
func (s *Store) Correct(ctx context.Context, c Correction) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before CandidateRow
		if err := tx.GetContext(ctx, &before, `SELECT case_id, nip, row, name, position, opd, golongan, sk_cpns, sehat, spt,
			pasfoto, eligible, reasons, grp, batch FROM candidates WHERE case_id = $1 AND nip = $2 FOR UPDATE`, c.CaseID, c.NIP); err != nil {
			return notFound(err, "candidate "+c.NIP)
		}
		var grp *string
		var batch *int
		reasons := pq.StringArray{}
		if c.Eligible {
			grp, batch = &c.Group, &c.Batch
		} else {
			reasons = append(reasons, "dinyatakan tidak memenuhi syarat oleh Analis: "+c.Reason)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidates SET eligible = $3, grp = $4, batch = $5, reasons = $6
			WHERE case_id = $1 AND nip = $2`, c.CaseID, c.NIP, c.Eligible, grp, batch, reasons); err != nil {
			return fmt.Errorf("correct candidate %s: %w", c.NIP, err)
		}
		detail, _ := json.Marshal(map[string]any{"nip": c.NIP, "reason": c.Reason,
			"before": map[string]any{"eligible": before.Eligible, "group": before.Group, "batch": before.Batch},
			"after":  map[string]any{"eligible": c.Eligible, "group": grp, "batch": batch}})
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, case_id, detail)
			VALUES ($1, now(), $2, 'candidate_corrected', $3, $4)`,
			fmt.Sprintf("%s/candidate_corrected/%s/%d", c.CaseID, c.NIP, time.Now().UnixNano()), c.By, c.CaseID, jsonText(detail)); err != nil {
			return fmt.Errorf("audit correction of %s: %w", c.NIP, err)
		}
		return nil
	})
}

// Duplicate is a running case whose proposals repeat a new file's: the same file, or some of
// the same NIPs.
type Duplicate struct {
	CaseID   string `db:"id" json:"case_id"`
	Title    string `db:"title" json:"title"`
	SameFile bool   `db:"same_file" json:"same_file"`
	SameNIPs int    `db:"same_nips" json:"same_nips"`
}

// Duplicates lists the running cases whose proposals are the file of hash sha or name any of nips.
func (s *Store) Duplicates(ctx context.Context, sha string, nips []string) ([]Duplicate, error) {
	var out []Duplicate
	if err := s.db.SelectContext(ctx, &out, `SELECT c.id, c.title,
		EXISTS (SELECT 1 FROM case_documents d WHERE d.case_id = c.id AND d.kind = 'proposals' AND d.sha256 = $1) AS same_file,
		(SELECT count(DISTINCT k.nip) FROM candidates k WHERE k.case_id = c.id AND k.nip = ANY($2)) AS same_nips
		FROM cases c WHERE c.state = 'running'
		AND (EXISTS (SELECT 1 FROM case_documents d WHERE d.case_id = c.id AND d.kind = 'proposals' AND d.sha256 = $1)
		  OR EXISTS (SELECT 1 FROM candidates k WHERE k.case_id = c.id AND k.nip = ANY($2)))
		ORDER BY c.started_at`, sha, pq.Array(nips)); err != nil {
		return nil, fmt.Errorf("duplicate proposals: %w", err)
	}
	return out, nil
}
