-- +goose Up
-- The working calendar as the operator keeps it: every change is a new version, the whole
-- calendar as it then stood, so what measured any step can be read back. The configuration
-- seeds version 1 on the first start.
CREATE TABLE calendars (
    version    integer PRIMARY KEY CHECK (version > 0),
    spec       jsonb NOT NULL,
    note       text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The calendar version a running case last said it follows, and the one that measured each
-- decided attempt (NULL: the calendar the case started with, before versions were kept).
ALTER TABLE cases ADD COLUMN calendar_version integer;
ALTER TABLE step_tasks ADD COLUMN calendar_version integer;

-- +goose Down
ALTER TABLE step_tasks DROP COLUMN calendar_version;
ALTER TABLE cases DROP COLUMN calendar_version;
DROP TABLE calendars;
