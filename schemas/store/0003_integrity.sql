-- Tamper evidence (see Integrity.h): a keyed MAC per row of every table the
-- host seals, kept by triggers the host writes after each migration; per
-- table, the number of rows and the XOR of their MACs, itself MAC'd, so that
-- a row removed together with its MAC still shows; and the schema as the
-- migrations left it.

CREATE TABLE row_macs (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    mac    TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

CREATE TABLE table_seals (
    tbl     TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    columns TEXT NOT NULL,
    rows    INTEGER NOT NULL,
    xor     TEXT NOT NULL,
    mac     TEXT NOT NULL
);

CREATE TABLE schema_objects (
    name     TEXT PRIMARY KEY,
    type     TEXT NOT NULL,
    tbl_name TEXT NOT NULL,
    sql      TEXT NOT NULL,
    owner    TEXT NOT NULL
);
