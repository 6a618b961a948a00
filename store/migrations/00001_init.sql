-- +goose Up
-- Officials of the chain and the people around it. role is a role id of the SOP definition,
-- or operator / auditor.
CREATE TABLE officials (
    nip        text PRIMARY KEY CHECK (nip ~ '^[0-9]{18}$'),
    name       text NOT NULL CHECK (name <> ''),
    role       text NOT NULL CHECK (role <> ''),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX officials_active_role ON officials (role) WHERE active;

-- One row per case; the open_* columns mirror the workflow's open task for fast listing.
CREATE TABLE cases (
    id                   text PRIMARY KEY,
    title                text NOT NULL,
    definition_id        text NOT NULL,
    definition_version   integer NOT NULL,
    started_by           text NOT NULL,
    started_at           timestamptz NOT NULL,
    deadline             timestamptz NOT NULL,
    deadline_days        integer NOT NULL,
    steps                integer NOT NULL,
    state                text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'cancelled')),
    open_step         integer,
    open_attempt      integer,
    open_role         text,
    open_due          timestamptz,
    deadline_breached_at timestamptz,
    ended_at             timestamptz,
    cancel_reason        text
);
CREATE INDEX cases_started_at ON cases (started_at);

-- Every attempt at every step: the mutu baku it was held to and what happened.
CREATE TABLE step_tasks (
    case_id          text NOT NULL REFERENCES cases (id),
    step             integer NOT NULL,
    attempt          integer NOT NULL CHECK (attempt > 0),
    role             text NOT NULL,
    opened_at        timestamptz NOT NULL,
    due_at           timestamptz,
    standard_minutes integer,
    decided_at       timestamptz,
    decision         text CHECK (decision IN ('agree', 'return')),
    reason           text,
    actor_nip        text,
    actor_name       text,
    on_behalf_of     text,
    working_minutes  integer,
    late             boolean NOT NULL DEFAULT false,
    reminded_at      timestamptz,
    escalated_at     timestamptz,
    PRIMARY KEY (case_id, step, attempt)
);
-- "Open tasks of role X, oldest first" is every inbox's query.
CREATE INDEX step_tasks_open_by_role ON step_tasks (role, opened_at) WHERE decided_at IS NULL;
-- The auditor's report groups decided tasks by step over a period.
CREATE INDEX step_tasks_decided_by_step ON step_tasks (step, decided_at) WHERE decided_at IS NOT NULL;

-- Append-only: who did what, when, on which case and step. key makes every write idempotent.
CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    key     text NOT NULL UNIQUE,
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    case_id text,
    step    integer,
    attempt integer,
    detail  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_case ON audit_log (case_id, id);

-- Notifications waiting for a sender; one row per recipient.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    key        text NOT NULL UNIQUE,
    case_id    text NOT NULL,
    kind       text NOT NULL,
    to_role    text NOT NULL,
    to_nip     text,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at    timestamptz,
    attempts   integer NOT NULL DEFAULT 0,
    last_error text
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Files attached to a case (the OPD proposals at start). Written before the case row exists.
CREATE TABLE case_documents (
    id          bigserial PRIMARY KEY,
    case_id     text NOT NULL,
    kind        text NOT NULL,
    name        text NOT NULL,
    sha256      text NOT NULL,
    size        integer NOT NULL,
    content     bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, sha256)
);

-- +goose Down
DROP TABLE case_documents;
DROP TABLE outbox;
DROP TABLE audit_log;
DROP TABLE step_tasks;
DROP TABLE cases;
DROP TABLE officials;
