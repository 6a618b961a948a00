-- +goose Up
-- A transition's events are written by one call: each event's audit row is appended under its
-- idempotency key and, only when the key is new, what the event changes is written. One call
-- is one round trip and, alone, one statement's transaction; its statements keep their plans
-- for the session, where the same statements sent one by one were planned each time. It
-- returns the keys that were new. An event is the store's JSON of a chain.Event (the case's
-- wire format, fixed by the workflows' recorded histories) with its audit row's key, actor,
-- step, attempt and detail beside it. A change that does not find its one row fails with
-- SQLSTATE SK001: the transition names a case or task the store does not have.
-- +goose StatementBegin
CREATE FUNCTION apply_events(events jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    ev jsonb;
    tk jsonb;
    dr jsonb;
    cf jsonb;
    cid text;
    at_ timestamptz;
    n bigint;
BEGIN
    FOR ev IN SELECT value FROM jsonb_array_elements(events) LOOP
        cid := ev->>'case_id';
        at_ := (ev->>'at')::timestamptz;
        tk := ev->'task';
        INSERT INTO audit_log (key, at, actor, action, case_id, step, attempt, detail)
            VALUES (ev->>'key', at_, ev->>'actor', ev->>'kind', cid, (ev->>'step')::int, (ev->>'attempt')::int, ev->'detail')
            ON CONFLICT (key) DO NOTHING;
        CONTINUE WHEN NOT FOUND;
        RETURN NEXT ev->>'key';
        n := 1;
        CASE ev->>'kind'
        WHEN 'case_started' THEN
            cf := ev->'case';
            INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps, calendar_version)
                VALUES (cid, cf->>'title', cf->>'definition_id', (cf->>'version')::int, coalesce(ev->>'by', ''), at_,
                    (cf->>'deadline')::timestamptz, (cf->>'deadline_days')::int, (cf->>'steps')::int, NULLIF((cf->>'calendar_version')::int, 0));
        WHEN 'step_opened' THEN
            INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, due_at, standard_minutes)
                VALUES (cid, (tk->>'step')::int, (tk->>'attempt')::int, tk->>'role', (tk->>'opened_at')::timestamptz,
                    (tk->>'due_at')::timestamptz, NULLIF((tk->>'standard_minutes')::int, 0));
            UPDATE cases SET open_step = (tk->>'step')::int, open_attempt = (tk->>'attempt')::int, open_role = tk->>'role',
                open_due = (tk->>'due_at')::timestamptz WHERE id = cid;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'step_decided' THEN
            dr := ev->'decision';
            UPDATE step_tasks SET decided_at = (dr->>'decided_at')::timestamptz, decision = dr->>'action', reason = NULLIF(dr->>'reason', ''),
                actor_nip = dr->'actor'->>'nip', actor_name = NULLIF(dr->'actor'->>'name', ''),
                on_behalf_of = NULLIF(dr->'actor'->>'on_behalf_of', ''), working_minutes = (dr->>'working_minutes')::int,
                late = (dr->>'late')::boolean, document_sha256 = NULLIF(dr->>'document', ''),
                appointment = NULLIF(dr->'actor'->>'appointment', ''), calendar_version = NULLIF((dr->>'calendar_version')::int, 0),
                note = NULLIF(dr->>'note', '')
                WHERE case_id = cid AND step = (dr->>'step')::int AND attempt = (dr->>'attempt')::int AND decided_at IS NULL;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'step_reminded' THEN
            UPDATE step_tasks SET reminded_at = at_ WHERE case_id = cid AND step = (tk->>'step')::int AND attempt = (tk->>'attempt')::int;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'step_escalated' THEN
            UPDATE step_tasks SET escalated_at = at_, late = true WHERE case_id = cid AND step = (tk->>'step')::int AND attempt = (tk->>'attempt')::int;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'deadline_breached' THEN
            UPDATE cases SET deadline_breached_at = at_ WHERE id = cid;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'case_completed', 'case_cancelled', 'case_stopped_outside' THEN
            UPDATE cases SET state = CASE ev->>'kind' WHEN 'case_completed' THEN 'completed' WHEN 'case_cancelled' THEN 'cancelled' ELSE 'stopped' END,
                ended_at = at_, cancel_reason = NULLIF(ev->>'reason', ''), open_step = NULL, open_attempt = NULL, open_role = NULL, open_due = NULL
                WHERE id = cid AND state = 'running';
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'calendar_applied' THEN
            IF tk IS NOT NULL THEN
                UPDATE step_tasks SET due_at = (tk->>'due_at')::timestamptz
                    WHERE case_id = cid AND step = (tk->>'step')::int AND attempt = (tk->>'attempt')::int;
            END IF;
            UPDATE cases SET calendar_version = (ev->'calendar'->>'version')::int,
                deadline = coalesce((ev->'calendar'->>'deadline')::timestamptz, deadline),
                open_due = CASE WHEN open_step IS NULL THEN open_due ELSE (tk->>'due_at')::timestamptz END
                WHERE id = cid;
            GET DIAGNOSTICS n = ROW_COUNT;
        WHEN 'incident' THEN
            INSERT INTO case_incidents (case_id, at, failed, step, attempt, cause)
                VALUES (cid, at_, coalesce(ev->>'failed', ''), (tk->>'step')::int, (tk->>'attempt')::int, coalesce(ev->>'reason', ''));
        WHEN 'decree_signed', 'trainings_started', 'draft_versioned', 'output_recorded', 'decree_issued' THEN
            -- The audit row is the record: the decree is numbered before it, the runs keep their
            -- own records, the content is in sk_versions, case_documents or issued_decrees.
            NULL;
        ELSE
            RAISE EXCEPTION 'unknown event kind %', ev->>'kind' USING ERRCODE = 'SK001';
        END CASE;
        IF n <> 1 THEN
            RAISE EXCEPTION '% changed % rows, want 1', ev->>'key', n USING ERRCODE = 'SK001';
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION apply_events(jsonb);
