-- The transactional outbox moves from a column of events (published_at) to a table of its own: one
-- narrow row per stored event SNS has not confirmed, inserted by the processor's INSERT of the event
-- and deleted by the mark. Marking used to UPDATE the event row, which PostgreSQL cannot do in place
-- (a HOT update) while an index's predicate names the changed column: each mark wrote the whole row
-- again with a new entry in each of its four indexes, about as much WAL as the INSERT itself, and left
-- a dead row per event for vacuum. A DELETE from a narrow table writes no index entry, and event rows
-- are never updated any more (docs/TRADEOFFS.md, "The outbox is a table").
--
-- One transaction. EXCLUSIVE holds back the processor's writes while the unconfirmed events are
-- copied (SQS keeps the messages) and lets reads go on; the DROP COLUMN needs ACCESS EXCLUSIVE for a
-- moment (it rewrites nothing).
LOCK TABLE events IN EXCLUSIVE MODE;

CREATE TABLE outbox (
    event_id   uuid PRIMARY KEY,
    -- The event's created_at: names its partition, and orders the outbox sweep.
    created_at timestamptz NOT NULL
);
CREATE INDEX outbox_created_at_event_id_idx ON outbox (created_at, event_id);
INSERT INTO outbox (event_id, created_at) SELECT event_id, created_at FROM events WHERE published_at IS NULL;

-- Drops events_unpublished_created_at_event_id_idx with it: its predicate names the column.
ALTER TABLE events DROP COLUMN published_at;

-- Still a function that turns synchronous_commit off for its own transaction only (migration 007).
CREATE OR REPLACE FUNCTION mark_published(event_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  DELETE FROM outbox WHERE event_id = ANY(event_ids);
END
$$;
