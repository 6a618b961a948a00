package esign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
)

// Service signs through a certificate authority's signing service over HTTP, the way BSrE's
// eSign client does: the PDF goes in as the multipart field "file" with the service's own
// fields (NIK, passphrase, appearance), the signed PDF comes back.
type Service struct {
	URL      string
	Username string // basic authentication, when the service asks for it
	Password string
	Fields   map[string]string
	Client   *http.Client
}

// maxSigned bounds what the service may send back.
const maxSigned = 64 << 20

// Sign sends the document and checks what comes back is the same document with a signature
// appended, so a service can neither change the decree nor return something else.
func (s *Service) Sign(ctx context.Context, doc []byte, _ Meta) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	keys := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := mw.WriteField(k, s.Fields[k]); err != nil {
			return nil, fmt.Errorf("esign service: %w", err)
		}
	}
	fw, err := mw.CreateFormFile("file", "sk.pdf")
	if err != nil {
		return nil, fmt.Errorf("esign service: %w", err)
	}
	if _, err := fw.Write(doc); err != nil {
		return nil, fmt.Errorf("esign service: %w", err)
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("esign service: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, &body)
	if err != nil {
		return nil, fmt.Errorf("esign service: %w", err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if s.Username != "" {
		req.SetBasicAuth(s.Username, s.Password)
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("esign service %s: %w", s.URL, err)
	}
	defer resp.Body.Close()
	signed, err := io.ReadAll(io.LimitReader(resp.Body, maxSigned+1))
	if err != nil {
		return nil, fmt.Errorf("esign service %s: %w", s.URL, err)
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("esign service %s answered %s: %.200s", s.URL, resp.Status, signed)
	case len(signed) > maxSigned:
		return nil, fmt.Errorf("esign service %s sent more than %d MiB", s.URL, maxSigned>>20)
	case !bytes.HasPrefix(signed, doc) || len(signed) == len(doc):
		return nil, errors.New("esign service returned a document that is not the decree sent with a signature appended")
	}
	return signed, nil
}
