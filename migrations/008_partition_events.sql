-- events becomes range-partitioned by created_at (the partitions themselves are created ahead by
-- functions/adapters/postgres-event-partitions.ts, which the migrate function runs after migrating).
-- PostgreSQL requires the partition key in every unique index of a partitioned table, so the key
-- is (event_id, created_at), and event_id alone is kept unique by event_keys: the processor claims
-- an id there before it inserts the event, in the same statement.
--
-- One transaction. EXCLUSIVE lets reads of events go on while the rows are copied and holds back
-- only writes (the processor's inserts wait; SQS keeps the messages); the DROP at the end needs
-- ACCESS EXCLUSIVE for a moment.
LOCK TABLE events IN EXCLUSIVE MODE;

-- Every event_id ever stored, with the created_at that finds its partition. A key outlives its event
-- (erasure deletes the event, never the key): an id is spent once, so no redelivery stores it again.
CREATE TABLE event_keys (
    event_id   uuid PRIMARY KEY,
    created_at timestamptz NOT NULL
);
INSERT INTO event_keys (event_id, created_at) SELECT event_id, created_at FROM events;

CREATE TABLE events_partitioned (
    event_id        uuid NOT NULL,
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
    -- Transactional outbox: NULL until SNS accepted the event.
    published_at    timestamptz,
    metadata_escaped_bytes integer CONSTRAINT events_metadata_escaped_bytes_not_negative CHECK (metadata_escaped_bytes >= 0),
    source          text NOT NULL DEFAULT 'default',
    CHECK ((payload_mode = 'S3') = (payload_key IS NOT NULL))
) PARTITION BY RANGE (created_at);
-- An event whose period has no partition yet lands here, neither lost nor refused; creating its
-- partition later moves it out.
CREATE TABLE events_default PARTITION OF events_partitioned DEFAULT;

INSERT INTO events_partitioned (event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, metadata, payload_mode,
                                payload_sha256, payload_key, received_at, created_at, published_at, metadata_escaped_bytes, source)
SELECT event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, metadata, payload_mode,
       payload_sha256, payload_key, received_at, created_at, published_at, metadata_escaped_bytes, source
FROM events;

-- Built after the copy (one sort per index instead of a row-by-row insert), under names that the old
-- table's indexes still hold until it is dropped. Each is created on every partition, present and future.
ALTER TABLE events_partitioned ADD CONSTRAINT events_partitioned_pkey PRIMARY KEY (event_id, created_at);
CREATE INDEX events_partitioned_user_idx ON events_partitioned (user_id, created_at DESC, event_id DESC);
CREATE INDEX events_partitioned_source_user_idx ON events_partitioned (source, user_id, created_at DESC, event_id DESC);
CREATE INDEX events_partitioned_created_idx ON events_partitioned (created_at, event_id);
CREATE INDEX events_partitioned_unpublished_idx ON events_partitioned (created_at, event_id) WHERE published_at IS NULL;

-- idempotency_keys referenced events (event_id), which is no longer unique on its own.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_event_id_fkey;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_event_id_fkey FOREIGN KEY (event_id) REFERENCES event_keys (event_id) ON DELETE CASCADE;

DROP TABLE events;
ALTER TABLE events_partitioned RENAME TO events;
ALTER TABLE events RENAME CONSTRAINT events_partitioned_pkey TO events_pkey;
ALTER INDEX events_partitioned_user_idx RENAME TO events_user_id_created_at_event_id_idx;
ALTER INDEX events_partitioned_source_user_idx RENAME TO events_source_user_id_created_at_event_id_idx;
ALTER INDEX events_partitioned_created_idx RENAME TO events_created_at_event_id_idx;
ALTER INDEX events_partitioned_unpublished_idx RENAME TO events_unpublished_created_at_event_id_idx;
-- A new table has no statistics until autovacuum gets to it, and the planner would guess.
ANALYZE events;

-- 007's mark looked rows up by event_id alone, which on a partitioned table probes every partition.
-- A batch's keys give the created_at range its rows lie in; with the range as parameters of the
-- UPDATE, PostgreSQL prunes to the partitions that range covers (usually the current one) whether
-- the plan is custom or generic. Still the function, not a SET, for RDS Proxy (migration 007).
CREATE OR REPLACE FUNCTION mark_published(event_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  earliest timestamptz;
  latest timestamptz;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT min(created_at), max(created_at) INTO earliest, latest FROM event_keys WHERE event_id = ANY(event_ids);
  UPDATE events SET published_at = now()
  WHERE event_id = ANY(event_ids) AND created_at BETWEEN earliest AND latest AND published_at IS NULL;
END
$$;
