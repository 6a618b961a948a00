-- +goose Up
-- Tata naskah dinas writes "Plt." for a pelaksana tugas (the office is vacant or its holder is
-- away for long) and "Plh." for a pelaksana harian (a short absence); the appointment says which.
ALTER TABLE stand_ins ADD COLUMN kind text NOT NULL DEFAULT 'plt' CHECK (kind IN ('plt', 'plh'));
-- A decision by a stand-in records the appointment it was made under.
ALTER TABLE step_tasks ADD COLUMN appointment text;

-- +goose Down
ALTER TABLE step_tasks DROP COLUMN appointment;
ALTER TABLE stand_ins DROP COLUMN kind;
