package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// startSearched starts three cases whose titles the board's search must tell apart, and
// checks that it does, by title (any case, a % taken literally) and by ID.
func startSearched(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for i, title := range []string{"Latsar 2026 angkatan I", "Latsar 2026 angkatan II", "Diklat 100% daring"} {
		tr := storetest.Started(fmt.Sprintf("c%d", i), t0)
		tr.Events[0].Case.Title = title
		if err := s.Apply(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	for search, want := range map[string]int{"angkatan": 2, "ANGKATAN II": 1, "100%": 1, "c2": 1, "tidak ada": 0} {
		if _, n, err := s.Board(ctx, store.BoardQuery{Search: search, Limit: 25}); err != nil || n != want {
			t.Errorf("search %q: %d cases, want %d (%v)", search, n, want, err)
		}
	}
}

// The board's search text is written once, when a case starts, not again at each decision:
// no index of the cases' rows, which every decision updates, is a trigram index.
func TestBoardSearchTextIsWrittenOnce(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	startSearched(t, s)
	opened := t0
	for step := 1; step <= 5; step++ {
		at := opened.Add(time.Hour)
		if err := s.Apply(ctx, storetest.Step("c0", step, opened, at)); err != nil {
			t.Fatal(err)
		}
		opened = at
	}
	var texts, gin int
	if err := s.DB().GetContext(ctx, &texts, `SELECT count(*) FROM case_search`); err != nil || texts != 3 {
		t.Fatalf("%d search texts for 3 cases (%v)", texts, err)
	}
	if err := s.DB().GetContext(ctx, &gin, `SELECT count(*) FROM pg_indexes WHERE tablename = 'cases' AND indexdef ILIKE '%USING gin%'`); err != nil || gin != 0 {
		t.Fatalf("%d trigram indexes on cases (%v)", gin, err)
	}
	var trgm, indexed bool
	if err := s.DB().GetContext(ctx, &trgm, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')`); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().GetContext(ctx, &indexed, `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'case_search_text')`); err != nil || indexed != trgm {
		t.Fatalf("pg_trgm %v, the search texts' trigram index %v (%v)", trgm, indexed, err)
	}
}
