// Package sheet reads a spreadsheet an office hands in, CSV (comma or semicolon, with or
// without a BOM) or XLSX (its first sheet), into rows of cells with their line numbers, so every
// problem can be named by the row a person sees. It bounds what an XLSX may unpack to.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxUnzipped bounds an XLSX's content once unpacked.
const MaxUnzipped = 64 << 20

// Errors that refuse a whole file.
var (
	ErrNotSpreadsheet = errors.New("berkas bukan lembar kerja CSV atau XLSX")
	ErrTooLarge       = errors.New("berkas terlalu besar")
	ErrEmpty          = errors.New("berkas tidak berisi data")
)

// Row is one row of cells and the line it is on.
type Row struct {
	Line  int
	Cells []string
}

// Blank reports whether the row has nothing in it but spaces.
func (r Row) Blank() bool { return strings.TrimSpace(strings.Join(r.Cells, "")) == "" }

// Header is the index of the first row with something in it, which names the columns; ok is
// false for a sheet with nothing.
func Header(rows []Row) (int, bool) {
	for i, r := range rows {
		if !r.Blank() {
			return i, true
		}
	}
	return 0, false
}

// Read turns the file into rows of cells, by what the content is rather than its name.
func Read(b []byte) ([]Row, error) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		if err := unpackedSize(b); err != nil {
			return nil, err
		}
		// An XLSX is a zip: a few MiB can unpack to gigabytes. Unpack no more than a real list needs.
		f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped})
		if err != nil {
			return nil, fmt.Errorf("%w: XLSX tidak terbaca (%v)", ErrNotSpreadsheet, err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, ErrEmpty
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
		}
		recs := make([]Row, len(rows))
		for i, r := range rows {
			recs[i] = Row{Line: i + 1, Cells: r}
		}
		return recs, nil
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return nil, ErrNotSpreadsheet
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';' // Excel in Indonesian locales writes semicolons
	}
	cr.FieldsPerRecord = -1
	var recs []Row
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
		}
		line, _ := cr.FieldPos(0) // blank lines are skipped by the reader but count as rows
		recs = append(recs, Row{Line: line, Cells: cells})
	}
}

// unpackedSize refuses an XLSX whose parts declare more content than a list an office makes can have.
// excelize's own limits still hold for an archive that lies about its sizes.
func unpackedSize(b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("%w: XLSX tidak terbaca (%v)", ErrNotSpreadsheet, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > MaxUnzipped {
		return fmt.Errorf("%w: isi XLSX %d MiB setelah dibuka (maksimal %d MiB)", ErrTooLarge, total>>20, MaxUnzipped>>20)
	}
	return nil
}
