-- +goose Up
-- One-time sign-in links for training participants, sent through their OPD: only the token's
-- hash is kept; a link signs in once and expires.
CREATE TABLE training_links (
    token_hash  text PRIMARY KEY,
    training_id text NOT NULL REFERENCES trainings (id),
    nip         text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

-- +goose Down
DROP TABLE training_links;
