-- +goose Up
-- The board's search text in a table of its own, written once when a case starts. On cases, its
-- trigram index (00022) was written at every decision: a decision moves the case's open step,
-- which the board's role index holds, so the update is never HOT and every index of the row
-- gets the new version, the trigram index with all of the row's trigrams (a 370-byte entry in
-- its pending list: 1.1 MB over 3,000 decisions of 200 cases, which every search read through
-- and which, past gin_pending_list_limit, one decision had to merge into the index while the
-- others waited). A case's title and ID never change, so the text is written once.
CREATE TABLE case_search (
    case_id text PRIMARY KEY REFERENCES cases (id),
    text    text NOT NULL -- lower(title || ' ' || id): what the board's search looks in
);
INSERT INTO case_search SELECT id, lower(title || ' ' || id) FROM cases;
-- +goose StatementBegin
CREATE FUNCTION case_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_search (case_id, text) VALUES (NEW.id, lower(NEW.title || ' ' || NEW.id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER case_search_row AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION case_search_row();
DROP INDEX IF EXISTS cases_search;
-- Where pg_trgm could not be created (00022), the search scans the texts, as it scanned titles.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX case_search_text ON case_search USING gin (text gin_trgm_ops);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX cases_search ON cases USING gin (lower(title || ' ' || id) gin_trgm_ops);
    END IF;
END
$$;
-- +goose StatementEnd
DROP TRIGGER case_search_row ON cases;
DROP FUNCTION case_search_row();
DROP TABLE case_search;
