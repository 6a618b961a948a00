package store

// The audit log's tamper evidence, without a lock that every writer waits for.
//
// Design. Every audit row belongs to a stream: its case (or training run), or "" for what
// belongs to no case (sign-ins, calendar edits). Each stream is a hash chain: a row carries
// its place in the stream (stream_seq), the hash of the stream's row before it and its own
// hash over both and its content. A writer takes only its stream's advisory lock, so cases
// are written side by side; a case's own transitions come one at a time anyway. The last row
// of every stream is kept in audit_heads by the insert itself.
//
// A checkpoint (every minute, by the worker) commits every stream's head at once: it records
// the heads that moved since the checkpoint before and the Merkle root over all heads after
// them, and is chained to the checkpoint before by hash, as a transparency log's signed tree
// heads are. The newest checkpoint's hash is the one value to keep outside the database.
//
// Threat model. Someone who can write to the database, but not to the worker's memory or to
// where the checkpoint hash is kept, edits, inserts, deletes, reorders or cuts rows. Within a
// stream, an edited row no longer matches its hash, a deleted one leaves a gap, an inserted or
// reordered one does not follow the row before it. A stream cut short (its last rows deleted,
// or the whole stream) is caught by its head, and, should the head be rewritten too, by the
// checkpoints: the rows a checkpoint committed to must still be there with the same hash.
// Rewriting a stream's chain and every checkpoint after it changes the newest checkpoint's
// hash, which is why that hash is kept elsewhere. Rows written after the newest checkpoint are
// covered by their chain and head only, until the next checkpoint (at most a minute).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// AuditCheck is the result of verifying the audit log.
type AuditCheck struct {
	Rows        int64     `json:"rows"`
	Streams     int64     `json:"streams"`
	Checkpoints int64     `json:"checkpoints"`
	CheckedAt   time.Time `json:"checkpointed_at,omitzero"`
	Unchecked   int64     `json:"rows_after_checkpoint"` // covered by their chain only, until the next checkpoint
	HeadHash    string    `json:"head_hash"`             // the newest checkpoint's hash: record it elsewhere
	Broken      *Break    `json:"broken,omitempty"`
}

// Break is the first thing that does not hold. Kind is one of the Break* codes.
type Break struct {
	Stream string `json:"stream"`
	Seq    int64  `json:"seq"` // the row's place in its stream, or the checkpoint's number
	ID     int64  `json:"id,omitempty"`
	Key    string `json:"key,omitempty"`
	Kind   string `json:"kind"`
}

// What can break.
const (
	BreakEdited       = "edited"          // a row's content no longer matches its hash
	BreakMissing      = "missing"         // a row is missing before this one
	BreakUnlinked     = "unlinked"        // a row does not follow the one before it in its stream
	BreakCut          = "cut"             // the stream's last rows are gone
	BreakCheckpointed = "checkpointed"    // a row a checkpoint committed to is gone or changed
	BreakCheckpoint   = "checkpoint"      // a checkpoint is missing, edited or out of its chain
	BreakRoot         = "checkpoint_root" // a checkpoint's heads do not add up to its root
)

// head is a stream's last row as a checkpoint records it.
type head struct {
	Stream string
	Seq    int64
	Hash   []byte
}

func (h head) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{h.Stream, h.Seq, hex.EncodeToString(h.Hash)})
}

func (h *head) UnmarshalJSON(b []byte) error {
	var v []json.RawMessage
	var hx string
	if err := json.Unmarshal(b, &v); err != nil || len(v) != 3 {
		return fmt.Errorf("checkpoint head %s: want [stream, seq, hash]", b)
	}
	if err := errors.Join(json.Unmarshal(v[0], &h.Stream), json.Unmarshal(v[1], &h.Seq), json.Unmarshal(v[2], &hx)); err != nil {
		return err
	}
	var err error
	h.Hash, err = hex.DecodeString(hx)
	return err
}

type checkpoint struct {
	Seq      int64     `db:"seq"`
	At       time.Time `db:"at"`
	Streams  int64     `db:"streams"`
	Rows     int64     `db:"rows"`
	Changed  jsonText  `db:"changed"`
	Root     []byte    `db:"root"`
	PrevHash []byte    `db:"prev_hash"`
	Hash     []byte    `db:"hash"`
}

