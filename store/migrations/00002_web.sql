-- +goose Up
-- Sign-in for the web app: bcrypt hashes; null means the official cannot sign in yet.
ALTER TABLE officials ADD COLUMN password_hash text;

-- Server-side sessions (alexedwards/scs store).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- A stand-in (Plt/Plh) may see and decide a role's tasks for a period, "a.n." the holder.
CREATE TABLE stand_ins (
    id         bigserial PRIMARY KEY,
    role       text NOT NULL,
    nip        text NOT NULL REFERENCES officials (nip),
    holder     text NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL CHECK (ends_on >= starts_on),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stand_ins_nip ON stand_ins (nip, ends_on);

-- +goose Down
DROP TABLE stand_ins;
DROP TABLE sessions;
ALTER TABLE officials DROP COLUMN password_hash;
