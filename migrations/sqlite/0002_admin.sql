-- Urne election administration (issue 5), SQLite. Keep in step with ../postgres/0002_admin.sql:
-- the same tables, columns and constraints; only the type names differ. Booleans are 0/1
-- integers and times unix seconds, for sqlx::Any (see 0001_initial.sql).

-- Staff accounts. The password is kept only as an argon2id PHC string; the role is
-- 'secretariat' (prepares the election) or 'batonnier' (approves: seal, overrides, close).
CREATE TABLE admin_users (
    login         TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER
);

-- Staff sessions: only the SHA-256 of the cookie value is stored (as for electors).
CREATE TABLE admin_sessions (
    id_hash    BLOB PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES admin_users(login),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- The audit log: every admin action, done or refused, with who, when, what, before and after.
-- Append-only; no foreign key, so that it outlives a discarded test election.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    election_id TEXT,
    action      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_log_election ON audit_log (election_id, id);

-- What the administration knows of an election beside its definition.
CREATE TABLE election_admin (
    election_id          TEXT PRIMARY KEY REFERENCES elections(id),
    is_test              INTEGER NOT NULL DEFAULT 0,
    test_of              TEXT,
    vote_url             TEXT NOT NULL,
    modalites            TEXT NOT NULL DEFAULT '',
    place                TEXT NOT NULL DEFAULT '',
    proxies_from         INTEGER,
    proxies_until        INTEGER,
    early_opening_reason TEXT,
    early_opening_by     TEXT,
    early_opening_at     INTEGER
);

-- A roll read and checked, waiting for the staff to confirm it (the re-import's differences).
CREATE TABLE pending_rolls (
    election_id TEXT PRIMARY KEY REFERENCES elections(id),
    roll        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    report      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);

-- The key ceremony relay: the bureau members' signed messages (urne::ceremony::DkgMessage as
-- JSON), one per member and step, for the ceremony id of the election's bureau.
CREATE TABLE ceremony_messages (
    election_id TEXT NOT NULL REFERENCES elections(id),
    ceremony    BLOB NOT NULL,
    step        TEXT NOT NULL,
    member      INTEGER NOT NULL,
    message     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (election_id, ceremony, step, member)
);

-- Incidents and overrides to carry to the procès-verbal (urne-incidents-1 export).
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    election_id TEXT NOT NULL REFERENCES elections(id),
    kind        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    text        TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
