-- +goose Up
-- The participants as the decree was signed: frozen in the signature's transaction, so the
-- issued PDF, /publik and every OPD's mail list exactly who the signed decree names, whatever
-- happens to the working classification afterwards.
CREATE TABLE decree_participants (LIKE candidates INCLUDING ALL);

-- +goose Down
DROP TABLE decree_participants;
