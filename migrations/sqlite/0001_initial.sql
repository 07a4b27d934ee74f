-- Urne voting server, initial schema (SQLite). Keep in step with ../postgres/0001_initial.sql:
-- the same tables, columns and constraints; only the type names differ (INTEGER/BLOB here,
-- BIGINT/BYTEA there). Booleans are 0/1 integers and times unix seconds, for sqlx::Any.

-- One row per election (one round). The head columns are the chain's head: the row a ballot
-- transaction locks (PostgreSQL: SELECT ... FOR UPDATE) so that every server process appends to
-- one linear chain.
CREATE TABLE elections (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    definition      TEXT NOT NULL,
    opening         INTEGER NOT NULL,
    closing         INTEGER NOT NULL,
    alert           TEXT,
    created_at      INTEGER NOT NULL,
    codes_issued_at INTEGER,
    dkg_transcript  BLOB,
    genesis         BLOB,
    fingerprint     BLOB UNIQUE,
    head_height     INTEGER,
    head_hash       BLOB,
    closed_at       INTEGER,
    tallied_at      INTEGER
);

-- Identity side: the liste électorale and the émargement. Never published.
CREATE TABLE rolls (
    election_id TEXT PRIMARY KEY REFERENCES elections(id),
    roll        TEXT NOT NULL,
    loaded_at   INTEGER NOT NULL
);

CREATE TABLE electors (
    election_id    TEXT NOT NULL REFERENCES elections(id),
    cnbf           TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    rights         TEXT NOT NULL,
    credential     BLOB,
    token_hash     BLOB,
    code_issued_at INTEGER,
    voted_at       INTEGER,
    voted_by_proxy INTEGER NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
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
    registered_at    INTEGER NOT NULL,
    cancelled_at     INTEGER,
    proxy_credential BLOB,
    activated_height INTEGER,
    voted_at         INTEGER,
    PRIMARY KEY (election_id, mandant)
);
CREATE UNIQUE INDEX procurations_one_per_mandataire
    ON procurations (election_id, mandataire) WHERE cancelled_at IS NULL;
CREATE UNIQUE INDEX procurations_proxy_credential ON procurations (election_id, proxy_credential);

-- Ballot box side: what the public board shows, derived from the chain.
CREATE TABLE credentials (
    election_id    TEXT NOT NULL REFERENCES elections(id),
    public_key     BLOB NOT NULL,
    rights         TEXT NOT NULL,
    is_proxy       INTEGER NOT NULL DEFAULT 0,
    revoked_height INTEGER,
    voted_height   INTEGER,
    PRIMARY KEY (election_id, public_key)
);

CREATE TABLE events (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      INTEGER NOT NULL,
    kind        INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    hash        BLOB NOT NULL,
    PRIMARY KEY (election_id, height)
);

CREATE TABLE ballots (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      INTEGER NOT NULL,
    credential  BLOB NOT NULL,
    tracker     BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (election_id, height),
    UNIQUE (election_id, credential),
    UNIQUE (election_id, tracker)
);

-- The server's signed heads (one per committed batch).
CREATE TABLE heads (
    election_id TEXT NOT NULL REFERENCES elections(id),
    height      INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    signature   BLOB NOT NULL,
    PRIMARY KEY (election_id, height)
);

-- Elector sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash     BLOB PRIMARY KEY,
    election_id TEXT NOT NULL REFERENCES elections(id),
    cnbf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
