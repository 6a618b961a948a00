// Package esign seals an issued decree with an electronic signature (PAdES: a CMS signature in
// an incremental update of the PDF). The Signer interface is the seam where an agency plugs in
// its certificate authority's signing service; Local signs with a key and certificate held
// here, as the development CA of an embedded run does. It knows no screen and no database.
package esign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// Meta is what the signature dictionary says of the signing.
type Meta struct {
	Name     string // the signer, e.g. the Bupati's name
	Location string // where, e.g. Sengkang
	Reason   string // why, e.g. the decree's number
	Date     time.Time
}

// Signer turns a PDF into the same PDF with a signature. Implementations must not change the
// bytes they were given: the signature is appended as an incremental update.
type Signer interface {
	Sign(ctx context.Context, doc []byte, m Meta) ([]byte, error)
}

// ErrNotSignable refuses a file that is not a PDF a signature can be appended to: one whose
// cross-reference table or trailer cannot be read. Retrying does not help.
var ErrNotSignable = errors.New("berkas PDF rusak atau tidak lengkap sehingga tidak dapat ditandatangani")

// Check tells whether a signature can be appended to doc, without signing it: an upload is
// refused at once rather than when the Bupati has signed it.
func Check(doc []byte) error {
	if _, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc))); err != nil {
		return ErrNotSignable // the reader's own words are English and of no use to the uploader
	}
	return nil
}

// Local signs with a private key and its certificate chain, leaf first.
type Local struct {
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Sign appends an approval signature (SHA-256, adbe.pkcs7.detached with the signing-certificate
// attribute) covering the whole document. No network call is made: no timestamp authority, no
// revocation lookups.
func (l *Local) Sign(_ context.Context, doc []byte, m Meta) ([]byte, error) {
	if len(l.Chain) == 0 || l.Key == nil {
		return nil, errors.New("esign: no signing key or certificate")
	}
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotSignable, err)
	}
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, r, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info:     sign.SignDataSignatureInfo{Name: m.Name, Location: m.Location, Reason: m.Reason, Date: m.Date},
			CertType: sign.ApprovalSignature,
		},
		Signer:            l.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       l.Chain[0],
		CertificateChains: [][]*x509.Certificate{l.Chain},
	})
	if err != nil {
		return nil, fmt.Errorf("esign: sign PDF: %w", err)
	}
	return out.Bytes(), nil
}

// LoadLocal reads a PEM certificate file (leaf first, then its chain) and a PEM private key
// (PKCS#8, PKCS#1 or SEC 1).
func LoadLocal(certFile, keyFile string) (*Local, error) {
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("esign: certificate: %w", err)
	}
	var chain []*x509.Certificate
	for blk, rest := pem.Decode(cb); blk != nil; blk, rest = pem.Decode(rest) {
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("esign: certificate %s: %w", certFile, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("esign: %s holds no PEM certificate", certFile)
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("esign: key: %w", err)
	}
	key, err := parseKey(kb)
	if err != nil {
		return nil, fmt.Errorf("esign: key %s: %w", keyFile, err)
	}
	return &Local{Key: key, Chain: chain}, nil
}

func parseKey(b []byte) (crypto.Signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("key cannot sign")
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("not a PKCS#8, PKCS#1 or SEC 1 private key")
}
