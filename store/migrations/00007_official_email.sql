-- +goose Up
-- Where an official's reminders and escalations are mailed; resolved when a message is sent,
-- so an address added later still reaches what is waiting.
ALTER TABLE officials ADD COLUMN email text;

-- +goose Down
ALTER TABLE officials DROP COLUMN email;
