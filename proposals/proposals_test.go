package proposals

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const header = "NIP,Nama Lengkap,Jabatan,Unit Kerja,Gol/Ruang,SK Pengangkatan CPNS,Surat Keterangan Berbadan Sehat,SPT,Pasfoto\n"

func TestCSVWithLooseHeadersAndRowProblems(t *testing.T) {
	csv := header +
		"199801152024032001,Andi Nurul,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"\n" + // blank rows are skipped but keep the numbering
		"19960520202403100,Muhammad Arfah,Pranata Komputer,Diskominfo,III/a,ya,ya,ya,ya\n" +
		"199801152024032001,Andi Nurul,Analis,Dinas Kesehatan,3a,ya,ya,ya,ya\n" +
		"200001012024032003,,Pengelola,BKD,II/z,ya,mungkin,tidak,ya\n" +
		"199711302024031004,Ahmad Syukri,Perawat,Dinas Kesehatan,ii c,Ada,ADA,1,-\n"
	res, err := Read(strings.NewReader(csv), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 5 || len(res.Candidates) != 2 {
		t.Fatalf("rows %d, candidates %+v", res.Rows, res.Candidates)
	}
	if c := res.Candidates[1]; c.Row != 7 || c.Golongan != "II/c" || !c.Docs.SKCPNS || c.Docs.Foto {
		t.Fatalf("last row %+v", c)
	}
	want := []Problem{
		{4, "NIP", `NIP harus 18 angka (terbaca "19960520202403100")`},
		{5, "NIP", "NIP 199801152024032001 sudah diusulkan di baris 2 (Dinas Pendidikan)"},
		{6, "Nama", "nama kosong"},
		{6, "Golongan", `golongan "II/z" tidak dikenal (contoh: III/a)`},
		{6, "Surat sehat", `isi "mungkin" tidak dikenal; tulis ya atau tidak`},
	}
	if fmt.Sprint(res.Problems) != fmt.Sprint(want) {
		t.Fatalf("problems\n%v\nwant\n%v", res.Problems, want)
	}
}

func TestSemicolonsAndBOM(t *testing.T) {
	csv := "\xef\xbb\xbf" + strings.ReplaceAll(header, ",", ";") + "199801152024032001;Andi;Analis;Dinas Pendidikan;III/b;ya;ya;ya;ya\n"
	res, err := Read(strings.NewReader(csv), nil)
	if err != nil || len(res.Candidates) != 1 || res.Candidates[0].Golongan != "III/b" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestRefusedFiles(t *testing.T) {
	cases := map[string]struct {
		body []byte
		want error
	}{
		"pdf":            {[]byte("%PDF-1.7\n\x00\x01binary"), ErrNotSpreadsheet},
		"broken zip":     {[]byte("PK\x03\x04garbage"), ErrNotSpreadsheet},
		"missing column": {[]byte("NIP,Nama,OPD\n1,2,3\n"), ErrMissingColumn},
		"header only":    {[]byte(header), ErrEmpty},
		"empty":          {nil, ErrEmpty},
		"too large":      {bytes.Repeat([]byte("a"), MaxBytes+1), ErrTooLarge},
	}
	for name, c := range cases {
		if _, err := Read(bytes.NewReader(c.body), nil); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	_, err := Read(strings.NewReader("NIP,Nama,OPD\n1,2,3\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "Jabatan, Golongan, SK CPNS, Surat sehat, Surat perintah tugas, Pasfoto") {
		t.Errorf("missing columns are not named: %v", err)
	}
}

var writeSample = flag.Bool("write-sample", false, "rewrite examples/usulan-opd-130.xlsx")

// SamplePath is the committed 130-row example, used by tests here and in classify.
const SamplePath = "../examples/usulan-opd-130.xlsx"

// sample130 builds a real-looking XLSX of 130 proposals from several OPDs: 120 valid rows
// (60 golongan II, 60 golongan III, some missing a document) and 10 invalid ones.
func sample130(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"No", "NIP", "Nama", "Jabatan", "OPD", "Golongan", "SK CPNS", "Surat Sehat", "Surat Perintah Tugas", "Pasfoto"}}
	opds := []string{"Dinas Pendidikan", "Dinas Kesehatan", "Diskominfo", "BKD", "Dinas PUPR"}
	for i := 0; i < 120; i++ {
		gol, sex := "III/a", 1
		if i%2 == 0 {
			gol, sex = "II/c", 2
		}
		sehat := "ya"
		if i%17 == 0 {
			sehat = "tidak"
		}
		nip := fmt.Sprintf("1998%02d%02d2024%02d%d%03d", 1+i%12, 1+i%28, 1+i%12, sex, i+1)
		rows = append(rows, []any{i + 1, nip, fmt.Sprintf("Peserta %03d", i+1), "Pelaksana", opds[i%len(opds)], gol, "ya", sehat, "ya", "ya"})
	}
	for i := 0; i < 10; i++ { // invalid: impossible birth dates
		rows = append(rows, []any{121 + i, fmt.Sprintf("199802%02d2024031%03d", 30+i%2, 200+i), fmt.Sprintf("Salah %d", i), "Pelaksana", "BKD", "III/a", "ya", "ya", "ya", "ya"})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXOf130WithProgress(t *testing.T) {
	if *writeSample {
		if err := os.WriteFile(SamplePath, sample130(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(SamplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var calls, last int
	res, err := Read(f, func(done, total int) { calls++; last = done })
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 130 || len(res.Candidates) != 120 || len(res.Problems) != 10 || calls < 2 || last != 130 {
		t.Fatalf("rows %d, candidates %d, problems %d, progress %d calls up to %d", res.Rows, len(res.Candidates), len(res.Problems), calls, last)
	}
	if p := res.Problems[0]; p.Row != 122 || p.Column != "NIP" || !strings.Contains(p.Message, "tanggal lahir 19980230") {
		t.Fatalf("first problem %+v", p)
	}
}

// A small XLSX whose sheet unpacks to far more than a proposal list is refused quickly.
func TestZipBombIsRefused(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "sheet1.xml") {
			chunk := bytes.Repeat([]byte("<row><c><v>1</v></c></row>"), 1<<16)
			for i := 0; i < 200; i++ { // 325 MiB unpacked
				_, _ = w.Write(chunk)
			}
		}
	}
	zw.Close()
	if buf.Len() > MaxBytes {
		t.Fatalf("the bomb itself is %d bytes", buf.Len())
	}
	start := time.Now()
	_, err := Read(&buf, nil)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "isi XLSX 325 MiB setelah dibuka") || time.Since(start) > 5*time.Second {
		t.Fatalf("zip bomb: %v after %s", err, time.Since(start))
	}
}

func TestGolongan(t *testing.T) {
	for in, want := range map[string]string{"III/a": "III/a", "3a": "III/a", "iii - b": "III/b", "II.c": "II/c", "IV/e": "IV/e", "2 d": "II/d"} {
		if got, ok := Golongan(in); !ok || got != want {
			t.Errorf("Golongan(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "III", "V/a", "III/f", "tiga"} {
		if g, ok := Golongan(in); ok {
			t.Errorf("Golongan(%q) = %q, want refused", in, g)
		}
	}
}

// FuzzRead: no input makes the importer panic, and whatever it accepts is consistent: every
// row is either a candidate or has a problem, and candidates have valid NIPs and no duplicates.
func FuzzRead(f *testing.F) {
	f.Add([]byte(header + "199801152024032001,Andi,Analis,Dinas,III/a,ya,ya,ya,ya\n"))
	f.Add([]byte(strings.ReplaceAll(header, ",", ";") + "x;;;;;;;;\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("NIP\n\"unterminated"))
	f.Fuzz(func(t *testing.T, b []byte) {
		type out struct {
			res Result
			err error
		}
		done := make(chan out, 1)
		go func() {
			res, err := Read(bytes.NewReader(b), nil)
			done <- out{res, err}
		}()
		var o out
		select {
		case o = <-done:
		case <-time.After(2 * time.Second): // an upload must not tie up the server
			t.Fatalf("Read took over 2s on %d bytes", len(b))
		}
		res, err := o.res, o.err
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range res.Candidates {
			if len(c.NIP) != 18 || seen[c.NIP] || c.Name == "" || c.OPD == "" {
				t.Fatalf("inconsistent candidate %+v", c)
			}
			seen[c.NIP] = true
		}
		problemRows := map[int]bool{}
		for _, p := range res.Problems {
			problemRows[p.Row] = true
		}
		if len(res.Candidates)+len(problemRows) != res.Rows {
			t.Fatalf("%d rows but %d candidates and %d rows with problems", res.Rows, len(res.Candidates), len(problemRows))
		}
	})
}

// Headers as OPDs really write them: remarks in parentheses, extra words, abbreviations,
// another order. Each is recognised by its key words, and the result says which header was
// read as which field.
func TestHeadersAreRecognisedByTheirKeyWords(t *testing.T) {
	sheet := `No.,Nama Lengkap (dengan gelar),NIP (18 digit),Pangkat / Gol. Ruang,Nama Jabatan,Nama Unit Kerja / OPD Asal,` +
		`Upload SK Pengangkatan CPNS (ada/tidak),Ket. Sehat dari Dokter,Surat Perintah Tugas Kepala OPD,Pas Foto 4x6` + "\n" +
		"1,Andi Nurul S.Pd.,199801152024032001,Penata Muda / III/a,Guru Ahli Pertama,Dinas Pendidikan,ada,ada,ada,ada\n"
	res, err := Read(strings.NewReader(sheet), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Name != "Andi Nurul S.Pd." || res.Candidates[0].Position != "Guru Ahli Pertama" ||
		res.Candidates[0].OPD != "Dinas Pendidikan" || !res.Candidates[0].Docs.Foto {
		t.Fatalf("candidates %+v, problems %+v", res.Candidates, res.Problems)
	}
	want := map[string]string{"NIP": "NIP (18 digit)", "Nama": "Nama Lengkap (dengan gelar)", "Jabatan": "Nama Jabatan",
		"OPD": "Nama Unit Kerja / OPD Asal", "Golongan": "Pangkat / Gol. Ruang", "SK CPNS": "Upload SK Pengangkatan CPNS (ada/tidak)",
		"Surat sehat": "Ket. Sehat dari Dokter", "Surat perintah tugas": "Surat Perintah Tugas Kepala OPD", "Pasfoto": "Pas Foto 4x6"}
	for _, c := range res.Columns {
		if want[c.Field] != c.Header {
			t.Errorf("%s read from %q, want %q", c.Field, c.Header, want[c.Field])
		}
		delete(want, c.Field)
	}
	if len(want) != 0 {
		t.Errorf("not read: %v", want)
	}
	// A sheet missing a column says what it did read.
	_, err = Read(strings.NewReader("NIP,Nama,Jabatan\n1,2,3\n"), nil)
	if !errors.Is(err, ErrMissingColumn) || !strings.Contains(err.Error(), `kolom terbaca: NIP ← "NIP", Nama ← "Nama", Jabatan ← "Jabatan"`) {
		t.Fatalf("missing columns: %v", err)
	}
}

// A cell the database could not keep, or that would show other than it reads, is a problem of
// its row, not a failure of the whole file.
func TestControlCharactersAreRowProblems(t *testing.T) {
	sheet := header +
		"199801152024032001,Andi\x1bNurul,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"199605202024031002,Arfah,Analis,\u202eDiskominfo,III/a,ya,ya,ya,ya\n" +
		"200001012024032003,Rahma,Pengelola,BKD,II/c,ya,ya,ya,ya\n"
	res, err := Read(strings.NewReader(sheet), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 1 || len(res.Problems) != 2 || res.Problems[0].Column != "Nama" || res.Problems[1].Column != "OPD" ||
		!strings.Contains(res.Problems[0].Message, "U+001B") || !strings.Contains(res.Problems[1].Message, "U+202E") {
		t.Fatalf("candidates %d, problems %+v", len(res.Candidates), res.Problems)
	}
}
