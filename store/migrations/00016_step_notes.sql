-- +goose Up
-- The instruction (arahan, disposisi) an order step's official gives the next role.
ALTER TABLE step_tasks ADD COLUMN note text;

-- +goose Down
ALTER TABLE step_tasks DROP COLUMN note;
