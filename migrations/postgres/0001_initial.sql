-- Urne voting server, initial schema (PostgreSQL). Keep in step with ../sqlite/0001_initial.sql:
-- the same tables, columns and constraints; only the type names differ (BIGINT/BYTEA here,
-- INTEGER/BLOB there). Booleans are 0/1 integers and times unix seconds, for sqlx::Any.

-- One row per election (one round). The head columns are the chain's head: the row a ballot
-- transaction locks (PostgreSQL: SELECT ... FOR UPDATE) so that every server process appends to
-- one linear chain.
CREATE TABLE elections (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    definition      TEXT NOT NULL,
    opening         BIGINT NOT NULL,
    closing         BIGINT NOT NULL,
    alert           TEXT,
    created_at      BIGINT NOT NULL,
    codes_issued_at BIGINT,
    dkg_transcript  BYTEA,
    genesis         BYTEA,
    fingerprint     BYTEA UNIQUE,
    head_height     BIGINT,
    head_hash       BYTEA,
    closed_at       BIGINT,
    tallied_at      BIGINT
);

-- Identity side: the liste électorale and the émargement. Never published.
CREATE TABLE rolls (
    election_id TEXT PRIMARY KEY REFERENCES elections(id),
    roll        TEXT NOT NULL,
    loaded_at   BIGINT NOT NULL
);

CREATE TABLE electors (
    election_id    TEXT NOT NULL REFERENCES elections(id),
    cnbf           TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    rights         TEXT NOT NULL,
    credential     BYTEA,
    token_hash     BYTEA,
    code_issued_at BIGINT,
    voted_at       BIGINT,
    voted_by_proxy BIGINT NOT NULL DEFAULT 0,
    failed_logins  BIGINT NOT NULL DEFAULT 0,
    locked_until   BIGINT,
    PRIMARY KEY (election_id, cnbf)
);
CREATE UNIQUE INDEX electors_credential ON electors (election_id, credential);

-- Procurations (art. 26: one per mandataire). Registered by the ordre (issue 5); activated by
-- the mandataire's browser, which creates the proxy credential.
CREATE TABLE procurations (
    election_id      TEXT NOT NULL REFERENCES elections(id),
    mandant          TEXT NOT NULL,
    mandataire       TEXT NOT NULL,
    reference        TEXT NOT NULL,
    registered_at    BIGINT NOT NULL,
    cancelled_at     BIGINT,
    proxy_credential BYTEA,
    activated_height BIGINT,
    voted_at         BIGINT,
    PRIMARY KEY (election_id, mandant)
);
CREATE UNIQUE INDEX procurations_one_per_mandataire
    ON procurations (election_id, mandataire) WHERE cancelled_at IS NULL;
CREATE UNIQUE INDEX procurations_proxy_credential ON procurations (election_id, proxy_credential);

-- Ballot box side: what the public board shows, derived from the chain.
CREATE TABLE credentials (
    election_id    TEXT NOT NULL REFERENCES elections(id),
    public_key     BYTEA NOT NULL,
    rights         TEXT NOT NULL,
    is_proxy       BIGINT NOT NULL DEFAULT 0,
    revoked_height BIGINT,
    voted_height   BIGINT,
    PRIMARY KEY (election_id, public_key)
);

CREATE TABLE events (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      BIGINT NOT NULL,
    kind        BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    hash        BYTEA NOT NULL,
    PRIMARY KEY (election_id, height)
);

CREATE TABLE ballots (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      BIGINT NOT NULL,
    credential  BYTEA NOT NULL,
    tracker     BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (election_id, height),
    UNIQUE (election_id, credential),
    UNIQUE (election_id, tracker)
);

-- The server's signed heads (one per committed batch).
CREATE TABLE heads (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      BIGINT NOT NULL,
    hash        BYTEA NOT NULL,
    signature   BYTEA NOT NULL,
    PRIMARY KEY (election_id, height)
);

-- Elector sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash     BYTEA PRIMARY KEY,
    election_id TEXT NOT NULL REFERENCES elections(id),
    cnbf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
