-- Consent as the practitioner records it: to store the child's health data
-- (given by a guardian, for the client) and to receive plan summaries by
-- email (per guardian). Every grant and revocation is kept in consent_events.

ALTER TABLE clients ADD COLUMN health_data_consent INTEGER NOT NULL DEFAULT 0
    CHECK (health_data_consent IN (0, 1));
ALTER TABLE clients ADD COLUMN health_data_consent_by TEXT;
ALTER TABLE clients ADD COLUMN health_data_consent_at TEXT;
ALTER TABLE guardians ADD COLUMN email_consent_by TEXT;

CREATE TABLE consent_events (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    guardian_id INTEGER REFERENCES guardians (id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('health_data', 'email')),
    granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
    given_by    TEXT,
    at          TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX consent_events_by_client ON consent_events (client_id, id);

DROP VIEW host_clients;
CREATE VIEW host_clients AS
    SELECT id, given_name, family_name, preferred_name, date_of_birth, sex, status,
           health_data_consent, health_data_consent_by, health_data_consent_at,
           created_at, updated_at
    FROM clients;
DROP VIEW host_guardians;
CREATE VIEW host_guardians AS
    SELECT id, name, relationship, email, phone, email_consent, email_consent_by, email_consent_at
    FROM guardians;
CREATE VIEW host_consent_events AS
    SELECT id, client_id, guardian_id, kind, granted, given_by, at FROM consent_events;
