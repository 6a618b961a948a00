-- +goose Up
-- The report's statistics over a province's million decided attempts, kept as counts: how many
-- attempts of a step, by a role, against a standard, took the same working minutes, per month
-- and per year of their cases' start. A decision only appends its change to decided_deltas (no
-- row is shared between two decisions, so none waits on another); a fold moves the changes
-- into decided_counts now and then. A read adds the counts of whole years and whole months,
-- the changes not yet folded, and the raw attempts at a period's ragged ends: exact at any
-- moment. A year's counts stand for its twelve months' in a period that holds it whole.
CREATE TABLE decided_deltas (
    case_started_at timestamptz NOT NULL,
    step            integer NOT NULL,
    role            text NOT NULL,
    minutes         integer NOT NULL,
    standard        integer NOT NULL, -- 0: the step has none
    n               integer NOT NULL,
    late            integer NOT NULL,
    returns         integer NOT NULL
);

CREATE TABLE decided_counts (
    months   smallint NOT NULL CHECK (months IN (1, 12)), -- a month's counts, or a year's
    period   timestamptz NOT NULL, -- the instant it begins in decided_zone's zone
    step     integer NOT NULL,
    role     text NOT NULL,
    minutes  integer NOT NULL,
    standard integer NOT NULL,
    n        integer NOT NULL, -- integer, not bigint: its sum is a bigint, not a (slower) numeric
    late     integer NOT NULL,
    returns  integer NOT NULL,
    PRIMARY KEY (months, period, step, role, minutes, standard)
);

-- The zone whose months decided_counts holds; none until the first fold builds them, and until
-- then a read counts the attempts themselves.
CREATE TABLE decided_zone (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    zone     text NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION step_task_decided_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.decided_at IS NOT NULL THEN
        INSERT INTO decided_deltas VALUES (OLD.case_started_at, OLD.step, OLD.role, coalesce(OLD.working_minutes, 0),
            coalesce(OLD.standard_minutes, 0), -1, -OLD.late::int, -(OLD.decision IS NOT DISTINCT FROM 'return')::int);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.decided_at IS NOT NULL THEN
        INSERT INTO decided_deltas VALUES (NEW.case_started_at, NEW.step, NEW.role, coalesce(NEW.working_minutes, 0),
            coalesce(NEW.standard_minutes, 0), 1, NEW.late::int, (NEW.decision IS NOT DISTINCT FROM 'return')::int);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER step_task_decided_insert AFTER INSERT ON step_tasks FOR EACH ROW
    WHEN (NEW.decided_at IS NOT NULL) EXECUTE FUNCTION step_task_decided_delta();
CREATE TRIGGER step_task_decided_update AFTER UPDATE OF decided_at, decision, working_minutes, late, step, role,
    standard_minutes, case_started_at ON step_tasks FOR EACH ROW
    WHEN (OLD.decided_at IS NOT NULL OR NEW.decided_at IS NOT NULL) EXECUTE FUNCTION step_task_decided_delta();
CREATE TRIGGER step_task_decided_delete AFTER DELETE ON step_tasks FOR EACH ROW
    WHEN (OLD.decided_at IS NOT NULL) EXECUTE FUNCTION step_task_decided_delta();

-- +goose Down
DROP TRIGGER step_task_decided_delete ON step_tasks;
DROP TRIGGER step_task_decided_update ON step_tasks;
DROP TRIGGER step_task_decided_insert ON step_tasks;
DROP FUNCTION step_task_decided_delta();
DROP TABLE decided_zone;
DROP TABLE decided_counts;
DROP TABLE decided_deltas;
