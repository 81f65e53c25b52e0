-- The core of the store: clients, guardians, settings, plugin bookkeeping and
-- the hash-chained audit log. Dates are ISO 8601 text (UTC for timestamps).

CREATE TABLE clients (
    id             INTEGER PRIMARY KEY,
    given_name     TEXT NOT NULL CHECK (length(given_name) BETWEEN 1 AND 200),
    family_name    TEXT NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
    preferred_name TEXT CHECK (preferred_name IS NULL OR length(preferred_name) <= 200),
    date_of_birth  TEXT NOT NULL,
    sex            TEXT NOT NULL DEFAULT 'unknown'
                   CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX clients_by_name ON clients (family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX clients_by_status ON clients (status, family_name COLLATE NOCASE, given_name COLLATE NOCASE);

CREATE TABLE guardians (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    relationship     TEXT,
    email            TEXT,
    phone            TEXT,
    email_consent    INTEGER NOT NULL DEFAULT 0 CHECK (email_consent IN (0, 1)),
    email_consent_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX guardians_by_email ON guardians (email);

CREATE TABLE client_guardians (
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    guardian_id INTEGER NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, guardian_id)
) WITHOUT ROWID;
CREATE INDEX client_guardians_by_guardian ON client_guardians (guardian_id);

-- Search index: rowid = clients.id; names and guardian names/emails.
CREATE VIRTUAL TABLE client_search USING fts5 (
    names, guardians,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE plugin_settings (
    plugin_id TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (plugin_id, key)
);

CREATE TABLE plugin_schema_versions (
    plugin_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (plugin_id, version)
);

-- hash = SHA-256 over the previous event's hash and this event's fields, so an
-- edited, deleted or reordered event breaks the chain (see AuditLog).
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    source    TEXT NOT NULL,
    action    TEXT NOT NULL,
    client_id INTEGER,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_events_by_client ON audit_events (client_id, id);

-- What plugins may read (the authorizer allows these views and nothing else
-- of the core).
CREATE VIEW host_clients AS
    SELECT id, given_name, family_name, preferred_name, date_of_birth, sex, status,
           created_at, updated_at
    FROM clients;
CREATE VIEW host_guardians AS
    SELECT id, name, relationship, email, phone, email_consent, email_consent_at
    FROM guardians;
CREATE VIEW host_client_guardians AS
    SELECT client_id, guardian_id, position FROM client_guardians;
