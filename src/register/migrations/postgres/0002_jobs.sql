-- Batch jobs (POST /v1/jobs): the request as the client sent it, its state
-- and progress, and who runs it under a lease, so that a job outlives the
-- connection that asked and the instance that ran it.
CREATE TABLE jobs (
    id           TEXT    PRIMARY KEY,
    agency       TEXT    NOT NULL,
    api_key_id   TEXT,
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'done', 'failed')),
    merge        BIGINT NOT NULL,
    request      BYTEA   NOT NULL,
    total        BIGINT NOT NULL,
    done         BIGINT NOT NULL DEFAULT 0,
    webhook      TEXT,
    owner        TEXT,
    lease_until  TEXT,
    attempts     BIGINT NOT NULL DEFAULT 0,
    result       TEXT,
    error        TEXT,
    created_at   TEXT    NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);
CREATE INDEX jobs_waiting ON jobs (state, created_at);
