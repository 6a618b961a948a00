-- +goose Up
-- The report's counts are kept for every dekad's first days too (unit 'prefix', keyed by the
-- midnight they end at: the counts of the cases started from the dekad's start to that
-- midnight). A period that starts or ends on a day inside a dekad then reads one or two sets
-- of counts for each ragged end (up to the end; the whole dekad less up to the start) instead
-- of up to nine days' attempts one by one: a province's days hold some 2,870 attempts each,
-- nearly all of them a count of their own, while all of a dekad's days hold some 3,600 counts.
-- The counts are rebuilt, with their prefixes, at the next fold; until then a read counts the
-- attempts themselves.
TRUNCATE decided_counts;
DELETE FROM decided_zone;
ALTER TABLE decided_counts DROP CONSTRAINT decided_counts_unit_check,
    ADD CONSTRAINT decided_counts_unit_check CHECK (unit IN ('year', 'quarter', 'month', 'dekad', 'prefix'));

-- How many days of day's dekad follow it: the midnights inside the dekad after day, each the
-- end of a prefix that counts day. A dekad ends after the 10th, the 20th and the month's last
-- day (count_unit_start, migration 00025). A single SELECT on a date alone, so PostgreSQL
-- inlines it and no session's zone enters.
-- +goose StatementBegin
CREATE FUNCTION dekad_days_after(day date) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN extract(day FROM day) <= 10 THEN 10 WHEN extract(day FROM day) <= 20 THEN 20
        ELSE extract(day FROM date_trunc('month', day::timestamp) + interval '1 month - 1 day')::int END
        - extract(day FROM day)::int
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION dekad_days_after(date);
TRUNCATE decided_counts;
DELETE FROM decided_zone;
ALTER TABLE decided_counts DROP CONSTRAINT decided_counts_unit_check,
    ADD CONSTRAINT decided_counts_unit_check CHECK (unit IN ('year', 'quarter', 'month', 'dekad'));
