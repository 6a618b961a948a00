-- +goose Up
-- The training of each angkatan after its SK, as its run records it: the run, its activities'
-- windows, each participant's progress and outcome, and the certificates issued.
CREATE TABLE trainings (
    id           text PRIMARY KEY,
    case_id      text NOT NULL,
    title        text NOT NULL,
    grp          text NOT NULL,
    batch        integer NOT NULL,
    definition   text NOT NULL,
    state        text NOT NULL DEFAULT 'running',
    started_at   timestamptz NOT NULL,
    completed_at timestamptz,
    open_activity text
);
CREATE INDEX trainings_case ON trainings (case_id);
CREATE TABLE training_windows (
    training_id text NOT NULL REFERENCES trainings (id),
    activity    text NOT NULL,
    opens       timestamptz NOT NULL,
    due         timestamptz NOT NULL,
    reminded_at timestamptz,
    closed_at   timestamptz,
    late        jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (training_id, activity)
);
CREATE TABLE training_participants (
    training_id  text NOT NULL REFERENCES trainings (id),
    nip          text NOT NULL,
    name         text NOT NULL,
    position     text NOT NULL,
    opd          text NOT NULL,
    golongan     text NOT NULL,
    confirmed_at timestamptz,
    absent       boolean NOT NULL DEFAULT false,
    form         jsonb NOT NULL DEFAULT '{}',
    done         jsonb NOT NULL DEFAULT '{}',
    scores       jsonb NOT NULL DEFAULT '{}',
    remedial     double precision,
    final        double precision,
    band         text,
    outcome      text,
    award        boolean NOT NULL DEFAULT false,
    rank         integer,
    PRIMARY KEY (training_id, nip)
);
CREATE TABLE training_documents (
    id          text PRIMARY KEY,
    training_id text NOT NULL REFERENCES trainings (id),
    nip         text NOT NULL,
    kind        text NOT NULL,
    number      text NOT NULL,
    sha256      text NOT NULL,
    content     bytea NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (training_id, nip, kind)
);

-- +goose Down
DROP TABLE training_documents;
DROP TABLE training_participants;
DROP TABLE training_windows;
DROP TABLE trainings;
