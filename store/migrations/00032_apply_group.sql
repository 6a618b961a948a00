-- +goose Up
-- Several cases' transitions written by one call, the store's group commit (groups.go): one
-- statement's transaction for all of them. A group holds its cases' locks until it commits,
-- so one case whose row another session holds would hold the whole group: a write waits at
-- most a second for a lock, then fails; the store then writes a group's transitions one by
-- one, and a lone transition is retried by its activity. A lone transition goes through here
-- too, for that wait.
-- +goose StatementBegin
CREATE FUNCTION apply_group(events jsonb, outbox jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '1s', true);
    IF outbox IS NULL THEN
        RETURN QUERY SELECT apply_events(events);
    ELSE
        RETURN QUERY SELECT apply_transition(events, outbox);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION apply_group(jsonb, jsonb);
