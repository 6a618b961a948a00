-- +goose Up
-- The decree register: one sequence per agency and year. A signature takes the next number in
-- the transaction that records it, under the row's lock, so numbers have no gaps (a failed
-- transaction gives its number back) and no duplicates, however many sign at once.
CREATE TABLE decree_register (
    agency text NOT NULL,
    year   integer NOT NULL,
    last   integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (agency, year)
);
ALTER TABLE cases ADD COLUMN decree_number text UNIQUE, ADD COLUMN signed_at timestamptz, ADD COLUMN signed_by text;

-- +goose Down
ALTER TABLE cases DROP COLUMN decree_number, DROP COLUMN signed_at, DROP COLUMN signed_by;
DROP TABLE decree_register;
