-- One row per accepted event; event_id is the idempotency boundary.
CREATE TABLE events (
    event_id        uuid PRIMARY KEY,
    correlation_id  text NOT NULL,
    user_id         text NOT NULL,
    amount          numeric NOT NULL,
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    merchant        text NOT NULL,
    event_timestamp timestamptz NOT NULL,
    metadata        jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    payload_mode    text NOT NULL CHECK (payload_mode IN ('INLINE', 'S3')),
    payload_sha256  char(64) NOT NULL,
    payload_key     text,
    received_at     timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Transactional outbox: NULL until SNS accepted the event, so a message redelivered after a
    -- crash between commit and publish re-publishes it.
    published_at    timestamptz,
    CHECK ((payload_mode = 'S3') = (payload_key IS NOT NULL))
);
