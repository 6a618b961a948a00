-- +goose Up
-- The OPD proposals of a case as read at its start: the valid rows with their classification
-- (step 4) and the problems of the others. Written before the case row exists.
CREATE TABLE candidates (
    case_id   text NOT NULL,
    nip       text NOT NULL,
    row       integer NOT NULL,
    name      text NOT NULL,
    position  text NOT NULL,
    opd       text NOT NULL,
    golongan  text NOT NULL,
    sk_cpns   boolean NOT NULL,
    sehat     boolean NOT NULL,
    spt       boolean NOT NULL,
    pasfoto   boolean NOT NULL,
    eligible  boolean NOT NULL,
    reasons   text[] NOT NULL DEFAULT '{}',
    grp       text,
    batch     integer,
    PRIMARY KEY (case_id, nip)
);
CREATE INDEX candidates_batch ON candidates (case_id, grp, batch) WHERE eligible;

CREATE TABLE proposal_problems (
    case_id text NOT NULL,
    row     integer NOT NULL,
    col     text NOT NULL,
    message text NOT NULL
);
CREATE INDEX proposal_problems_case ON proposal_problems (case_id, row);

-- +goose Down
DROP TABLE proposal_problems;
DROP TABLE candidates;
