package web

// The public verification of an issued decree: what it is, who initialled and signed it on
// which version, and whether a PDF someone holds is byte for byte the one issued.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
)

// verdict is what the page says of an uploaded file.
type verdict struct {
	Match  bool
	SHA256 string
	Name   string
	// Seal is what the file's own signature says, for a file that is not the issued one: a
	// changed copy of a signed decree reads as not validly signed.
	Seal   *esign.Seal
	NoSeal bool
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	s.renderVerify(w, r, nil)
}

// verifyUpload compares an uploaded file with the issued decree. The file is hashed, never kept.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) {
	f, h, err := r.FormFile("file")
	if err != nil {
		s.flashBack(w, r, r.URL.Path, s.p.T("web.verify.choose"))
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(b) > maxUpload {
		s.flashBack(w, r, r.URL.Path, s.p.T("web.verify.unreadable"))
		return
	}
	sum := sha256.Sum256(b)
	v := &verdict{SHA256: hex.EncodeToString(sum[:]), Name: h.Filename}
	if seals, err := esign.Inspect(b); err == nil {
		v.Seal = &seals[len(seals)-1]
	} else {
		v.NoSeal = true
	}
	s.renderVerify(w, r, v)
}

func (s *Server) renderVerify(w http.ResponseWriter, r *http.Request, v *verdict) {
	if certificateID.MatchString(r.PathValue("id")) {
		s.renderCertificate(w, r, v)
		return
	}
	d, ok := s.issued(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	c, err := s.st.Case(r.Context(), d.CaseID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks, err := s.st.Tasks(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The paraf chain: every review and signature agreed, with the version it was given on.
	var chainOf []store.Task
	for _, t := range tasks {
		step, _ := s.def.Step(t.Step)
		if (step.Kind == sop.KindReview || step.Kind == sop.KindSign) && t.Decision != nil && *t.Decision == string(chain.Agree) {
			chainOf = append(chainOf, t)
		}
	}
	if v != nil {
		v.Match = v.SHA256 == d.SHA256
	}
	// The issued decree's own seal, read from its bytes.
	var seal *esign.Seal
	if seals, err := esign.Inspect(d.Content); err == nil {
		seal = &seals[len(seals)-1]
	}
	sk, err := s.o.Publisher.Decree(r.Context(), c, s.o.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "verify", map[string]any{"Title": s.p.T("web.verify.title", d.Number), "Decree": d, "Case": c, "Kind": sk.Text().Title,
		"Chain": chainOf, "Verdict": v, "Seal": seal})
}

// certificateID is the shape of a training certificate's public ID (publish.CertificateID).
var certificateID = regexp.MustCompile(`^c[0-9a-f]{20}$`)

// renderCertificate is the verification of an STTP, a Piagam or a Surat Keterangan: what it
// is, whom it names, the hash and seal of the file issued, and the comparison of an upload.
func (s *Server) renderCertificate(w http.ResponseWriter, r *http.Request, v *verdict) {
	d, err := s.st.TrainingDocumentByID(r.Context(), r.PathValue("id"))
	if s.missing(w, r, err) {
		return
	}
	t, _, people, err := s.st.TrainingRecord(r.Context(), d.TrainingID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var who store.Trainee
	for _, p := range people {
		if p.NIP == d.NIP {
			who = p
		}
	}
	var seal *esign.Seal
	if seals, err := esign.Inspect(d.Content); err == nil {
		seal = &seals[len(seals)-1]
	}
	if v != nil {
		v.Match = v.SHA256 == d.SHA256
	}
	s.render(w, r, "certificate", map[string]any{"Title": s.p.T("web.verify.doc_title", training.DocKind(d.Kind).Title()), "Doc": d,
		"Kind": training.DocKind(d.Kind).Title(), "Who": who, "Training": t, "Seal": seal, "Verdict": v})
}

// certificatePDF serves an issued certificate.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) {
	d, err := s.st.TrainingDocumentByID(r.Context(), strings.TrimSuffix(r.PathValue("id"), ".pdf"))
	if s.missing(w, r, err) {
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s.pdf"`, d.Kind, d.NIP))
	_, _ = w.Write(d.Content)
}