// digest is the checkpoint's hash: over the one before it and everything it records.
func (c checkpoint) digest() []byte {
	h := sha256.New()
	h.Write(c.PrevHash)
	for _, f := range []string{strconv.FormatInt(c.Seq, 10), strconv.FormatInt(c.At.UnixMicro(), 10),
		strconv.FormatInt(c.Streams, 10), strconv.FormatInt(c.Rows, 10), hex.EncodeToString(c.Root)} {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	h.Write(canonical(c.Changed))
	return h.Sum(nil)
}

// canonical is a JSON document as Go writes it, whatever spacing PostgreSQL's jsonb gave it.
func canonical(b []byte) []byte {
	var heads []head
	if err := json.Unmarshal(b, &heads); err != nil {
		return b // not heads: hashed as it is, and so it does not match
	}
	out, _ := json.Marshal(heads)
	return out
}

// merkleRoot is the root of the tree over the heads in stream order (RFC 6962's shape: leaves
// and nodes hashed apart, an odd node carried up).
func merkleRoot(heads []head) []byte {
	if len(heads) == 0 {
		s := sha256.Sum256(nil)
		return s[:]
	}
	level := make([][]byte, len(heads))
	for i, h := range heads {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(h.Seq))
		s := sha256.Sum256(slices.Concat([]byte{0}, []byte(h.Stream), []byte{0x1f}, n[:], h.Hash))
		level[i] = s[:]
	}
	for len(level) > 1 {
		var next [][]byte
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
				continue
			}
			s := sha256.Sum256(slices.Concat([]byte{1}, level[i], level[i+1]))
			next = append(next, s[:])
		}
		level = next
	}
	return level[0]
}

func byStream(a, b head) int { return bytes.Compare([]byte(a.Stream), []byte(b.Stream)) }

// Checkpoint commits every stream's head, when one moved since the last checkpoint. It says
// whether it wrote one. Checkpointers wait for each other, never for writers.
func (s *Store) Checkpoint(ctx context.Context, now time.Time) (bool, error) {
	made := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7140526, 0)`); err != nil {
			return err
		}
		changed, err := heads(ctx, tx, `SELECT h.stream, h.stream_seq, h.hash FROM audit_heads h
			LEFT JOIN audit_checkpoint_heads c USING (stream)
			WHERE c.stream IS NULL OR c.stream_seq <> h.stream_seq OR c.hash <> h.hash`)
		if err != nil || len(changed) == 0 {
			return err
		}
		streams, seqs, hashes := columns(changed)
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoint_heads (stream, stream_seq, hash)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
			ON CONFLICT (stream) DO UPDATE SET stream_seq = EXCLUDED.stream_seq, hash = EXCLUDED.hash`,
			pq.Array(streams), pq.Array(seqs), pq.ByteaArray(hashes)); err != nil {
			return err
		}
		all, err := heads(ctx, tx, `SELECT stream, stream_seq, hash FROM audit_checkpoint_heads`)
		if err != nil {
			return err
		}
		var prev checkpoint
		if err := tx.GetContext(ctx, &prev, `SELECT seq, hash FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c := checkpoint{Seq: prev.Seq + 1, At: now.Truncate(time.Microsecond), Streams: int64(len(all)), Root: merkleRoot(all), PrevHash: prev.Hash}
		if c.PrevHash == nil {
			c.PrevHash = []byte{}
		}
		for _, h := range all {
			c.Rows += h.Seq
		}
		if c.Changed, err = json.Marshal(changed); err != nil {
			return err
		}
		c.Hash = c.digest()
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO audit_checkpoints (seq, at, streams, rows, changed, root, prev_hash, hash)
			VALUES (:seq, :at, :streams, :rows, :changed, :root, :prev_hash, :hash)`, c); err != nil {
			return err
		}
		made = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("audit checkpoint: %w", err)
	}
	return made, nil
}

// heads reads a query's (stream, stream_seq, hash) rows, in stream order.
func heads(ctx context.Context, tx *sqlx.Tx, query string) ([]head, error) {
	rows, err := tx.QueryxContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.Stream, &h.Seq, &h.Hash); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	slices.SortFunc(out, byStream)
	return out, rows.Err()
}

func columns(hs []head) ([]string, []int64, [][]byte) {
	streams, seqs, hashes := make([]string, len(hs)), make([]int64, len(hs)), make([][]byte, len(hs))
	for i, h := range hs {
		streams[i], seqs[i], hashes[i] = h.Stream, h.Seq, h.Hash
	}
	return streams, seqs, hashes
}

