-- +goose Up
-- Versions of the draft SK. Version 1 is the draft generated from the classification, frozen
-- when first decided on; later versions are uploads (PDF or DOCX). Each decision records the
-- SHA-256 of the version it was made on.
CREATE TABLE sk_versions (
    case_id      text NOT NULL,
    version      integer NOT NULL CHECK (version > 0),
    kind         text NOT NULL CHECK (kind IN ('generated', 'upload')),
    name         text NOT NULL,
    content_type text NOT NULL,
    sha256       text NOT NULL,
    size         integer NOT NULL,
    content      bytea NOT NULL,
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, version)
);
ALTER TABLE step_tasks ADD COLUMN document_sha256 text;
ALTER TABLE step_tasks DROP CONSTRAINT step_tasks_decision_check;
ALTER TABLE step_tasks ADD CONSTRAINT step_tasks_decision_check CHECK (decision IN ('agree', 'return', 'superseded'));

-- +goose Down
ALTER TABLE step_tasks DROP CONSTRAINT step_tasks_decision_check;
ALTER TABLE step_tasks ADD CONSTRAINT step_tasks_decision_check CHECK (decision IN ('agree', 'return'));
ALTER TABLE step_tasks DROP COLUMN document_sha256;
DROP TABLE sk_versions;
