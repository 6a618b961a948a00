-- +goose Up
-- The decree as issued: the exact bytes published at /publik and checked at /verifikasi, frozen
-- the first time they are asked for, so every copy anyone holds can be compared to one file.
CREATE TABLE issued_decrees (
    case_id      text PRIMARY KEY REFERENCES cases (id),
    number       text NOT NULL UNIQUE,
    sha256       text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE issued_decrees;
