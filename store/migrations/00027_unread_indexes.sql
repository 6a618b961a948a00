-- +goose Up
-- Two indexes nothing reads any more, kept up by every decision: the decided attempts by step
-- (the report reads counts, migration 00021) and the audit rows by case (a case's rows are its
-- stream's, found by audit_log_stream_seq). The first takes 30 MB over a province's 1,000,000
-- step rows; the second holds an entry for every audit row, two a decision.
DROP INDEX step_tasks_decided_by_step;
DROP INDEX audit_log_case;

-- +goose Down
CREATE INDEX audit_log_case ON audit_log (case_id, id);
CREATE INDEX step_tasks_decided_by_step ON step_tasks (step, decided_at) WHERE decided_at IS NOT NULL;
