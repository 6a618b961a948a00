-- +goose Up
-- The report's counts are kept by dekad too (dasarian: the 1st to the 10th of a month, the
-- 11th to the 20th, the 21st to its end), finer than months: a period cut at days then reads
-- at most nine days at either end row by row instead of up to a month, because dekads, unlike
-- weeks, tile the months. The counts are keyed by their unit's name, and their key holds what
-- a read adds up, so a unit's counts are one range of it, read from the index alone. They are
-- rebuilt, with their dekads, at the next fold; until then a read counts the attempts
-- themselves.
TRUNCATE decided_counts;
DELETE FROM decided_zone;
ALTER TABLE decided_counts DROP COLUMN months,
    ADD COLUMN unit text NOT NULL CHECK (unit IN ('year', 'quarter', 'month', 'dekad')),
    ADD PRIMARY KEY (unit, period, step, role, minutes, standard) INCLUDE (n, late, returns);

-- The instant the unit that holds t begins, in zone: PostgreSQL's own date_trunc for the units
-- it knows; a dekad is its month's start plus ten or twenty days, added in the zone's local
-- time (so a change of offset in the month cannot move it). A single SELECT, so PostgreSQL
-- inlines it into the fold's and the reads' statements.
-- +goose StatementBegin
CREATE FUNCTION count_unit_start(unit text, t timestamptz, zone text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE unit
        WHEN 'dekad' THEN (date_trunc('month', t AT TIME ZONE zone)
            + least((extract(day FROM t AT TIME ZONE zone)::int - 1) / 10, 2) * interval '10 days') AT TIME ZONE zone
        ELSE date_trunc(unit, t, zone)
    END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION count_unit_start(text, timestamptz, text);
TRUNCATE decided_counts;
DELETE FROM decided_zone;
ALTER TABLE decided_counts DROP COLUMN unit,
    ADD COLUMN months smallint NOT NULL CHECK (months IN (1, 3, 12)),
    ADD PRIMARY KEY (months, period, step, role, minutes, standard);