// VerifyAudit walks every stream's chain, every stream's head and every checkpoint, and
// reports the first thing that does not hold.
func (s *Store) VerifyAudit(ctx context.Context) (AuditCheck, error) {
	var c AuditCheck
	if err := s.db.QueryRowxContext(ctx, `SELECT count(*), count(DISTINCT stream) FROM audit_log`).Scan(&c.Rows, &c.Streams); err != nil {
		return c, fmt.Errorf("read audit log: %w", err)
	}
	var b Break
	err := s.db.QueryRowxContext(ctx, `
		WITH chain AS (
			SELECT a.id, a.key, a.stream, a.stream_seq, a.prev_hash, a.hash,
				lag(a.hash, 1, '\x'::bytea) OVER w AS before,
				lag(a.stream_seq, 1, 0::bigint) OVER w AS before_seq,
				audit_row_hash(a.prev_hash, a) AS recomputed
			FROM audit_log a WINDOW w AS (PARTITION BY a.stream ORDER BY a.stream_seq))
		SELECT stream, stream_seq, id, key, CASE
				WHEN stream_seq <> before_seq + 1 THEN $1
				WHEN prev_hash <> before THEN $2
				ELSE $3 END
		FROM chain
		WHERE stream_seq <> before_seq + 1 OR prev_hash <> before OR hash <> recomputed
		ORDER BY id LIMIT 1`, BreakMissing, BreakUnlinked, BreakEdited).Scan(&b.Stream, &b.Seq, &b.ID, &b.Key, &b.Kind)
	if done, err := found(&c, &b, err); done {
		return c, err
	}
	// A head whose row is gone: the stream was cut.
	err = s.db.QueryRowxContext(ctx, `SELECT h.stream, h.stream_seq, $1 FROM audit_heads h
		LEFT JOIN audit_log a ON a.stream = h.stream AND a.stream_seq = h.stream_seq AND a.hash = h.hash
		WHERE a.id IS NULL ORDER BY h.stream LIMIT 1`, BreakCut).Scan(&b.Stream, &b.Seq, &b.Kind)
	if done, err := found(&c, &b, err); done {
		return c, err
	}
	heads, brk, err := s.replayCheckpoints(ctx, &c)
	if err != nil || brk != nil {
		c.Broken = brk
		return c, err
	}
	streams, seqs, hashes := columns(heads)
	err = s.db.QueryRowxContext(ctx, `SELECT h.s, h.q, $4 FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS h(s, q, hh)
		LEFT JOIN audit_log a ON a.stream = h.s AND a.stream_seq = h.q AND a.hash = h.hh
		WHERE a.id IS NULL ORDER BY h.s LIMIT 1`, pq.Array(streams), pq.Array(seqs), pq.ByteaArray(hashes), BreakCheckpointed).Scan(&b.Stream, &b.Seq, &b.Kind)
	_, err = found(&c, &b, err)
	return c, err
}

// found settles a check's query: a row is the break, no row is a pass.
func found(c *AuditCheck, b *Break, err error) (bool, error) {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return true, fmt.Errorf("verify audit log: %w", err)
	}
	c.Broken = b
	return true, nil
}

// replayCheckpoints follows the checkpoints' chain, rebuilding the heads each committed to and
// checking its root; it returns the heads of the newest.
func (s *Store) replayCheckpoints(ctx context.Context, c *AuditCheck) ([]head, *Break, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT seq, at, streams, rows, changed, root, prev_hash, hash FROM audit_checkpoints ORDER BY seq`)
	if err != nil {
		return nil, nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	defer rows.Close()
	heads := map[string]head{}
	prev := checkpoint{PrevHash: []byte{}, Hash: []byte{}}
	for rows.Next() {
		var cp checkpoint
		if err := rows.StructScan(&cp); err != nil {
			return nil, nil, fmt.Errorf("read audit checkpoint: %w", err)
		}
		var changed []head
		bad := cp.Seq != prev.Seq+1 || !bytes.Equal(cp.PrevHash, prev.Hash) || !bytes.Equal(cp.Hash, cp.digest()) ||
			json.Unmarshal(cp.Changed, &changed) != nil
		if bad {
			return nil, &Break{Seq: cp.Seq, Kind: BreakCheckpoint}, nil
		}
		for _, h := range changed {
			heads[h.Stream] = h
		}
		all := sortedHeads(heads)
		if !bytes.Equal(merkleRoot(all), cp.Root) || int64(len(all)) != cp.Streams {
			return nil, &Break{Seq: cp.Seq, Kind: BreakRoot}, nil
		}
		prev = cp
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	c.Checkpoints, c.CheckedAt, c.Unchecked, c.HeadHash = prev.Seq, prev.At, c.Rows-prev.Rows, hex.EncodeToString(prev.Hash)
	return sortedHeads(heads), nil, nil
}

func sortedHeads(m map[string]head) []head {
	out := make([]head, 0, len(m))
	for _, h := range m {
		out = append(out, h)
	}
	slices.SortFunc(out, byStream)
	return out
}
