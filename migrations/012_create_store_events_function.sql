-- The processor's statement that stores a batch becomes a function, for its plan. PostgreSQL parses
-- and plans a statement sent as text every time it receives it; for this one that was 0.35 ms of the
-- 1.8 ms a batch of 10 took (measured on the embedded PostgreSQL). PL/pgSQL keeps the plans of a
-- function's statements for the session, so from the second batch on a connection only the call is
-- planned. A prepared statement would keep the plan too, but RDS Proxy pins a session that prepares
-- one (docs/TRADEOFFS.md, "The processor's INSERT is a function").

-- Whether an erasure covers an event: the same user (its id as SHA-256, migration 009), in its source
-- or every source, received at or before the erasure ran. The processor's INSERT keeps only the events
-- for which it is false, and replay from the archive skips the others.
CREATE FUNCTION covered_by_erasure(user_id text, source text, received_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM erasures x
    WHERE x.user_id_sha256 = encode(sha256(convert_to(covered_by_erasure.user_id, 'UTF8')), 'hex')
      AND (x.source IS NULL OR x.source = covered_by_erasure.source)
      AND covered_by_erasure.received_at <= x.erased_at)
$$;

-- One call stores a batch atomically: the columns arrive as one array each (the rows are their
-- elements at the same index). An id is claimed in event_keys first and only claimed ids are inserted,
-- each with its outbox row (migration 011); the stored rows come back.
CREATE FUNCTION store_events(
  event_ids uuid[], sources text[], correlation_ids text[], user_ids text[], amounts numeric[], currencies text[],
  merchants text[], event_timestamps timestamptz[], metadata_objects jsonb[], metadata_bytes integer[], payload_modes text[],
  payload_hashes text[], payload_keys text[], received_ats timestamptz[])
RETURNS TABLE (event_id uuid, source text, correlation_id text, user_id text, amount numeric, currency character(3), merchant text,
               event_timestamp timestamptz, payload_mode text, created_at timestamptz, metadata jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH batch AS (
    SELECT * FROM unnest(event_ids, sources, correlation_ids, user_ids, amounts, currencies, merchants, event_timestamps,
                         metadata_objects, metadata_bytes, payload_modes, payload_hashes, payload_keys, received_ats)
      AS b(event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp,
           metadata, metadata_escaped_bytes, payload_mode, payload_sha256, payload_key, received_at)
    WHERE NOT covered_by_erasure(b.user_id, b.source, b.received_at)
  ),
  claimed AS (
    INSERT INTO event_keys AS k (event_id, created_at) SELECT batch.event_id, now() FROM batch
    ON CONFLICT (event_id) DO NOTHING
    RETURNING k.event_id, k.created_at
  ),
  queued AS (INSERT INTO outbox (event_id, created_at) SELECT claimed.event_id, claimed.created_at FROM claimed)
  INSERT INTO events AS e (event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp,
                           metadata, metadata_escaped_bytes, payload_mode, payload_sha256, payload_key, received_at, created_at)
  SELECT batch.*, claimed.created_at FROM batch JOIN claimed ON claimed.event_id = batch.event_id
  RETURNING e.event_id, e.source, e.correlation_id, e.user_id, e.amount, e.currency, e.merchant, e.event_timestamp,
            e.payload_mode, e.created_at, e.metadata;
END
$$;
