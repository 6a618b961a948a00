package nip

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	n, err := Parse("19980115 202403 2 001")
	if err != nil || n.Digits != "199801152024032001" || !n.Female || n.Seq != 1 || n.Birth.Day() != 15 || n.TMT.Year() != 2024 || n.TMT.Month() != 3 {
		t.Fatalf("%+v %v", n, err)
	}
	bad := map[string]string{
		"1998011520240320":   "NIP harus 18 angka",
		"19980115202403200a": "NIP harus 18 angka",
		"199802302024032001": "tanggal lahir 19980230",
		"199801152024132001": "TMT 202413",
		"199801152015032001": "TMT 03-2015 sebelum pegawai berusia 18 tahun",
		"199801152024033001": "digit jenis kelamin pada NIP harus 1 atau 2, bukan 3",
		"199801152024031000": "nomor urut pada NIP tidak boleh 000",
		"":                   "NIP harus 18 angka",
	}
	for in, want := range bad {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
	if _, err := Parse("200002292024031001"); err != nil { // 29 February of a leap year
		t.Errorf("leap day: %v", err)
	}
}

// FuzzParse: any input either parses into a NIP whose parts rebuild its digits, or is refused.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"199801152024032001", "19980115 202403 2 001", "199802302024032001", "", "x", "000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		sex := "1"
		if n.Female {
			sex = "2"
		}
		rebuilt := n.Birth.Format("20060102") + n.TMT.Format("200601") + sex + n.Digits[15:]
		if len(n.Digits) != 18 || rebuilt != n.Digits || n.Seq < 1 || n.TMT.Year()-n.Birth.Year() < 18 {
			t.Fatalf("Parse(%q) accepted an inconsistent NIP %+v", s, n)
		}
	})
}

func TestSpaced(t *testing.T) {
	for in, want := range map[string]string{"199809092024092009": "19980909 202409 2 009", "12345": "12345", "19980909202409200x": "19980909202409200x"} {
		if got := Spaced(in); got != want {
			t.Errorf("Spaced(%q) = %q, want %q", in, got, want)
		}
	}
}
