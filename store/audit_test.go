package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// auditFixture writes two cases and a sign-in, checkpoints them, and decides case c1 once more
// after the checkpoint: c1's stream is rows 1-4 checkpointed and 5-6 after; c2's is rows 1-2.
func auditFixture(t *testing.T) *store.Store {
	t.Helper()
	s, _ := storetest.New(t)
	ctx := context.Background()
	for _, err := range []error{s.Apply(ctx, storetest.Started("c1", t0)), s.Apply(ctx, storetest.Decided("c1", t0, t0.Add(20*time.Minute))), s.Apply(ctx, storetest.Started("c2", t0)),
		s.Note(ctx, "197001012000031001", "sign_in", map[string]any{"ip": "10.0.0.1"})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if made, err := s.Checkpoint(ctx, t0.Add(time.Hour)); err != nil || !made {
		t.Fatalf("checkpoint: %v %v", made, err)
	}
	if made, err := s.Checkpoint(ctx, t0.Add(2*time.Hour)); err != nil || made {
		t.Fatalf("a checkpoint with nothing new: %v %v", made, err)
	}
	later := storetest.Decided("c1", t0, t0.Add(40*time.Minute))
	later.Events[0].Task.Step, later.Events[0].Decision.Task.Step, later.Events[1].Task.Step = 2, 2, 3
	later.Events[0].Task.Role, later.Events[0].Decision.Actor.Role = "analis", "analis"
	if err := s.Apply(ctx, later); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAnIntactAuditLogVerifies(t *testing.T) {
	s := auditFixture(t)
	ctx := context.Background()
	c, err := s.VerifyAudit(ctx)
	if err != nil || c.Broken != nil || c.Rows != 9 || c.Streams != 3 || c.Checkpoints != 1 || c.Unchecked != 2 || len(c.HeadHash) != 64 {
		t.Fatalf("intact: %+v %v", c, err)
	}
	// The next checkpoint covers the two later rows and chains to the first.
	if made, err := s.Checkpoint(ctx, t0.Add(3*time.Hour)); err != nil || !made {
		t.Fatalf("second checkpoint: %v %v", made, err)
	}
	if c2, err := s.VerifyAudit(ctx); err != nil || c2.Broken != nil || c2.Checkpoints != 2 || c2.Unchecked != 0 || c2.HeadHash == c.HeadHash {
		t.Fatalf("after the second checkpoint: %+v %v", c2, err)
	}
}

// The audit trigger's hash is its body inlined, not a call of a SQL function of its own: a
// call is parsed and planned again in every transaction, most of an audit row's cost
// (migration 00026). PostgreSQL inlines it only while it is declared no less volatile than its
// body.
func TestTheAuditHashIsInlined(t *testing.T) {
	s, _ := storetest.New(t)
	var plan []string
	if err := s.DB().SelectContext(context.Background(), &plan,
		`EXPLAIN (VERBOSE, COSTS OFF) SELECT audit_row_hash(a.prev_hash, a) FROM audit_log a`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "sha256(") {
		t.Fatalf("audit_row_hash is called, not inlined:\n%s", strings.Join(plan, "\n"))
	}
}

// Each way of changing the past with database access is caught, and named where it is.
func TestAuditVerifyCatchesEveryTampering(t *testing.T) {
	for _, c := range []struct {
		name   string
		sql    []string
		stream string
		seq    int64
		kind   string
	}{
		{"edit", []string{`UPDATE audit_log SET detail = jsonb_set(detail, '{working_minutes}', '5') WHERE stream = 'c1' AND stream_seq = 3`},
			"c1", 3, store.BreakEdited},
		{"edit and re-hash", []string{`UPDATE audit_log SET detail = jsonb_set(detail, '{working_minutes}', '5') WHERE stream = 'c1' AND stream_seq = 3`,
			`UPDATE audit_log a SET hash = audit_row_hash(a.prev_hash, a) WHERE stream = 'c1' AND stream_seq = 3`}, "c1", 4, store.BreakUnlinked},
		{"delete", []string{`DELETE FROM audit_log WHERE stream = 'c1' AND stream_seq = 2`}, "c1", 3, store.BreakMissing},
		{"insert", []string{`SET session_replication_role = replica`,
			`UPDATE audit_log SET stream_seq = -stream_seq WHERE stream = 'c1' AND stream_seq >= 3`,
			`UPDATE audit_log SET stream_seq = 1 - stream_seq WHERE stream = 'c1' AND stream_seq < 0`,
			`INSERT INTO audit_log (key, at, actor, action, case_id, detail, stream, stream_seq, prev_hash, hash)
				SELECT 'forged', at, actor, 'step_decided', case_id, '{}', stream, 3, hash, '\x' FROM audit_log WHERE stream = 'c1' AND stream_seq = 2`,
			`UPDATE audit_log a SET hash = audit_row_hash(a.prev_hash, a) WHERE key = 'forged'`,
			`SET session_replication_role = origin`}, "c1", 4, store.BreakUnlinked},
		{"reorder", []string{`UPDATE audit_log SET stream_seq = -1 WHERE stream = 'c1' AND stream_seq = 2`,
			`UPDATE audit_log SET stream_seq = 2 WHERE stream = 'c1' AND stream_seq = 3`,
			`UPDATE audit_log SET stream_seq = 3 WHERE stream = 'c1' AND stream_seq = -1`}, "c1", 3, store.BreakUnlinked}, // the older row, now third
		{"cut the stream's last rows", []string{`DELETE FROM audit_log WHERE stream = 'c1' AND stream_seq >= 5`}, "c1", 6, store.BreakCut},
		{"cut and move the head back", []string{`DELETE FROM audit_log WHERE stream = 'c1' AND stream_seq >= 4`,
			`UPDATE audit_heads h SET stream_seq = a.stream_seq, hash = a.hash FROM audit_log a WHERE h.stream = 'c1' AND a.stream = 'c1' AND a.stream_seq = 3`},
			"c1", 4, store.BreakCheckpointed},
		{"delete a whole case", []string{`DELETE FROM audit_log WHERE stream = 'c2'`, `DELETE FROM audit_heads WHERE stream = 'c2'`}, "c2", 2, store.BreakCheckpointed},
		{"rewrite a checkpoint", []string{`UPDATE audit_checkpoints SET rows = rows - 1`}, "", 1, store.BreakCheckpoint},
		{"delete a checkpoint", []string{`DELETE FROM audit_checkpoints`,
			`DELETE FROM audit_checkpoint_heads`}, "", 0, ""}, // the log falls back to its chains: no break, no checkpoint
	} {
		t.Run(c.name, func(t *testing.T) {
			s := auditFixture(t)
			ctx := context.Background()
			conn, err := s.DB().Connx(ctx) // one session, for session_replication_role
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range c.sql {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			got, err := s.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c.kind == "" {
				if got.Broken != nil || got.Checkpoints != 0 || got.HeadHash != "" {
					t.Fatalf("%+v %+v", got, got.Broken)
				}
				return
			}
			if b := got.Broken; b == nil || b.Stream != c.stream || b.Seq != c.seq || b.Kind != c.kind {
				t.Fatalf("broken: %+v, want %s row %d %s", b, c.stream, c.seq, c.kind)
			}
		})
	}
}
