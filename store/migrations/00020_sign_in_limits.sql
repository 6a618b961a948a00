-- +goose Up
-- Sign-in attempts counted where every worker sees them: a window per key (an account or an
-- address), so N workers behind one address allow what one does.
CREATE TABLE sign_in_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    attempts     integer NOT NULL
);

-- +goose Down
DROP TABLE sign_in_limits;
