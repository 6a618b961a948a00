package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/skflow/skflow/store/storetest"
)

// A decree's bytes are kept once per case; a number is one case's only, and a second case
// given it is refused instead of answered with nothing.
func TestADecreeNumberBelongsToOneCase(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	for _, id := range []string{"d1", "d2"} {
		if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.IssueDecree(ctx, "d1", "000.8.3.4/0001.1/2026", "application/pdf", []byte("%PDF-1 first"))
	if err != nil || first.Number != "000.8.3.4/0001.1/2026" {
		t.Fatalf("first issue: %+v %v", first, err)
	}
	if again, err := s.IssueDecree(ctx, "d1", "000.8.3.4/0001.1/2026", "application/pdf", []byte("%PDF-1 second")); err != nil || again.SHA256 != first.SHA256 {
		t.Fatalf("issued again: %+v %v (want the first's bytes)", again, err)
	}
	if _, err := s.IssueDecree(ctx, "d2", "000.8.3.4/0001.1/2026", "application/pdf", []byte("%PDF-1 other")); err == nil ||
		!strings.Contains(err.Error(), "issued to another case") {
		t.Fatalf("another case with the same number: %v", err)
	}
}
