-- The outgoing register (ทะเบียนหนังสือส่ง) on PostgreSQL: the tables of
-- ../0001_init.sql (SQLite), with BIGINT for INTEGER and BYTEA for BLOB.

-- The last number issued per agency, Buddhist-era year and series. A new
-- year or series has no row yet: the first allocation inserts it.
CREATE TABLE sequences (
    agency      TEXT    NOT NULL,
    year        BIGINT NOT NULL,
    series      TEXT    NOT NULL CHECK (series IN ('normal', 'circular', 'order')),
    last_number BIGINT NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (agency, year, series)
);

-- One row per number ever issued, written in the same transaction as the
-- sequence bump, so every number 1..=last_number has its row.
CREATE TABLE entries (
    agency          TEXT    NOT NULL,
    year            BIGINT NOT NULL,
    series          TEXT    NOT NULL CHECK (series IN ('normal', 'circular', 'order')),
    number          BIGINT NOT NULL CHECK (number >= 1),
    reference_text  TEXT    NOT NULL,
    letter_date     TEXT,
    sender          TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    pdf_sha256      TEXT,
    created_at      TEXT    NOT NULL,
    api_key_id      TEXT,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'issued', 'cancelled')),
    cancel_reason   TEXT,
    cancelled_at    TEXT,
    -- Shared by every number of one batch, hence not unique here; the key's
    -- uniqueness lives in idempotent_requests.
    idempotency_key TEXT,
    PRIMARY KEY (agency, year, series, number)
);
CREATE INDEX entries_idempotency ON entries (agency, idempotency_key);

-- A client's Idempotency-Key: which numbers it got, the hash of the body it
-- sent (a different body under the same key is refused) and the response
-- it was given, kept so that a retry gets the same bytes.
CREATE TABLE idempotent_requests (
    agency          TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    year            BIGINT NOT NULL,
    series          TEXT    NOT NULL,
    first_number    BIGINT NOT NULL,
    last_number     BIGINT NOT NULL,
    response_status BIGINT,
    content_type    TEXT,
    body            BYTEA,
    created_at      TEXT    NOT NULL,
    completed_at    TEXT,
    PRIMARY KEY (agency, idempotency_key)
);

-- API keys: only the SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    agency     TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_keys_agency ON api_keys (agency);
