package esign

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/skflow/skflow/internal/pdftool"
)

func document(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false) // the tests find and change the number's bytes
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(0, 10, "KEPUTUSAN BUPATI WAJO NOMOR 000.8.3.4/0001.1/2026")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func devSigner(t *testing.T) (*Local, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "signing")
	cert, key, err := DevCA(dir, "BKPSDM Kabupaten Wajo", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadLocal(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return l, dir
}

var meta = Meta{Name: "H. Andi Amran", Location: "Sengkang", Reason: "Keputusan Bupati Wajo Nomor 000.8.3.4/0001.1/2026", Date: time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("WITA", 8*3600))}

// The signed decree is checked by poppler, not by the library that signed it: the signature is
// valid and covers the whole document; one byte changed inside the signed range afterwards is
// reported. qpdf finds the signed file well formed.
func TestSignedPDFVerifiesWithPdfsigAndAChangedByteIsCaught(t *testing.T) {
	l, caDir := devSigner(t)
	doc := document(t)
	signed, err := l.Sign(context.Background(), doc, meta)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, doc) {
		t.Fatal("signing changed the document's bytes instead of appending an update")
	}
	path := pdftool.File(t, "signed.pdf", signed)
	out := pdftool.Output(t, "pdfsig", path)
	if !strings.Contains(out, "Signature Validation: Signature is Valid.") || !strings.Contains(out, "Total document signed") ||
		!strings.Contains(out, "Signer Certificate Common Name: Penandatangan SK (pengembangan)") {
		t.Fatalf("pdfsig on the signed decree:\n%s", out)
	}
	if out := pdftool.Run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check on the signed decree:\n%s", out)
	}

	// Once the development CA is trusted (as an agency's CA would be), the chain holds: the
	// signing certificate is one the CA issued, for signing.
	nss := t.TempDir()
	pdftool.Run(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	pdftool.Run(t, "certutil", "-A", "-d", "sql:"+nss, "-n", "skflow-dev", "-t", "C,C,C", "-i", filepath.Join(caDir, DevCAFile))
	if out := pdftool.Output(t, "pdfsig", "-nssdir", "sql:"+nss, path); !strings.Contains(out, "Certificate Validation: Certificate is Trusted.") {
		t.Fatalf("pdfsig with the development CA trusted:\n%s", out)
	}

	i := bytes.Index(signed, []byte("0001.1/2026"))
	tampered := bytes.Clone(signed)
	tampered[i] = '9' // 0001 becomes 9001
	out = pdftool.Output(t, "pdfsig", pdftool.File(t, "tampered.pdf", tampered))
	if strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Digest Mismatch") {
		t.Fatalf("pdfsig on the decree changed after signing:\n%s", out)
	}
}

// The development CA is made once; its key is readable by its owner only; the CA's own key is
// not kept anywhere.
func TestDevCAIsMadeOnceWithAPrivateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "signing")
	now := time.Now()
	cert, key, err := DevCA(dir, "BKPSDM", now)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	first, _ := os.ReadFile(cert)
	if _, _, err := DevCA(dir, "BKPSDM", now); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(cert)
	if !bytes.Equal(first, again) {
		t.Fatal("a second start made a new signing certificate")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "ca.pem signer.key signer.pem" {
		t.Fatalf("files of the development CA: %v", names)
	}
	l, err := LoadLocal(cert, key)
	if err != nil || len(l.Chain) != 2 || l.Chain[0].Issuer.CommonName != l.Chain[1].Subject.CommonName {
		t.Fatalf("chain %v (%v)", l.Chain, err)
	}
}

// A signing service is trusted to sign, not to write: what comes back must be the decree sent
// with a signature appended.
func TestServiceSignerAcceptsOnlyTheSameDocumentSigned(t *testing.T) {
	l, _ := devSigner(t)
	doc := document(t)
	var gotNIK string
	tamper := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "esign" || p != "rahasia" {
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		gotNIK = r.FormValue("nik")
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		in, _ := io.ReadAll(f)
		if tamper {
			in = bytes.Replace(in, []byte("0001.1"), []byte("0002.1"), 1)
		}
		out, err := l.Sign(r.Context(), in, Meta{})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(out)
	}))
	defer srv.Close()
	s := &Service{URL: srv.URL, Username: "esign", Password: "rahasia", Fields: map[string]string{"nik": "7313000000000001", "tampilan": "invisible"}}
	signed, err := s.Sign(context.Background(), doc, meta)
	if err != nil || gotNIK != "7313000000000001" || !bytes.HasPrefix(signed, doc) {
		t.Fatalf("service signing: %v (nik %q)", err, gotNIK)
	}
	tamper = true
	if _, err := s.Sign(context.Background(), doc, meta); err == nil || !strings.Contains(err.Error(), "not the decree sent") {
		t.Fatalf("a service that changed the decree: %v", err)
	}
	s.Password = "salah"
	if _, err := s.Sign(context.Background(), doc, meta); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a refused login: %v", err)
	}
}

// What the verification page says of a decree comes from its own bytes: a signed decree's seal
// is valid and names its signer and the CA; one byte changed and it is not; an unsigned PDF has
// none.
func TestInspectReadsTheSealFromTheBytes(t *testing.T) {
	l, _ := devSigner(t)
	doc := document(t)
	signed, err := l.Sign(context.Background(), doc, meta)
	if err != nil {
		t.Fatal(err)
	}
	seals, err := Inspect(signed)
	if err != nil || len(seals) != 1 {
		t.Fatalf("seals %+v (%v)", seals, err)
	}
	s := seals[0]
	if !s.Valid || s.Signer != "Penandatangan SK (pengembangan)" || s.Org != "BKPSDM Kabupaten Wajo" ||
		s.Issuer != "skflow CA pengembangan (bukan untuk SK resmi)" || s.Trusted || s.Name != meta.Name || s.Location != "Sengkang" {
		t.Fatalf("seal %+v", s)
	}
	tampered := bytes.Clone(signed)
	tampered[bytes.Index(tampered, []byte("0001.1/2026"))] = '9'
	if seals, err := Inspect(tampered); err == nil && (len(seals) != 1 || seals[0].Valid) {
		t.Fatalf("a changed decree still reads as validly signed: %+v", seals)
	}
	if _, err := Inspect(doc); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("an unsigned PDF: %v", err)
	}
}
