-- +goose Up
-- Several cases' transitions written by one call, the store's group commit (groups.go): one
-- statement's transaction for all of them. A group holds its cases' locks until it commits,
-- so one case whose row another session holds would hold the whole group: the group waits at
-- most a second for a lock, then fails, and the store writes its transitions one by one.
-- +goose StatementBegin
CREATE FUNCTION apply_group(events jsonb, outbox jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '1s', true);
    RETURN QUERY SELECT apply_transition(events, coalesce(outbox, '[]'));
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION apply_group(jsonb, jsonb);
