-- +goose Up
-- Tamper evidence: every audit row carries the hash of the row before it. The chain order is
-- seq, handed out under a transaction-scoped advisory lock (ids come from a sequence before
-- the lock, so concurrent writers could commit them out of order). Times enter the hash as
-- epoch seconds, so the session's time zone cannot change it.
ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- +goose StatementBegin
CREATE FUNCTION audit_row_hash(prev bytea, r audit_log) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws(E'\x1f', r.seq::text, r.key, extract(epoch FROM r.at)::text, r.actor,
        r.action, coalesce(r.case_id, ''), coalesce(r.step::text, ''), coalesce(r.attempt::text, ''), r.detail::text), 'UTF8'))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last audit_log%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(7140525);  -- one writer at a time extends the chain
    SELECT * INTO last FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, '\x'::bytea);
    NEW.hash := audit_row_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- Rows written before this migration are chained in id order.
-- +goose StatementBegin
DO $$
DECLARE
    r audit_log%ROWTYPE;
    prev bytea := '\x'::bytea;
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        n := n + 1;
        r.seq := n;
        UPDATE audit_log SET seq = n, prev_hash = prev, hash = audit_row_hash(prev, r) WHERE id = r.id
            RETURNING hash INTO prev;
    END LOOP;
END
$$;
-- +goose StatementEnd

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();

-- +goose Down
DROP TRIGGER audit_chain ON audit_log;
DROP FUNCTION audit_chain();
DROP FUNCTION audit_row_hash(bytea, audit_log);
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
