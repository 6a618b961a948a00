-- +goose Up
-- The auditors' report groups a province's decided attempts by the start of their case: the
-- start is kept on the attempt, so a million rows are grouped without a join to their cases.
ALTER TABLE step_tasks ADD COLUMN case_started_at timestamptz;
UPDATE step_tasks t SET case_started_at = c.started_at FROM cases c WHERE c.id = t.case_id;

-- +goose StatementBegin
CREATE FUNCTION step_task_case_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT started_at INTO NEW.case_started_at FROM cases WHERE id = NEW.case_id;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER step_task_case_start BEFORE INSERT ON step_tasks FOR EACH ROW EXECUTE FUNCTION step_task_case_start();
CREATE INDEX step_tasks_decided_by_case_start ON step_tasks (case_started_at) WHERE decided_at IS NOT NULL;
-- The case page's notices, by case.
CREATE INDEX outbox_case ON outbox (case_id, id);

-- +goose Down
DROP INDEX outbox_case;
DROP INDEX step_tasks_decided_by_case_start;
DROP TRIGGER step_task_case_start ON step_tasks;
DROP FUNCTION step_task_case_start();
ALTER TABLE step_tasks DROP COLUMN case_started_at;
