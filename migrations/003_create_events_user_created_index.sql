-- GET /events lists one user's events newest first: this index serves the user_id filter, the
-- created_at range and the keyset order (created_at DESC, event_id DESC) without a sort.
-- Not CONCURRENTLY: that cannot run in the migration's transaction, and a failed concurrent build
-- leaves an invalid index behind. A plain build only holds back the processor's inserts; ingest
-- keeps accepting, and SQS holds the messages until the build is done.
CREATE INDEX events_user_id_created_at_event_id_idx ON events (user_id, created_at DESC, event_id DESC);
