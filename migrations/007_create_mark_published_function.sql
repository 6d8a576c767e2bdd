-- The outbox mark, and only it, commits without waiting for its WAL flush (synchronous_commit off):
-- a crash may lose a mark but never an event, which is then announced again by a redelivery or by
-- the outbox sweep, as at-least-once delivery allows.
-- The setting is made inside the function so that no SET or set_config statement reaches RDS Proxy,
-- which may pin the session on one (docs/TRADEOFFS.md). set_config(..., true) lasts to the end of
-- the caller's transaction, where synchronous_commit is read; a SET clause on the function would be
-- undone when the function returns, before the commit.
CREATE OR REPLACE FUNCTION mark_published(event_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE events SET published_at = now() WHERE event_id = ANY(event_ids) AND published_at IS NULL;
END
$$;
