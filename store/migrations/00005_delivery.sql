-- +goose Up
-- Mail delivery of the outbox: where a message goes (an address, or an OPD whose address comes
-- from the configuration), and when the sender may try again after a failure.
ALTER TABLE outbox ADD COLUMN to_email text, ADD COLUMN opd text,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- +goose Down
DROP INDEX outbox_due;
ALTER TABLE outbox DROP COLUMN to_email, DROP COLUMN opd, DROP COLUMN next_attempt_at;
