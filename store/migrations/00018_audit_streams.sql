-- +goose Up
-- The audit log without a global lock: a hash chain per stream (a case, a training run, or ''
-- for what belongs to no case), extended under that stream's own lock, and checkpoints that
-- commit every stream's head into one chained record (a Merkle root), so a stream cut short or
-- rewritten is caught too. See the package doc of store (audit.go) for the threat model.
ALTER TABLE audit_log ADD COLUMN stream text, ADD COLUMN stream_seq bigint;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_row_hash(prev bytea, r audit_log) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws(E'\x1f', r.stream, r.stream_seq::text, r.key, extract(epoch FROM r.at)::text,
        r.actor, r.action, coalesce(r.case_id, ''), coalesce(r.step::text, ''), coalesce(r.attempt::text, ''), r.detail::text), 'UTF8'))
$$;
-- +goose StatementEnd

-- Rows of the global chain are chained again per stream, in the order the global chain held.
-- +goose StatementBegin
DO $$
DECLARE
    r audit_log%ROWTYPE;
    cur text := NULL;
    prev bytea;
    n bigint;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY coalesce(case_id, ''), seq LOOP
        IF cur IS DISTINCT FROM coalesce(r.case_id, '') THEN
            cur := coalesce(r.case_id, ''); prev := '\x'::bytea; n := 0;
        END IF;
        n := n + 1;
        r.stream := cur; r.stream_seq := n;
        UPDATE audit_log SET stream = cur, stream_seq = n, prev_hash = prev, hash = audit_row_hash(prev, r) WHERE id = r.id
            RETURNING hash INTO prev;
    END LOOP;
END
$$;
-- +goose StatementEnd

DROP TRIGGER audit_chain ON audit_log;
DROP FUNCTION audit_chain();
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN seq;
ALTER TABLE audit_log ALTER COLUMN stream SET NOT NULL, ALTER COLUMN stream_seq SET NOT NULL;
CREATE UNIQUE INDEX audit_log_stream_seq ON audit_log (stream, stream_seq);

-- Every stream's last row, kept by the insert itself: what a checkpoint commits to.
CREATE TABLE audit_heads (
    stream     text PRIMARY KEY,
    stream_seq bigint NOT NULL,
    hash       bytea NOT NULL
);
INSERT INTO audit_heads (stream, stream_seq, hash)
    SELECT DISTINCT ON (stream) stream, stream_seq, hash FROM audit_log ORDER BY stream, stream_seq DESC;

-- A writer waits only for writers of its own stream (a case's transitions come one at a time
-- anyway). The lock is taken before the row is placed, and an insert that meets its key
-- already there (a retried write) changes nothing: the head moves in the AFTER trigger.
-- +goose StatementBegin
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last audit_log%ROWTYPE;
BEGIN
    NEW.stream := coalesce(NEW.case_id, '');
    PERFORM pg_advisory_xact_lock(7140525, hashtext(NEW.stream));
    SELECT * INTO last FROM audit_log WHERE stream = NEW.stream ORDER BY stream_seq DESC LIMIT 1;
    NEW.stream_seq := coalesce(last.stream_seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := audit_row_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION audit_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_heads (stream, stream_seq, hash) VALUES (NEW.stream, NEW.stream_seq, NEW.hash)
        ON CONFLICT (stream) DO UPDATE SET stream_seq = EXCLUDED.stream_seq, hash = EXCLUDED.hash;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();
CREATE TRIGGER audit_head AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_head();

-- Checkpoints, chained: each names the heads that moved since the one before (changed, as
-- [stream, stream_seq, hex hash]) and the Merkle root over every stream's head after them.
CREATE TABLE audit_checkpoints (
    seq       bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    streams   bigint NOT NULL,
    rows      bigint NOT NULL,
    changed   jsonb NOT NULL,
    root      bytea NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL
);
-- The heads the last checkpoint committed to: the checkpointer's working copy (verification
-- replays the checkpoints instead of trusting it).
CREATE TABLE audit_checkpoint_heads (
    stream     text PRIMARY KEY,
    stream_seq bigint NOT NULL,
    hash       bytea NOT NULL
);

-- +goose Down
-- +goose StatementBegin
DO $$ BEGIN RAISE EXCEPTION 'the audit log''s per-stream chains cannot be folded back into one global chain'; END $$;
-- +goose StatementEnd
