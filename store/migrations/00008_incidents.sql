-- +goose Up
-- A case may also end outside skflow (terminated, timed out or reset from Temporal's tools);
-- the reconciler records it so no dead case shows as running.
ALTER TABLE cases DROP CONSTRAINT cases_state_check;
ALTER TABLE cases ADD CONSTRAINT cases_state_check CHECK (state IN ('running', 'completed', 'cancelled', 'stopped'));

-- What the store could not take from a case's workflow, and why. No foreign key: the case
-- row itself may be what could not be written.
CREATE TABLE case_incidents (
    case_id  text NOT NULL,
    at       timestamptz NOT NULL,
    failed   text NOT NULL,
    step     integer,
    attempt  integer,
    cause    text NOT NULL
);
CREATE INDEX case_incidents_case ON case_incidents (case_id, at);

-- +goose Down
DROP TABLE case_incidents;
UPDATE cases SET state = 'cancelled' WHERE state = 'stopped';
ALTER TABLE cases DROP CONSTRAINT cases_state_check;
ALTER TABLE cases ADD CONSTRAINT cases_state_check CHECK (state IN ('running', 'completed', 'cancelled'));
