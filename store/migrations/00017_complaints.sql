-- +goose Up
-- Complaints about the service from the public page: each with its tracking number, which the
-- complainant uses to read the answer.
CREATE TABLE complaints (
    number      text PRIMARY KEY,
    name        text NOT NULL,
    contact     text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    answer      text,
    answered_at timestamptz,
    answered_by text
);

-- +goose Down
DROP TABLE complaints;
