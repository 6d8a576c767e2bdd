-- One row per erasure of a user's events: the audit record (what was erased, when, by whom, how
-- much) and the tombstone the processor honours, so a message of that user already in flight when
-- the erasure ran (queued, deferred, in the DLQ) is never stored afterwards. It holds no personal
-- data: the user id only as the hex SHA-256 of its UTF-8 bytes.
CREATE TABLE erasures (
    erasure_id        uuid PRIMARY KEY,
    user_id_sha256    text NOT NULL CHECK (user_id_sha256 ~ '^[0-9a-f]{64}$'),
    -- NULL: every source.
    source            text,
    -- Events received at or before this instant are not stored again; later ones are.
    erased_at         timestamptz NOT NULL,
    -- The caller: on AWS the invoker's identity, locally the OS user.
    requested_by      text NOT NULL,
    -- NULL until the erasure's rows and payloads are deleted.
    rows_deleted      bigint,
    payloads_deleted  bigint,
    finished_at       timestamptz,
    CHECK ((finished_at IS NULL) = (rows_deleted IS NULL) AND (rows_deleted IS NULL) = (payloads_deleted IS NULL))
);

-- The processor's insert looks up each event's user here; the table stays as small as the number
-- of erasure requests.
CREATE INDEX erasures_user_id_sha256_erased_at_idx ON erasures (user_id_sha256, erased_at);
CREATE INDEX erasures_erased_at_idx ON erasures (erased_at);
