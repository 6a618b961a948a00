package classify

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/skflow/skflow/proposals"
)

func cands(n int, gol string, opd string) []proposals.Candidate {
	var out []proposals.Candidate
	for i := 0; i < n; i++ {
		out = append(out, proposals.Candidate{Row: i + 2, NIP: fmt.Sprintf("%018d", i), Name: fmt.Sprintf("%s %03d", gol, i), OPD: opd,
			Golongan: gol, Docs: proposals.Docs{SKCPNS: true, Sehat: true, SPT: true, Foto: true}})
	}
	return out
}

func TestBatchesPerGolonganAreEvenAndAtMost40(t *testing.T) {
	all := append(cands(45, "III/a", "Dinas B"), cands(80, "II/c", "Dinas A")...)
	all = append(all, cands(3, "IV/a", "Dinas C")...)
	all[0].Docs.Sehat = false
	res := Classify(all, 40)
	var sizes []string
	for _, b := range res.Batches {
		sizes = append(sizes, fmt.Sprintf("%s#%d:%d", b.Group, b.Number, len(b.Members)))
		if len(b.Members) > 40 {
			t.Fatalf("angkatan of %d", len(b.Members))
		}
		for _, m := range b.Members {
			if m.Group != b.Group || m.Batch != b.Number || !m.Eligible {
				t.Fatalf("member %+v in %s #%d", m, b.Group, b.Number)
			}
		}
	}
	// 80 golongan II make two of 40; 44 eligible golongan III make two of 22.
	if strings.Join(sizes, " ") != "II#1:40 II#2:40 III#1:22 III#2:22" || res.Eligible() != 124 {
		t.Fatalf("angkatan %v, eligible %d", sizes, res.Eligible())
	}
	if d := res.Decisions[0]; d.Eligible || d.Reasons[0] != "surat keterangan berbadan sehat tidak ada" {
		t.Fatalf("missing document: %+v", d)
	}
	if d := res.Decisions[125]; d.Eligible || !strings.Contains(d.Reasons[0], "hanya untuk golongan II dan III") {
		t.Fatalf("golongan IV: %+v", d)
	}
}

func TestMembersOrderedByOPDThenName(t *testing.T) {
	all := append(cands(2, "III/a", "Dinas Z"), cands(2, "III/b", "Dinas A")...)
	res := Classify(all, 0)
	var got []string
	for _, m := range res.Batches[0].Members {
		got = append(got, m.OPD+"/"+m.Name)
	}
	if strings.Join(got, ",") != "Dinas A/III/b 000,Dinas A/III/b 001,Dinas Z/III/a 000,Dinas Z/III/a 001" {
		t.Fatalf("order %v", got)
	}
}

func TestTheSample130(t *testing.T) {
	f, err := os.Open("../examples/usulan-opd-130.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := proposals.Read(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := Classify(res.Candidates, DefaultBatchSize)
	for _, b := range c.Batches {
		if len(b.Members) > 40 {
			t.Fatalf("angkatan %s #%d has %d", b.Group, b.Number, len(b.Members))
		}
	}
	if len(c.Batches) != 4 || c.Eligible() != 112 {
		t.Fatalf("%d angkatan, %d eligible", len(c.Batches), c.Eligible())
	}
}
