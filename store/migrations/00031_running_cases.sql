-- +goose Up
-- The running cases' ids and titles, for the inbox: its figures and its page join an official's
-- open tasks to their cases to keep the running ones and show their titles, and without this
-- PostgreSQL read every case's row to find the running ones (70,000 over a province for 10,000
-- running: 5 ms of each of the inbox's reads, against under 1 ms from this index alone).
CREATE INDEX cases_running ON cases (id) INCLUDE (title) WHERE state = 'running';

-- +goose Down
DROP INDEX cases_running;
