package esign

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/digitorus/pdfsign/verify"
)

// Seal is what a PDF's electronic signature says, as checked here: whether the signed bytes
// still match their signature, who signed, and who certified the signer.
type Seal struct {
	Valid     bool       // the signature matches the bytes it covers
	Signer    string     // the signing certificate's common name
	Org       string     // its organisation
	Issuer    string     // the certificate authority that issued it
	Trusted   bool       // the issuer is one this machine's trust store knows
	SignedAt  *time.Time // as the signature says (no timestamp authority is asked)
	Name      string     // the signer's name in the signature dictionary
	Reason    string
	Location  string
	NotBefore time.Time
	NotAfter  time.Time
}

// ErrUnsigned is a PDF that carries no electronic signature.
var ErrUnsigned = errors.New("berkas tidak memuat tanda tangan elektronik")

// Inspect reads every signature of a PDF and checks it against the bytes it covers. It makes
// no network call: no revocation lookups, no timestamp authority.
func Inspect(doc []byte) ([]Seal, error) {
	opts := verify.DefaultVerifyOptions()
	// A decree is signed for approval; the certificate's key usages are the CA's business.
	opts.RequiredEKUs, opts.RequireDigitalSignatureKU = nil, false
	resp, err := verify.VerifyWithOptions(bytes.NewReader(doc), int64(len(doc)), opts)
	if err != nil {
		if resp == nil {
			return nil, fmt.Errorf("%w (%v)", ErrUnsigned, err)
		}
		return nil, err
	}
	if len(resp.Signers) == 0 {
		return nil, ErrUnsigned
	}
	seals := make([]Seal, 0, len(resp.Signers))
	for _, s := range resp.Signers {
		seal := Seal{Valid: s.ValidSignature, Trusted: s.TrustedIssuer, SignedAt: s.SignatureTime, Name: s.Name,
			Reason: s.Reason, Location: s.Location}
		if c := leaf(s.Certificates); c != nil {
			seal.Signer, seal.Issuer, seal.NotBefore, seal.NotAfter = c.Subject.CommonName, c.Issuer.CommonName, c.NotBefore, c.NotAfter
			if len(c.Subject.Organization) > 0 {
				seal.Org = c.Subject.Organization[0]
			}
		}
		seals = append(seals, seal)
	}
	return seals, nil
}

// leaf is the signer's own certificate: the first in the chain that is not a CA's.
func leaf(cs []verify.Certificate) *x509.Certificate {
	for _, c := range cs {
		if c.Certificate != nil && !c.Certificate.IsCA {
			return c.Certificate
		}
	}
	if len(cs) > 0 {
		return cs[0].Certificate
	}
	return nil
}
