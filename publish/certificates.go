package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
)

// CertificateID is a certificate's public verification ID: stable for its run, kind and
// participant, so a retried issue finds the one kept.
func CertificateID(runID string, kind training.DocKind, nip string) string {
	sum := sha256.Sum256([]byte(runID + "/" + string(kind) + "/" + nip))
	return "c" + hex.EncodeToString(sum[:10])
}

// Certificates issues, once, every participant's documents at the end of a run: the passed get
// an STTP, the best of them by the award rule a Piagam Penghargaan too, the others a Surat
// Keterangan. Each is numbered in its kind's sequence for the angkatan (by rank), sealed with
// the agency's signature and kept byte for byte.
func (p *Publisher) Certificates(ctx context.Context, s training.RunState, def *training.Definition) ([]training.Document, error) {
	if p.Signer == nil {
		return nil, fmt.Errorf("sertifikat %s: penerbitan (tanda tangan elektronik) hanya dilakukan worker", s.ID)
	}
	people := map[string]training.PersonState{}
	for _, ps := range s.People {
		people[ps.NIP] = ps
	}
	results := append([]training.Result(nil), s.Results...)
	sort.SliceStable(results, func(i, j int) bool {
		ri, rj := results[i].Rank, results[j].Rank
		if ri == 0 || rj == 0 {
			return rj == 0 && ri != 0
		}
		return ri < rj
	})
	seq := map[training.DocKind]int{}
	var out []training.Document
	now := time.Now()
	if p.Location != nil {
		now = now.In(p.Location)
	}
	for _, r := range results {
		kinds := []training.DocKind{training.SuratKe}
		if r.Outcome == training.Passed {
			kinds = []training.DocKind{training.STTP}
			if r.Award {
				kinds = append(kinds, training.Piagam)
			}
		}
		for _, kind := range kinds {
			seq[kind]++
			d, err := p.certificate(ctx, s, def, people[r.NIP], r, kind, seq[kind], now)
			if err != nil {
				return out, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

var docCodes = map[training.DocKind]string{training.STTP: "STTP", training.Piagam: "PIAGAM", training.SuratKe: "SKET"}

func (p *Publisher) certificate(ctx context.Context, s training.RunState, def *training.Definition, who training.PersonState, r training.Result,
	kind training.DocKind, n int, now time.Time) (training.Document, error) {
	id := CertificateID(s.ID, kind, who.NIP)
	number := fmt.Sprintf("%03d/%s/LATSAR-%s.%d/%d", n, docCodes[kind], s.Group, s.Batch, now.Year())
	c := skdoc.Certificate{Title: kind.Title(), Number: number, Organiser: def.Organiser,
		Training: def.RunName(s.Group, s.Batch), Basis: s.Title,
		Name: who.Name, NIP: who.NIP, Position: who.Position, OPD: who.OPD, Statement: statement(def, r, kind),
		Place: "Sengkang", Date: now, Signer: "Kepala " + def.Organiser, VerifyURL: p.VerifyURL(id)}
	if p.Template != nil {
		c.Place = p.Template.Place
	}
	var buf bytes.Buffer
	if err := c.WritePDF(&buf); err != nil {
		return training.Document{}, err
	}
	signed, err := p.Signer.Sign(ctx, buf.Bytes(), esign.Meta{Name: c.Signer, Location: c.Place, Reason: c.Title + " " + number, Date: now})
	if err != nil {
		return training.Document{}, fmt.Errorf("tanda tangan elektronik %s %s: %w", c.Title, who.NIP, err)
	}
	kept, err := p.St.IssueTrainingDocument(ctx, storeDoc(id, s.ID, who.NIP, kind, number, signed))
	if err != nil {
		return training.Document{}, err
	}
	return training.Document{ID: kept.ID, NIP: kept.NIP, Kind: training.DocKind(kept.Kind), Number: kept.Number, SHA256: kept.SHA256}, nil
}

func statement(def *training.Definition, r training.Result, kind training.DocKind) string {
	switch {
	case kind == training.Piagam:
		return fmt.Sprintf("sebagai peserta terbaik peringkat %d dengan kualifikasi %s (nilai akhir %.2f).", r.Rank, r.Decided, r.Final)
	case kind == training.STTP:
		return fmt.Sprintf("telah menyelesaikan seluruh program %s dan dinyatakan LULUS dengan kualifikasi %s.", def.Name, r.Decided)
	case r.Outcome == training.Absent:
		return fmt.Sprintf("tidak mengikuti %s karena tidak mengonfirmasi keikutsertaan sampai batas waktunya.", def.Name)
	}
	return fmt.Sprintf("telah mengikuti %s dan dinyatakan TIDAK LULUS (kualifikasi %s).", def.Name, strings.ToLower(r.Decided))
}

func storeDoc(id, runID, nip string, kind training.DocKind, number string, content []byte) store.TrainingDocument {
	return store.TrainingDocument{ID: id, TrainingID: runID, NIP: nip, Kind: string(kind), Number: number, Content: content}
}
