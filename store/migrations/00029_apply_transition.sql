-- +goose Up
-- A transition that queues mail with its events (a completed case's deliveries to the OPDs) is
-- written by one call too: its messages are queued only after the event each follows, and only
-- when that event's key was new, so a retried write queues nothing twice. Alone, the call is
-- one statement's transaction: the events and their mail commit together without BEGIN and
-- COMMIT round trips. A message is {"after", "key", "case_id", "kind", "to_role", "opd",
-- "subject", "body"}; it returns the events' new keys, as apply_events does.
-- +goose StatementBegin
CREATE FUNCTION apply_transition(events jsonb, outbox jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    fresh text[];
BEGIN
    fresh := ARRAY(SELECT apply_events(events));
    INSERT INTO outbox (key, case_id, kind, to_role, opd, subject, body, created_at)
        SELECT m->>'key', m->>'case_id', m->>'kind', m->>'to_role', NULLIF(m->>'opd', ''), m->>'subject', m->>'body', now()
        FROM jsonb_array_elements(outbox) WITH ORDINALITY AS o(m, i)
        WHERE m->>'after' = ANY (fresh)
        ORDER BY i
        ON CONFLICT (key) DO NOTHING;
    RETURN QUERY SELECT unnest(fresh);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION apply_transition(jsonb, jsonb);
